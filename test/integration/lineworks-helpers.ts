/**
 * Test-only helpers for the LINE WORKS sandbox: service accounts with fresh RSA key pairs, RS256
 * JWT assertions signed with node:crypto, the token exchange and a small fetch client for the API.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { LINEWORKS_JWT_BEARER_GRANT, type LineWorksServiceAccount } from "../../sandbox/lineworks";

/** A service account as the sandbox knows it, plus the private key only the app holds. */
export interface TestApp extends LineWorksServiceAccount {
  privateKey: KeyObject;
}

/** Every secret a helper made or received, so a test can check that none leaked. */
export const secretsSeen: string[] = [];

export function remember<T extends string | undefined>(secret: T): T {
  if (secret !== undefined && secret.length > 0) secretsSeen.push(secret);
  return secret;
}

export function newRsaKeyPair(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

let appCounter = 0;

/** A new app with its own key pair and credentials; `overrides` replace any of them. */
export function newTestApp(overrides: Partial<TestApp> = {}): TestApp {
  appCounter += 1;
  const keys = overrides.privateKey === undefined ? newRsaKeyPair() : undefined;
  const app: TestApp = {
    clientId: `client${appCounter}${randomBytes(6).toString("hex")}`,
    clientSecret: remember(randomBytes(12).toString("base64url")),
    serviceAccount: `svc${appCounter}.serviceaccount@example-tenant`,
    publicKeyPem: keys?.publicKeyPem ?? "",
    privateKey: keys?.privateKey as KeyObject,
    ...overrides,
  };
  return app;
}

/** The sandbox's view of an app: everything but the private key. */
export function serviceAccountOf(app: TestApp): LineWorksServiceAccount {
  const { privateKey: _, ...account } = app;
  return account;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact JWS signed with RS256 over exactly the given header and claims. */
export function signJwt(
  privateKey: KeyObject,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256", typ: "JWT" },
): string {
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  const signature = createSign("RSA-SHA256").update(signingInput).sign(privateKey).toString("base64url");
  return remember(`${signingInput}.${signature}`);
}

/** The documented assertion of an app (iat now, exp in an hour), with claims overridden or removed. */
export function assertionFor(
  app: TestApp,
  claims: Record<string, unknown> = {},
  header?: Record<string, unknown>,
): string {
  const now = Math.floor(Date.now() / 1000);
  const all: Record<string, unknown> = {
    iss: app.clientId,
    sub: app.serviceAccount,
    iat: now,
    exp: now + 3600,
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete all[name];
    else all[name] = value;
  }
  return signJwt(app.privateKey, all, header);
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON, otherwise undefined. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const isJson =
    (response.headers.get("content-type") ?? "").startsWith("application/json") && text.length > 0;
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    text,
    body: isJson ? JSON.parse(text) : undefined,
  };
}

/** POSTs a form to the token endpoint; fields with an undefined value are left out. */
export async function postToken(
  authUrl: string,
  fields: Record<string, string | undefined>,
): Promise<Answer> {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  const response = await fetch(authUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await answerOf(response);
  remember(answer.body?.access_token);
  remember(answer.body?.refresh_token);
  return answer;
}

/** The documented JWT-bearer token request of an app, with fields overridden (undefined: left out). */
export function jwtGrantFields(
  app: TestApp,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    assertion: assertionFor(app),
    grant_type: LINEWORKS_JWT_BEARER_GRANT,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope: "bot bot.read",
    ...overrides,
  };
}

/** Exchanges an assertion for an access token; fails the test if the exchange does not answer 200. */
export async function accessTokenFor(authUrl: string, app: TestApp, scope = "bot bot.read"): Promise<string> {
  const answer = await postToken(authUrl, jwtGrantFields(app, { scope }));
  if (answer.status !== 200) throw new Error(`token exchange failed: ${answer.status} ${answer.text}`);
  return answer.body.access_token as string;
}

export interface RequestOptions {
  /** Serialised as JSON with Content-Type application/json. */
  json?: unknown;
  /** Sent as is, with `contentType` (if any). */
  raw?: string;
  contentType?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** A fetch client for the API with one bearer token (undefined: no Authorization). Never throws on status. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | undefined,
  ) {}

  async request(method: string, urlPath: string, init: RequestOptions = {}): Promise<Answer> {
    const url = new URL(this.baseUrl + urlPath);
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { ...init.headers };
    if (this.token !== undefined) headers.Authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.raw !== undefined) {
      if (init.contentType !== undefined) headers["Content-Type"] = init.contentType;
      body = init.raw;
    }
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    return answerOf(response);
  }

  get = (urlPath: string, query?: Record<string, string>) => this.request("GET", urlPath, { query });
  post = (urlPath: string, json?: unknown) => this.request("POST", urlPath, { json });
  put = (urlPath: string, json: unknown) => this.request("PUT", urlPath, { json });
  patch = (urlPath: string, json: unknown) => this.request("PATCH", urlPath, { json });
  delete = (urlPath: string) => this.request("DELETE", urlPath);
}

/** A valid bot body (the four required fields), with fields overridden. */
export function botBody(botName: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    botName,
    photoUrl: "https://example.com/bot.png",
    description: "A test bot",
    administrators: ["admin@example.com"],
    ...overrides,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Waits, if need be, until at least `marginMs` remain in the current one-minute rate-limit window. */
export async function awayFromMinuteBoundary(marginMs = 5000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await sleep(left + 50);
}
