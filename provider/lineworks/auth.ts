/**
 * LINE WORKS credentials. Two ways in:
 * - a service account (the documented way for server apps): an RS256 JWT assertion signed with the
 *   app's private key is exchanged at the token endpoint for an access token (JWT bearer grant).
 *   The token is cached in the provider process per token endpoint, app and service account, used
 *   by every resource until shortly before it expires, and fetched anew when the API refuses it
 *   (the cache is the `tokens` policy, core/policies.ts: tests bring their own);
 * - a ready access token (`lineworks:accessToken`), used as is: nothing renews it.
 * The client secret, the private key, assertions and tokens are secrets: they are redacted from
 * every error, and token-endpoint errors report only the OAuth `error` and `error_description`.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import * as fs from "node:fs";
import * as t from "io-ts";
import { SignJWT } from "jose";
import { decodeOrThrow, optional } from "../core/codec";
import { platformSettings, readSetting, readUrlSetting, SettingSpec } from "../core/credentials";
import { ConfigurationError } from "../core/errors";
import { ApiClient, RequestAuth, VendorError } from "../core/http";
import { policies } from "../core/policies";
import type { CachedToken } from "../core/token";

export const NAMESPACE = "lineworks";

export const SETTINGS = platformSettings(NAMESPACE, {
  clientId: {},
  clientSecret: { secret: true },
  serviceAccount: {},
  privateKey: { secret: true },
  accessToken: { secret: true },
  authUrl: {},
});

export const DEFAULT_AUTH_URL = "https://auth.worksmobile.com/oauth2/v2.0/token";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** The one scope bot management needs (reads accept `bot.read` too, writes need `bot`). */
export const SCOPE = "bot";
/**
 * An assertion is exchanged at once, so it need not live long; ten minutes absorbs clock skew. The
 * vendor's limit is undocumented (the official samples use an hour, the sandbox refuses more).
 */
export const ASSERTION_LIFETIME_SECONDS = 600;
/** When `expires_in` is missing: the shorter of the two documented lifetimes (1 h or 24 h). */
const FALLBACK_TOKEN_SECONDS = 3600;

const setting = (s: SettingSpec) => `${NAMESPACE}:${s.key} (${s.env})`;

export interface ServiceAccountCredentials {
  kind: "serviceAccount";
  authUrl: string;
  clientId: string;
  clientSecret: string;
  serviceAccount: string;
  /** The setting's value as given: PEM text, or the path of a PEM file. */
  privateKeySetting: string;
  privateKeyPem: string;
  privateKey: KeyObject;
}

export interface AccessTokenCredentials {
  kind: "accessToken";
  accessToken: string;
}

export type Credentials = ServiceAccountCredentials | AccessTokenCredentials;

/**
 * The configured credentials (stack config, then environment, per setting). A complete service
 * account wins over an access token: it renews itself, a static token eventually expires.
 */
export function readCredentials(): Credentials {
  const values = {
    clientId: readSetting(NAMESPACE, SETTINGS.clientId),
    clientSecret: readSetting(NAMESPACE, SETTINGS.clientSecret),
    serviceAccount: readSetting(NAMESPACE, SETTINGS.serviceAccount),
    privateKey: readSetting(NAMESPACE, SETTINGS.privateKey),
  };
  const missing = (Object.keys(values) as Array<keyof typeof values>).filter((k) => values[k] === undefined);
  if (missing.length === 0) {
    const pem = privateKeyPem(values.privateKey as string);
    return {
      kind: "serviceAccount",
      authUrl: readUrlSetting(NAMESPACE, SETTINGS.authUrl, () => DEFAULT_AUTH_URL),
      clientId: values.clientId as string,
      clientSecret: values.clientSecret as string,
      serviceAccount: values.serviceAccount as string,
      privateKeySetting: values.privateKey as string,
      privateKeyPem: pem,
      privateKey: parsePrivateKey(pem),
    };
  }
  const accessToken = readSetting(NAMESPACE, SETTINGS.accessToken);
  if (accessToken !== undefined) return { kind: "accessToken", accessToken };
  throw missingCredentials(missing.map((k) => SETTINGS[k]));
}

function missingCredentials(missing: SettingSpec[]): ConfigurationError {
  const all = [SETTINGS.clientId, SETTINGS.clientSecret, SETTINGS.serviceAccount, SETTINGS.privateKey];
  const partial = missing.length < all.length;
  return new ConfigurationError(
    `LINE WORKS credentials are ${partial ? "incomplete" : "not set"}. Either a service account: set ` +
      `${all.map((s) => `${NAMESPACE}:${s.key}`).join(", ")} (\`pulumi config set --secret\` for the ` +
      "client secret and the private key, which is PEM text or the path of a PEM file), or the " +
      `environment variables ${all.map((s) => s.env).join(", ")}` +
      `${partial ? `; missing: ${missing.map(setting).join(", ")}` : ""}. ` +
      `Or an access token with scope "bot": ${setting(SETTINGS.accessToken)}`,
  );
}

/** The PEM text of the key setting: the value itself, or the file it names. */
function privateKeyPem(value: string): string {
  let text = value;
  if (!value.trimStart().startsWith("-----BEGIN")) {
    try {
      text = fs.readFileSync(value, "utf8");
    } catch (err) {
      // The value is not quoted: it may be a key pasted without its header line.
      const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
      throw new ConfigurationError(
        `${setting(SETTINGS.privateKey)} is neither PEM text (starting with -----BEGIN) nor the path of a ` +
          `readable file (${code})`,
      );
    }
  }
  // Environment variables often carry a PEM with its line breaks written as "\n" (base64 has no "\").
  return text.replace(/\\n/g, "\n").trim() + "\n";
}

let lastKey: { pem: string; key: KeyObject } | undefined;

/** An unencrypted RSA private key in PEM, PKCS#8 or PKCS#1. Node's own message is not passed on. */
function parsePrivateKey(pem: string): KeyObject {
  if (lastKey?.pem === pem) return lastKey.key;
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    key = undefined;
  }
  if (key?.asymmetricKeyType !== "rsa") {
    throw new ConfigurationError(
      `${setting(SETTINGS.privateKey)} is not an unencrypted RSA private key in PEM form ` +
        "(PKCS#8 or PKCS#1): use the private key the " +
        "Developer Console issued for the service account",
    );
  }
  lastKey = { pem, key };
  return key;
}

/** How an ApiClient authenticates with these credentials. */
export interface ClientAuthentication {
  /** Fixed headers (the static token). */
  headers: Record<string, string>;
  /** Per-request headers (the service account's cached token). */
  auth?: RequestAuth;
  /** Values never to print. */
  secrets: string[];
  /** What the user can do about a 401 that survived a fresh token. */
  unauthorizedAdvice: string;
  /** Tells clients apart: one per set of credentials (secrets included, so a changed one counts). */
  identity: string;
}

export function clientAuthentication(creds: Credentials): ClientAuthentication {
  if (creds.kind === "accessToken") {
    return {
      headers: { Authorization: `Bearer ${creds.accessToken}` },
      secrets: [creds.accessToken],
      unauthorizedAdvice:
        `LINE WORKS rejected the access token of ${setting(SETTINGS.accessToken)}: it has expired or ` +
        "was revoked. Set a fresh one, or configure the service account (lineworks:clientId, " +
        "lineworks:clientSecret, lineworks:serviceAccount, lineworks:privateKey) so the provider " +
        "obtains and renews tokens itself",
      identity: JSON.stringify(["accessToken", creds.accessToken]),
    };
  }
  // Looked up per request, not kept: a client outlives the call that made it, and each call's
  // policies hold its token cache.
  const cached = () => cachedToken(creds);
  const bearer = (headers: Record<string, string>) => /^Bearer (.+)$/.exec(headers.Authorization ?? "")?.[1];
  return {
    headers: {},
    auth: {
      headers: async () => ({ Authorization: `Bearer ${await cached().get()}` }),
      rejected: (headers) => cached().rejected(bearer(headers)),
      secrets: () => cached().secrets(),
    },
    secrets: [creds.clientSecret, creds.privateKeySetting, creds.privateKeyPem],
    unauthorizedAdvice:
      "LINE WORKS rejected a newly issued access token too: check that the service account " +
      `(${setting(SETTINGS.serviceAccount)}) belongs to the app of ${setting(SETTINGS.clientId)}, and ` +
      `that ${setting(SETTINGS.apiUrl)} and ${setting(SETTINGS.authUrl)} are of the same LINE WORKS`,
    identity: JSON.stringify([
      "serviceAccount",
      creds.authUrl,
      creds.clientId,
      creds.serviceAccount,
      creds.clientSecret,
      creds.privateKeyPem,
    ]),
  };
}

// One token per token endpoint, app and service account, in the cache of the call's policies (in
// production, the provider process's).
function cachedToken(creds: ServiceAccountCredentials): CachedToken {
  const key = JSON.stringify([creds.authUrl, creds.clientId, creds.serviceAccount]);
  return policies().tokens.token(key, () => requestToken(creds));
}

const TokenAnswer = t.intersection([
  t.type({ access_token: t.string }),
  t.partial({ expires_in: optional(t.union([t.number, t.string])), token_type: optional(t.string) }),
]);

const OAuthErrorBody = t.partial({ error: t.string, error_description: t.string, description: t.string });

/**
 * RFC 6749 `{error, error_description}`. Only `error` counts as the endpoint's code: an answer
 * without it (a 404 of a wrong authUrl) did not come from the token endpoint.
 */
function parseOAuthError(body: unknown): VendorError {
  if (!OAuthErrorBody.is(body)) return {};
  return { code: body.error, message: body.error_description ?? body.description };
}

/**
 * A failed token request. Not an ApiError: the API call waiting for the token must never mistake
 * the token endpoint's 404 for "bot not found", nor an unreadable token answer for a lost create.
 */
export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenRequestError";
  }
}

function tokenAdvice(error: VendorError & { status: number }): string | undefined {
  switch (error.code) {
    case "invalid_client":
      return (
        `LINE WORKS refused the app's credentials: check ${setting(SETTINGS.clientId)} and ` +
        `${setting(SETTINGS.clientSecret)}, the Client ID and Client Secret of the app in the Developer Console`
      );
    case "invalid_grant":
      return (
        `LINE WORKS refused the service account's assertion: check ${setting(SETTINGS.serviceAccount)} ` +
        `and ${setting(SETTINGS.privateKey)}, the service account and private key issued for this app ` +
        "(and that this machine's clock is right)"
      );
    case "invalid_scope":
      return 'The app may not use the OAuth scope "bot": tick it under OAuth Scopes of the app in the Developer Console';
    default:
      return error.status === 401 ? tokenAdvice({ ...error, code: "invalid_client" }) : undefined;
  }
}

/** The token endpoint's origin and path, for an ApiClient. */
function endpoint(authUrl: string): { baseUrl: string; path: string } {
  let url: URL;
  try {
    url = new URL(authUrl);
  } catch {
    throw new ConfigurationError(`${setting(SETTINGS.authUrl)} must be an absolute URL`);
  }
  return { baseUrl: url.origin, path: `${url.pathname}${url.search}` };
}

/** One JWT bearer grant (docs/vendors/lineworks.md, "Authentication"). */
async function requestToken(creds: ServiceAccountCredentials): Promise<{
  value: string;
  expiresInSeconds: number;
}> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(creds.clientId)
    .setSubject(creds.serviceAccount)
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(creds.privateKey);
  const { baseUrl, path } = endpoint(creds.authUrl);
  // A client per grant: its secrets include this assertion. The core owns retries and redaction.
  const client = new ApiClient({
    platform: "LINE WORKS auth",
    baseUrl,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    secrets: [creds.clientSecret, assertion, creds.privateKeySetting, creds.privateKeyPem],
    parseError: parseOAuthError,
    advise: tokenAdvice,
    baseUrlSetting: "lineworks:authUrl or LINEWORKS_AUTH_URL",
  });
  const form = new URLSearchParams({
    assertion,
    grant_type: JWT_BEARER_GRANT,
    client_id: creds.clientId,
    client_secret: creds.clientSecret,
    scope: SCOPE,
  });
  try {
    return await client.redacting(async () => {
      // Asking again after a lost answer only issues another token: safe to resend.
      const res = await client.request({ method: "POST", path, body: form.toString(), idempotent: true });
      const answer = decodeOrThrow(TokenAnswer, res.data, "LINE WORKS token response");
      const seconds = Number(answer.expires_in ?? FALLBACK_TOKEN_SECONDS);
      return {
        value: answer.access_token,
        expiresInSeconds: seconds > 0 && Number.isFinite(seconds) ? seconds : FALLBACK_TOKEN_SECONDS,
      };
    });
  } catch (err) {
    throw new TokenRequestError(`getting a LINE WORKS access token failed: ${(err as Error).message}`);
  }
}
