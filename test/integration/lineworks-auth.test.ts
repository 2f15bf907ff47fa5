/**
 * LINE WORKS authentication of the provider against the sandbox over real HTTP: the service
 * account's JWT bearer grant, the cached token and its renewal, a static token, the forms a private
 * key comes in, missing or wrong settings, and that no credential ever shows.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { startLineWorksSandbox, type LineWorksSandbox, type LineWorksSandboxOptions } from "../../sandbox";
import { definition } from "../../provider/lineworks/bot";
import { configure, resetConfiguration } from "../../provider/core/credentials";
import { handlersOf } from "../../provider/core/definition";
import type { ResourceHandlers } from "../../provider/core/shim";
import {
  newRsaKeyPair,
  newTestApp,
  remember,
  secretsSeen,
  serviceAccountOf,
  type TestApp,
} from "./lineworks-helpers";
import { errorTexts, failure, testPolicies } from "./handler-kit";

type Props = Record<string, unknown>;

const ENV = [
  "LINEWORKS_API_URL",
  "LINEWORKS_AUTH_URL",
  "LINEWORKS_CLIENT_ID",
  "LINEWORKS_CLIENT_SECRET",
  "LINEWORKS_SERVICE_ACCOUNT",
  "LINEWORKS_PRIVATE_KEY",
  "LINEWORKS_ACCESS_TOKEN",
  "LINEWORKS_READS_PER_SECOND",
  "LINEWORKS_WRITES_PER_SECOND",
];

// RSA key generation is slow: one app for most tests, a second one for a wrong key.
const app = newTestApp();
const otherApp = newTestApp();
const STATIC_TOKEN = remember(`static-${randomBytes(16).toString("hex")}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lineworks-auth-"));

let sandbox: LineWorksSandbox;
let warnings: string[];
let botHandlers: ResourceHandlers;

/** Handlers with a token cache of their own: no token obtained before is reused. */
function withNewTokenCache(): void {
  botHandlers = handlersOf(definition, testPolicies({ warn: (m) => void warnings.push(m) }));
}
/** Every output a test saw. */
const outputs: Props[] = [];

const pkcs8 = (a: TestApp) => remember(a.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
const pkcs1 = (a: TestApp) => remember(a.privateKey.export({ type: "pkcs1", format: "pem" }).toString());

function useServiceAccount(a: TestApp = app, privateKey = pkcs8(a)): void {
  process.env.LINEWORKS_CLIENT_ID = a.clientId;
  process.env.LINEWORKS_CLIENT_SECRET = a.clientSecret;
  process.env.LINEWORKS_SERVICE_ACCOUNT = a.serviceAccount;
  process.env.LINEWORKS_PRIVATE_KEY = privateKey;
}

async function useSandbox(opts: Partial<LineWorksSandboxOptions> = {}): Promise<void> {
  await sandbox?.stop();
  sandbox = await startLineWorksSandbox({
    apps: [serviceAccountOf(app)],
    staticTokens: [STATIC_TOKEN],
    rateLimit: false,
    ...opts,
  });
  process.env.LINEWORKS_API_URL = sandbox.url;
  process.env.LINEWORKS_AUTH_URL = sandbox.authUrl;
  process.env.LINEWORKS_READS_PER_SECOND = "100";
  process.env.LINEWORKS_WRITES_PER_SECOND = "100";
}

const declared = {
  botName: "Auth Bot",
  photoUrl: "https://example.com/bot.png",
  description: "Checks credentials",
  administrators: ["admin@example.com"],
};

async function checked(news: Props = declared): Promise<Props> {
  const r = await botHandlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Props;
}

async function createBot(news: Props = declared) {
  const created = await botHandlers.create(await checked(news));
  outputs.push(created.outs as Props);
  return created;
}

const tokenRequests = () => sandbox.requests.filter((r) => r.path === "/oauth2/v2.0/token");

beforeEach(async () => {
  warnings = [];
  withNewTokenCache();
  await useSandbox();
  useServiceAccount();
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of ENV) delete process.env[name];
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("service account", () => {
  test("one token exchange serves every call; the request is the documented JWT bearer grant", async () => {
    const created = await createBot();
    const read = await botHandlers.read(created.id, created.outs as Props);
    const news = await checked({ ...declared, description: "Changed" });
    await botHandlers.update(created.id, read.props as Props, news);
    await botHandlers.read(created.id, read.props as Props);
    await botHandlers.delete(created.id, read.props as Props);
    expect(sandbox.tokensIssued()).toBe(1);
    const [request] = tokenRequests();
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(request.body as string);
    expect(Object.fromEntries(form)).toEqual({
      assertion: "[REDACTED]",
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      client_id: app.clientId,
      client_secret: "[REDACTED]",
      scope: "bot",
    });
  });

  test("concurrent first calls share one token exchange", async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => createBot({ ...declared, botName: `Concurrent ${i}` })),
    );
    expect(sandbox.tokensIssued()).toBe(1);
    expect(sandbox.bots()).toHaveLength(8);
  });

  test("a token the API refuses (expired mid-run) is renewed once and the call retried", async () => {
    const created = await createBot();
    sandbox.expireTokens();
    const reads = await Promise.all(
      Array.from({ length: 5 }, () => botHandlers.read(created.id, created.outs as Props)),
    );
    expect(reads.every((r) => r.id === created.id)).toBe(true);
    expect(sandbox.tokensIssued()).toBe(2);
    // A mutation refused for its token is sent again too: one bot, changed once.
    sandbox.expireTokens();
    const news = await checked({ ...declared, description: "After renewal" });
    await botHandlers.update(created.id, created.outs as Props, news);
    expect(sandbox.tokensIssued()).toBe(3);
    expect(sandbox.bot(created.id)?.description).toBe("After renewal");
  });

  test.each([
    ["PKCS#8 PEM text", () => pkcs8(app)],
    ["PKCS#1 PEM text", () => pkcs1(app)],
    ["PEM with its line breaks written as \\n", () => pkcs8(app).replace(/\n/g, "\\n")],
    [
      "a file path (PKCS#8)",
      () => {
        const file = path.join(tmp, "key-pkcs8.pem");
        fs.writeFileSync(file, pkcs8(app), { mode: 0o600 });
        return file;
      },
    ],
    [
      "a file path (PKCS#1)",
      () => {
        const file = path.join(tmp, "key-pkcs1.pem");
        fs.writeFileSync(file, pkcs1(app), { mode: 0o600 });
        return file;
      },
    ],
  ])("the private key as %s", async (_form, key) => {
    useServiceAccount(app, key());
    const created = await createBot();
    expect(sandbox.bot(created.id)).toBeDefined();
    expect(sandbox.tokensIssued()).toBe(1);
  });

  test("stack config is read before the environment", async () => {
    useServiceAccount(otherApp); // wrong everything in the environment
    const config: Record<string, string> = {
      "lineworks:clientId": app.clientId,
      "lineworks:clientSecret": app.clientSecret,
      "lineworks:serviceAccount": app.serviceAccount,
      "lineworks:privateKey": pkcs8(app),
      "lineworks:apiUrl": sandbox.url,
      "lineworks:authUrl": sandbox.authUrl,
    };
    process.env.LINEWORKS_API_URL = "http://127.0.0.1:1/v1.0";
    configure({ config: { get: (key) => config[key] } });
    const created = await createBot();
    expect(sandbox.bot(created.id)).toBeDefined();
  });

  test("a key that is not the app's is refused with advice naming the settings, and no secret", async () => {
    useServiceAccount(app, pkcs8(otherApp));
    const err = await failure(createBot());
    expect(err.message).toContain("HTTP 400 code invalid_grant");
    expect(err.message).toContain(
      "check lineworks:serviceAccount (LINEWORKS_SERVICE_ACCOUNT) and lineworks:privateKey (LINEWORKS_PRIVATE_KEY)",
    );
    expect(sandbox.bots()).toHaveLength(0);
  });

  test("a wrong client secret is refused with advice naming clientId and clientSecret", async () => {
    process.env.LINEWORKS_CLIENT_SECRET = remember(randomBytes(12).toString("base64url"));
    const err = await failure(createBot());
    expect(err.message).toContain("HTTP 401 code invalid_client");
    expect(err.message).toContain(
      "check lineworks:clientId (LINEWORKS_CLIENT_ID) and lineworks:clientSecret",
    );
    // The token endpoint's refusal is not retried as an expired token would be.
    expect(tokenRequests()).toHaveLength(1);
  });

  test("an app without the bot scope is told to tick it", async () => {
    const readOnly = newTestApp({ scopes: ["bot.read"] });
    await useSandbox({ apps: [serviceAccountOf(readOnly)] });
    useServiceAccount(readOnly);
    const err = await failure(createBot());
    expect(err.message).toContain("invalid_scope");
    expect(err.message).toContain('may not use the OAuth scope "bot"');
  }, 20_000);

  test("a private key that is neither PEM nor a readable file, or not RSA, is a configuration error", async () => {
    const notAPath = randomBytes(48).toString("base64");
    useServiceAccount(app, notAPath);
    const notFound = await failure(createBot());
    expect(notFound.name).toBe("ConfigurationError");
    expect(notFound.message).toContain(
      "lineworks:privateKey (LINEWORKS_PRIVATE_KEY) is neither PEM text (starting with -----BEGIN) nor the path of a readable file (ENOENT)",
    );
    expect(notFound.message).not.toContain(notAPath.slice(0, 12));

    // PEM armour (taken from a key made here) around random bytes: PEM in form, no key inside.
    const armour = newRsaKeyPair()
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString()
      .trim()
      .split("\n");
    const garbledBody = randomBytes(9).toString("base64");
    useServiceAccount(app, [armour[0], garbledBody, armour[armour.length - 1], ""].join("\n"));
    const garbled = await failure(createBot());
    expect(garbled.message).toContain("is not an unencrypted RSA private key in PEM form");
    expect(garbled.message).not.toContain(garbledBody);
    expect(tokenRequests()).toHaveLength(0);
  });
});

describe("static access token", () => {
  beforeEach(() => {
    for (const name of ENV.filter((n) => !/URL|PER_SECOND/.test(n))) delete process.env[name];
    process.env.LINEWORKS_ACCESS_TOKEN = STATIC_TOKEN;
  });

  test("is used as is: no token exchange", async () => {
    const created = await createBot();
    await botHandlers.read(created.id, created.outs as Props);
    await botHandlers.delete(created.id, created.outs as Props);
    expect(sandbox.tokensIssued()).toBe(0);
    expect(tokenRequests()).toHaveLength(0);
  });

  test("a complete service account wins over it", async () => {
    useServiceAccount();
    await createBot();
    expect(sandbox.tokensIssued()).toBe(1);
  });

  test("a refused one says so, names the setting and suggests the service account", async () => {
    process.env.LINEWORKS_ACCESS_TOKEN = remember(`expired-${randomBytes(16).toString("hex")}`);
    const err = await failure(createBot());
    expect(err.message).toContain("HTTP 401");
    expect(err.message).toContain(
      "LINE WORKS rejected the access token of lineworks:accessToken (LINEWORKS_ACCESS_TOKEN)",
    );
    expect(err.message).toContain("configure the service account");
    // No renewal is possible, so the refused request is not sent again.
    expect(sandbox.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });
});

describe("missing settings", () => {
  test("nothing set: names every setting of both ways", async () => {
    for (const name of ENV.filter((n) => !/URL|PER_SECOND/.test(n))) delete process.env[name];
    const err = await failure(createBot());
    expect(err.name).toBe("ConfigurationError");
    expect(err.message).toContain("LINE WORKS credentials are not set");
    for (const s of [
      "lineworks:clientId",
      "lineworks:clientSecret",
      "lineworks:serviceAccount",
      "lineworks:privateKey",
      "LINEWORKS_CLIENT_ID",
      "LINEWORKS_CLIENT_SECRET",
      "LINEWORKS_SERVICE_ACCOUNT",
      "LINEWORKS_PRIVATE_KEY",
      "lineworks:accessToken (LINEWORKS_ACCESS_TOKEN)",
      "pulumi config set --secret",
    ])
      expect(err.message).toContain(s);
    expect(sandbox.requests).toHaveLength(0);
  });

  test("a partial service account names exactly what is missing", async () => {
    delete process.env.LINEWORKS_PRIVATE_KEY;
    delete process.env.LINEWORKS_SERVICE_ACCOUNT;
    const err = await failure(createBot());
    expect(err.message).toContain("LINE WORKS credentials are incomplete");
    expect(err.message).toContain(
      "missing: lineworks:serviceAccount (LINEWORKS_SERVICE_ACCOUNT), lineworks:privateKey (LINEWORKS_PRIVATE_KEY)",
    );
  });

  test("a token endpoint that is not LINE WORKS' is named by its setting", async () => {
    sandbox.faults.inject({ path: "/oauth2/v2.0/token", fault: { kind: "foreign" } });
    const err = await failure(createBot());
    expect(err.message).toContain("did not come from the LINE WORKS auth API");
    expect(err.message).toContain("lineworks:authUrl or LINEWORKS_AUTH_URL");
  });
});

describe("no credential ever shows", () => {
  test("not in errors of the token endpoint, the API, the network or a wrong URL", async () => {
    const created = await createBot();
    sandbox.expireTokens();
    sandbox.faults.inject({ path: /\/bots\//, fault: { kind: "status", status: 500 }, times: Infinity });
    await failure(botHandlers.read(created.id, created.outs as Props));
    sandbox.faults.clear();
    process.env.LINEWORKS_API_URL = `http://127.0.0.1:1/${app.clientSecret}`;
    const network = await failure(botHandlers.read(created.id, created.outs as Props));
    expect(network.message).toContain("network error");
    process.env.LINEWORKS_API_URL = sandbox.url;
    // The sandbox's 404 quotes the path, which holds the client secret here: redacted.
    process.env.LINEWORKS_AUTH_URL = sandbox.authUrl.replace(/token$/, app.clientSecret);
    withNewTokenCache();
    const wrongAuth = await failure(botHandlers.read(created.id, created.outs as Props));
    // Never "gone": the token endpoint's 404 is not the API's answer about the bot.
    expect(wrongAuth.message).toContain(
      "getting a LINE WORKS access token failed: LINE WORKS auth API POST /oauth2/v2.0/[REDACTED] failed with HTTP 404",
    );
    expect(wrongAuth.message).toContain("did not come from the LINE WORKS auth API");
  }, 60_000);

  // Runs last: every message, warning and output the tests above collected.
  test("nothing any test saw holds a credential", () => {
    const texts = [...errorTexts, ...warnings, ...outputs.map((o) => JSON.stringify(o))];
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) {
      for (const secret of [...secretsSeen, app.clientSecret, otherApp.clientSecret]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/kr1AAA[A-Za-z0-9_-]{20,}/); // an issued access token
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\./); // a JWT assertion
      expect(text).not.toMatch(/PRIVATE KEY-----\s*MII/); // a PEM key
    }
  });
});
