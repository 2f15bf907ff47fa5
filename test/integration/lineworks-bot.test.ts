/**
 * lineworks.Bot handlers against the LINE WORKS sandbox over real HTTP: the code the provider
 * process runs, minus the engine. Credentials (a service account with a key made here) come from
 * the environment.
 */
import { startLineWorksSandbox, type LineWorksSandbox, type LineWorksSandboxOptions } from "../../sandbox";
import { LINEWORKS_NOT_FOUND_ANSWERS } from "../../sandbox/lineworks";
import { definition } from "../../provider/lineworks/bot";
import { lineworksApi } from "../../provider/lineworks/api";
import { resetConfiguration } from "../../provider/core/credentials";
import { handlersOf } from "../../provider/core/definition";
import { withPolicies, type Policies } from "../../provider/core/policies";
import type { ResourceHandlers } from "../../provider/core/shim";
import { newTestApp, remember, secretsSeen, serviceAccountOf } from "./lineworks-helpers";
import { errorTexts, failure, jsonAnswer, testPolicies } from "./handler-kit";

type Props = Record<string, unknown>;

const app = newTestApp();
const privateKeyPem = remember(app.privateKey.export({ type: "pkcs8", format: "pem" }).toString());

const declared = {
  botName: "Support Bot",
  photoUrl: "https://example.com/bot.png",
  description: "Answers questions",
  administrators: ["admin@example.com", "lead@example.com"],
  allowDomains: [10000001, 10000002],
  callbackEvents: ["text", "image"],
  i18nBotNames: [
    { language: "ja_JP", botName: "サポート" },
    { language: "en_US", botName: "Support" },
  ],
};

let sandbox: LineWorksSandbox;
let warnings: string[];
/** Each test's own: its warnings, and a token cache no other test's tokens are in. */
let policies: Policies;
let botHandlers: ResourceHandlers;

async function useSandbox(opts: Partial<LineWorksSandboxOptions> = {}): Promise<void> {
  await sandbox?.stop();
  sandbox = await startLineWorksSandbox({ apps: [serviceAccountOf(app)], rateLimit: false, ...opts });
  process.env.LINEWORKS_API_URL = sandbox.url;
  process.env.LINEWORKS_AUTH_URL = sandbox.authUrl;
  process.env.LINEWORKS_CLIENT_ID = app.clientId;
  process.env.LINEWORKS_CLIENT_SECRET = app.clientSecret;
  process.env.LINEWORKS_SERVICE_ACCOUNT = app.serviceAccount;
  process.env.LINEWORKS_PRIVATE_KEY = privateKeyPem;
  // The default pace (per operation, under 60 a minute) is for the real service; these tests count calls.
  process.env.LINEWORKS_READS_PER_SECOND = "100";
  process.env.LINEWORKS_WRITES_PER_SECOND = "100";
}

async function checked(news: Props): Promise<Props> {
  const r = await botHandlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Props;
}

async function createBot(news: Props = declared) {
  return botHandlers.create(await checked(news));
}

const calls = (method: string, path: string | RegExp) =>
  sandbox.requests.filter(
    (r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)),
  );
const creates = () => calls("POST", "/v1.0/bots");
const patches = () => calls("PATCH", /^\/v1\.0\/bots\/\d+$/);
const puts = () => calls("PUT", /^\/v1\.0\/bots\//);

beforeEach(async () => {
  warnings = [];
  policies = testPolicies({ warn: (m) => void warnings.push(m) });
  botHandlers = handlersOf(definition, policies);
  await useSandbox();
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of Object.keys(process.env).filter((n) => n.startsWith("LINEWORKS_")))
    delete process.env[name];
});

describe("lineworks.Bot lifecycle", () => {
  test("create (all declared and default fields), read, update with a PATCH of only the change, delete", async () => {
    const inputs = await checked(declared);
    const created = await botHandlers.create(inputs);
    const stored = sandbox.bot(created.id);
    expect(stored).toMatchObject({
      ...declared,
      subadministrators: [],
      enableCallback: false,
      enableGroupJoin: false,
    });
    expect(creates()).toHaveLength(1);
    expect(creates()[0].body).toEqual({
      ...declared,
      subadministrators: [],
      enableCallback: false,
      enableGroupJoin: false,
      i18nDescriptions: [],
      i18nPhotoUrls: [],
    });
    expect(created.id).toBe(String(stored?.botId));
    expect(created.outs).toEqual({
      ...inputs,
      botId: created.id,
      createdTime: stored?.createdTime,
      modifiedTime: stored?.modifiedTime,
      __stateVersion: 1,
    });
    expect(warnings).toEqual([]);

    const read = await botHandlers.read(created.id, created.outs as Props);
    expect(read).toEqual({ id: created.id, props: created.outs, inputs });
    expect(await botHandlers.diff(created.id, read.props as Props, inputs)).toMatchObject({ changes: false });

    const news = await checked({ ...declared, description: "Answers more", enableGroupJoin: true });
    const updated = await botHandlers.update(created.id, read.props as Props, news);
    expect(patches().map((r) => r.body)).toEqual([{ description: "Answers more", enableGroupJoin: true }]);
    expect(puts()).toHaveLength(0);
    expect(updated.outs).toMatchObject({
      description: "Answers more",
      enableGroupJoin: true,
      botId: created.id,
    });
    expect(sandbox.bot(created.id)).toMatchObject({ description: "Answers more", enableGroupJoin: true });

    await botHandlers.delete(created.id, updated.outs as Props);
    expect(sandbox.bot(created.id)).toBeUndefined();
    // Deleting what is already gone succeeds.
    await botHandlers.delete(created.id, updated.outs as Props);
    expect(warnings).toEqual([]);
  });

  test("a line break in the name is a space from check on: no perpetual diff", async () => {
    const created = await createBot({ ...declared, botName: "Support\r\nBot\nTwo", i18nBotNames: [] });
    expect(sandbox.bot(created.id)?.botName).toBe("Support Bot Two");
    expect(created.outs).toMatchObject({ botName: "Support Bot Two" });
    const read = await botHandlers.read(created.id, created.outs as Props);
    const news = await checked({ ...declared, botName: "Support\rBot\nTwo", i18nBotNames: [] });
    expect(await botHandlers.diff(created.id, read.props as Props, news)).toMatchObject({ changes: false });
  });

  test("sets: LINE WORKS' order never shows as a change, and the state keeps the declared order", async () => {
    const created = await createBot();
    sandbox.editBot(created.id, {
      administrators: ["lead@example.com", "admin@example.com"],
      allowDomains: [10000002, 10000001],
      callbackEvents: ["image", "text"],
      i18nBotNames: [
        { language: "en_US", botName: "Support" },
        { language: "ja_JP", botName: "サポート" },
      ],
    });
    const read = await botHandlers.read(created.id, created.outs as Props);
    expect(read.props).toEqual({ ...created.outs, modifiedTime: sandbox.bot(created.id)?.modifiedTime });
    const news = await checked({
      ...declared,
      administrators: ["lead@example.com", "admin@example.com"],
      allowDomains: [10000002, 10000001],
    });
    expect(await botHandlers.diff(created.id, read.props as Props, news)).toMatchObject({ changes: false });
  });

  test("an undeclared callbackUrl or defaultRichmenuId is neither sent nor compared", async () => {
    const created = await createBot();
    expect(creates()[0].body).not.toHaveProperty("callbackUrl");
    expect(creates()[0].body).not.toHaveProperty("defaultRichmenuId");
    sandbox.editBot(created.id, {
      callbackUrl: "https://example.com/set-by-hand",
      defaultRichmenuId: "menu-1",
    });
    const read = await botHandlers.read(created.id, created.outs as Props);
    expect(read.props).not.toHaveProperty("callbackUrl");
    expect(read.inputs).not.toHaveProperty("defaultRichmenuId");

    // Declared later, they are managed; no longer declared, the state forgets them (nothing sent).
    const withUrl = await checked({
      ...declared,
      callbackUrl: "https://example.com/cb",
      enableCallback: true,
    });
    const updated = await botHandlers.update(created.id, read.props as Props, withUrl);
    expect(patches().map((r) => r.body)).toEqual([
      { callbackUrl: "https://example.com/cb", enableCallback: true },
    ]);
    const dropped = await botHandlers.update(created.id, updated.outs as Props, await checked(declared));
    expect(patches()).toHaveLength(2);
    expect(patches()[1].body).toEqual({ enableCallback: false });
    expect(dropped.outs).not.toHaveProperty("callbackUrl");
  });

  test("refresh sees a change made in the console, and reports it in inputs", async () => {
    const created = await createBot();
    sandbox.editBot(created.id, {
      description: "Edited in the console",
      subadministrators: ["sub@example.com"],
    });
    const read = await botHandlers.read(created.id, created.outs as Props);
    expect(read.props).toMatchObject({
      description: "Edited in the console",
      subadministrators: ["sub@example.com"],
    });
    expect(read.inputs).toMatchObject({ description: "Edited in the console" });
    // The program's value differs from the refreshed state: the diff shows it, update PATCHes it back.
    const inputs = await checked(declared);
    expect(await botHandlers.diff(created.id, read.props as Props, inputs)).toMatchObject({ changes: true });
    await botHandlers.update(created.id, read.props as Props, inputs);
    expect(patches().map((r) => r.body)).toEqual([
      { description: "Answers questions", subadministrators: [] },
    ]);
  });

  test("Bot.get reads every field from the id alone", async () => {
    const created = await createBot();
    const read = await botHandlers.read(created.id, {});
    expect(read.id).toBe(created.id);
    expect(read.props).toMatchObject({ ...declared, botId: created.id, enableCallback: false });
  });

  // Each documented gone answer (docs/vendors/lineworks.md, "Gone"), as the sandbox's readings give them.

  test.each(["RICHMENU_NOT_EXIST", "NOT_FOUND"])(
    "a 404 %s about something the update refers to is not the bot gone",
    async (code) => {
      const created = await createBot();
      // LINE WORKS' error body with a documented code, about the rich menu the body names.
      sandbox.faults.inject({
        method: "PATCH",
        path: `/v1.0/bots/${created.id}`,
        fault: jsonAnswer(404, { code, description: "Rich menu not found." }),
      });
      const news = await checked({ ...declared, description: "x" });
      const err = await failure(botHandlers.update(created.id, created.outs as Props, news));
      expect(err.message).toContain(code);
      expect(err.message).not.toContain("no longer exists");
      // Its bot still answers its GET: nothing was dropped.
      expect(sandbox.bot(created.id)).toBeDefined();
    },
  );

  test.each(LINEWORKS_NOT_FOUND_ANSWERS)(
    "LINE WORKS' %s is gone; an update of a gone bot says so; a foreign 404 is never gone",
    async (notFoundAnswer) => {
      await useSandbox({ notFoundAnswer });
      const created = await createBot();
      sandbox.faults.inject({ method: "GET", path: `/v1.0/bots/${created.id}`, fault: { kind: "foreign" } });
      const foreign = await failure(botHandlers.read(created.id, created.outs as Props));
      expect(foreign.message).toContain("did not come from the LINE WORKS API");
      expect(foreign.message).toContain("lineworks:apiUrl or LINEWORKS_API_URL");

      sandbox.removeBot(created.id);
      expect(await botHandlers.read(created.id, created.outs as Props)).toEqual({});
      const err = await failure(
        botHandlers.update(
          created.id,
          created.outs as Props,
          await checked({ ...declared, description: "x" }),
        ),
      );
      expect(err.message).toContain(`LINE WORKS bot ${created.id} no longer exists`);
      expect(err.message).toContain("pulumi refresh");
      await expect(botHandlers.delete(created.id, created.outs as Props)).resolves.toBeUndefined();
      const deletes = calls("DELETE", `/v1.0/bots/${created.id}`);
      expect(deletes.map((r) => r.status)).toEqual([notFoundAnswer === "DELETED" ? 410 : 404]);
    },
  );

  test("narrowing allowDomains warns which registrations LINE WORKS removes", async () => {
    const created = await createBot();
    const api = lineworksApi();
    await withPolicies(policies, () => api.createDomain(created.id, 10000002, { visible: true }));
    await botHandlers.update(
      created.id,
      created.outs as Props,
      await checked({ ...declared, allowDomains: [10000001] }),
    );
    expect(sandbox.domains(created.id)).toEqual([]);
    expect(warnings).toEqual([
      expect.stringContaining(
        `the new allowDomains of LINE WORKS bot "Support Bot" (id ${created.id}) leave out domain 10000002`,
      ),
    ]);
  });
});

describe("adopting an existing bot", () => {
  test("adoptBotId takes the bot over, PATCHing only what differs; changing adoptBotId only rewrites state", async () => {
    const existing = await createBot({ ...declared, description: "Made in the console" });
    const before = creates().length;
    const inputs = await checked({ ...declared, adoptBotId: Number(existing.id) });
    expect(inputs.adoptBotId).toBe(existing.id);
    const adopted = await botHandlers.create(inputs);
    expect(creates()).toHaveLength(before);
    expect(adopted.id).toBe(existing.id);
    expect(patches().map((r) => r.body)).toEqual([{ description: "Answers questions" }]);
    expect(adopted.outs).toMatchObject({ adoptBotId: existing.id, description: "Answers questions" });
    expect(
      await botHandlers.diff(adopted.id, adopted.outs as Props, { ...inputs, adoptBotId: undefined }),
    ).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("a missing bot is a clear error", async () => {
    const err = await failure(createBot({ ...declared, adoptBotId: "9999999" }));
    expect(err.message).toContain("adoptBotId: LINE WORKS has no bot with id 9999999");
    expect(sandbox.bots()).toHaveLength(0);
  });
});

describe("nothing lost, nothing duplicated", () => {
  test.each(["lose-response", "commit-then-status"] as const)(
    "a create whose answer is lost (%s) is found, not sent again",
    async (kind) => {
      sandbox.faults.inject({
        method: "POST",
        path: "/v1.0/bots",
        fault: kind === "lose-response" ? { kind } : { kind, status: 502 },
      });
      const created = await createBot();
      expect(sandbox.bots()).toHaveLength(1);
      expect(created.id).toBe(String(sandbox.bots()[0].botId));
      expect(creates()).toHaveLength(1);
      expect(created.outs).toMatchObject({ botId: created.id, createdTime: sandbox.bots()[0].createdTime });
    },
  );

  test("an identical bot made before the create is not taken for ours", async () => {
    const older = await createBot();
    sandbox.editBot(older.id, { createdTime: "2020-01-01T00:00:00+09:00" });
    sandbox.faults.inject({ method: "POST", path: "/v1.0/bots", fault: { kind: "lose-response" } });
    const created = await createBot();
    expect(created.id).not.toBe(older.id);
    expect(sandbox.bots()).toHaveLength(2);
  });

  test("a recent bot of the same name that differs in a declared field is not taken for ours", async () => {
    const other = await createBot({ ...declared, description: "Someone else's" });
    sandbox.faults.inject({ method: "POST", path: "/v1.0/bots", fault: { kind: "lose-response" } });
    const created = await createBot();
    expect(created.id).not.toBe(other.id);
    expect(sandbox.bot(created.id)?.description).toBe("Answers questions");
    expect(sandbox.bots()).toHaveLength(2);
    expect(creates()).toHaveLength(2);
  });

  test("identical resources whose answers are both lost each find their own bot", async () => {
    sandbox.faults.inject({ method: "POST", path: "/v1.0/bots", fault: { kind: "lose-response" }, times: 2 });
    const [a, b] = await Promise.all([createBot(), createBot()]);
    expect(a.id).not.toBe(b.id);
    expect(sandbox.bots()).toHaveLength(2);
    expect(creates()).toHaveLength(2);
  });

  test("of two identical bots created at once, the one whose answer is lost is found, not the other", async () => {
    // The other's answer is slow: its bot is the newest, which a lookup that did not wait for it
    // would take first.
    sandbox.faults.inject({ method: "POST", path: "/v1.0/bots", fault: { kind: "lose-response" } });
    sandbox.faults.inject({ method: "POST", path: "/v1.0/bots", fault: { kind: "slow-answer", ms: 1_000 } });
    // The lookup's listing is slow too: without the gate it would see the slow create's bot.
    sandbox.faults.inject({ method: "GET", path: "/v1.0/bots", fault: { kind: "latency", ms: 300 } });
    const lost = createBot();
    while (sandbox.bots().length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const slow = createBot();
    const [first, second] = await Promise.all([lost, slow]);
    expect([first.id, second.id]).toEqual(sandbox.bots().map((b) => String(b.botId)));
    expect(creates()).toHaveLength(2);
  });

  test("429 and a parallel change by someone else (409 CONFLICT) are waited out", async () => {
    sandbox.faults.inject({
      path: /\/v1\.0\/bots/,
      fault: { kind: "status", status: 429, retryAfterSeconds: 0 },
    });
    const created = await createBot();
    sandbox.faults.inject({
      method: "PATCH",
      path: /\/v1\.0\/bots\//,
      fault: { kind: "status", status: 409 },
      times: 2,
    });
    const news = await checked({ ...declared, description: "After a conflict" });
    await botHandlers.update(created.id, created.outs as Props, news);
    expect(patches()).toHaveLength(3);
    expect(sandbox.bot(created.id)?.description).toBe("After a conflict");
  });
});

describe('409 CONFLICT (docs/vendors/lineworks.md, "Parallel changes and CONFLICT")', () => {
  test("a CONFLICT that outlasts the retries: LINE WORKS' code and description, then at most a 'may be'", async () => {
    const created = await createBot();
    sandbox.faults.inject({
      method: "PATCH",
      path: /\/v1\.0\/bots\//,
      fault: { kind: "status", status: 409 },
      times: Infinity,
    });
    const news = await checked({ ...declared, description: "Never applied" });
    const err = await failure(botHandlers.update(created.id, created.outs as Props, news));
    expect(err.message).toContain(
      "HTTP 409 code CONFLICT: There is a conflict with the requested resource. after 5 attempts",
    );
    expect(err.message).toContain("It may be a parallel change of this bot");
    expect(err.message).not.toContain("Something else kept changing this bot");
    expect(patches()).toHaveLength(5);
  }, 30_000);
});

describe("errors a user can fix carry advice (the API 2.0 codes)", () => {
  test("the tenant's bot limit (403 LIMIT_EXCEEDED)", async () => {
    await useSandbox({ botLimit: 0 });
    const err = await failure(createBot());
    expect(err.message).toContain("HTTP 403 code LIMIT_EXCEEDED");
    expect(err.message).toContain("a tenant may have up to 300 bots: delete bots it no longer needs");
  });

  test("a token without the bot scope (403 FORBIDDEN)", async () => {
    sandbox.faults.inject({ method: "POST", path: "/v1.0/bots", fault: { kind: "status", status: 403 } });
    const err = await failure(createBot());
    expect(err.message).toContain("HTTP 403 code FORBIDDEN");
    expect(err.message).toContain('the bot APIs need the scope "bot"');
    expect(sandbox.bots()).toHaveLength(0);
  });

  test("a storm of 429s: retried as the reset header says, then advice on the pace settings", async () => {
    const created = await createBot();
    sandbox.faults.inject({
      method: "GET",
      path: `/v1.0/bots/${created.id}`,
      fault: { kind: "status", status: 429, retryAfterSeconds: 0 },
      times: Infinity,
    });
    const err = await failure(botHandlers.read(created.id, created.outs as Props));
    expect(err.message).toContain("HTTP 429 code TOO_MANY_REQUESTS: API rate limit exceeded");
    expect(err.message).toContain("after 5 attempts");
    expect(err.message).toContain("lower lineworks:readsPerSecond / lineworks:writesPerSecond");
  }, 30_000);
});

describe("pacing", () => {
  test("each operation follows the advertised per-minute limit on its own", async () => {
    await useSandbox({ rateLimit: { requestsPerMinute: 60 } });
    delete process.env.LINEWORKS_READS_PER_SECOND;
    delete process.env.LINEWORKS_WRITES_PER_SECOND;
    const api = lineworksApi();
    expect(api.pace("read", "GET /bots/{id}")).toBe(0.5);
    const created = await createBot();
    await botHandlers.read(created.id, created.outs as Props);
    // 60 a minute, less the margin: 0.95 a second, for this operation only.
    expect(api.pace("read", "GET /bots/{id}")).toBeCloseTo(0.95, 5);
    expect(api.pace("write", "POST /bots")).toBeCloseTo(0.95, 5);
    expect(api.pace("write", "PATCH /bots/{id}")).toBe(0.5);
  }, 20_000);
});

test("no credential in any message or warning of this file", () => {
  for (const text of [...errorTexts, ...warnings]) {
    for (const secret of [...secretsSeen, app.clientSecret]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/kr1AAA[A-Za-z0-9_-]{20,}/);
  }
});
