/**
 * lineworks.BotDomain handlers (and their interplay with lineworks.Bot) against the LINE WORKS
 * sandbox over real HTTP: registration lifecycle, reads through one shared listing, the rule
 * against parallel mutations of one bot, and the errors a user can fix.
 */
import { startLineWorksSandbox, type LineWorksSandbox, type LineWorksSandboxOptions } from "../../sandbox";
import { LINEWORKS_ALREADY_EXIST_ANSWERS, LINEWORKS_NOT_FOUND_ANSWERS } from "../../sandbox/lineworks";
import { definition as botDefinition } from "../../provider/lineworks/bot";
import { definition as botDomainDefinition } from "../../provider/lineworks/botDomain";
import { LIST_TTL_MS, lineworksApi } from "../../provider/lineworks/api";
import { resetConfiguration } from "../../provider/core/credentials";
import { handlersOf } from "../../provider/core/definition";
import { withPolicies, type Policies } from "../../provider/core/policies";
import type { ResourceHandlers } from "../../provider/core/shim";
import { newTestApp, remember, secretsSeen, serviceAccountOf } from "./lineworks-helpers";
import { errorTexts, failure, testPolicies } from "./handler-kit";

type Props = Record<string, unknown>;

const app = newTestApp();
const privateKeyPem = remember(app.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
/** 20 domains of the tenant. */
const DOMAINS = Array.from({ length: 20 }, (_, i) => 10000001 + i);

const botArgs = {
  botName: "Domain Bot",
  photoUrl: "https://example.com/bot.png",
  description: "Lives in domains",
  administrators: ["admin@example.com"],
};

let sandbox: LineWorksSandbox;
let warnings: string[];
/** Each test's own: its warnings, and one token cache (the bot's and the domains' handlers share it). */
let policies: Policies;
let botHandlers: ResourceHandlers;
let botDomainHandlers: ResourceHandlers;

async function useSandbox(opts: Partial<LineWorksSandboxOptions> = {}): Promise<void> {
  await sandbox?.stop();
  sandbox = await startLineWorksSandbox({
    apps: [serviceAccountOf(app)],
    rateLimit: false,
    domains: DOMAINS,
    ...opts,
  });
  process.env.LINEWORKS_API_URL = sandbox.url;
  process.env.LINEWORKS_AUTH_URL = sandbox.authUrl;
  process.env.LINEWORKS_CLIENT_ID = app.clientId;
  process.env.LINEWORKS_CLIENT_SECRET = app.clientSecret;
  process.env.LINEWORKS_SERVICE_ACCOUNT = app.serviceAccount;
  process.env.LINEWORKS_PRIVATE_KEY = privateKeyPem;
  process.env.LINEWORKS_READS_PER_SECOND = "1000";
  process.env.LINEWORKS_WRITES_PER_SECOND = "1000";
}

async function checked(news: Props, handlers = botDomainHandlers): Promise<Props> {
  const r = await handlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Props;
}

async function createBot(news: Props = botArgs) {
  return botHandlers.create(await checked(news, botHandlers));
}

async function register(botId: string, domainId: number, extra: Props = {}) {
  return botDomainHandlers.create(await checked({ botId, domainId, ...extra }));
}

const calls = (method: string, path: RegExp) =>
  sandbox.requests.filter((r) => r.method === method && path.test(r.path));
const domainLists = () => calls("GET", /^\/v1\.0\/bots\/\d+\/domains$/);
const registrationPosts = () => calls("POST", /\/domains\/\d+$/);

/** The next registration POST is dropped before LINE WORKS stores anything, and every listing is refused. */
function injectOutage(): void {
  sandbox.faults.inject({ method: "POST", path: /\/domains\//, fault: { kind: "drop" } });
  // A refusal that is not retried (a 5xx would be), so the test stays quick.
  sandbox.faults.inject({
    method: "GET",
    path: /\/domains$/,
    fault: { kind: "status", status: 403 },
    times: Infinity,
  });
}

/**
 * A create whose POST never reached LINE WORKS and whose lookup failed: the ResourceInitError
 * Pulumi records the registration from (a half-made create). Faults are cleared afterwards.
 */
async function halfMadeRegistration(inputs: Props): Promise<{ id: string; properties: Props }> {
  injectOutage();
  const err = (await failure(botDomainHandlers.create(inputs))) as Error & {
    id?: string;
    properties?: Props;
  };
  sandbox.faults.clear();
  expect(err.name).toBe("ResourceInitError");
  expect(err.message).toContain("`pulumi up` finishes it");
  return { id: err.id as string, properties: err.properties as Props };
}

beforeEach(async () => {
  warnings = [];
  policies = testPolicies({ warn: (m) => void warnings.push(m) });
  botHandlers = handlersOf(botDefinition, policies);
  botDomainHandlers = handlersOf(botDomainDefinition, policies);
  await useSandbox();
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of Object.keys(process.env).filter((n) => n.startsWith("LINEWORKS_")))
    delete process.env[name];
});

describe("lineworks.BotDomain lifecycle", () => {
  test("register, read, update in place with a PATCH of the change, remove", async () => {
    const bot = await createBot();
    const inputs = await checked({ botId: bot.id, domainId: 10000001, visible: true });
    expect(inputs).toEqual({
      botId: bot.id,
      domainId: 10000001,
      visible: true,
      allowToSelectedMember: false,
      adopt: false,
    });
    const created = await botDomainHandlers.create(inputs);
    expect(created.id).toBe(`${bot.id}/10000001`);
    expect(sandbox.domains(bot.id)).toEqual([
      { botId: Number(bot.id), domainId: 10000001, visible: true, allowToSelectedMember: false },
    ]);
    expect(calls("POST", /\/domains\/10000001$/).map((r) => r.body)).toEqual([
      { visible: true, allowToSelectedMember: false },
    ]);
    expect(created.outs).toEqual({ ...inputs, __stateVersion: 1 });

    const read = await botDomainHandlers.read(created.id, created.outs as Props);
    expect(read).toEqual({ id: created.id, props: created.outs, inputs });

    const news = await checked({
      botId: bot.id,
      domainId: 10000001,
      visible: true,
      allowToSelectedMember: true,
    });
    expect(await botDomainHandlers.diff(created.id, read.props as Props, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const updated = await botDomainHandlers.update(created.id, read.props as Props, news);
    expect(calls("PATCH", /\/domains\/10000001$/).map((r) => r.body)).toEqual([
      { allowToSelectedMember: true },
    ]);
    expect(updated.outs).toMatchObject({ allowToSelectedMember: true, visible: true });
    expect(sandbox.domains(bot.id)[0]).toMatchObject({ allowToSelectedMember: true });

    await botDomainHandlers.delete(created.id, updated.outs as Props);
    expect(sandbox.domains(bot.id)).toEqual([]);
    await expect(botDomainHandlers.delete(created.id, updated.outs as Props)).resolves.toBeUndefined();
    expect(warnings).toEqual([]);
  });

  // Each documented gone answer (docs/vendors/lineworks.md, "Gone"), as the sandbox's readings give them.
  test.each(LINEWORKS_NOT_FOUND_ANSWERS)(
    "a change in the console shows at refresh; a registration removed there, or with its bot, is gone (%s)",
    async (notFoundAnswer) => {
      await useSandbox({ notFoundAnswer });
      const bot = await createBot();
      const created = await register(bot.id, 10000001);
      sandbox.editDomain(bot.id, 10000001, { visible: true });
      const read = await botDomainHandlers.read(created.id, created.outs as Props);
      expect(read.props).toMatchObject({ visible: true });
      expect(read.inputs).toMatchObject({ visible: true });

      sandbox.removeDomain(bot.id, 10000001);
      // A listing answers the reads of the next LIST_TTL_MS (one refresh); a later refresh lists anew.
      await new Promise((resolve) => setTimeout(resolve, LIST_TTL_MS + 50));
      expect(await botDomainHandlers.read(created.id, created.outs as Props)).toEqual({});
      const gone = await failure(
        botDomainHandlers.update(
          created.id,
          created.outs as Props,
          await checked({ botId: bot.id, domainId: 10000001, visible: true }),
        ),
      );
      expect(gone.message).toContain(
        `the registration of LINE WORKS bot ${bot.id} in domain 10000001 no longer exists`,
      );
      // Removed twice: the second removal's answer is a gone one, and the delete succeeds.
      await botDomainHandlers.delete(created.id, created.outs as Props);
      await expect(botDomainHandlers.delete(created.id, created.outs as Props)).resolves.toBeUndefined();

      await register(bot.id, 10000002);
      sandbox.removeBot(bot.id);
      expect(
        await botDomainHandlers.read(`${bot.id}/10000002`, { botId: bot.id, domainId: 10000002 }),
      ).toEqual({});
      await expect(
        botDomainHandlers.delete(`${bot.id}/10000002`, { botId: bot.id, domainId: 10000002 }),
      ).resolves.toBeUndefined();
      const goneAnswers = sandbox.requests.filter((r) => (r.status ?? 0) >= 400).map((r) => r.status);
      expect(goneAnswers.length).toBeGreaterThan(0);
      expect(new Set(goneAnswers)).toEqual(new Set([notFoundAnswer === "DELETED" ? 410 : 404]));
    },
  );

  test("a 404 without LINE WORKS' error body (a proxy, a wrong URL) is never gone", async () => {
    const bot = await createBot();
    const created = await register(bot.id, 10000001);
    await new Promise((resolve) => setTimeout(resolve, LIST_TTL_MS + 50));
    sandbox.faults.inject({ method: "GET", path: /\/domains$/, fault: { kind: "foreign" } });
    const err = await failure(botDomainHandlers.read(created.id, created.outs as Props));
    expect(err.message).toContain("did not come from the LINE WORKS API");
    sandbox.faults.inject({ method: "DELETE", path: /\/domains\/10000001$/, fault: { kind: "foreign" } });
    await expect(botDomainHandlers.delete(created.id, created.outs as Props)).rejects.toThrow(
      "did not come from the LINE WORKS API",
    );
    expect(sandbox.domains(bot.id)).toHaveLength(1);
  });

  test("a 404 NOT_FOUND to a PATCH of a registration that is still listed is not the registration gone", async () => {
    const bot = await createBot();
    const created = await register(bot.id, 10000001);
    const body = JSON.stringify({ code: "NOT_FOUND", description: "Not found." });
    sandbox.faults.inject({
      method: "PATCH",
      path: /\/domains\/10000001$/,
      fault: { kind: "foreign", status: 404, contentType: "application/json", body },
    });
    const news = await checked({ botId: bot.id, domainId: 10000001, visible: true });
    const err = await failure(botDomainHandlers.update(created.id, created.outs as Props, news));
    expect(err.message).toContain("NOT_FOUND");
    expect(err.message).not.toContain("no longer exists");
    expect(sandbox.domains(bot.id)).toHaveLength(1);
  });

  test("BotDomain.get reads from the id alone", async () => {
    const bot = await createBot();
    await register(bot.id, 10000003, { allowToSelectedMember: true });
    const read = await botDomainHandlers.read(`${bot.id}/10000003`, {});
    expect(read.props).toMatchObject({
      botId: bot.id,
      domainId: 10000003,
      visible: false,
      allowToSelectedMember: true,
    });
    await expect(botDomainHandlers.read("not-an-id", {})).rejects.toThrow('"<botId>/<domainId>"');
  });
});

describe("reads share one listing", () => {
  test("a refresh of 20 domains lists once; a read after a mutation lists anew", async () => {
    const bot = await createBot();
    const created = [];
    for (const domainId of DOMAINS) created.push(await register(bot.id, domainId));
    const before = domainLists().length;
    const reads = await Promise.all(created.map((c) => botDomainHandlers.read(c.id, c.outs as Props)));
    expect(reads.map((r) => r.id)).toEqual(created.map((c) => c.id));
    expect(domainLists().length - before).toBe(1);

    await botDomainHandlers.delete(created[0].id, created[0].outs as Props);
    expect(await botDomainHandlers.read(created[0].id, created[0].outs as Props)).toEqual({});
    expect(domainLists().length - before).toBe(2);
  });

  test.each(["null", "absent", "empty"] as const)(
    "more domains than a page (100) are read through nextCursor; the end is a %s cursor",
    async (endOfListCursor) => {
      const many = Array.from({ length: 105 }, (_, i) => 20000001 + i);
      await useSandbox({ domains: many, endOfListCursor });
      const bot = await createBot();
      const api = lineworksApi();
      for (const domainId of many) await withPolicies(policies, () => api.createDomain(bot.id, domainId, {}));
      const before = domainLists().length;
      const last = await botDomainHandlers.read(`${bot.id}/20000105`, {});
      expect(last.props).toMatchObject({ domainId: 20000105 });
      expect(domainLists().length - before).toBe(2);
      expect(domainLists()[before + 1].query).toMatchObject({ count: "100", cursor: expect.any(String) });
    },
    30_000,
  );
});

describe("no parallel mutations of one bot", () => {
  test("one bot, an update of it and 20 domains at once: 0 overlapping mutations", async () => {
    await useSandbox({ mutationMs: 30 });
    const bot = await createBot();
    const newBot = await checked({ ...botArgs, description: "Updated meanwhile" }, botHandlers);
    const results = await Promise.all([
      ...DOMAINS.map((domainId) => register(bot.id, domainId, { visible: domainId % 2 === 0 })),
      botHandlers.update(bot.id, bot.outs as Props, newBot),
    ]);
    expect(results).toHaveLength(21);
    expect(sandbox.overlappingMutations()).toBe(0);
    expect(sandbox.domains(bot.id)).toHaveLength(20);
    expect(sandbox.bot(bot.id)?.description).toBe("Updated meanwhile");

    const removals = await Promise.all(
      results.slice(0, 20).map((r) => {
        const c = r as { id: string; outs: Props };
        return botDomainHandlers.delete(c.id, c.outs);
      }),
    );
    expect(removals).toHaveLength(20);
    expect(sandbox.overlappingMutations()).toBe(0);
    expect(sandbox.domains(bot.id)).toEqual([]);
  }, 30_000);

  test("mutations of different bots still run in parallel", async () => {
    await useSandbox({ mutationMs: 200 });
    const [a, b] = await Promise.all([createBot(), createBot({ ...botArgs, botName: "Other Bot" })]);
    const started = Date.now();
    await Promise.all([register(a.id, 10000001), register(b.id, 10000001)]);
    expect(Date.now() - started).toBeLessThan(390);
    expect(sandbox.overlappingMutations()).toBe(0);
  });
});

describe("errors a user can fix", () => {
  test("a domain outside the bot's allowDomains: the message says to add it there", async () => {
    const bot = await createBot({ ...botArgs, allowDomains: [10000001] });
    const err = await failure(register(bot.id, 10000002));
    expect(err.message).toContain("HTTP 400 code INVALID_PARAMETER");
    expect(err.message).toContain(
      `Domain 10000002 is not in the allowDomains of LINE WORKS bot ${bot.id}: add it to the bot's allowDomains`,
    );
    expect(sandbox.domains(bot.id)).toEqual([]);
  });

  test("a domain that is not the tenant's: LINE WORKS' own words, no advice keyed on an API 1.0 code", async () => {
    const bot = await createBot();
    const err = await failure(register(bot.id, 99999999));
    expect(err.message).toContain(
      "HTTP 400 code INVALID_PARAMETER: Domain 99999999 does not belong to the tenant.",
    );
    expect(err.message).not.toContain("DOMAIN_NOT_BELONGING_TO_TENANT");
  });

  test.each(LINEWORKS_NOT_FOUND_ANSWERS)(
    "a bot that does not exist is named (%s)",
    async (notFoundAnswer) => {
      await useSandbox({ notFoundAnswer });
      const doomed = await createBot();
      sandbox.removeBot(doomed.id);
      const err = await failure(register(doomed.id, 10000001));
      expect(err.message).toContain(`LINE WORKS has no bot ${doomed.id}`);
      expect(err.message).toContain("pulumi refresh");
    },
  );

  // docs/vendors/lineworks.md, "Already exists": ALREADY_EXIST, or {RESOURCE}_ALREADY_EXIST.
  test.each(LINEWORKS_ALREADY_EXIST_ANSWERS)(
    "an existing registration (%s): fails with how to adopt; adopt takes it over",
    async (alreadyExistAnswer) => {
      await useSandbox({ alreadyExistAnswer });
      const bot = await createBot();
      await register(bot.id, 10000001, { visible: true });
      const err = await failure(register(bot.id, 10000001));
      expect(sandbox.requests.at(-1)).toMatchObject({ method: "POST", status: 409 });
      expect(err.message).toContain(`LINE WORKS bot ${bot.id} is already registered in domain 10000001`);
      expect(err.message).toContain("adopt: true");
      const adopted = await register(bot.id, 10000001, { adopt: true });
      expect(adopted.outs).toMatchObject({ visible: false, adopt: true });
      expect(sandbox.domains(bot.id)[0]).toMatchObject({ visible: false });
    },
  );

  test("a lost answer to a registration is found, not sent again", async () => {
    const bot = await createBot();
    sandbox.faults.inject({ method: "POST", path: /\/domains\//, fault: { kind: "lose-response" } });
    const created = await register(bot.id, 10000001, { visible: true });
    expect(created.id).toBe(`${bot.id}/10000001`);
    expect(calls("POST", /\/domains\//)).toHaveLength(1);
    expect(sandbox.domains(bot.id)).toHaveLength(1);
  });

  test("a registration whose create never reached LINE WORKS is recorded half-made, and the next update makes it", async () => {
    const bot = await createBot();
    const inputs = await checked({ botId: bot.id, domainId: 10000001, visible: true });
    const init = await halfMadeRegistration(inputs);
    expect(init.id).toBe(`${bot.id}/10000001`);
    expect(init.properties).toMatchObject({ ...inputs, __createUnsettled: true });
    expect(sandbox.domains(bot.id)).toEqual([]);
    // The marker is not an input: nothing differs, and the engine runs update because of the init error.
    expect((await botDomainHandlers.diff(init.id, init.properties, inputs)).changes).toBe(false);

    const done = await botDomainHandlers.update(init.id, init.properties, inputs);
    expect(done.outs).toEqual({ ...inputs, __stateVersion: 1 });
    expect(sandbox.domains(bot.id)).toEqual([
      { botId: Number(bot.id), domainId: 10000001, visible: true, allowToSelectedMember: false },
    ]);
    expect(registrationPosts().map((r) => r.status)).toEqual([undefined, 201]);
  });

  test("update's registration of a half-made record is reconciled too: failing again keeps the marker, a lost answer is found", async () => {
    const bot = await createBot();
    const inputs = await checked({ botId: bot.id, domainId: 10000001 });
    const init = await halfMadeRegistration(inputs);

    // Update lists no registration, then its own POST is dropped and the listings are refused again.
    sandbox.faults.inject({ method: "GET", path: /\/domains$/, fault: { kind: "latency", ms: 0 } });
    injectOutage();
    const again = (await failure(botDomainHandlers.update(init.id, init.properties, inputs))) as Error & {
      id?: string;
      properties?: Props;
    };
    expect(again.name).toBe("ResourceInitError");
    expect(again.properties).toMatchObject({ __createUnsettled: true });

    // Then the registration is stored but the answer is lost: found by listing, not sent again.
    sandbox.faults.clear();
    sandbox.faults.inject({ method: "POST", path: /\/domains\//, fault: { kind: "lose-response" } });
    const postsBefore = registrationPosts().length;
    const done = await botDomainHandlers.update(init.id, again.properties as Props, inputs);
    expect(done.outs).toEqual({ ...inputs, __stateVersion: 1 });
    expect(sandbox.domains(bot.id)).toHaveLength(1);
    expect(registrationPosts()).toHaveLength(postsBefore + 1);
  });

  test("a half-made record whose registration did reach LINE WORKS is completed without a second POST", async () => {
    const bot = await createBot();
    const inputs = await checked({ botId: bot.id, domainId: 10000001 });
    const init = await halfMadeRegistration(inputs);
    await withPolicies(policies, () => lineworksApi().createDomain(bot.id, 10000001, {}));
    const postsBefore = registrationPosts().length;
    const done = await botDomainHandlers.update(init.id, init.properties, inputs);
    expect(done.outs).toEqual({ ...inputs, __stateVersion: 1 });
    expect(registrationPosts()).toHaveLength(postsBefore);
  });

  test("a registration that was fully made and then removed outside Pulumi is not made again: update says to refresh", async () => {
    const bot = await createBot();
    const inputs = await checked({ botId: bot.id, domainId: 10000001 });
    // Made fully, and also a half-made record that a refresh then found: read drops the marker.
    const created = await register(bot.id, 10000001);
    const init = await halfMadeRegistration(await checked({ botId: bot.id, domainId: 10000002 }));
    await withPolicies(policies, () => lineworksApi().createDomain(bot.id, 10000002, {}));
    const refreshed = await botDomainHandlers.read(init.id, init.properties);
    expect(refreshed.props).toEqual({ ...init.properties, __createUnsettled: undefined });
    expect(Object.keys(refreshed.props as Props)).not.toContain("__createUnsettled");

    sandbox.removeDomain(bot.id, 10000001);
    sandbox.removeDomain(bot.id, 10000002);
    await new Promise((resolve) => setTimeout(resolve, LIST_TTL_MS + 50));
    const postsBefore = registrationPosts().length;
    for (const [id, olds, news] of [
      [created.id, created.outs as Props, { ...inputs, visible: true }],
      [init.id, refreshed.props as Props, { ...inputs, domainId: 10000002, visible: true }],
    ] as const) {
      const err = await failure(botDomainHandlers.update(id, olds, news));
      expect(err.message).toContain("no longer exists (removed outside Pulumi");
      expect(err.message).toContain("run `pulumi refresh`");
    }
    expect(registrationPosts()).toHaveLength(postsBefore);
    expect(sandbox.domains(bot.id)).toEqual([]);
  });

  test("the rate limit is waited out", async () => {
    const bot = await createBot();
    sandbox.faults.inject({
      path: /\/domains/,
      fault: { kind: "status", status: 429, retryAfterSeconds: 0 },
      times: 2,
    });
    const created = await register(bot.id, 10000001);
    expect((await botDomainHandlers.read(created.id, created.outs as Props)).id).toBe(created.id);
  });
});

test("no credential in any message or warning of this file", () => {
  expect(errorTexts.length).toBeGreaterThan(3);
  for (const text of [...errorTexts, ...warnings]) {
    for (const secret of [...secretsSeen, app.clientSecret]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/kr1AAA[A-Za-z0-9_-]{20,}/);
  }
});
