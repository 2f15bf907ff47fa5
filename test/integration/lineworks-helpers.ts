/**
 * Test-only helpers for the LINE WORKS sandbox: service accounts with fresh RSA key pairs, RS256
 * JWT assertions signed with node:crypto, the token exchange and a fetch client for the API (the
 * plumbing of sandbox-kit, re-exported under the names LINE WORKS tests use).
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { LINEWORKS_JWT_BEARER_GRANT, type LineWorksServiceAccount } from "../../sandbox/lineworks";
import { answerOf, LeakWatch, sleep, type Answer } from "./sandbox-kit";

export { BearerClient as ApiClient, sleep, waitUntil } from "./sandbox-kit";
export type { Answer, RequestOptions } from "./sandbox-kit";

/** A service account as the sandbox knows it, plus the private key only the app holds. */
export interface TestApp extends LineWorksServiceAccount {
  privateKey: KeyObject;
}

/** Every secret a helper made or received, and where none may show (`leaks.expectNoLeaks()`). */
export const leaks = new LeakWatch();

/** Every secret a helper made or received, so a test can check that none leaked. */
export const secretsSeen: string[] = leaks.secrets;

/** Records a secret in `secretsSeen` (an empty or undefined one is ignored) and returns it. */
export const remember = leaks.remember;

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

/**
 * The stack config of `app` against `sandbox`, as a user sets it: the client secret and private key
 * encrypted. (The e2e runner sets config with `config set-all`, key=value, so a generated secret
 * that begins with "-", and a PEM, which does, are not read as flags.)
 */
export function lineworksStackConfig(
  app: TestApp,
  sandbox: { url: string; authUrl: string },
): Record<string, string | { value: string; secret: true }> {
  return {
    "lineworks:clientId": app.clientId,
    "lineworks:clientSecret": { value: app.clientSecret, secret: true },
    "lineworks:serviceAccount": app.serviceAccount,
    "lineworks:privateKey": {
      value: app.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      secret: true,
    },
    "lineworks:apiUrl": sandbox.url,
    "lineworks:authUrl": sandbox.authUrl,
  };
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

/** Waits, if need be, until at least `marginMs` remain in the current one-minute rate-limit window. */
export async function awayFromMinuteBoundary(marginMs = 5000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await sleep(left + 50);
}
