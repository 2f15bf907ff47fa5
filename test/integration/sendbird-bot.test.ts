/**
 * sendbird.Bot handlers against the Sendbird sandbox over real HTTP: the code the provider process
 * runs, minus the engine. Credentials come from the environment, as in a stack without config.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { startSendbirdSandbox, type SendbirdSandbox, type SendbirdSandboxOptions } from "../../sandbox";
import { definition } from "../../provider/sendbird/bot";
import { handlersOf } from "../../provider/core/definition";
import { sendbirdApi } from "../../provider/sendbird/api";
import { configure, resetConfiguration } from "../../provider/core/credentials";
import { ResourceInitError } from "../../provider/core/errors";
import { sendbirdBotArgs } from "../fixtures";
// What Pulumi's dynamic-provider host turns every result into: it throws on anything not JSON.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { failure, jsonAnswer, testPolicies } from "./handler-kit";

const declared = sendbirdBotArgs;

let sandbox: SendbirdSandbox;
let apiToken: string;
let warnings: string[];
const botHandlers = handlersOf(definition, testPolicies({ warn: (m) => void warnings.push(m) }));

/**
 * The sandbox's named readings of what Sendbird's pages leave open (docs/vendors/sendbird.md,
 * "Readings"): each block of tests whose outcome a reading could change runs under the documented
 * behaviour and under every reading that touches it.
 */
const READINGS = {
  "as documented": {},
  "notFoundStatus: 404": { notFoundStatus: 404 },
  "badTokenStatus: 401": { badTokenStatus: 401 },
  updateResetsOmittedFields: { updateResetsOmittedFields: true },
} satisfies Record<string, Partial<SendbirdSandboxOptions>>;
type ReadingName = keyof typeof READINGS;

/** The sandbox options of the reading the current block runs under. */
let reading: Partial<SendbirdSandboxOptions> = {};

/** `describe.each` rows for these readings; the block's sandbox is started under each in turn. */
function underReadings(...names: ReadingName[]): [ReadingName, Partial<SendbirdSandboxOptions>][] {
  return names.map((name) => [name, READINGS[name]]);
}

/** In a `describe.each(underReadings(...))` block: every test's sandbox uses that block's reading. */
function useReading(options: Partial<SendbirdSandboxOptions>): void {
  beforeEach(async () => {
    reading = options;
    await useSandbox();
  });
  afterEach(() => {
    reading = {};
  });
}

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await botHandlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Record<string, unknown>;
}

async function useSandbox(opts: Partial<SendbirdSandboxOptions> = {}): Promise<void> {
  await sandbox?.stop();
  apiToken = randomBytes(20).toString("hex");
  sandbox = await startSendbirdSandbox({ apiToken, ...reading, ...opts });
  process.env.SENDBIRD_API_URL = sandbox.url;
  process.env.SENDBIRD_API_TOKEN = apiToken;
}

/** A change made in Sendbird's dashboard, behind Pulumi's back. */
async function changeByHand(botUserid: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandbox.url}/bots/${botUserid}`, {
    method: "PUT",
    headers: { "Api-Token": apiToken, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

const posts = () => sandbox.requests.filter((r) => r.method === "POST" && r.path === "/v3/bots");
const puts = () => sandbox.requests.filter((r) => r.method === "PUT");
const lookups = (id = "helper_bot") =>
  sandbox.requests.filter((r) => r.method === "GET" && r.path === `/v3/bots/${id}`);

beforeEach(async () => {
  warnings = [];
  await useSandbox();
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of [
    "SENDBIRD_API_URL",
    "SENDBIRD_API_TOKEN",
    "SENDBIRD_READS_PER_SECOND",
    "SENDBIRD_WRITES_PER_SECOND",
  ])
    delete process.env[name];
});

describe.each(underReadings("as documented", "notFoundStatus: 404", "updateResetsOmittedFields"))(
  "lifecycle (sandbox: %s)",
  (_name, options) => {
    useReading(options);
    test("create, read, update, delete", async () => {
      const inputs = await checked(declared);
      const created = await botHandlers.create(inputs);
      expect(created.id).toBe("helper_bot");
      const stored = sandbox.bot("helper_bot");
      expect(stored).toMatchObject({
        bot: { bot_nickname: "Helper", bot_type: "support" },
        enable_mark_as_read: true,
        show_member: false,
        channel_invitation_preference: 0,
      });
      expect(created.outs).toMatchObject({ ...inputs, botToken: stored?.bot.bot_token, botMetadata: {} });
      expect(created.outs.createdAt).toBe(stored?.created_at);

      // Refresh of an unchanged bot returns exactly the stored state, and the matching inputs.
      const read = await botHandlers.read("helper_bot", created.outs);
      expect(read).toEqual({ id: "helper_bot", props: created.outs, inputs: { ...inputs } });

      const news = await checked({ ...declared, botNickname: "Helper 2", showMember: true });
      const updated = await botHandlers.update("helper_bot", created.outs, news);
      expect(updated.outs).toMatchObject({
        botNickname: "Helper 2",
        showMember: true,
        botToken: stored?.bot.bot_token,
      });
      // Only the changed fields are sent.
      expect(puts().map((r) => r.body)).toEqual([{ bot_nickname: "Helper 2", show_member: true }]);
      expect(warnings).toEqual([]);

      await botHandlers.delete("helper_bot", updated.outs ?? {});
      expect(sandbox.bots()).toHaveLength(0);
      expect(await botHandlers.read("helper_bot", updated.outs ?? {})).toEqual({});
      // Deleting what is already gone succeeds.
      await expect(botHandlers.delete("helper_bot", {})).resolves.toBeUndefined();
    });

    test("path values are URL-encoded", async () => {
      const id = "team/helper bot?ü";
      const created = await botHandlers.create(await checked({ ...declared, botUserid: id }));
      expect(created.id).toBe(id);
      expect(sandbox.bot(id)).toBeDefined();
      expect((await botHandlers.read(id, created.outs)).id).toBe(id);
      await botHandlers.delete(id, created.outs);
      expect(sandbox.bot(id)).toBeUndefined();
    });

    test("Bot.get's read: only the id is known, everything comes from Sendbird", async () => {
      await botHandlers.create(await checked(declared));
      const read = await botHandlers.read("helper_bot", {});
      expect(read.props).toMatchObject({
        ...declared,
        adopt: false,
        botToken: sandbox.bot("helper_bot")?.bot.bot_token,
      });
    });

    test("drift made outside Pulumi shows in read, in props and inputs", async () => {
      const created = await botHandlers.create(await checked(declared));
      await changeByHand("helper_bot", { bot_nickname: "Changed by hand" });
      const read = await botHandlers.read("helper_bot", created.outs);
      expect(read.props?.botNickname).toBe("Changed by hand");
      expect(read.inputs?.botNickname).toBe("Changed by hand");
    });

    test("updating a bot deleted outside Pulumi says to refresh, and neither updates nor makes it again", async () => {
      const created = await botHandlers.create(await checked(declared));
      await botHandlers.delete("helper_bot", created.outs);
      const err = await failure(
        botHandlers.update("helper_bot", created.outs, await checked({ ...declared, botNickname: "x" })),
      );
      expect(err.message).toContain('Sendbird bot "helper_bot" no longer exists (deleted outside Pulumi)');
      expect(err.message).toContain("run `pulumi refresh`");
      expect(puts()).toHaveLength(0);
      expect(posts()).toHaveLength(1);
      expect(sandbox.bots()).toHaveLength(0);
    });

    test("changing only adopt updates the state and calls Sendbird not at all", async () => {
      const created = await botHandlers.create(await checked(declared));
      const before = sandbox.requests.length;
      const updated = await botHandlers.update(
        "helper_bot",
        created.outs,
        await checked({ ...declared, adopt: true }),
      );
      expect(updated.outs).toEqual({ ...created.outs, adopt: true });
      expect(sandbox.requests).toHaveLength(before);
    });

    test("state written by a newer release is refused, not misread", async () => {
      const created = await botHandlers.create(await checked(declared));
      const err = await failure(botHandlers.read("helper_bot", { ...created.outs, __stateVersion: 7 }));
      expect(err.message).toMatch(/newer pulumi-chatbots \(state version 7\).*reads state up to version 1/);
    });
  },
);

describe("the preview is what up does", () => {
  // ignoreChanges: ["botNickname"], the nickname changed in the dashboard, and an unrelated change:
  // the engine passes the old nickname, diff shows only botCallbackUrl, and up must change only that.
  test.each([
    ["keeps the fields it omits", false],
    ["resets the fields it omits", true],
  ])("an update never rewrites a field the preview did not show (PUT %s)", async (_, resets) => {
    await useSandbox({ updateResetsOmittedFields: resets });
    const created = await botHandlers.create(await checked({ ...declared, showMember: true }));
    await changeByHand("helper_bot", { bot_nickname: "Changed in the dashboard" });
    const live = sandbox.bot("helper_bot");
    const putsBefore = puts().length;

    const news = await checked({
      ...declared,
      showMember: true,
      botCallbackUrl: "https://example.com/other",
    });
    expect((await botHandlers.diff("helper_bot", created.outs, news)).changes).toBe(true);
    const updated = await botHandlers.update("helper_bot", created.outs, news);

    expect(sandbox.bot("helper_bot")).toMatchObject({
      bot: { bot_nickname: "Changed in the dashboard" },
      bot_callback_url: "https://example.com/other",
      // Where the dashboard's PUT reset it, it stays as it was live: declared true is not sent.
      show_member: live?.show_member,
    });
    expect(puts().slice(putsBefore)[0].body).toEqual({ bot_callback_url: "https://example.com/other" });
    // A field not sent keeps its state value; refresh is what brings in the dashboard's.
    expect(updated.outs).toMatchObject({
      botNickname: "Helper",
      botCallbackUrl: "https://example.com/other",
    });
    expect(warnings).toEqual([]);
  });

  test("if PUT resets the fields it omits, they get their live values back, not the declared ones", async () => {
    await useSandbox({ updateResetsOmittedFields: true });
    const created = await botHandlers.create(
      await checked({ ...declared, showMember: true, enableMarkAsRead: false }),
    );
    const news = await checked({
      ...declared,
      showMember: true,
      enableMarkAsRead: false,
      botNickname: "Helper 2",
    });
    const updated = await botHandlers.update("helper_bot", created.outs, news);
    expect(sandbox.bot("helper_bot")).toMatchObject({
      bot: { bot_nickname: "Helper 2" },
      show_member: true,
      enable_mark_as_read: false,
      channel_invitation_preference: 0,
    });
    expect(updated.outs).toMatchObject({
      botNickname: "Helper 2",
      showMember: true,
      enableMarkAsRead: false,
    });
    // The second PUT restores only what the first one reset.
    expect(puts().map((r) => r.body)).toEqual([
      { bot_nickname: "Helper 2" },
      { bot_nickname: "Helper 2", enable_mark_as_read: false, show_member: true },
    ]);
  });

  test("a value Sendbird stores otherwise than sent is stored as Sendbird has it, with a warning naming the field", async () => {
    // A Sendbird that trims nicknames (not documented; any such vendor canonicalisation).
    await useSandbox({ canonicalize: (bot) => (bot.bot.bot_nickname = bot.bot.bot_nickname.trim()) });
    const created = await botHandlers.create(await checked({ ...declared, botNickname: "Helper  " }));
    expect(created.outs.botNickname).toBe("Helper");
    expect(warnings).toEqual([
      expect.stringContaining(
        'Sendbird stored botNickname of Sendbird bot "helper_bot" differently from what was sent',
      ),
    ]);
    // So the next preview shows the difference instead of hiding it.
    const news = await checked({ ...declared, botNickname: "Helper  " });
    expect((await botHandlers.diff("helper_bot", created.outs, news)).changes).toBe(true);

    // An update Sendbird stores otherwise is stored and told the same way.
    warnings = [];
    const updated = await botHandlers.update(
      "helper_bot",
      created.outs,
      await checked({ ...declared, botNickname: "Helper 2 " }),
    );
    expect(updated.outs?.botNickname).toBe("Helper 2");
    expect(warnings).toEqual([
      'pulumi-chatbots: Sendbird stored botNickname of Sendbird bot "helper_bot" differently from what ' +
        "was sent; the state holds Sendbird's value, so the next preview shows the difference",
    ]);
  });

  test("an answer that is not a bot is refused, naming which answer", async () => {
    const created = await botHandlers.create(await checked(declared));
    const notABot = jsonAnswer(200, {});
    sandbox.faults.inject({ method: "GET", fault: notABot });
    expect((await failure(botHandlers.read("helper_bot", created.outs))).message).toContain(
      "unexpected Sendbird view-bot response",
    );
    sandbox.faults.inject({ method: "PUT", fault: notABot });
    const news = await checked({ ...declared, botNickname: "Helper 2" });
    expect((await failure(botHandlers.update("helper_bot", created.outs, news))).message).toContain(
      "unexpected Sendbird update-bot response",
    );
  });
});

describe.each(underReadings("as documented", "notFoundStatus: 404", "updateResetsOmittedFields"))(
  "adopting an existing bot (sandbox: %s)",
  (_name, options) => {
    useReading(options);
    beforeEach(async () => {
      await botHandlers.create(await checked({ ...declared, botNickname: "Made by hand" }));
    });

    test("without adopt, create fails and says how to adopt", async () => {
      await expect(botHandlers.create(await checked(declared))).rejects.toThrow(
        'a Sendbird bot with botUserid "helper_bot" already exists. To manage it with Pulumi, set `adopt: true`',
      );
      expect(sandbox.bot("helper_bot")?.bot.bot_nickname).toBe("Made by hand");
    });

    test("with adopt, create takes it over and brings it to the declared state", async () => {
      const created = await botHandlers.create(await checked({ ...declared, adopt: true, showMember: true }));
      expect(created.id).toBe("helper_bot");
      expect(created.outs).toMatchObject({ botNickname: "Helper", showMember: true, adopt: true });
      expect(sandbox.bots()).toHaveLength(1);
      expect(sandbox.bot("helper_bot")).toMatchObject({ bot: { bot_nickname: "Helper" }, show_member: true });
      expect(puts().map((r) => r.body)).toEqual([{ bot_nickname: "Helper", show_member: true }]);
    });

    test("adopting a bot that already is as declared sends no update", async () => {
      const created = await botHandlers.create(
        await checked({ ...declared, botNickname: "Made by hand", adopt: true }),
      );
      expect(created.outs).toMatchObject({ botNickname: "Made by hand", adopt: true });
      expect(puts()).toHaveLength(0);
    });

    test("adopt refuses a bot whose botType differs (Sendbird cannot change it)", async () => {
      await expect(
        botHandlers.create(await checked({ ...declared, adopt: true, botType: "sales" })),
      ).rejects.toThrow(
        'cannot adopt Sendbird bot "helper_bot": its botType differs from the declared one, and ' +
          "Sendbird cannot change botType; declare the bot's botType or use another botUserid",
      );
      expect(puts()).toHaveLength(0);
    });
  },
);

describe.each(underReadings("as documented", "notFoundStatus: 404"))(
  "a create is never lost and never doubled (sandbox: %s)",
  (_name, options) => {
    useReading(options);
    test("answer lost after the bot was stored: looked up, one bot, not sent again", async () => {
      sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "lose-response" } });
      const created = await botHandlers.create(await checked(declared));
      expect(created.id).toBe("helper_bot");
      expect(created.outs.botToken).toBe(sandbox.bot("helper_bot")?.bot.bot_token);
      expect(sandbox.bots()).toHaveLength(1);
      expect(posts()).toHaveLength(1);
      expect(lookups()).toHaveLength(1);
    });

    test("a 5xx after the bot was stored: looked up, one bot, not sent again", async () => {
      sandbox.faults.inject({
        method: "POST",
        path: "/v3/bots",
        fault: { kind: "commit-then-status", status: 500 },
      });
      const created = await botHandlers.create(await checked(declared));
      expect(created.outs.botToken).toBe(sandbox.bot("helper_bot")?.bot.bot_token);
      expect(posts()).toHaveLength(1);
      expect(lookups()).toHaveLength(1);
    });

    test("a create Sendbird refuses for another reason is not taken for 'already exists'", async () => {
      sandbox.faults.inject({
        method: "POST",
        path: "/v3/bots",
        fault: { kind: "status", status: 400, code: 400111 },
      });
      const err = await failure(botHandlers.create(await checked(declared)));
      expect(err.message).toMatch(/^Sendbird API POST \/bots failed with HTTP 400 code 400111/);
      expect(lookups()).toHaveLength(0);
    });

    test("a create that never reached Sendbird (connection refused) is retried, not treated as ambiguous", async () => {
      const url = sandbox.url;
      await sandbox.stop();
      const err = await failure(botHandlers.create(await checked(declared)));
      expect(err.message).toBe(
        `Sendbird API POST /bots failed after 5 attempts: network error ECONNREFUSED reaching ${url}`,
      );
      expect(err).not.toBeInstanceOf(ResourceInitError);
      await useSandbox(); // for afterEach
    }, 60_000);

    test("dropped before Sendbird acted on it: looked up, then sent again", async () => {
      sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "drop" } });
      const created = await botHandlers.create(await checked(declared));
      expect(created.id).toBe("helper_bot");
      expect(posts()).toHaveLength(2);
      expect(lookups()).toHaveLength(1);
      expect(sandbox.bots()).toHaveLength(1);
    });

    test("our first attempt commits after the lookup missed it: the 'already exists' is recognised as ours", async () => {
      // Space the writes so the late commit lands between the lookup and the second POST.
      process.env.SENDBIRD_WRITES_PER_SECOND = "1";
      sandbox.faults.inject({
        method: "POST",
        path: "/v3/bots",
        fault: { kind: "reset-then-commit", delayMs: 300 },
      });
      const created = await botHandlers.create(await checked(declared));
      expect(created.outs.botToken).toBe(sandbox.bot("helper_bot")?.bot.bot_token);
      expect(sandbox.bots()).toHaveLength(1);
      // POST (reset), lookup (not there yet), POST (400202: it landed), lookup (it is ours).
      expect(posts().map((r) => r.status)).toEqual([undefined, 400]);
      expect(lookups().map((r) => r.status)).toEqual([options.notFoundStatus ?? 400, 200]);
    });

    test("a bot made by someone else between our attempts is not taken for ours", async () => {
      process.env.SENDBIRD_WRITES_PER_SECOND = "1";
      sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "drop" } });
      const pending = botHandlers.create(await checked(declared));
      // While our create waits for its second try, someone creates the same botUserid differently.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await createByHand({ ...declared, botNickname: "Someone else's" });
      const err = await failure(pending);
      expect(err.message).toContain("already exists. To manage it with Pulumi, set `adopt: true`");
      expect(err).not.toBeInstanceOf(ResourceInitError);
    });

    test("an unreadable answer and a failing lookup: the error carries id and properties, so Pulumi records the bot", async () => {
      sandbox.faults.inject({
        method: "POST",
        path: "/v3/bots",
        fault: { kind: "commit-then-status", status: 200 },
      });
      sandbox.faults.inject({ method: "GET", fault: { kind: "status", status: 503 }, times: Infinity });
      const inputs = await checked(declared);
      const err = await failure(botHandlers.create(inputs));
      expect(err).toBeInstanceOf(ResourceInitError);
      const init = err as ResourceInitError;
      expect(init.id).toBe("helper_bot");
      expect(init.properties).toMatchObject({
        botNickname: "Helper",
        botCallbackUrl: declared.botCallbackUrl,
      });
      expect(Object.keys(init.properties)).not.toContain("botToken");
      expect(() => Struct.fromJavaScript(init.properties as never)).not.toThrow();
      expect(init.message).toContain("Pulumi keeps it in the stack");
      expect(init.message).toContain("unexpected Sendbird create-bot response");
      expect(posts()).toHaveLength(1);

      // The next `up` runs update on the recorded resource: it reads the bot and completes the outputs.
      sandbox.faults.clear();
      const finished = await botHandlers.update("helper_bot", init.properties, inputs);
      expect(finished.outs?.botToken).toBe(sandbox.bot("helper_bot")?.bot.bot_token);
      expect(puts()).toHaveLength(0);
    }, 60_000);

    test("a create that never reached Sendbird, with a failing lookup: recorded half-made, and the next update makes it", async () => {
      const inputs = await checked(declared);
      const init = await halfMadeCreate(inputs);
      expect(sandbox.bots()).toHaveLength(0);
      // Nothing differs from the declaration: the engine runs update because of the init error.
      expect((await botHandlers.diff("helper_bot", init.properties, inputs)).changes).toBe(false);

      // The next `up`: Sendbird has no such bot, and the record is a half-made create, so update
      // makes it (as the error promised) instead of asking for a refresh.
      const finished = await botHandlers.update("helper_bot", init.properties, inputs);
      const stored = sandbox.bot("helper_bot");
      expect(sandbox.bots()).toHaveLength(1);
      expect(finished.outs).toEqual({
        ...inputs,
        botToken: stored?.bot.bot_token,
        botMetadata: {},
        createdAt: stored?.created_at,
        __stateVersion: 1,
      });
      expect(posts().map((r) => r.status)).toEqual([undefined, 200]);
      expect(puts()).toHaveLength(0);
    });

    test("update's create of a half-made bot is reconciled too: failing again keeps it half-made, a lost answer is found", async () => {
      const inputs = await checked(declared);
      const init = await halfMadeCreate(inputs);

      // Update finds no bot, then its own POST is dropped and the lookups are refused again: it is
      // recorded again, still half-made (no token), rather than failing plainly.
      sandbox.faults.inject({
        method: "GET",
        path: "/v3/bots/helper_bot",
        fault: { kind: "latency", ms: 0 },
      });
      injectOutage();
      const again = await failure(botHandlers.update("helper_bot", init.properties, inputs));
      expect(again).toBeInstanceOf(ResourceInitError);
      expect((again as ResourceInitError).id).toBe("helper_bot");
      expect(Object.keys((again as ResourceInitError).properties)).not.toContain("botToken");

      // Then the bot is stored but the answer is lost: found by lookup, not sent again.
      sandbox.faults.clear();
      sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "lose-response" } });
      const postsBefore = posts().length;
      const lookupsBefore = lookups().length;
      const finished = await botHandlers.update(
        "helper_bot",
        (again as ResourceInitError).properties,
        inputs,
      );
      expect(finished.outs?.botToken).toBe(sandbox.bot("helper_bot")?.bot.bot_token);
      expect(sandbox.bots()).toHaveLength(1);
      expect(posts()).toHaveLength(postsBefore + 1);
      // One lookup before deciding to create, one after the lost answer.
      expect(lookups()).toHaveLength(lookupsBefore + 2);
    });

    test("nulls in optional fields of Sendbird's answer do not fail a create that succeeded", async () => {
      await useSandbox({
        canonicalize: (bot) =>
          Object.assign(bot, {
            created_at: null,
            show_member: null,
            bot: { ...bot.bot, bot_metadata: null, bot_token: null },
          }),
      });
      const created = await botHandlers.create(await checked(declared));
      expect(created.outs).toMatchObject({ showMember: false, botMetadata: {} });
      expect(Object.keys(created.outs)).not.toContain("createdAt");
      expect(Object.keys(created.outs)).not.toContain("botToken");
      expect(() => Struct.fromJavaScript(created.outs as never)).not.toThrow();
      expect(posts()).toHaveLength(1);
      expect(warnings).toEqual([]);
    });

    test("429 on create is retried after the vendor's X-RateLimit-RetryAfter", async () => {
      sandbox.faults.inject({
        method: "POST",
        path: "/v3/bots",
        fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
      });
      const started = Date.now();
      await botHandlers.create(await checked(declared));
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(posts().map((r) => r.status)).toEqual([429, 200]);
    });
  },
);

describe("reads and errors", () => {
  test("5xx and dropped connections on reads are retried", async () => {
    const created = await botHandlers.create(await checked(declared));
    sandbox.faults.inject({ method: "GET", fault: { kind: "status", status: 502 } });
    sandbox.faults.inject({ method: "GET", fault: { kind: "drop" } });
    expect((await botHandlers.read("helper_bot", created.outs)).id).toBe("helper_bot");
  });

  test("an endpoint that does not answer is named in the error", async () => {
    const url = sandbox.url;
    await sandbox.stop();
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
      `Sendbird API GET /bots/helper_bot failed after 5 attempts: network error ECONNREFUSED reaching ${url}`,
    );
    await useSandbox(); // for afterEach
  }, 60_000);

  test("gives up after a bounded number of tries with a clear error", async () => {
    sandbox.faults.inject({ method: "GET", fault: { kind: "status", status: 500 }, times: Infinity });
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
      /Sendbird API GET \/bots\/helper_bot failed with HTTP 500 .*after 5 attempts/,
    );
    expect(sandbox.requests.filter((r) => r.method === "GET")).toHaveLength(5);
  }, 60_000);

  test("only Sendbird's code 400201 means gone, even with HTTP 404", async () => {
    await useSandbox({ notFoundStatus: 404 });
    expect(await botHandlers.read("nobody", {})).toEqual({});
    await expect(botHandlers.delete("nobody", {})).resolves.toBeUndefined();
  });

  test("a 404 that is not Sendbird's (a proxy page) fails refresh and destroy, naming the base URL setting", async () => {
    const created = await botHandlers.create(await checked(declared));
    sandbox.faults.inject({ fault: { kind: "foreign", status: 404 }, times: 2 });
    const read = await failure(botHandlers.read("helper_bot", created.outs));
    expect(read.message).toContain("HTTP 404");
    expect(read.message).toContain(`did not come from the Sendbird API; check the base URL ${sandbox.url}`);
    expect(read.message).toContain("sendbird:apiUrl or SENDBIRD_API_URL");
    await expect(botHandlers.delete("helper_bot", created.outs)).rejects.toThrow(
      /did not come from the Sendbird API/,
    );
    expect(sandbox.bots()).toHaveLength(1);
  });

  test("a wrong base URL is an error, so refresh never drops every bot", async () => {
    process.env.SENDBIRD_API_URL = sandbox.url.replace(/\/v3$/, "/v2");
    const err = await failure(botHandlers.read("helper_bot", {}));
    expect(err.message).toMatch(/failed with HTTP 400 code 400404/);
    expect(err.message).toContain("check sendbird:apiUrl (or SENDBIRD_API_URL), which ends in /v3");
  });
});

describe("pacing", () => {
  test("many creates at once: no request is throttled, all bots made", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `bulk_${i}`);
    await Promise.all(
      ids.map(async (id) => botHandlers.create(await checked({ ...declared, botUserid: id }))),
    );
    expect(
      sandbox
        .bots()
        .map((b) => b.bot.bot_userid)
        .sort(),
    ).toEqual([...ids].sort());
    expect(sandbox.rateLimited()).toBe(0);
  }, 60_000);

  test("two tokens of one application share one pace: rotation does not double the rate", async () => {
    const second = randomBytes(20).toString("hex");
    sandbox.addApiToken(second);
    const creates = Array.from({ length: 12 }, (_, i) => {
      process.env.SENDBIRD_API_TOKEN = i % 2 === 0 ? apiToken : second;
      return botHandlers.create({
        ...declared,
        botUserid: `bulk_${i}`,
        enableMarkAsRead: true,
        showMember: false,
        channelInvitationPreference: 0,
        adopt: false,
      });
    });
    await Promise.all(creates);
    expect(sandbox.bots()).toHaveLength(12);
    expect(sandbox.rateLimited()).toBe(0);
  }, 60_000);

  test("the pace follows the limit Sendbird advertises, unless a setting fixes it", async () => {
    sandbox.setRateLimit({ getPerSecond: 100, mutatePerSecond: 40 });
    await botHandlers.read("nobody", {});
    expect(sendbirdApi().pace("read")).toBeCloseTo(95);
    await useSandbox({ rateLimit: { getPerSecond: 100, mutatePerSecond: 40 } });
    process.env.SENDBIRD_READS_PER_SECOND = "3";
    await botHandlers.read("nobody", {});
    expect(sendbirdApi().pace("read")).toBe(3);
  });

  test("a rate setting that is not a positive number names the setting", async () => {
    process.env.SENDBIRD_WRITES_PER_SECOND = "fast";
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
      "sendbird:writesPerSecond (or SENDBIRD_WRITES_PER_SECOND) must be a positive number of requests per second",
    );
  });
});

describe.each(underReadings("as documented", "badTokenStatus: 401"))(
  "credentials (sandbox: %s)",
  (_name, options) => {
    useReading(options);
    test("stack config (configure) is used before the environment", async () => {
      process.env.SENDBIRD_API_TOKEN = "wrong-token-from-env";
      configure({ config: { get: (key) => (key === "sendbird:apiToken" ? apiToken : undefined) } });
      await expect(botHandlers.create(await checked(declared))).resolves.toMatchObject({ id: "helper_bot" });
    });

    test("a missing token is a clear error naming the config key and the variable", async () => {
      delete process.env.SENDBIRD_API_TOKEN;
      await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
        "sendbird:apiToken is not set: run `pulumi config set --secret sendbird:apiToken <value>` or set the SENDBIRD_API_TOKEN environment variable",
      );
    });

    test("a rejected token (code 400401, whatever the HTTP status) says which setting to check, without the token", async () => {
      const wrong = randomBytes(20).toString("hex");
      process.env.SENDBIRD_API_TOKEN = wrong;
      const err = await failure(botHandlers.read("helper_bot", {}));
      expect(err.message).toMatch(new RegExp(`HTTP ${options.badTokenStatus ?? 400} code 400401`));
      expect(err.message).toContain(
        "Sendbird rejected the API token: check sendbird:apiToken (or SENDBIRD_API_TOKEN)",
      );
      expect(err.message).not.toContain(wrong);
    });

    test.each([
      [400304, "Sendbird knows no such application: check sendbird:appId or sendbird:apiUrl"],
      [
        403100,
        "The Sendbird application is not available (suspended or deactivated): check it in the dashboard",
      ],
    ])("Sendbird's code %s comes with advice", async (code, advice) => {
      sandbox.faults.inject({
        method: "GET",
        fault: { kind: "status", status: code === 403100 ? 403 : 400, code },
      });
      const err = await failure(botHandlers.read("helper_bot", {}));
      expect(err.message).toContain(`code ${code}`);
      expect(err.message).toContain(advice);
    });

    test("without sendbird:apiUrl, sendbird:appId names the application; a missing or malformed one is explained", async () => {
      delete process.env.SENDBIRD_API_URL;
      await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
        "Sendbird application is not set: run `pulumi config set sendbird:appId <application id>` (or set SENDBIRD_APP_ID), or give the full API URL with sendbird:apiUrl / SENDBIRD_API_URL",
      );
      process.env.SENDBIRD_APP_ID = "not an id/";
      await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
        "sendbird:appId must be the application ID shown in the dashboard (letters, digits and dashes)",
      );
      delete process.env.SENDBIRD_APP_ID;
    });

    test("the base URL and the pace come from stack config before the environment", async () => {
      process.env.SENDBIRD_API_URL = "http://127.0.0.1:9/v3";
      const settings: Record<string, string> = {
        "sendbird:apiUrl": sandbox.url,
        "sendbird:readsPerSecond": "7",
        "sendbird:writesPerSecond": "3",
      };
      configure({ config: { get: (key) => settings[key] } });
      expect(await botHandlers.read("nobody", {})).toEqual({});
      expect(sendbirdApi().pace("read")).toBe(7);
      expect(sendbirdApi().pace("write")).toBe(3);
    });

    test("a rotated token: the new one is read at call time, the revoked one is refused", async () => {
      const created = await botHandlers.create(await checked(declared));
      const next = randomBytes(20).toString("hex");
      sandbox.rotateApiToken(next);
      const refused = await failure(botHandlers.read("helper_bot", created.outs));
      expect(refused.message).toContain("Sendbird rejected the API token");
      expect(refused.message).not.toContain(apiToken);
      process.env.SENDBIRD_API_TOKEN = next;
      expect((await botHandlers.read("helper_bot", created.outs)).id).toBe("helper_bot");
    });

    test("a vendor message that echoes the token is redacted", async () => {
      const token = randomBytes(20).toString("hex");
      // A misbehaving server (or proxy) that puts the credential in its error text.
      const echo = http.createServer((req, res) => {
        res.writeHead(400, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({ error: true, code: 400111, message: `bad token ${req.headers["api-token"]}` }),
        );
      });
      await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
      try {
        process.env.SENDBIRD_API_URL = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v3`;
        process.env.SENDBIRD_API_TOKEN = token;
        const err = await failure(botHandlers.read("helper_bot", {}));
        expect(err.message).toContain("bad token [REDACTED]");
        expect(err.message).not.toContain(token);
      } finally {
        await new Promise((resolve) => echo.close(resolve));
      }
    });
  },
);

/** The next POST is dropped before Sendbird stores anything, and every lookup is refused. */
function injectOutage(): void {
  sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "drop" } });
  // A refusal that is not retried (a 5xx would be), so the test stays quick.
  sandbox.faults.inject({
    method: "GET",
    path: "/v3/bots/helper_bot",
    fault: { kind: "status", status: 403, code: 403100 },
    times: Infinity,
  });
}

/**
 * A create whose POST is dropped before Sendbird stores anything, and whose lookup is refused: the
 * ResourceInitError Pulumi records the bot from (no token: a half-made create). Faults are cleared.
 */
async function halfMadeCreate(inputs: Record<string, unknown>): Promise<ResourceInitError> {
  injectOutage();
  const err = await failure(botHandlers.create(inputs));
  expect(err).toBeInstanceOf(ResourceInitError);
  const init = err as ResourceInitError;
  expect(init.id).toBe("helper_bot");
  expect(Object.keys(init.properties)).not.toContain("botToken");
  expect(init.message).toContain("`pulumi up` finishes it");
  sandbox.faults.clear();
  return init;
}

/** Creates a bot directly in the sandbox, as someone in the dashboard would. */
async function createByHand(args: typeof declared & Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandbox.url}/bots`, {
    method: "POST",
    headers: { "Api-Token": apiToken, "Content-Type": "application/json" },
    body: JSON.stringify({
      bot_userid: args.botUserid,
      bot_nickname: args.botNickname,
      bot_profile_url: args.botProfileUrl,
      bot_type: args.botType,
      bot_callback_url: args.botCallbackUrl,
      is_privacy_mode: args.isPrivacyMode,
    }),
  });
  expect(res.status).toBe(200);
}
