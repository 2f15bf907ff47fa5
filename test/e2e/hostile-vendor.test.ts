/**
 * Issue 17, hostile vendors, on the real Pulumi engine: every run's whole CLI output (stdout and
 * stderr) is searched. Guards:
 * 1. "DeadSimpleChat: axios encodes the `auth` query differently … `pulumi up` printed the key
 *    (`?auth=DSC$Key:with,special+chars+9f8e…`). LINE WORKS: a token endpoint echoing its form body
 *    put `client_secret=LWCS%210123…` into a `lineworks.Bot` read error." A credential is redacted
 *    in every encoding it travels in.
 * 3. "Userinfo in a base URL … is printed in network-error and 404 advice … Refuse userinfo,
 *    fragments and query strings in every *ApiUrl and authUrl when the setting is read, with an error
 *    naming the setting … Normalise or refuse dot segments too." Refused before any request.
 * 4. "With X-RateLimit-Limit: 1;w=100000000, the Sendbird pace became 9.5e-9/s … Give learned rates
 *    a floor (and a ceiling), and say in a warning when a vendor's header is ignored."
 * The vendors here are servers of this file on 127.0.0.1; every credential is made at run time.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { startSendbirdSandbox, type SendbirdSandbox } from "../../sandbox";
import { newTestApp } from "../integration/lineworks-helpers";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { e2eStack, e2eWorkspace, engineWarnings, type PulumiStack, type PulumiWorkspace } from "./stacks";

jest.setTimeout(10 * 60 * 1000);

const project = path.join(__dirname, "projects", "hostile-vendor");
let ws: PulumiWorkspace;
const stacks: PulumiStack[] = [];

beforeAll(() => {
  ws = e2eWorkspace();
});

afterAll(async () => {
  for (const stack of stacks) await stack.remove();
  ws?.cleanup();
});

// ---- helpers ----------------------------------------------------------------------------------

const hex = (bytes = 8) => randomBytes(bytes).toString("hex");

/** A new stack of the project declaring `count` resources of `type`, no platform setting but a run's. */
async function newStack(type: string, count = 1): Promise<PulumiStack> {
  const stack = e2eStack(ws, project, `e2e-${hex(4)}`, noPlatformSettings);
  stacks.push(stack);
  await stack.init({ type, count });
  return stack;
}

// Only the settings a test gives reach the provider, whatever the developer's shell has set.
const PLATFORM_ENV = /^(SENDBIRD|DEADSIMPLECHAT|LINEWORKS|WHATS91)_/;
const noPlatformSettings = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => PLATFORM_ENV.test(k))
    .map((k) => [k, undefined]),
);

interface Run {
  ok: boolean;
  /** stdout and stderr together, and the engine's diagnostics: everything the user sees. */
  printed: string;
  events: EngineEvent[];
  ms: number;
  /** Cut off at the time limit. */
  cutOff: boolean;
}

/**
 * `pulumi up` or `destroy` of `stack` with these settings in its environment. A run still going
 * after `limitMs` is cancelled, then killed with its plugins, so a stall ends with the test and
 * leaves nothing behind.
 */
async function pulumi(
  stack: PulumiStack,
  kind: "up" | "destroy",
  env: Record<string, string>,
  limitMs = 5 * 60 * 1000,
): Promise<Run> {
  const run = await stack[kind]({ allowFailure: true, extraEnv: env, events: true, timeoutMs: limitMs });
  const diagnostics = run.events.map((e) => e.diagnosticEvent).filter((d) => d !== undefined);
  const printed = `${run.stdout}\n${run.stderr}\n${JSON.stringify(diagnostics)}`;
  return { ok: run.ok, printed, events: run.events, ms: run.ms, cutOff: run.cutOff };
}

interface Received {
  method: string;
  /** The request target exactly as it arrived (path and query, still encoded). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Server {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** 127.0.0.1:PORT */
  host: string;
  requests: Received[];
  stop(): Promise<void>;
}

async function startServer(
  answer: (req: Received, raw: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Server> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const received = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(received);
      answer(received, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin: `http://${host}`,
    host,
    requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The run exited 0; if not, the failure shows the end of its output (with no credential in it). */
function expectSucceeded(run: Run, secrets: Record<string, string> = {}): void {
  const tail = run.ok ? "" : scrubbed(run.printed, secrets).slice(-2000);
  expect({ ok: run.ok, cutOff: run.cutOff, tail }).toEqual({ ok: true, cutOff: false, tail: "" });
}

/** A visible, non-secret part of every echo: its presence shows the echo reached the output. */
const ECHO_MARKER = `echo-${hex(4)}`;

/** What a request looked like on the wire: the raw target, the body and every header. */
const echoOf = (r: Received) => `${ECHO_MARKER} ${r.method} ${r.url} ${r.body} ${JSON.stringify(r.headers)}`;

/**
 * The forms a credential may be printed in, by name: as written, JSON-escaped, encodeURIComponent,
 * axios's query encoding (encodeURIComponent, then `: $ , [ ]` kept and a space as `+`), form
 * encoding (URLSearchParams), `wire` (as it actually travelled), each with lowercase percent
 * escapes too; and the random parts alone.
 */
function formsOf(secret: string, randomParts: string[], wire: Record<string, string> = {}) {
  const component = encodeURIComponent(secret);
  const forms: Record<string, string> = {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    encodeURIComponent: component,
    axiosQuery: component
      .replace(/%3A/gi, ":")
      .replace(/%24/g, "$")
      .replace(/%2C/gi, ",")
      .replace(/%20/g, "+")
      .replace(/%5B/gi, "[")
      .replace(/%5D/gi, "]"),
    formEncoded: new URLSearchParams({ k: secret }).toString().slice("k=".length),
    ...wire,
  };
  for (const [name, form] of Object.entries(forms)) {
    forms[`${name} (lowercase escapes)`] = form.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
  }
  randomParts.forEach((part, i) => (forms[`random part ${i + 1}`] = part));
  return forms;
}

/** The names of the forms found in `printed` (names, not values: a failure does not print them). */
const leaked = (printed: string, forms: Record<string, string>) =>
  Object.entries(forms)
    .filter(([, form]) => printed.includes(form))
    .map(([name]) => name);

/** `printed` with every given form replaced, fit to show in a failed assertion. */
function scrubbed(printed: string, forms: Record<string, string>): string {
  const values = Object.values(forms).sort((a, b) => b.length - a.length);
  return values.reduce((text, v) => text.split(v).join("[test secret]"), printed);
}

/** A credential holding every character that encoders treat differently, around random hex. */
function hostileSecret(prefix: string): { secret: string; randomParts: string[] } {
  const randomParts = [hex(), hex()];
  const secret = `${prefix}$Key:with,special chars ${randomParts[0]} !'()*~+/?#&=% "\\ ${randomParts[1]}`;
  return { secret, randomParts };
}

/** The value of `name` in a query string or form body as it travelled (still encoded). */
function rawParam(text: string, name: string): string | undefined {
  return new RegExp(`(?:^|[?&])${name}=([^&]*)`).exec(text)?.[1];
}

// ---- 1. credentials in the encoding they travel in ---------------------------------------------

describe("a credential echoed by the vendor in the encoding it travelled in is not printed", () => {
  let echo: Server;

  afterEach(async () => {
    await echo?.stop();
  });

  test("deadsimplechat.Bot: the `auth` query key echoed in a 400 is printed in no form", async () => {
    // Every answer a 400 echoing the request in each field DeadSimpleChat's error parser reads.
    echo = await startServer((r, _req, res) => {
      const text = echoOf(r);
      json(res, 400, { message: text, error: text, details: [{ message: text }] });
    });
    const { secret, randomParts } = hostileSecret("DSC");
    const stack = await newStack("deadsimplechat.Bot");
    const run = await pulumi(stack, "up", {
      DEADSIMPLECHAT_API_KEY: secret,
      DEADSIMPLECHAT_API_URL: `${echo.origin}/consumer/api/v2`,
    });

    // The key went out (so it was there to echo) ...
    expect(echo.requests.length).toBeGreaterThan(0);
    const sent = echo.requests.map((r) => new URL(r.url, echo.origin).searchParams.get("auth"));
    expect(sent.every((k) => k === secret)).toBe(true);
    const wire = rawParam(echo.requests[0].url, "auth") as string;
    const forms = formsOf(secret, randomParts, { "as sent": wire });
    // ... the up failed on the echo, which reached the output, and no form of the key did.
    expect(run.ok).toBe(false);
    expect(scrubbed(run.printed, forms)).toContain(ECHO_MARKER);
    expect(leaked(run.printed, forms)).toEqual([]);
  });

  test("lineworks.Bot: the client secret of the token request, echoed in OAuth error fields, is printed in no form", async () => {
    // The token endpoint (and the API, never reached) answers 400 echoing the form body it got in
    // every field of an OAuth error the provider reads.
    echo = await startServer((r, _req, res) => {
      const text = echoOf(r);
      json(res, 400, { error: text, error_description: text, description: text });
    });
    const { secret, randomParts } = hostileSecret("LWCS");
    const app = newTestApp({ clientSecret: secret });
    const privateKeyPem = app.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const stack = await newStack("lineworks.Bot");
    // A service account with a client secret: `create` fetches a token first.
    const run = await pulumi(stack, "up", {
      LINEWORKS_CLIENT_ID: app.clientId,
      LINEWORKS_CLIENT_SECRET: secret,
      LINEWORKS_SERVICE_ACCOUNT: app.serviceAccount,
      LINEWORKS_PRIVATE_KEY: privateKeyPem,
      LINEWORKS_API_URL: `${echo.origin}/v1.0`,
      LINEWORKS_AUTH_URL: `${echo.origin}/oauth2/v2.0/token`,
    });

    const tokenRequests = echo.requests.filter((r) => r.url === "/oauth2/v2.0/token");
    expect(tokenRequests.length).toBeGreaterThan(0);
    const form = new URLSearchParams(tokenRequests[0].body);
    expect(form.get("client_secret")).toBe(secret);
    const forms = {
      ...formsOf(secret, randomParts, {
        "as sent": rawParam(tokenRequests[0].body, "client_secret") as string,
      }),
      // The signed assertion and the private key are credentials too.
      assertion: form.get("assertion") as string,
      "private key": privateKeyPem.split("\n")[1],
    };
    expect(run.ok).toBe(false);
    expect(scrubbed(run.printed, forms)).toContain(ECHO_MARKER);
    expect(leaked(run.printed, forms)).toEqual([]);
  });
});

// ---- 3. userinfo, fragments, query strings and dot segments in base URLs -----------------------

interface UrlCase {
  what: string;
  type: string;
  /** `<namespace>:<key>` and the environment variable of the refused setting. */
  setting: string;
  env: string;
  /** The settings for a server at `host`, and the parts of them that must never be printed. */
  settings(host: string): { env: Record<string, string>; secrets: Record<string, string> };
}

const URL_CASES: UrlCase[] = [
  {
    what: "userinfo in sendbird:apiUrl",
    type: "sendbird.Bot",
    setting: "sendbird:apiUrl",
    env: "SENDBIRD_API_URL",
    settings: (host) => {
      const password = `pw${hex()}`;
      const token = hex(20);
      const env = { SENDBIRD_API_URL: `http://admin:${password}@${host}/v3`, SENDBIRD_API_TOKEN: token };
      return { env, secrets: { password, "API token": token } };
    },
  },
  {
    what: "userinfo in whats91:apiUrl",
    type: "whats91.Chatbot",
    setting: "whats91:apiUrl",
    env: "WHATS91_API_URL",
    settings: (host) => {
      const password = `pw${hex()}`;
      const token = hex(20);
      const env = { WHATS91_API_URL: `http://api:${password}@${host}/api/v2`, WHATS91_API_TOKEN: token };
      return { env, secrets: { password, "API token": token } };
    },
  },
  {
    what: "a query string (another key) in deadsimplechat:apiUrl",
    type: "deadsimplechat.Bot",
    setting: "deadsimplechat:apiUrl",
    env: "DEADSIMPLECHAT_API_URL",
    settings: (host) => {
      const otherKey = hex(12);
      const key = hex(12);
      const env = { DEADSIMPLECHAT_API_URL: `http://${host}/?auth=${otherKey}`, DEADSIMPLECHAT_API_KEY: key };
      return { env, secrets: { "other key": otherKey, "API key": key } };
    },
  },
  {
    what: "a fragment in sendbird:apiUrl",
    type: "sendbird.Bot",
    setting: "sendbird:apiUrl",
    env: "SENDBIRD_API_URL",
    settings: (host) => {
      const fragment = hex();
      const token = hex(20);
      const env = { SENDBIRD_API_URL: `http://${host}/v3#${fragment}`, SENDBIRD_API_TOKEN: token };
      return { env, secrets: { fragment, "API token": token } };
    },
  },
  {
    what: "dot segments in whats91:apiUrl",
    type: "whats91.Chatbot",
    setting: "whats91:apiUrl",
    env: "WHATS91_API_URL",
    settings: (host) => {
      const segment = hex();
      const token = hex(20);
      const env = { WHATS91_API_URL: `http://${host}/api/v2/../${segment}`, WHATS91_API_TOKEN: token };
      return { env, secrets: { segment, "API token": token } };
    },
  },
  {
    what: "userinfo in lineworks:authUrl",
    type: "lineworks.Bot",
    setting: "lineworks:authUrl",
    env: "LINEWORKS_AUTH_URL",
    settings: (host) => {
      const password = `pw${hex()}`;
      const app = newTestApp();
      const privateKeyPem = app.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const env = {
        LINEWORKS_CLIENT_ID: app.clientId,
        LINEWORKS_CLIENT_SECRET: app.clientSecret,
        LINEWORKS_SERVICE_ACCOUNT: app.serviceAccount,
        LINEWORKS_PRIVATE_KEY: privateKeyPem,
        LINEWORKS_API_URL: `http://${host}/v1.0`,
        LINEWORKS_AUTH_URL: `http://svc:${password}@${host}/oauth2/v2.0/token`,
      };
      return { env, secrets: { password, "client secret": app.clientSecret } };
    },
  },
];

describe("a base URL with userinfo, a fragment, a query string or dot segments is refused before any request", () => {
  let server: Server;

  afterEach(async () => {
    await server?.stop();
  });

  test.each(URL_CASES.map((c) => [c.what, c] as const))("%s", async (_what, c) => {
    // Any answer would do: the test is that none is asked for.
    server = await startServer((_r, _req, res) => json(res, 404, {}));
    const { env, secrets } = c.settings(server.host);
    const stack = await newStack(c.type);
    const run = await pulumi(stack, "up", env);

    // Methods only: a request's target or headers would show the credentials.
    expect(server.requests.map((r) => r.method)).toEqual([]);
    expect(run.ok).toBe(false);
    const shown = scrubbed(run.printed, secrets);
    expect(shown).toContain(c.setting);
    expect(shown).toContain(c.env);
    // No part of the value is quoted: neither its secrets nor its host.
    expect(leaked(run.printed, { ...secrets, host: server.host })).toEqual([]);
  });
});

// ---- 4. absurd advertised rate limits ----------------------------------------------------------

describe("an absurd advertised rate limit is ignored with a warning", () => {
  const ABSURD = "1;w=100000000";
  let sandbox: SendbirdSandbox;
  let proxy: Server;

  afterAll(async () => {
    await proxy?.stop();
    await sandbox?.stop();
  });

  test("3 sendbird.Bot: up finishes in time and warns naming X-RateLimit-Limit; destroy succeeds", async () => {
    const apiToken = hex(20);
    sandbox = await startSendbirdSandbox({ apiToken });
    const upstream = new URL(sandbox.url);
    // The sandbox behind a proxy that puts the absurd limit on every answer (the sandbox has no
    // option for it).
    proxy = await startServer((r, req, res) => {
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: r.method,
          path: r.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "x-ratelimit-limit": ABSURD });
          answer.pipe(res);
        },
      );
      forwarded.on("error", () => res.destroy());
      forwarded.end(r.body);
    });
    const env = { SENDBIRD_API_TOKEN: apiToken, SENDBIRD_API_URL: `${proxy.origin}${upstream.pathname}` };
    const stack = await newStack("sendbird.Bot", 3);

    // Followed as is, the header paces every request after the first at hours apart: cut off.
    const up = await pulumi(stack, "up", env, 150_000);
    expectSucceeded(up, { "API token": apiToken });
    expect(up.ms).toBeLessThan(120_000);
    expect(sandbox.bots()).toHaveLength(3);
    // The warning names the header, the value it ignored, the pace taken instead and the setting.
    expect(engineWarnings(up.events)).toContainEqual(
      expect.stringMatching(
        /Sendbird advertised a rate limit of "1;w=100000000" in its X-RateLimit-Limit header, below the provider's floor of [\d.]+ (reads|writes) a second .*the advertised limit was ignored.*set sendbird:(reads|writes)PerSecond \(or SENDBIRD_(READS|WRITES)_PER_SECOND\)/,
      ),
    );

    const destroy = await pulumi(stack, "destroy", env, 150_000);
    expectSucceeded(destroy, { "API token": apiToken });
    expect(sandbox.bots()).toHaveLength(0);
    expect(proxy.requests.length).toBeGreaterThanOrEqual(6);
  });
});
