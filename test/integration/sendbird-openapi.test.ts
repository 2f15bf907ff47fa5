/**
 * The bodies sendbird.Bot really sends for create and update, captured from the sandbox's request
 * log, held to Sendbird's own OpenAPI document: field lists, types, required fields and length
 * limits. The schema is copied below as a small table, with where each part comes from; the
 * sandbox's own validation is not what is tested here (it could share a misreading with the
 * provider), this table is.
 */
import { randomBytes } from "node:crypto";
import { startSendbirdSandbox, type SendbirdSandbox } from "../../sandbox";
import { definition } from "../../provider/sendbird/bot";
import { handlersOf } from "../../provider/core/definition";
import { resetConfiguration } from "../../provider/core/credentials";
import { sendbirdBotArgs } from "../fixtures";
import { testPolicies } from "./handler-kit";

type JsonType = "string" | "boolean" | "integer";
interface Property {
  type: JsonType;
  /** Characters (Unicode code points). */
  maxLength?: number;
}
interface Schema {
  properties: Record<string, Property>;
  required: readonly string[];
}

/**
 * Source: Sendbird's OpenAPI document in its official Java SDK, repository
 * sendbird/sendbird-platform-sdk-java, path api/openapi.yaml, at commit
 * 20a3d1378c50d7a57e3f72cb3b21d4c5ec4ed22d (its last change before HEAD
 * 58d2d7d4e8c6bbece5cc0536633752a166be6a5d), components.schemas.createABot_request and
 * components.schemas.updateBotByIdData. Types and required lists are the document's. Lengths are
 * in its descriptions ("The length is limited to 80 characters."); createABot_request gives them
 * for bot_userid and bot_nickname only, the others come from the "Create a bot" page
 * (https://sendbird.com/docs/chat/v3/platform-api/bot/creating-a-bot/create-a-bot), as recorded in
 * docs/vendors/sendbird.md.
 */
const OPENAPI = {
  createABot_request: {
    properties: {
      bot_callback_url: { type: "string", maxLength: 1024 }, // length: the create page
      bot_nickname: { type: "string", maxLength: 80 },
      bot_profile_url: { type: "string", maxLength: 2048 }, // length: the create page
      bot_type: { type: "string", maxLength: 128 }, // length: the create page
      bot_userid: { type: "string", maxLength: 80 },
      is_privacy_mode: { type: "boolean" },
      channel_invitation_preference: { type: "integer" },
      enable_mark_as_read: { type: "boolean" },
      show_member: { type: "boolean" },
    },
    required: [
      "bot_callback_url",
      "bot_nickname",
      "bot_profile_url",
      "bot_type",
      "bot_userid",
      "is_privacy_mode",
    ],
  },
  updateBotByIdData: {
    properties: {
      // bot_userid ("Specifies the ID of the bot to update.") is in the document's schema but not on
      // the update page, whose body lists only the fields below; the id goes in the path.
      bot_nickname: { type: "string", maxLength: 80 },
      bot_profile_url: { type: "string", maxLength: 2048 },
      bot_callback_url: { type: "string", maxLength: 1024 },
      is_privacy_mode: { type: "boolean" },
      enable_mark_as_read: { type: "boolean" },
      show_member: { type: "boolean" },
      channel_invitation_preference: { type: "integer" },
    },
    // The document's generator marks all eight fields required; the update page says every body
    // field is optional, and an update sends only what changed (the preview is what up does).
    required: [],
  },
} as const satisfies Record<string, Schema>;

/** Every way `body` breaks `schema`, as readable lines; empty when it conforms. */
function violations(body: unknown, schema: Schema): string[] {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return ["the body is not an object"];
  const found: string[] = [];
  const fields = body as Record<string, unknown>;
  for (const name of schema.required) if (!(name in fields)) found.push(`${name} is required`);
  for (const [name, value] of Object.entries(fields)) {
    const property: Property | undefined = (schema.properties as Record<string, Property>)[name];
    if (property === undefined) {
      found.push(`${name} is not in the schema`);
      continue;
    }
    const typeOk =
      property.type === "integer"
        ? Number.isInteger(value)
        : property.type === "string"
          ? typeof value === "string"
          : typeof value === "boolean";
    if (!typeOk) found.push(`${name} is not of type ${property.type}`);
    if (
      property.maxLength !== undefined &&
      typeof value === "string" &&
      [...value].length > property.maxLength
    ) {
      found.push(`${name} is longer than ${property.maxLength} characters`);
    }
  }
  return found;
}

/** A string of exactly `length` characters (code points), some of them outside ASCII. */
function ofLength(length: number, prefix = ""): string {
  const filler = "aé漢b";
  let s = prefix;
  while ([...s].length < length) s += [...filler][[...s].length % 4];
  return s;
}

const url = (length: number) => ofLength(length, "https://example.com/").replace(/[^\x21-\x7e]/g, "x");

const longest = {
  botUserid: ofLength(80, "max_"),
  botNickname: ofLength(80),
  botProfileUrl: url(2048),
  botType: ofLength(128),
  botCallbackUrl: url(1024),
};

/** Declared bots, from the least to the most the provider could send. */
const DECLARED: [string, Record<string, unknown>][] = [
  ["only the required inputs", { ...sendbirdBotArgs, botUserid: "min_bot" }],
  [
    "every input, none at its default",
    {
      ...sendbirdBotArgs,
      botUserid: "all_bot",
      isPrivacyMode: true,
      enableMarkAsRead: false,
      showMember: true,
      channelInvitationPreference: 1,
    },
  ],
  ["no profile image", { ...sendbirdBotArgs, botUserid: "no_image_bot", botProfileUrl: "" }],
  ["every string at its longest", { ...sendbirdBotArgs, ...longest }],
];

/** Changes of a declared bot: each updatable input alone, and all of them at once (longest values). */
const CHANGES: [string, Record<string, unknown>][] = [
  ["botNickname", { botNickname: "Renamed" }],
  ["botProfileUrl", { botProfileUrl: "https://example.com/other.png" }],
  ["botProfileUrl to none", { botProfileUrl: "" }],
  ["botCallbackUrl", { botCallbackUrl: "https://example.com/other" }],
  ["isPrivacyMode", { isPrivacyMode: true }],
  ["enableMarkAsRead", { enableMarkAsRead: false }],
  ["showMember", { showMember: true }],
  ["channelInvitationPreference", { channelInvitationPreference: 1 }],
  [
    "all of them, strings at their longest",
    {
      botNickname: longest.botNickname,
      botProfileUrl: longest.botProfileUrl,
      botCallbackUrl: longest.botCallbackUrl,
      isPrivacyMode: true,
      enableMarkAsRead: false,
      showMember: true,
      channelInvitationPreference: 1,
    },
  ],
];

let sandbox: SendbirdSandbox;
const botHandlers = handlersOf(definition, testPolicies());

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await botHandlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Record<string, unknown>;
}

const sent = (method: string) => sandbox.requests.filter((r) => r.method === method).map((r) => r.body);

beforeEach(async () => {
  const apiToken = randomBytes(20).toString("hex");
  sandbox = await startSendbirdSandbox({ apiToken, rateLimit: false });
  process.env.SENDBIRD_API_URL = sandbox.url;
  process.env.SENDBIRD_API_TOKEN = apiToken;
  process.env.SENDBIRD_WRITES_PER_SECOND = "100";
  process.env.SENDBIRD_READS_PER_SECOND = "100";
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of [
    "SENDBIRD_API_URL",
    "SENDBIRD_API_TOKEN",
    "SENDBIRD_WRITES_PER_SECOND",
    "SENDBIRD_READS_PER_SECOND",
  ])
    delete process.env[name];
});

test("the schema table catches what it should", () => {
  const schema = OPENAPI.createABot_request;
  expect(violations({ bot_userid: "x" }, schema)).toContain("bot_nickname is required");
  expect(violations({ ...minimalCreate(), bot_type: 1 }, schema)).toEqual(["bot_type is not of type string"]);
  expect(violations({ ...minimalCreate(), ai: {} }, schema)).toEqual(["ai is not in the schema"]);
  expect(violations({ ...minimalCreate(), channel_invitation_preference: 0.5 }, schema)).toEqual([
    "channel_invitation_preference is not of type integer",
  ]);
  expect(violations({ ...minimalCreate(), bot_nickname: ofLength(81) }, schema)).toEqual([
    "bot_nickname is longer than 80 characters",
  ]);
  expect(violations({ bot_type: "x" }, OPENAPI.updateBotByIdData)).toEqual(["bot_type is not in the schema"]);
  expect(violations(minimalCreate(), schema)).toEqual([]);
});

function minimalCreate(): Record<string, unknown> {
  return {
    bot_userid: "x",
    bot_nickname: "x",
    bot_profile_url: "",
    bot_type: "x",
    bot_callback_url: "https://example.com",
    is_privacy_mode: false,
  };
}

describe.each(DECLARED)("a bot with %s", (_name, declared) => {
  test("create sends a createABot_request", async () => {
    await botHandlers.create(await checked(declared));
    const bodies = sent("POST");
    expect(bodies).toHaveLength(1);
    expect(violations(bodies[0], OPENAPI.createABot_request)).toEqual([]);
  });

  test.each(CHANGES)("an update of %s sends an updateBotByIdData", async (_change, change) => {
    const created = await botHandlers.create(await checked(declared));
    await botHandlers.update(
      String(declared.botUserid),
      created.outs,
      await checked({ ...declared, ...change }),
    );
    const bodies = sent("PUT");
    for (const body of bodies) expect(violations(body, OPENAPI.updateBotByIdData)).toEqual([]);
  });
});

test("adopting an existing bot sends only updateBotByIdData fields", async () => {
  await botHandlers.create(await checked(sendbirdBotArgs));
  await botHandlers.create(await checked({ ...sendbirdBotArgs, ...CHANGES.at(-1)![1], adopt: true }));
  expect(sent("PUT")).toHaveLength(1);
  expect(violations(sent("PUT")[0], OPENAPI.updateBotByIdData)).toEqual([]);
});

test.each(Object.entries(longest))(
  "check refuses %s one character past Sendbird's limit",
  async (input, value) => {
    const tooLong = input.endsWith("Url") ? `${value}x` : `${value}é`;
    const r = await botHandlers.check({}, { ...sendbirdBotArgs, [input]: tooLong });
    expect(r.failures).toHaveLength(1);
    expect(JSON.stringify(r.failures)).toContain(input);
  },
);
