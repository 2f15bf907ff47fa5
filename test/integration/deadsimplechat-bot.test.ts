/**
 * deadsimplechat.Bot and BotChatRoom handlers against the DeadSimpleChat sandbox over real HTTP:
 * the code the provider process runs, minus the engine. Credentials come from the environment.
 */
import { randomBytes } from "node:crypto";
import {
  startDeadSimpleChatSandbox,
  type DeadSimpleChatSandbox,
  type DeadSimpleChatSandboxOptions,
} from "../../sandbox";
import { definition as botDefinition } from "../../provider/deadsimplechat/bot";
import { definition as botChatRoomDefinition } from "../../provider/deadsimplechat/botChatRoom";
import { handlersOf } from "../../provider/core/definition";
import { resetConfiguration } from "../../provider/core/credentials";
import { ResourceInitError } from "../../provider/core/errors";
import { errorTexts, failure, jsonAnswer, testPolicies } from "./handler-kit";

const declared = {
  name: "Support Bot",
  description: "Answers questions",
  trigger: "mention",
  messageVisibility: "public",
  webhookUrl: "https://example.com/dsc-hook",
  metadata: { team: "support", tier: 2 },
};

let sandbox: DeadSimpleChatSandbox;
let apiKey: string;
let warnings: string[];
const policies = testPolicies({ warn: (m) => void warnings.push(m) });
const botHandlers = handlersOf(botDefinition, policies);
const botChatRoomHandlers = handlersOf(botChatRoomDefinition, policies);
const keys: string[] = [];

type Props = Record<string, unknown>;

async function checked(news: Props, handlers = botHandlers): Promise<Props> {
  const r = await handlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Props;
}

/**
 * The readings of what DeadSimpleChat's pages leave open; every test runs under each. The list page's
 * example bot shows only some fields, and the create page documents no answer for a taken name.
 */
const READINGS: [string, Partial<DeadSimpleChatSandboxOptions>][] = [
  ["whole bots listed, create refuses a taken name with the update page's answer", {}],
  ["the listing carries only the list page's fields", { listOmitsOptionalFields: true }],
  ['create refuses a taken name with "Bot name conflict"', { createNameConflict: "heading" }],
  ["PUT resets the optional fields it omits", { updateResetsOmittedFields: true }],
  [
    "PUT resets what it omits, and the listing carries only the list page's fields",
    { updateResetsOmittedFields: true, listOmitsOptionalFields: true },
  ],
  [
    "every bot the API returns (listed or answered) carries only the list page's fields",
    { listOmitsOptionalFields: true, answersOmitOptionalFields: true },
  ],
];
let reading: Partial<DeadSimpleChatSandboxOptions> = {};

async function useSandbox(opts: Partial<DeadSimpleChatSandboxOptions> = {}): Promise<void> {
  await sandbox?.stop();
  apiKey = randomBytes(24).toString("hex");
  keys.push(apiKey);
  sandbox = await startDeadSimpleChatSandbox({ apiKey, rateLimit: false, ...reading, ...opts });
  process.env.DEADSIMPLECHAT_API_URL = sandbox.url;
  process.env.DEADSIMPLECHAT_API_KEY = apiKey;
  // The default pace (4 requests/s) is for the real service; these tests count calls, not time.
  process.env.DEADSIMPLECHAT_READS_PER_SECOND = "100";
  process.env.DEADSIMPLECHAT_WRITES_PER_SECOND = "100";
}

/** A change made in DeadSimpleChat's dashboard, behind Pulumi's back. */
async function changeByHand(botId: string, body: Props): Promise<void> {
  const res = await fetch(`${sandbox.url}/bot/${botId}?auth=${apiKey}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

const calls = (method: string, path: string | RegExp) =>
  sandbox.requests.filter(
    (r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)),
  );
const api = (p: string) => `/consumer/api/v2${p}`;
const lists = () => calls("GET", api("/bots"));
const creates = () => calls("POST", api("/bot"));
const puts = () => calls("PUT", /\/bot\//);

async function createBot(news: Props = declared) {
  return botHandlers.create(await checked(news));
}

beforeEach(async () => {
  warnings = [];
  await useSandbox();
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of [
    "DEADSIMPLECHAT_API_URL",
    "DEADSIMPLECHAT_API_KEY",
    "DEADSIMPLECHAT_READS_PER_SECOND",
    "DEADSIMPLECHAT_WRITES_PER_SECOND",
  ])
    delete process.env[name];
});

describe.each(READINGS)("reading: %s", (_reading, options) => {
  beforeAll(() => {
    reading = options;
  });

  describe("deadsimplechat.Bot lifecycle", () => {
    test("create, read, update only what changed, delete disables and warns", async () => {
      const inputs = await checked(declared);
      const created = await botHandlers.create(inputs);
      const stored = sandbox.bot(created.id);
      expect(stored).toMatchObject({
        name: "Support Bot",
        webhookURL: "https://example.com/dsc-hook",
        metadata: '{"team":"support","tier":2}',
        enabled: true,
        isAllowedInAllChatRooms: false,
      });
      expect(created.outs).toMatchObject({
        ...inputs,
        botId: created.id,
        customer: sandbox.customer,
        created: stored?.created,
      });

      const read = await botHandlers.read(created.id, created.outs);
      expect(read).toEqual({ id: created.id, props: created.outs, inputs });

      const news = await checked({ ...declared, description: "Answers more", metadata: { tier: 3 } });
      const updated = await botHandlers.update(created.id, created.outs, news);
      expect(updated.outs).toMatchObject({ description: "Answers more", metadata: '{"tier":3}' });
      const sent = { description: "Answers more", metadata: '{"tier":3}' };
      const resets = reading.updateResetsOmittedFields === true;
      // Where the listing shows trigger and PUT resets what it omits, the reset is seen and undone
      // with its live value. Where the listing does not show it, there is no live value to restore:
      // the answer's value is taken into the state, with a warning, so the next preview shows it.
      const unseenReset = resets && reading.listOmitsOptionalFields === true;
      expect(puts().map((r) => r.body)).toEqual(
        resets && !unseenReset ? [sent, { ...sent, trigger: "mention" }] : [sent],
      );
      const trigger = unseenReset ? "message" : "mention";
      expect(sandbox.bot(created.id)).toMatchObject({ ...sent, trigger, messageVisibility: "public" });
      expect(updated.outs).toMatchObject({ trigger });
      expect(warnings).toEqual(
        unseenReset
          ? [
              `pulumi-chatbots: DeadSimpleChat's answer to the update of DeadSimpleChat bot "Support Bot" ` +
                `(id ${created.id}) shows trigger other than the state held (changed in the dashboard, or ` +
                "reset by the update); its bot list does not show it, so the state now holds " +
                "DeadSimpleChat's value and the next preview shows the difference",
            ]
          : [],
      );
      warnings = [];

      await botHandlers.delete(created.id, updated.outs ?? {});
      expect(sandbox.isEnabled(created.id)).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`"Support Bot" (id ${created.id}) was disabled`);
      expect(warnings[0]).toContain("adopt: true");
    });

    test("an undeclared optional field is neither sent nor compared", async () => {
      const created = await createBot({ name: "Lean", webhookUrl: "https://example.com/h" });
      expect(creates()[0].body).toEqual({
        name: "Lean",
        webhookURL: "https://example.com/h",
        isAllowedInAllChatRooms: false,
        enabled: true,
      });
      // The sandbox filled trigger and messageVisibility with its defaults: refresh ignores them.
      const read = await botHandlers.read(created.id, created.outs);
      expect(read.props).toEqual(created.outs);
    });

    test("refresh sees drift in listed fields and keeps state where the list is silent", async () => {
      await useSandbox({ listOmitsOptionalFields: true });
      const created = await createBot();
      await changeByHand(created.id, { webhookURL: "https://example.com/other", description: "by hand" });
      const read = await botHandlers.read(created.id, created.outs);
      expect(read.props).toMatchObject({
        webhookUrl: "https://example.com/other",
        // Not in the listing: refresh cannot see this drift.
        description: "Answers questions",
      });
      expect(read.inputs).toMatchObject({ webhookUrl: "https://example.com/other" });
    });

    test("a bot gone from the account reads as gone; an update of it says so", async () => {
      const created = await createBot();
      await useSandbox(); // an empty account behind the same settings
      expect(await botHandlers.read(created.id, created.outs)).toEqual({});
      const news = await checked({ ...declared, description: "x" });
      const err = await failure(botHandlers.update(created.id, created.outs, news));
      expect(err.message).toContain("no longer exists");
      expect(err.message).toContain("pulumi refresh");
      // Deleting it succeeds without a warning: nothing remains.
      await botHandlers.delete(created.id, created.outs);
      expect(warnings).toEqual([]);
    });

    test("a wrong key is told apart from a missing bot", async () => {
      const created = await createBot();
      process.env.DEADSIMPLECHAT_API_KEY = randomBytes(24).toString("hex");
      keys.push(process.env.DEADSIMPLECHAT_API_KEY);
      const news = await checked({ ...declared, description: "x" });
      for (const attempt of [
        () => botHandlers.update(created.id, created.outs, news),
        () => botHandlers.delete(created.id, created.outs),
        () => botHandlers.read(created.id, created.outs),
      ]) {
        const err = await failure(attempt());
        expect(err.message).toContain("HTTP 401");
        expect(err.message).toContain("check deadsimplechat:apiKey (or DEADSIMPLECHAT_API_KEY)");
      }
      expect(sandbox.isEnabled(created.id)).toBe(true);
    });
  });

  describe("reads share one listing", () => {
    test("a refresh of 30 bots lists once", async () => {
      const bots = [];
      for (let i = 0; i < 30; i++) bots.push(await createBot({ ...declared, name: `Bot ${i}` }));
      const before = lists().length;
      const reads = await Promise.all(bots.map((b) => botHandlers.read(b.id, b.outs)));
      expect(reads.map((r) => r.id)).toEqual(bots.map((b) => b.id));
      expect(lists().length - before).toBe(1);
    });

    test("a read after an update lists anew", async () => {
      const created = await createBot();
      await botHandlers.read(created.id, created.outs);
      const news = await checked({ ...declared, description: "new" });
      const updated = await botHandlers.update(created.id, created.outs, news);
      // A field every listing carries, so the drift shows under each reading.
      await changeByHand(created.id, { webhookURL: "https://example.com/by-hand" });
      const before = lists().length;
      const read = await botHandlers.read(created.id, updated.outs ?? {});
      expect(lists().length - before).toBe(1);
      expect(read.props).toMatchObject({ webhookUrl: "https://example.com/by-hand" });
    });
  });

  describe("nothing lost, nothing duplicated", () => {
    test.each(["lose-response", "commit-then-status"] as const)(
      "a create whose answer is lost (%s) is found, not sent again",
      async (kind) => {
        sandbox.faults.inject({
          method: "POST",
          path: api("/bot"),
          fault: kind === "lose-response" ? { kind } : { kind, status: 502 },
        });
        const created = await createBot();
        expect(sandbox.bots()).toHaveLength(1);
        expect(created.id).toBe(sandbox.bots()[0]._id);
        expect(creates()).toHaveLength(1);
      },
    );

    test("with duplicate names allowed, a lost answer still makes one bot", async () => {
      await useSandbox({ duplicateNamesAllowed: true });
      sandbox.faults.inject({ method: "POST", path: api("/bot"), fault: { kind: "lose-response" } });
      await createBot();
      expect(sandbox.bots()).toHaveLength(1);
    });

    test("a 429 is waited out", async () => {
      sandbox.faults.inject({
        path: api("/bots"),
        fault: { kind: "status", status: 429, retryAfterSeconds: 0 },
      });
      const created = await createBot();
      expect((await botHandlers.read(created.id, created.outs)).id).toBe(created.id);
    });

    test("a name in use fails with how to adopt; adopt takes a disabled bot over and enables it", async () => {
      const first = await createBot();
      await botHandlers.delete(first.id, first.outs);
      const err = await failure(createBot({ ...declared, description: "second" }));
      expect(err.message).toContain('a DeadSimpleChat bot named "Support Bot" already exists');
      expect(err.message).toContain("adopt: true");

      const adopted = await createBot({
        ...declared,
        name: "support bot",
        description: "second",
        adopt: true,
      });
      expect(adopted.id).toBe(first.id);
      expect(sandbox.bots()).toHaveLength(1);
      expect(sandbox.bot(first.id)).toMatchObject({
        name: "support bot",
        description: "second",
        enabled: true,
      });
    });

    test("an update sends only what changed: a field hidden by ignoreChanges keeps its dashboard value", async () => {
      const created = await createBot();
      await changeByHand(created.id, { description: "by hand" });
      const before = puts().length;
      // ignoreChanges on description: the engine passes the old value as the new one.
      const news = await checked({ ...declared, webhookUrl: "https://example.com/moved" });
      const updated = await botHandlers.update(created.id, created.outs, news);
      expect(puts()[before].body).toEqual({ webhookURL: "https://example.com/moved" });
      // Where PUT resets what it omits, the description is gone: an answer without it cannot be told
      // from one that does not show it (docs/vendors/deadsimplechat.md, "Not documented").
      expect(sandbox.bot(created.id)?.description).toBe(
        reading.updateResetsOmittedFields ? undefined : "by hand",
      );
      expect(updated.outs).toMatchObject({ webhookUrl: "https://example.com/moved" });
    });

    test("a field no longer declared stays out of the state, also when another field is updated", async () => {
      const created = await createBot();
      const { description: _dropped, ...rest } = declared;
      const news = await checked({ ...rest, webhookUrl: "https://example.com/moved" });
      const updated = await botHandlers.update(created.id, created.outs, news);
      expect(updated.outs).not.toHaveProperty("description");
      expect(updated.outs).toMatchObject({ webhookUrl: "https://example.com/moved" });
    });

    test("adopt sends every declared field the listing cannot show, never assuming it equal", async () => {
      const first = await createBot();
      await botHandlers.delete(first.id, first.outs);
      const second = { ...declared, description: "second stack", messageHistoryLimit: 20, adopt: true };
      const adopted = await createBot(second);
      expect(adopted.id).toBe(first.id);
      expect(sandbox.bot(first.id)).toMatchObject({
        description: "second stack",
        messageHistoryLimit: 20,
        enabled: true,
      });
      expect(adopted.outs).toMatchObject({ description: "second stack", messageHistoryLimit: 20 });
    });

    test("after a lost create answer, what the listing cannot show is sent, not assumed", async () => {
      sandbox.faults.inject({ method: "POST", path: api("/bot"), fault: { kind: "lose-response" } });
      const created = await createBot();
      expect(sandbox.bots()).toHaveLength(1);
      expect(sandbox.bot(created.id)).toMatchObject({ description: "Answers questions", trigger: "mention" });
      // Only the fields the listing leaves out (if any) go in a PUT after the lookup.
      const sent = puts().map((r) => Object.keys(r.body as object).sort());
      expect(sent).toEqual(
        reading.listOmitsOptionalFields ? [["description", "messageVisibility", "metadata", "trigger"]] : [],
      );
    });

    test("a rename onto another bot's name names both and changes nothing", async () => {
      const other = await createBot({ ...declared, name: "Taken" });
      const created = await createBot();
      const before = puts().length;
      const news = await checked({ ...declared, name: "TAKEN", description: "changed too" });
      const err = await failure(botHandlers.update(created.id, created.outs, news));
      expect(err.message).toContain(
        `cannot rename DeadSimpleChat bot "Support Bot" (id ${created.id}) to "TAKEN"`,
      );
      expect(err.message).toContain(`DeadSimpleChat bot "Taken" (id ${other.id}) already has that name`);
      expect(puts().length).toBe(before);
      expect(sandbox.bot(created.id)?.description).toBe("Answers questions");
    });
  });

  describe("updates that send nothing, and a rename that loses a race", () => {
    test("changing only adopt, or no longer declaring a field, sends nothing and updates the state", async () => {
      const created = await createBot();
      const before = puts().length;
      const adoptOnly = await botHandlers.update(
        created.id,
        created.outs,
        await checked({ ...declared, adopt: true }),
      );
      expect(adoptOnly.outs).toMatchObject({
        adopt: true,
        description: "Answers questions",
        botId: created.id,
      });
      const { description: _dropped, ...rest } = declared;
      const forgotten = await botHandlers.update(created.id, adoptOnly.outs ?? {}, await checked(rest));
      expect(forgotten.outs).not.toHaveProperty("description");
      expect(forgotten.outs).toMatchObject({ adopt: false, name: "Support Bot", customer: sandbox.customer });
      expect(puts().length).toBe(before);
      // State written without `adopt` reads as adopt: false.
      const { adopt: _a, ...withoutAdopt } = created.outs;
      expect((await botHandlers.read(created.id, withoutAdopt)).inputs).toMatchObject({ adopt: false });
    });

    test("a name taken after the check (seen in a shared listing) is refused by DeadSimpleChat and reported naming both bots", async () => {
      const created = await createBot();
      await botHandlers.read(created.id, created.outs); // the listing now shared for a moment
      // Another bot takes the name outside this provider process, so the shared listing misses it.
      const res = await fetch(`${sandbox.url}/bot?auth=${apiKey}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Taken", webhookURL: "https://example.com/h" }),
      });
      const other = ((await res.json()) as { bot: { _id: string } }).bot._id;
      const err = await failure(
        botHandlers.update(created.id, created.outs, await checked({ ...declared, name: "Taken" })),
      );
      expect(err.message).toContain(
        `cannot rename DeadSimpleChat bot "Support Bot" (id ${created.id}) to "Taken"`,
      );
      expect(err.message).toContain(`DeadSimpleChat bot "Taken" (id ${other}) already has that name`);
      expect(sandbox.bot(created.id)?.name).toBe("Support Bot");
    });
  });

  describe("the key never shows", () => {
    test("not in errors from the vendor, from the network, or from a wrong base URL", async () => {
      sandbox.faults.inject({ path: api("/bots"), fault: { kind: "status", status: 500 }, times: Infinity });
      const e1 = await failure(botHandlers.read("653d69f2357917b517297b8d", {}));
      expect(e1.message).toContain("HTTP 500");
      sandbox.faults.clear();

      process.env.DEADSIMPLECHAT_API_URL = `${sandbox.url}/${apiKey}`;
      const e2 = await failure(botHandlers.read("653d69f2357917b517297b8d", {}));
      expect(e2.message).toContain("deadsimplechat:apiUrl or DEADSIMPLECHAT_API_URL");

      process.env.DEADSIMPLECHAT_API_URL = `http://127.0.0.1:1/${apiKey}`;
      const e3 = await failure(botHandlers.read("653d69f2357917b517297b8d", {}));
      expect(e3.message).toContain("network error");

      for (const m of [...errorTexts, ...warnings]) for (const k of keys) expect(m).not.toContain(k);
    }, 60_000);
  });

  describe("deadsimplechat.BotChatRoom", () => {
    test("enable in a room, read, disable; a missing room or bot is named", async () => {
      await useSandbox({ chatRooms: ["x8z343Tlt"] });
      const bot = await createBot();
      const inputs = await checked({ botId: bot.id, roomId: "x8z343Tlt" }, botChatRoomHandlers);
      const room = await botChatRoomHandlers.create(inputs);
      expect(room.id).toBe(`${bot.id}/x8z343Tlt`);
      expect(sandbox.rooms(bot.id)).toEqual(["x8z343Tlt"]);
      expect(await botChatRoomHandlers.read(room.id, room.outs)).toEqual({
        id: room.id,
        props: room.outs,
        inputs,
      });
      // `get` reads from the id alone.
      expect((await botChatRoomHandlers.read(room.id, {})).props).toMatchObject(inputs);

      const noRoom = await failure(botChatRoomHandlers.create({ botId: bot.id, roomId: "nope" }));
      expect(noRoom.message).toContain("chatRoom not found");
      const noBot = await failure(
        botChatRoomHandlers.create({ botId: "653d69f2357917b517297b8d", roomId: "x8z343Tlt" }),
      );
      expect(noBot.message).toContain('no bot with id "653d69f2357917b517297b8d"');

      await botChatRoomHandlers.delete(room.id, room.outs);
      expect(sandbox.rooms(bot.id)).toEqual([]);
      expect(warnings).toEqual([]);
    });

    test("BotChatRoom.get reads the bot and room from the id; an id that is not <botId>/<roomId> is refused", async () => {
      const bot = await createBot();
      expect((await botChatRoomHandlers.read(`${bot.id}/r1`, {})).props).toMatchObject({
        botId: bot.id,
        roomId: "r1",
      });
      expect((await botChatRoomHandlers.read(`${bot.id}/r/1`, {})).props).toMatchObject({ roomId: "r/1" });
      for (const id of [bot.id, `/${bot.id}`, `${bot.id}/`, "/"]) {
        const err = await failure(botChatRoomHandlers.read(id, {}));
        expect(err.message).toBe('a deadsimplechat.BotChatRoom id is "<botId>/<roomId>"');
      }
    });

    test("a room assignment whose bot is gone reads as gone and deletes cleanly", async () => {
      const bot = await createBot();
      const room = await botChatRoomHandlers.create({ botId: bot.id, roomId: "r1" });
      await useSandbox();
      expect(await botChatRoomHandlers.read(room.id, room.outs)).toEqual({});
      await expect(botChatRoomHandlers.delete(room.id, room.outs)).resolves.toBeUndefined();
    });

    test("a room deleted in the dashboard: delete succeeds and warns, naming the room", async () => {
      await useSandbox({ chatRooms: ["r1", "r2"] });
      const bot = await createBot();
      const room = await botChatRoomHandlers.create({ botId: bot.id, roomId: "r1" });
      sandbox.setChatRooms(["r2"]);
      await botChatRoomHandlers.delete(room.id, room.outs);
      expect(warnings).toEqual([
        'pulumi-chatbots: DeadSimpleChat no longer has chat room "r1", or no longer lets this key change it ' +
          `("not found, or you do not have permission"): bot ${bot.id} was not disabled there, and the ` +
          "assignment was removed from the stack. If the room still exists, disable the bot in it in the dashboard",
      ]);
      // A wrong key is still an error, not a room gone.
      const again = await botChatRoomHandlers.create({ botId: bot.id, roomId: "r2" });
      process.env.DEADSIMPLECHAT_API_KEY = randomBytes(24).toString("hex");
      keys.push(process.env.DEADSIMPLECHAT_API_KEY);
      const err = await failure(botChatRoomHandlers.delete(again.id, again.outs));
      expect(err.message).toContain("DeadSimpleChat rejected the private key");
    });

    test("a lost answer to enable is simply sent again", async () => {
      const bot = await createBot();
      sandbox.faults.inject({ method: "POST", path: /chatroom/, fault: { kind: "lose-response" } });
      await botChatRoomHandlers.create({ botId: bot.id, roomId: "r1" });
      expect(sandbox.rooms(bot.id)).toEqual(["r1"]);
    });
  });
});

/** Protections whose tests need no reading of the docs in particular (the default sandbox). */
describe("deadsimplechat.Bot: whose bot, and which error", () => {
  beforeAll(() => {
    reading = {};
  });
  const CONFLICT = "Bot of the same name exists, please choose a different name or delete existing bot";
  /** DeadSimpleChat's error body, `{ "message": ... }`. */
  const answer = (status: number, message: string) => jsonAnswer(status, { message });
  /** The error of an update of a new bot to `change`, whose PUT gets `fault`. */
  async function refusedUpdate(fault: ReturnType<typeof answer>, change: Props): Promise<Error> {
    const created = await createBot();
    sandbox.faults.inject({ method: "PUT", fault });
    return failure(botHandlers.update(created.id, created.outs, await checked({ ...declared, ...change })));
  }
  /** A bot made in the dashboard: not by this provider. */
  async function madeByHand(body: Props): Promise<string> {
    const res = await fetch(`${sandbox.url}/bot?auth=${apiKey}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return ((await res.json()) as { bot: { _id: string } }).bot._id;
  }

  test("a create that never arrived is sent again, though the account holds other bots", async () => {
    await createBot({ ...declared, name: "Other" });
    sandbox.faults.inject({ method: "POST", path: api("/bot"), fault: { kind: "drop" } });
    const created = await createBot();
    expect(sandbox.bots().map((b) => b.name)).toEqual(["Other", "Support Bot"]);
    expect(created.outs).toMatchObject({ name: "Support Bot" });
  });

  test("after a create that never arrived, someone else's bot of that name is not taken for ours", async () => {
    const theirs = await madeByHand({ name: "Support Bot", webhookURL: "https://example.com/theirs" });
    sandbox.faults.inject({ method: "POST", path: api("/bot"), fault: { kind: "drop" } });
    const err = await failure(createBot());
    expect(err.message).toBe(
      'a DeadSimpleChat bot named "Support Bot" already exists in this account (perhaps one a `pulumi destroy` ' +
        "disabled: DeadSimpleChat cannot delete bots). To manage it with Pulumi, set `adopt: true` on this " +
        "resource (it is then brought to the declared state and enabled), or choose another name",
    );
    expect(sandbox.bot(theirs)?.webhookURL).toBe("https://example.com/theirs");
    expect(puts()).toHaveLength(0);
  });

  test("a lost create whose completing update keeps failing is recorded with what the listing showed", async () => {
    await useSandbox({ listOmitsOptionalFields: true });
    sandbox.faults.inject({ method: "POST", path: api("/bot"), fault: { kind: "lose-response" } });
    sandbox.faults.inject({ method: "PUT", fault: { kind: "status", status: 503 }, times: Infinity });
    const err = await failure(createBot());
    expect(err).toBeInstanceOf(ResourceInitError);
    const init = err as ResourceInitError;
    expect(init.id).toBe(sandbox.bots()[0]._id);
    // The fields the listing cannot show stay out, so the next `up` sends them.
    expect(Object.keys(init.properties).sort()).toEqual(
      [
        "__stateVersion",
        "adopt",
        "botId",
        "created",
        "customer",
        "enabled",
        "isAllowedInAllChatRooms",
        "name",
        "webhookUrl",
      ].sort(),
    );
    expect(init.message).toContain("HTTP 503");
  });

  test("Bot.get (a read without state) takes every field the listing shows", async () => {
    const created = await createBot();
    const got = await botHandlers.read(created.id, {});
    expect(got.props).toMatchObject({
      name: "Support Bot",
      description: "Answers questions",
      webhookUrl: "https://example.com/dsc-hook",
      botId: created.id,
    });
  });

  test("an update that does not rename looks for no name collision: one listing, to find the bot", async () => {
    const created = await createBot();
    const listed = lists().length;
    await botHandlers.update(created.id, created.outs, await checked({ ...declared, description: "New" }));
    expect(lists().length - listed).toBe(1);
  });

  test("a rename in case only is no collision with the bot itself", async () => {
    const created = await createBot();
    const renamed = await botHandlers.update(
      created.id,
      created.outs,
      await checked({ ...declared, name: "SUPPORT BOT" }),
    );
    expect(renamed.outs).toMatchObject({ name: "SUPPORT BOT" });
    expect(sandbox.bot(created.id)?.name).toBe("SUPPORT BOT");
  });

  test("a rename refused for another reason is that reason, not a name collision", async () => {
    const err = await refusedUpdate(answer(400, "webhookURL must be a valid uri"), { name: "Renamed" });
    expect(err.message).toContain("HTTP 400");
    expect(err.message).toContain("webhookURL must be a valid uri");
    expect(err.message).not.toContain("cannot rename");
  });

  test("a conflict answer to an update that sends no name is the vendor's error as it is", async () => {
    const err = await refusedUpdate(answer(400, CONFLICT), { description: "New" });
    expect(err.message).toContain(`HTTP 400: ${CONFLICT}`);
    expect(err.message).not.toContain("cannot rename");
  });

  test("a rename refused as a conflict when no other bot shows the name: 'another bot', and the whole advice", async () => {
    const created = await createBot();
    sandbox.faults.inject({ method: "PUT", fault: answer(400, CONFLICT) });
    const err = await failure(
      botHandlers.update(created.id, created.outs, await checked({ ...declared, name: "Renamed" })),
    );
    expect(err.message).toBe(
      `cannot rename DeadSimpleChat bot "Support Bot" (id ${created.id}) to "Renamed": another bot already ` +
        "has that name (names are unique in a DeadSimpleChat account, regardless of case). Nothing was " +
        "changed; choose another name, or rename or remove the other bot first",
    );
  });

  test("a bot gone between the lookup and the update's PUT is reported gone", async () => {
    const created = await createBot();
    const news = await checked({ ...declared, description: "New" });
    // The PUT arrives late; the bot is removed in the dashboard meanwhile (DeadSimpleChat answers 401).
    sandbox.faults.inject({ method: "PUT", fault: { kind: "latency", ms: 500 } });
    const pending = failure(botHandlers.update(created.id, created.outs, news));
    setTimeout(() => sandbox.removeBot(created.id), 200);
    const err = await pending;
    expect(err.message).toContain(`DeadSimpleChat bot ${created.id}`);
    expect(err.message).toContain("refresh");
  });

  test("an answer other than what was sent is stored as DeadSimpleChat has it, with a warning naming the field", async () => {
    const bot = (id: string, description: string, name = "Support Bot") => ({
      bot: { _id: id, name, description, webhookURL: declared.webhookUrl, enabled: true },
    });
    const json = (body: unknown) => jsonAnswer(200, body);
    sandbox.faults.inject({
      method: "POST",
      path: api("/bot"),
      fault: json(bot("b1", "Answers questions!")),
    });
    const created = await createBot();
    expect(created.outs).toMatchObject({ description: "Answers questions!" });
    expect(warnings).toEqual([
      'pulumi-chatbots: DeadSimpleChat stored description of DeadSimpleChat bot "Support Bot" (id b1) ' +
        "differently from what was sent; the state holds DeadSimpleChat's value, so the next preview shows the difference",
    ]);

    warnings = [];
    const real = await createBot({ ...declared, name: "Real" });
    sandbox.faults.inject({ method: "PUT", fault: json(bot(real.id, "Kept by the vendor", "Real")) });
    const news = await checked({ ...declared, name: "Real", description: "New" });
    const updated = await botHandlers.update(real.id, real.outs, news);
    expect(updated.outs).toMatchObject({ description: "Kept by the vendor" });
    expect(warnings).toEqual([
      `pulumi-chatbots: DeadSimpleChat stored description of DeadSimpleChat bot "Real" (id ${real.id}) ` +
        "differently from what was sent; the state holds DeadSimpleChat's value, so the next preview shows the difference",
    ]);
  });

  test("fields the listing does not show, reset by an update, are named together ('them')", async () => {
    await useSandbox({ updateResetsOmittedFields: true, listOmitsOptionalFields: true });
    const privateBot = { ...declared, trigger: "mention", messageVisibility: "private" };
    const created = await createBot(privateBot);
    const news = await checked({ ...privateBot, description: "New" });
    await botHandlers.update(created.id, created.outs, news);
    expect(warnings).toEqual([expect.stringMatching(/ shows \w+, \w+.* does not show them, so /)]);
  });

  test("adopt sends the declared fields the listing cannot show, though equal to what was declared before", async () => {
    await useSandbox({ listOmitsOptionalFields: true });
    const first = await createBot();
    await botHandlers.delete(first.id, first.outs);
    await createBot({ ...declared, adopt: true });
    expect(Object.keys(puts()[0].body as object).sort()).toEqual(
      ["description", "enabled", "messageVisibility", "metadata", "trigger"].sort(),
    );
  });

  test("delete names the bot as the state knows it, and says what it left behind", async () => {
    const created = await createBot();
    await changeByHand(created.id, { name: "Renamed by hand" });
    await botHandlers.delete(created.id, created.outs);
    expect(warnings).toEqual([
      "pulumi-chatbots: DeadSimpleChat has no API to delete a bot: " +
        `DeadSimpleChat bot "Support Bot" (id ${created.id}) was disabled and stays in the account, keeping ` +
        "its name. Delete it in the DeadSimpleChat dashboard, or declare a bot of this name with " +
        "`adopt: true` to take it over again",
    ]);
  });
});
