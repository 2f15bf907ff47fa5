/**
 * A local emulator of the LINE WORKS API 2.0 bot endpoints and of its OAuth token endpoint (the
 * service-account JWT grant), written from the vendor's pages as docs/vendors/lineworks.md
 * quotes them ("§" below names its sections). Every documented error answer comes from
 * sandbox/fixtures/lineworks.ts. Where the documentation is silent it takes the strictest
 * plausible behaviour; each such choice is marked "silent:" below, and the choices the provider
 * must survive either way are options (named readings: notFoundAnswer, alreadyExistAnswer,
 * endOfListCursor, getOneDomain, expiresInType).
 *
 * Emulated: POST /oauth2/v2.0/token with the JWT bearer grant (§ Authentication), and under /v1.0
 * the calls the provider makes: bots listed, created, read, changed with PATCH and deleted (§ Bots),
 * a bot's domain registrations listed, made, changed with PATCH and deleted (§ Bot domains; the
 * undocumented get-one under `getOneDomain`), the per-operation rate limit (§ Rate limit) and the
 * rule against parallel mutations of one bot (§ Bots). The vendor serves the token endpoint from
 * auth.worksmobile.com and the API from www.worksapis.com; the sandbox serves both from one origin.
 * Not emulated: what the provider never calls (PUT of a bot or a registration, the secret reissue,
 * allowed members, the refresh-token grant: a wrong method answers 405, an unknown path 404),
 * messaging, rich menus (any defaultRichmenuId is accepted), callbacks (§ Bots), the user
 * directory (any user id is accepted) and the enableGroupJoin room eviction (no rooms).
 */
import {
  createHmac,
  createPublicKey,
  randomBytes,
  verify as verifySignature,
  type KeyObject,
} from "node:crypto";
import {
  checkRateLimitCounts,
  openStateFile,
  sandboxBase,
  SandboxRateLimit,
  type SandboxBase,
  type SandboxOptionsBase,
} from "./common";
import {
  checkedDuration,
  controlRoutes,
  FixedWindowRateLimiter,
  matchesAnyDigest,
  parseJsonObjectBody,
  pathSegmentsUnder,
  reasonCode,
  reasonPhrase,
  REDACTED,
  secondsUntilReset,
  secretDigest,
  sleep,
  startSandboxServer,
  withRetryAfter,
  type RateLimitDecision,
  type RecordedRequest,
  type SandboxRequest,
  type SandboxResponse,
  type StatusFault,
} from "./http";
import { documented, withBasis, type Basis } from "./documented";
import { LINEWORKS_ANSWERS, type LineWorksAnswer } from "./fixtures/lineworks";

export const LINEWORKS_API_PATH = "/v1.0";
const API_SEGMENTS = ["v1.0"];
export const LINEWORKS_TOKEN_PATH = "/oauth2/v2.0/token";
export const LINEWORKS_JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Languages of the i18n arrays (§ Bots). */
export const LINEWORKS_LANGUAGES = ["ko_KR", "ja_JP", "en_US", "zh_CN", "zh_TW"] as const;
/** Values of `callbackEvents`: the message types users may send (§ Bots). */
export const LINEWORKS_CALLBACK_EVENTS = [
  "text",
  "location",
  "sticker",
  "image",
  "file",
  "audio",
  "video",
] as const;
/** Values of `channelEvents` (documented on the JP/KR pages only, § Bots). */
export const LINEWORKS_CHANNEL_EVENTS = [
  "message",
  "join",
  "leave",
  "joined",
  "left",
  "postback",
  "begin",
  "end",
] as const;

export type LineWorksLanguage = (typeof LINEWORKS_LANGUAGES)[number];
export type LineWorksCallbackEvent = (typeof LINEWORKS_CALLBACK_EVENTS)[number];
export type LineWorksChannelEvent = (typeof LINEWORKS_CHANNEL_EVENTS)[number];

export interface LineWorksServiceAccount {
  clientId: string;
  /** Accepted on the token endpoint; the sandbox keeps only its digest. */
  clientSecret: string;
  /** The service account id, the `sub` of the app's JWTs. */
  serviceAccount: string;
  /** The public half of the app's key pair (PEM); assertions must be signed with the private half. */
  publicKeyPem: string;
  /** The OAuth scopes ticked for the app in the Developer Console; default ["bot", "bot.read"]. */
  scopes?: string[];
}

/** Requests allowed per one-minute window, per API operation (§ Rate limit). */
export interface LineWorksRateLimit {
  /** An integer >= 0. */
  requestsPerMinute: number;
}

export interface LineWorksSandboxOptions extends SandboxOptionsBase {
  /** The apps whose service accounts may get tokens. */
  apps: LineWorksServiceAccount[];
  /** Access tokens accepted as is, with scope `bot` (a provider's static accessToken). */
  staticTokens?: string[];
  /** Lifetime of issued access tokens in seconds, as `expires_in` says; default 86400 (§ Authentication). */
  tokenTtlSeconds?: number;
  /**
   * The JSON type of `expires_in`. silent: no page gives its type; default "string" (the
   * vendor's SSO page allows String, and a client reading it as a number must convert either way).
   */
  expiresInType?: "string" | "number";
  /** The tenant's domain ids; default [10000001, 10000002, 10000003]. */
  domains?: number[];
  /** Bots allowed per tenant; default 300 (§ Bots). */
  botLimit?: number;
  /** Milliseconds every API and token request takes (for benchmarks); default 0. */
  latencyMs?: number;
  /**
   * How long each mutation of a bot is held "in progress" (at least latencyMs); a second mutation
   * of the same bot arriving meanwhile is refused (§ Bots). Default 0.
   */
  mutationMs?: number;
  /**
   * Default {requestsPerMinute: 60}: the Free plan's per-API limit, the strictest documented one
   * (§ Rate limit; Standard/Advanced allow 240). false disables.
   */
  rateLimit?: LineWorksRateLimit | false;
  /**
   * How a list's last page says there is no more (not documented). silent: default "null"
   * (`"responseMetaData": {"nextCursor": null}`); "absent" omits the field, "empty" sends "".
   */
  endOfListCursor?: "null" | "absent" | "empty";
  /**
   * Serve GET /bots/{botId}/domains/{domainId}. silent: not documented (not documented), so by
   * default it answers 405 and clients must read a registration through the list.
   */
  getOneDomain?: boolean;
  /**
   * Which of the documented not-found answers a bot or a registration that does not exist gets
   * (docs/vendors/lineworks.md, "Gone"; which one each route answers is not documented):
   * - "NOT_FOUND" (default): 404 NOT_FOUND;
   * - "BOT_NOT_EXIST": 404 `{RESOURCE}_NOT_EXIST`, named BOT_NOT_EXIST for a bot and
   *   BOT_DOMAIN_NOT_EXIST for a registration (a reading: the page gives only the pattern);
   * - "DELETED": 410 DELETED for a bot or registration this sandbox deleted (bot deletion is
   *   asynchronous), 404 NOT_FOUND for one that never existed.
   */
  notFoundAnswer?: LineWorksNotFoundAnswer;
  /**
   * Which documented answer a registration that exists already gets: 409 ALREADY_EXIST (default),
   * or 409 `{RESOURCE}_ALREADY_EXIST` named BOT_DOMAIN_ALREADY_EXIST (a reading: the page gives only
   * the pattern).
   */
  alreadyExistAnswer?: LineWorksAlreadyExistAnswer;
}

export const LINEWORKS_NOT_FOUND_ANSWERS = ["NOT_FOUND", "BOT_NOT_EXIST", "DELETED"] as const;
export type LineWorksNotFoundAnswer = (typeof LINEWORKS_NOT_FOUND_ANSWERS)[number];
export const LINEWORKS_ALREADY_EXIST_ANSWERS = ["ALREADY_EXIST", "BOT_DOMAIN_ALREADY_EXIST"] as const;
export type LineWorksAlreadyExistAnswer = (typeof LINEWORKS_ALREADY_EXIST_ANSWERS)[number];

export interface LineWorksI18nBotName {
  language: LineWorksLanguage;
  botName: string;
}
export interface LineWorksI18nDescription {
  language: LineWorksLanguage;
  description: string;
}
export interface LineWorksI18nPhotoUrl {
  language: LineWorksLanguage;
  photoUrl: string;
}

/** A bot as GET /bots/{botId} returns it (§ Bots; field names as on the wire). */
export interface LineWorksBot {
  /** int64, server-assigned. */
  botId: number;
  botName: string;
  photoUrl: string;
  description: string;
  administrators: string[];
  subadministrators: string[];
  allowDomains: number[];
  enableCallback: boolean;
  callbackEvents: LineWorksCallbackEvent[];
  channelEvents: LineWorksChannelEvent[];
  /** Absent until set; "" means no callbacks. */
  callbackUrl?: string;
  enableGroupJoin: boolean;
  /** Absent until set. */
  defaultRichmenuId?: string;
  i18nBotNames: LineWorksI18nBotName[];
  i18nDescriptions: LineWorksI18nDescription[];
  i18nPhotoUrls: LineWorksI18nPhotoUrl[];
  /** `YYYY-MM-DDThh:mm:ss+09:00`. */
  createdTime: string;
  modifiedTime: string;
}

/** A bot's registration in one domain (§ Bot domains); the API answers all but `botId`. */
export interface LineWorksBotDomain {
  botId: number;
  domainId: number;
  visible: boolean;
  allowToSelectedMember: boolean;
}

/**
 * A running LINE WORKS sandbox; its API is under /v1.0, and its request log holds the token
 * requests too, with Authorization headers, client secrets, assertions, access and refresh tokens
 * logged as "[REDACTED]" (wherever a client put them).
 */
export interface LineWorksSandbox extends SandboxBase<LineWorksRateLimit> {
  /** The token endpoint, e.g. "http://127.0.0.1:41234/oauth2/v2.0/token". */
  readonly authUrl: string;
  /** Snapshot of the stored bots (whole objects), in botId order. */
  bots(): LineWorksBot[];
  bot(botId: number | string): LineWorksBot | undefined;
  /** The bot's domain registrations in domainId order ([] for an unknown bot). */
  domains(botId: number | string): LineWorksBotDomain[];
  /**
   * A change made in the admin console, for drift tests: no validation; modifiedTime is bumped
   * (unless given) and narrowing allowDomains drops registrations as the API does. An undefined
   * value removes an optional field. Throws if there is no such bot.
   */
  editBot(botId: number | string, changes: Partial<LineWorksBot>): void;
  /** Deletes a bot as the admin console would. Throws if there is no such bot. */
  removeBot(botId: number | string): void;
  editDomain(
    botId: number | string,
    domainId: number | string,
    changes: Partial<Pick<LineWorksBotDomain, "visible" | "allowToSelectedMember">>,
  ): void;
  removeDomain(botId: number | string, domainId: number | string): void;
  /** Every access token issued so far answers 401 from now on. */
  expireTokens(): void;
  /** How many token pairs the token endpoint issued. */
  tokensIssued(): number;
  /** How many mutations were refused because another mutation of the same bot was in progress. */
  overlappingMutations(): number;
  /** Changes `mutationMs` for mutations that arrive from now on. */
  setMutationMs(ms: number): void;
}

/**
 * The `code` values of the API's `{code, description}` error bodies. All but METHOD_NOT_ALLOWED are
 * on the API 2.0 error-code page (docs/vendors/lineworks.md, "Error answers"); the sandbox sends
 * them from sandbox/fixtures/lineworks.ts. METHOD_NOT_ALLOWED is the sandbox's own (assumed).
 */
export const LineWorksErrorCode = {
  badRequest: "BAD_REQUEST",
  invalidParameter: "INVALID_PARAMETER",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  limitExceeded: "LIMIT_EXCEEDED",
  notFound: "NOT_FOUND",
  methodNotAllowed: "METHOD_NOT_ALLOWED",
  alreadyExist: "ALREADY_EXIST",
  conflict: "CONFLICT",
  deleted: "DELETED",
  tooManyRequests: "TOO_MANY_REQUESTS",
  internalServerError: "INTERNAL_SERVER_ERROR",
} as const;

const DEFAULT_SCOPES = ["bot", "bot.read"];
const DEFAULT_DOMAINS = [10000001, 10000002, 10000003];
const DEFAULT_TOKEN_TTL_SECONDS = 86400;
const DEFAULT_BOT_LIMIT = 300;
const DEFAULT_RATE_LIMIT: LineWorksRateLimit = { requestsPerMinute: 60 };
// silent: the maximum assertion lifetime is not documented (not documented); the official
// samples use exp = iat + 3600, so anything longer is refused.
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
// silent: a little clock skew is tolerated on `iat` (not on `exp`).
const ASSERTION_CLOCK_SKEW_SECONDS = 60;
const DEFAULT_PAGE_COUNT = 50;
const MAX_PAGE_COUNT = 100;
const FIRST_BOT_ID = 2000001;
/** Prefix of issued tokens (the vendor's look like "kr1AAAB..."); lets the log scrub them. */
const TOKEN_PREFIX = "kr1AAA";
/** Every channel event but "begin" and "end". */
const DEFAULT_CHANNEL_EVENTS = LINEWORKS_CHANNEL_EVENTS.filter(
  (event) => event !== "begin" && event !== "end",
);

type Operation =
  | "bot.list"
  | "bot.create"
  | "bot.get"
  | "bot.patch"
  | "bot.delete"
  | "domain.list"
  | "domain.get"
  | "domain.create"
  | "domain.patch"
  | "domain.delete";

const OPERATIONS: Operation[] = [
  "bot.list",
  "bot.create",
  "bot.get",
  "bot.patch",
  "bot.delete",
  "domain.list",
  "domain.get",
  "domain.create",
  "domain.patch",
  "domain.delete",
];

/** Path shapes under /v1.0 and the operation of each method; ":x" segments are parameters. */
const ROUTES: Array<{ shape: string[]; methods: Partial<Record<string, Operation>> }> = [
  { shape: ["bots"], methods: { GET: "bot.list", POST: "bot.create" } },
  { shape: ["bots", ":botId"], methods: { GET: "bot.get", PATCH: "bot.patch", DELETE: "bot.delete" } },
  { shape: ["bots", ":botId", "domains"], methods: { GET: "domain.list" } },
  {
    shape: ["bots", ":botId", "domains", ":domainId"],
    methods: { GET: "domain.get", POST: "domain.create", PATCH: "domain.patch", DELETE: "domain.delete" },
  },
];

interface Route {
  operation: Operation;
  botId: number;
  domainId: number;
}

/**
 * An API error on its way to becoming a `{code, description}` response: a documented answer
 * (sandbox/fixtures/lineworks.ts), one of a named reading, or an HTTP-level assumption.
 */
class LineWorksError extends Error {
  constructor(readonly response: SandboxResponse) {
    super(`${response.status}`);
  }
}

/** The documented answer `name`, with the sandbox's own description where the page gives none. */
function refusal(
  name: LineWorksAnswer,
  description?: string,
  headers?: Record<string, string>,
): LineWorksError {
  const body = description === undefined ? undefined : { description };
  return new LineWorksError(documented("lineworks", LINEWORKS_ANSWERS, name, { body, headers }));
}

/** An answer no page gives, sent for plain HTTP reasons (an unknown path, a wrong method). */
function assumed(
  status: number,
  code: string,
  description: string,
  why: string,
  headers?: Record<string, string>,
): LineWorksError {
  return new LineWorksError(withBasis({ status, body: { code, description }, headers }, { assumed: why }));
}

/** A token-endpoint error on its way to becoming an RFC 6749 `{error, error_description}` response. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

interface AppRecord {
  clientId: string;
  secretDigest: Buffer;
  serviceAccount: string;
  publicKey: KeyObject;
  scopes: string[];
}

/** An issued access token, stored under the hex digest of its value. */
interface IssuedToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

interface DomainRecord {
  visible: boolean;
  allowToSelectedMember: boolean;
}

interface StoredBot {
  bot: LineWorksBot;
  domains: Map<number, DomainRecord>;
}

/**
 * On-disk format of `stateFile`: bots and registrations, never tokens. A registration's `members`
 * is always written empty and ignored on load: the sandbox no longer emulates allowed members, and
 * release 0.1.0 requires the field (and wrote `secretSha256`, ignored too).
 */
interface StateFile {
  version: 1;
  nextBotId: number;
  bots: Array<{
    bot: LineWorksBot;
    domains: Array<{ domainId: number; visible: boolean; allowToSelectedMember: boolean; members: string[] }>;
  }>;
}

type BotFields = Omit<LineWorksBot, "botId" | "createdTime" | "modifiedTime">;
const WRITABLE_FIELDS: ReadonlyArray<keyof BotFields> = [
  "botName",
  "photoUrl",
  "description",
  "administrators",
  "subadministrators",
  "allowDomains",
  "enableCallback",
  "callbackEvents",
  "channelEvents",
  "callbackUrl",
  "enableGroupJoin",
  "defaultRichmenuId",
  "i18nBotNames",
  "i18nDescriptions",
  "i18nPhotoUrls",
];
const REQUIRED_FIELDS: ReadonlyArray<keyof BotFields> = [
  "botName",
  "photoUrl",
  "description",
  "administrators",
];
const READ_ONLY_FIELDS = ["botId", "createdTime", "modifiedTime"];

export async function startLineWorksSandbox(opts: LineWorksSandboxOptions): Promise<LineWorksSandbox> {
  const apps = appRecords(opts.apps);
  const staticTokens = opts.staticTokens ?? [];
  if (!Array.isArray(staticTokens) || staticTokens.some((token) => typeof token !== "string" || !token)) {
    throw new Error("startLineWorksSandbox: staticTokens must be non-empty strings.");
  }
  if (apps.size === 0 && staticTokens.length === 0) {
    throw new Error("startLineWorksSandbox: give at least one app or static token.");
  }
  const staticDigests = staticTokens.map(secretDigest);
  const tokenTtlSeconds = positiveInteger(
    opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    "tokenTtlSeconds",
  );
  const expiresInType = opts.expiresInType ?? "string";
  const botLimit = nonNegativeInteger(opts.botLimit ?? DEFAULT_BOT_LIMIT, "botLimit");
  const tenantDomains = domainSet(opts.domains ?? DEFAULT_DOMAINS);
  const endOfListCursor = opts.endOfListCursor ?? "null";
  const notFoundAnswer = opts.notFoundAnswer ?? "NOT_FOUND";
  if (!LINEWORKS_NOT_FOUND_ANSWERS.includes(notFoundAnswer)) {
    throw new Error(
      `startLineWorksSandbox: notFoundAnswer must be one of ${LINEWORKS_NOT_FOUND_ANSWERS.join(", ")}.`,
    );
  }
  const alreadyExistAnswer = opts.alreadyExistAnswer ?? "ALREADY_EXIST";
  if (!LINEWORKS_ALREADY_EXIST_ANSWERS.includes(alreadyExistAnswer)) {
    throw new Error(
      `startLineWorksSandbox: alreadyExistAnswer must be one of ${LINEWORKS_ALREADY_EXIST_ANSWERS.join(", ")}.`,
    );
  }
  /** Bots and registrations ("botId/domainId") deleted since the sandbox started (the DELETED reading). */
  const deleted = new Set<string>();
  let latencyMs = checkedDuration(opts.latencyMs ?? 0, "latencyMs");
  let mutationMs = checkedDuration(opts.mutationMs ?? 0, "mutationMs");
  const rateLimit = new SandboxRateLimit(rateLimiterFor, opts.rateLimit, DEFAULT_RATE_LIMIT);
  let tokensIssued = 0;
  let overlapping = 0;
  const accessTokens = new Map<string, IssuedToken>();
  /** Bots with a mutation in progress (the overlap detector). */
  const busyBots = new Set<number>();
  // Cursors are signed with a per-instance key, so a garbled or foreign cursor is detected.
  const cursorKey = randomBytes(32);

  const bots = new Map<number, StoredBot>();
  const stateFile = openStateFile<StateFile>(opts.stateFile, "LINE WORKS", isStateFile);
  let nextBotId = FIRST_BOT_ID;
  for (const entry of stateFile.loaded?.bots ?? []) {
    bots.set(entry.bot.botId, {
      bot: entry.bot,
      domains: new Map(
        entry.domains.map(({ domainId, visible, allowToSelectedMember }) => [
          domainId,
          { visible, allowToSelectedMember },
        ]),
      ),
    });
    nextBotId = Math.max(nextBotId, entry.bot.botId + 1);
  }
  nextBotId = Math.max(nextBotId, stateFile.loaded?.nextBotId ?? 0);

  function saveState(): void {
    stateFile.save({
      version: 1,
      nextBotId,
      bots: sortedBots().map((stored) => ({
        bot: stored.bot,
        domains: [...stored.domains.entries()]
          .sort(([a], [b]) => a - b)
          .map(([domainId, record]) => ({ domainId, ...record, members: [] })),
      })),
    });
  }

  const sortedBots = (): StoredBot[] => [...bots.values()].sort((a, b) => a.bot.botId - b.bot.botId);

  // ---- token endpoint (§ Authentication) ---------------------------------------------------------

  function handleToken(req: SandboxRequest): SandboxResponse {
    if (req.method !== "POST") {
      return {
        ...oauthError(new OAuthError(405, "invalid_request", "Use POST.")),
        headers: { Allow: "POST" },
      };
    }
    try {
      const form = parseForm(req);
      const grantType = form.get("grant_type");
      if (grantType === undefined) throw invalidRequest("grant_type is required.");
      // The refresh-token grant is not emulated: the provider asks for a new token instead.
      if (grantType === LINEWORKS_JWT_BEARER_GRANT) return jwtBearerGrant(form);
      throw new OAuthError(400, "unsupported_grant_type", "grant_type is not supported.");
    } catch (error) {
      if (error instanceof OAuthError) return oauthError(error);
      throw error;
    }
  }

  function jwtBearerGrant(form: Map<string, string>): SandboxResponse {
    const [clientId, clientSecret, assertion, scope] = required(form, [
      "client_id",
      "client_secret",
      "assertion",
      // silent: scope is listed among the fields (§ Authentication); a request without it is refused.
      "scope",
    ]);
    const app = authenticateClient(clientId, clientSecret);
    verifyAssertion(app, assertion);
    return issueTokens(app.clientId, grantedScopes(scope, app.scopes));
  }

  /** The app whose client id and secret these are; otherwise invalid_client (RFC 6749 5.2). */
  function authenticateClient(clientId: string, clientSecret: string): AppRecord {
    const app = apps.get(clientId);
    // Compare a digest even for an unknown client, so timing does not tell which part was wrong.
    const secretOk = matchesAnyDigest(clientSecret, [
      app?.secretDigest ?? secretDigest(randomBytes(16).toString("hex")),
    ]);
    if (app === undefined || !secretOk) {
      throw new OAuthError(401, "invalid_client", "Client authentication failed.");
    }
    return app;
  }

  /**
   * Checks the JWT of § Authentication: compact JWS of three base64url parts without padding,
   * header alg RS256
   * and typ JWT, signed by the app's private key, iss = client id, sub = service account, numeric
   * iat and exp, exp in the future and at most an hour after iat. Anything else is invalid_grant.
   * silent: other claims (e.g. aud, which third-party samples send) are ignored.
   */
  function verifyAssertion(app: AppRecord, assertion: string): void {
    const bad = (why: string) => new OAuthError(400, "invalid_grant", `Invalid assertion: ${why}`);
    const parts = assertion.split(".");
    if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
      throw bad("not a JWT of three base64url parts without padding.");
    }
    const header = jsonSegment(parts[0]);
    const claims = jsonSegment(parts[1]);
    if (header === undefined || claims === undefined)
      throw bad("the header and claims must be JSON objects.");
    if (header.alg !== "RS256") throw bad("alg must be RS256.");
    // silent: the documented header has typ "JWT"; a header without it is refused.
    if (header.typ !== "JWT") throw bad('typ must be "JWT".');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verifySignature("sha256", signed, app.publicKey, Buffer.from(parts[2], "base64url"))) {
      throw bad("the signature does not verify with the app's public key.");
    }
    if (claims.iss !== app.clientId) throw bad("iss must be the client id.");
    if (claims.sub !== app.serviceAccount) throw bad("sub must be the app's service account.");
    const { iat, exp } = claims;
    // Documented: iat and exp must be numbers. silent: whole seconds only.
    if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
      throw bad("iat and exp must be numbers of whole seconds.");
    }
    const now = Math.floor(Date.now() / 1000);
    if ((exp as number) <= now) throw bad("the assertion has expired.");
    if ((iat as number) > now + ASSERTION_CLOCK_SKEW_SECONDS) throw bad("iat is in the future.");
    if ((exp as number) <= (iat as number)) throw bad("exp must be later than iat.");
    if ((exp as number) - (iat as number) > MAX_ASSERTION_LIFETIME_SECONDS) {
      throw bad(`exp may be at most ${MAX_ASSERTION_LIFETIME_SECONDS} seconds after iat.`);
    }
  }

  function issueTokens(clientId: string, scopes: string[]): SandboxResponse {
    const accessToken = newToken();
    accessTokens.set(tokenKey(accessToken), {
      clientId,
      scopes,
      expiresAt: Date.now() + tokenTtlSeconds * 1000,
    });
    tokensIssued += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        // Documented in the answer; no grant takes it back (see handleToken).
        refresh_token: newToken(),
        scope: scopes.join(" "),
        token_type: "Bearer",
        expires_in: expiresInType === "number" ? tokenTtlSeconds : String(tokenTtlSeconds),
      },
      // RFC 6749 5.1: token responses must not be cached.
      headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
    };
  }

  // ---- API auth, routing, rate limit and the overlap detector ---------------------------------

  /** The scopes of the request's bearer token, or undefined if it has no valid one. */
  function authenticate(req: SandboxRequest): string[] | undefined {
    // Documented: the literal "Bearer", one space, the token. silent: nothing else is accepted.
    const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? "");
    if (match === null) return undefined;
    const token = match[1];
    if (matchesAnyDigest(token, staticDigests)) return ["bot"];
    const key = tokenKey(token);
    const issued = accessTokens.get(key);
    if (issued === undefined) return undefined;
    if (Date.now() >= issued.expiresAt) {
      accessTokens.delete(key);
      return undefined;
    }
    return issued.scopes;
  }

  /**
   * Authenticates, routes, checks the scope and counts the request against its operation's limit.
   * silent: in that order, so an unknown path answers 401 without a token and 404 with one.
   */
  function admit(req: SandboxRequest): { route: Route; decision?: RateLimitDecision } {
    const scopes = authenticate(req);
    if (scopes === undefined) throw unauthorized();
    const route = routeOf(req, opts.getOneDomain ?? false);
    // Documented: GETs accept bot or bot.read, everything else needs bot (§ API conventions).
    const allowed = req.method === "GET" ? ["bot", "bot.read"] : ["bot"];
    if (!scopes.some((scope) => allowed.includes(scope))) {
      // Documented: 403 FORBIDDEN when the app lacks "the required OAuth scopes".
      throw refusal(
        "forbidden",
        `The access token lacks the scope this API needs (${allowed.join(" or ")}).`,
      );
    }
    const decision = rateLimit.take(route.operation);
    if (decision !== undefined && !decision.allowed) {
      throw refusal("tooManyRequests", undefined, rateLimitHeaders(decision));
    }
    return { route, decision };
  }

  async function handleApi(req: SandboxRequest): Promise<SandboxResponse> {
    let admitted: { route: Route; decision?: RateLimitDecision };
    try {
      admitted = admit(req);
    } catch (error) {
      await pause(latencyMs);
      return apiError(error);
    }
    const { route, decision } = admitted;
    // Documented (§ Bots): no parallel mutations of one bot, be they of the bot or of a domain.
    const mutatedBot = route.operation !== "bot.create" && req.method !== "GET" ? route.botId : undefined;
    let response: SandboxResponse;
    if (mutatedBot !== undefined && busyBots.has(mutatedBot)) {
      overlapping += 1;
      await pause(latencyMs);
      // silent: the answer to a parallel call is not documented; CONFLICT is the documented code
      // whose meaning fits, and its documented description is all it says.
      response = apiError(refusal("conflict"));
    } else {
      if (mutatedBot !== undefined) busyBots.add(mutatedBot);
      try {
        // The mutation occupies the bot for as long as the request takes; it commits at the end.
        await pause(mutatedBot !== undefined ? Math.max(latencyMs, mutationMs) : latencyMs);
        response = perform(req, route);
      } catch (error) {
        response = apiError(error);
      } finally {
        if (mutatedBot !== undefined) busyBots.delete(mutatedBot);
      }
    }
    if (decision !== undefined) response.headers = { ...response.headers, ...rateLimitHeaders(decision) };
    return response;
  }

  function perform(req: SandboxRequest, route: Route): SandboxResponse {
    switch (route.operation) {
      case "bot.list":
        return listBots(req.query);
      case "bot.create":
        return createBot(jsonBody(req));
      case "bot.get":
        return { status: 200, body: structuredClone(findBot(route.botId).bot) };
      case "bot.patch":
        return updateBot(route.botId, jsonBody(req));
      case "bot.delete":
        findBot(route.botId);
        deleteBot(route.botId);
        saveState();
        return noContent();
      case "domain.list":
        return listDomains(route.botId, req.query);
      case "domain.get":
        return { status: 200, body: domainBody(route.domainId, findRegistration(route)) };
      case "domain.create":
        return createDomain(route, jsonBody(req));
      case "domain.patch":
        return updateDomain(route, jsonBody(req));
      case "domain.delete":
        findRegistration(route);
        deleteRegistration(findBot(route.botId), route.domainId);
        saveState();
        return noContent();
    }
  }

  // ---- bots ------------------------------------------------------------------------------------

  function findBot(botId: number): StoredBot {
    const stored = bots.get(botId);
    if (stored === undefined) throw gone("BOT", String(botId), `Bot ${botId} does not exist.`);
    return stored;
  }

  /** The answer for a bot or registration that does not exist, under the `notFoundAnswer` reading. */
  function gone(resource: "BOT" | "BOT_DOMAIN", key: string, description: string): LineWorksError {
    if (notFoundAnswer === "BOT_NOT_EXIST") {
      const code = `${resource}_NOT_EXIST`;
      const answer = documented("lineworks", LINEWORKS_ANSWERS, "resourceNotExist", {
        body: { code, description },
      });
      return new LineWorksError(withBasis(answer, { reading: `notFoundAnswer BOT_NOT_EXIST (${code})` }));
    }
    if (notFoundAnswer === "DELETED" && deleted.has(key)) {
      const answer = documented("lineworks", LINEWORKS_ANSWERS, "deleted", { body: { description } });
      return new LineWorksError(withBasis(answer, { reading: "notFoundAnswer DELETED" }));
    }
    return notFound(description);
  }

  /** The answer for a registration that exists already, under the `alreadyExistAnswer` reading. */
  function alreadyExist(description: string): LineWorksError {
    if (alreadyExistAnswer === "ALREADY_EXIST") return refusal("alreadyExist", description);
    const code = "BOT_DOMAIN_ALREADY_EXIST";
    const answer = documented("lineworks", LINEWORKS_ANSWERS, "resourceAlreadyExist", {
      body: { code, description },
    });
    return new LineWorksError(
      withBasis(answer, { reading: `alreadyExistAnswer BOT_DOMAIN_ALREADY_EXIST (${code})` }),
    );
  }

  /** Forgets a bot (and its registrations), remembering that it was deleted. */
  function deleteBot(botId: number): void {
    for (const domainId of bots.get(botId)?.domains.keys() ?? []) deleted.add(`${botId}/${domainId}`);
    bots.delete(botId);
    deleted.add(String(botId));
  }

  /** Forgets a registration, remembering that it was deleted. */
  function deleteRegistration(stored: StoredBot, domainId: number): void {
    stored.domains.delete(domainId);
    deleted.add(`${stored.bot.botId}/${domainId}`);
  }

  function listBots(query: Record<string, string>): SandboxResponse {
    const page = paginate(
      sortedBots().map((stored) => stored.bot),
      (bot) => bot.botId,
      query,
      "bots",
    );
    // Documented: list items carry only these fields (§ Bots).
    const items = page.items.map(({ botId, botName, photoUrl, i18nBotNames, i18nPhotoUrls }) => ({
      botId,
      botName,
      photoUrl,
      i18nBotNames: structuredClone(i18nBotNames),
      i18nPhotoUrls: structuredClone(i18nPhotoUrls),
    }));
    return { status: 200, body: { bots: items, responseMetaData: page.metaData } };
  }

  function createBot(body: Record<string, unknown>): SandboxResponse {
    const fields = validateBotBody(body, "create", tenantDomains);
    // silent: the body is validated before the limit is checked; of the documented LIMIT_EXCEEDED
    // answers (400 and 403), the 403 of a resource limit.
    if (bots.size >= botLimit) {
      throw refusal("limitExceeded", `The tenant already has the maximum number of bots (${botLimit}).`);
    }
    const now = timestamp();
    const bot = composeBot(nextBotId, fields, now, now);
    checkBot(bot);
    nextBotId += 1;
    bots.set(bot.botId, { bot, domains: new Map() });
    saveState();
    // Documented: 201. silent: the body is the whole bot, as GET returns it (not documented).
    return { status: 201, body: structuredClone(bot) };
  }

  /**
   * PATCH changes only the fields sent. silent: the bot is looked up before the body is validated;
   * it answers 200 with the whole bot; modifiedTime changes on every successful call.
   */
  function updateBot(botId: number, body: Record<string, unknown>): SandboxResponse {
    const stored = findBot(botId);
    const fields = validateBotBody(body, "patch", tenantDomains);
    const bot = { ...stored.bot, ...fields, modifiedTime: timestamp() };
    checkBot(bot);
    stored.bot = bot;
    dropRegistrationsOutsideAllowDomains(stored);
    saveState();
    return { status: 200, body: structuredClone(bot) };
  }

  /**
   * Documented (PATCH page, § Bots): narrowing allowDomains deletes registrations outside the new
   * list. silent: the admin console does the same; an empty list allows every domain.
   */
  function dropRegistrationsOutsideAllowDomains(stored: StoredBot): void {
    const allowed = stored.bot.allowDomains;
    if (allowed.length === 0) return;
    for (const domainId of [...stored.domains.keys()]) {
      if (!allowed.includes(domainId)) deleteRegistration(stored, domainId);
    }
  }

  // ---- domains (§ Bot domains) ----------------------------------------------------

  /** The registration the route names; 404 if the bot or the registration does not exist. */
  function findRegistration(route: Route): DomainRecord {
    const registration = findBot(route.botId).domains.get(route.domainId);
    if (registration === undefined) {
      const description = `Bot ${route.botId} is not registered in domain ${route.domainId}.`;
      throw gone("BOT_DOMAIN", `${route.botId}/${route.domainId}`, description);
    }
    return registration;
  }

  function listDomains(botId: number, query: Record<string, string>): SandboxResponse {
    const stored = findBot(botId);
    const entries = [...stored.domains.entries()].sort(([a], [b]) => a - b);
    const page = paginate(entries, ([domainId]) => domainId, query, `domains:${botId}`);
    return {
      status: 200,
      body: {
        domains: page.items.map(([domainId, record]) => domainBody(domainId, record)),
        responseMetaData: page.metaData,
      },
    };
  }

  function createDomain(route: Route, body: Record<string, unknown>): SandboxResponse {
    const stored = findBot(route.botId);
    const fields = validateDomainBody(body);
    const { domainId } = route;
    requireTenantDomain(domainId);
    const allowed = stored.bot.allowDomains;
    // Documented: the domain must be inside allowDomains (§ Bot domains).
    // silent: the error is INVALID_PARAMETER.
    if (allowed.length > 0 && !allowed.includes(domainId)) {
      throw invalidParameter(`domainId ${domainId} is not in the bot's allowDomains.`);
    }
    // silent: registering twice is refused rather than treated as an update.
    if (stored.domains.has(domainId)) {
      throw alreadyExist(`Bot ${route.botId} is already registered in domain ${domainId}.`);
    }
    const record: DomainRecord = {
      visible: fields.visible ?? false,
      allowToSelectedMember: fields.allowToSelectedMember ?? false,
    };
    stored.domains.set(domainId, record);
    deleted.delete(`${route.botId}/${domainId}`);
    saveState();
    return { status: 201, body: domainBody(domainId, record) };
  }

  /** PATCH changes only the fields sent. */
  function updateDomain(route: Route, body: Record<string, unknown>): SandboxResponse {
    const registration = findRegistration(route);
    const fields = validateDomainBody(body);
    registration.visible = fields.visible ?? registration.visible;
    registration.allowToSelectedMember = fields.allowToSelectedMember ?? registration.allowToSelectedMember;
    saveState();
    return { status: 200, body: domainBody(route.domainId, registration) };
  }

  function requireTenantDomain(domainId: number): void {
    // silent: the answer is not documented; INVALID_PARAMETER's meaning fits.
    if (!tenantDomains.has(domainId))
      throw invalidParameter(`Domain ${domainId} does not belong to the tenant.`);
  }

  // ---- pagination --------------------------------------------------------------------------------

  /**
   * One page of `items` (sorted by `keyOf`), per the documented `count` (1-100, default 50) and
   * `cursor` parameters. A cursor is valid only for the list (`kind`) that issued it.
   */
  function paginate<T>(
    items: T[],
    keyOf: (item: T) => number | string,
    query: Record<string, string>,
    kind: string,
  ): { items: T[]; metaData: Record<string, string | null> } {
    let count = DEFAULT_PAGE_COUNT;
    if (query.count !== undefined) {
      count = /^\d{1,3}$/.test(query.count) ? Number(query.count) : NaN;
      if (!(count >= 1 && count <= MAX_PAGE_COUNT)) {
        throw invalidParameter(`count must be an integer between 1 and ${MAX_PAGE_COUNT}.`);
      }
    }
    // silent: an empty cursor is refused like any other invalid cursor.
    const after = query.cursor === undefined ? undefined : readCursor(query.cursor, kind);
    const remaining = after === undefined ? items : items.filter((item) => keyOf(item) > after);
    const page = remaining.slice(0, count);
    let metaData: Record<string, string | null>;
    if (remaining.length > count) {
      metaData = { nextCursor: writeCursor(kind, keyOf(page[page.length - 1])) };
    } else if (endOfListCursor === "null") {
      metaData = { nextCursor: null };
    } else {
      metaData = endOfListCursor === "empty" ? { nextCursor: "" } : {};
    }
    return { items: page, metaData };
  }

  /**
   * silent: cursors are opaque and do not expire. They contain "+" so that a client which does
   * not URL-encode them, as the list pages require, sends spaces and is refused.
   */
  function writeCursor(kind: string, lastKey: number | string): string {
    const payload = Buffer.from(JSON.stringify([kind, lastKey])).toString("base64url");
    return `v1+${payload}+${cursorSignature(payload)}`;
  }

  function readCursor(cursor: string, kind: string): number | string {
    const invalid = invalidParameter("cursor is invalid.");
    const [version, payload, signature, ...rest] = cursor.split("+");
    if (
      version !== "v1" ||
      rest.length > 0 ||
      payload === undefined ||
      signature !== cursorSignature(payload)
    ) {
      throw invalid;
    }
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as [
      string,
      number | string,
    ];
    if (decoded[0] !== kind) throw invalid;
    return decoded[1];
  }

  function cursorSignature(payload: string): string {
    return createHmac("sha256", cursorKey).update(payload).digest("base64url").slice(0, 22);
  }

  // ---- dispatch ----------------------------------------------------------------------------------

  async function handle(req: SandboxRequest): Promise<SandboxResponse> {
    if (req.path === LINEWORKS_TOKEN_PATH) {
      // silent: the token endpoint is not among the rate-limited APIs (§ Rate limit), so it has no limit.
      await pause(latencyMs);
      return handleToken(req);
    }
    if (req.path === LINEWORKS_API_PATH || req.path.startsWith(`${LINEWORKS_API_PATH}/`))
      return handleApi(req);
    await pause(latencyMs);
    return apiError(noSuchApi(req));
  }

  function renderStatusFault(fault: StatusFault, req: SandboxRequest): SandboxResponse {
    const description = reasonPhrase(fault.status);
    if (req.path === LINEWORKS_TOKEN_PATH) {
      return oauthError(new OAuthError(fault.status, oauthCodeForStatus(fault.status), description));
    }
    if (fault.status === 429) {
      const limit = rateLimit.limitOf("bot.get") ?? DEFAULT_RATE_LIMIT.requestsPerMinute;
      const resetInMs = (fault.retryAfterSeconds ?? 1) * 1000;
      const headers = rateLimitHeaders({ allowed: false, limit, remaining: 0, resetInMs });
      return apiError(refusal("tooManyRequests", undefined, headers));
    }
    // The server marks the answer as an injected fault; its body is the documented one of the status.
    const documentedAnswer = ANSWER_FOR_STATUS[fault.status];
    const response =
      documentedAnswer === undefined
        ? { status: fault.status, body: { code: reasonCode(fault.status), description } }
        : apiError(refusal(documentedAnswer, documentedAnswer === "conflict" ? undefined : description));
    return withRetryAfter(response, fault.retryAfterSeconds);
  }

  // ---- control endpoints (/__sandbox/...), authorised by any valid access token -----------------

  const handleControl = controlRoutes({
    "/__sandbox/bots": {
      GET: () => ({
        status: 200,
        body: {
          bots: sortedBots().map((stored) => stored.bot),
          domains: Object.fromEntries(sortedBots().map((stored) => [stored.bot.botId, domainsOf(stored)])),
        },
      }),
    },
    "/__sandbox/stats": {
      GET: () => ({
        status: 200,
        body: { tokensIssued, overlappingMutations: overlapping, rateLimited: rateLimit.rateLimited() },
      }),
    },
  });

  // Values scrubbed from the request log wherever they occur; tokens and assertions are caught by
  // their shape and field names in `redactRecord`.
  const scrubbed = [...opts.apps.map((app) => app.clientSecret), ...staticTokens].flatMap((secret) => [
    secret,
    new URLSearchParams({ s: secret }).toString().slice(2),
  ]);

  const server = await startSandboxServer({
    port: opts.port ?? 0,
    // The sandbox applies latency itself, so that a mutation occupies its bot meanwhile.
    latencyMs: 0,
    secretHeaders: ["authorization"],
    secretQueryParams: [...SECRET_FIELDS],
    secretValues: () => scrubbed,
    handle,
    renderStatusFault,
    renderInternalError: () => apiError(refusal("internalServerError", "Internal server error")),
    authorizeControl: (req) => (authenticate(req) === undefined ? apiError(unauthorized()) : undefined),
    handleControl,
  });

  const storedBot = (botId: number | string): StoredBot | undefined => bots.get(Number(botId));
  const existingBot = (botId: number | string): StoredBot => {
    const stored = storedBot(botId);
    if (stored === undefined) throw new Error(`No bot ${botId}.`);
    return stored;
  };
  const existingRegistration = (botId: number | string, domainId: number | string): DomainRecord => {
    const registration = existingBot(botId).domains.get(Number(domainId));
    if (registration === undefined) throw new Error(`Bot ${botId} is not registered in domain ${domainId}.`);
    return registration;
  };

  return {
    ...sandboxBase(server, LINEWORKS_API_PATH, rateLimit),
    authUrl: `${server.origin}${LINEWORKS_TOKEN_PATH}`,
    get requests() {
      return server.requests.map(redactRecord);
    },
    bots: () => sortedBots().map((stored) => structuredClone(stored.bot)),
    bot: (botId) => {
      const stored = storedBot(botId);
      return stored === undefined ? undefined : structuredClone(stored.bot);
    },
    domains: (botId) => {
      const stored = storedBot(botId);
      return stored === undefined ? [] : domainsOf(stored);
    },
    editBot: (botId, changes) => {
      const stored = existingBot(botId);
      if (changes.botId !== undefined && changes.botId !== stored.bot.botId) {
        throw new Error("editBot cannot change botId.");
      }
      const edited: Record<string, unknown> = { ...stored.bot, modifiedTime: timestamp() };
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) delete edited[field];
        else edited[field] = structuredClone(value);
      }
      stored.bot = edited as unknown as LineWorksBot;
      dropRegistrationsOutsideAllowDomains(stored);
      saveState();
    },
    removeBot: (botId) => {
      deleteBot(existingBot(botId).bot.botId);
      saveState();
    },
    editDomain: (botId, domainId, changes) => {
      const registration = existingRegistration(botId, domainId);
      if (changes.visible !== undefined) registration.visible = changes.visible;
      if (changes.allowToSelectedMember !== undefined) {
        registration.allowToSelectedMember = changes.allowToSelectedMember;
      }
      saveState();
    },
    removeDomain: (botId, domainId) => {
      existingRegistration(botId, domainId);
      deleteRegistration(existingBot(botId), Number(domainId));
      saveState();
    },
    expireTokens: () => accessTokens.clear(),
    tokensIssued: () => tokensIssued,
    overlappingMutations: () => overlapping,
    // The sandbox applies its latency itself (see startSandboxServer above).
    setLatency: (ms) => {
      latencyMs = checkedDuration(ms, "Latency");
    },
    setMutationMs: (ms) => {
      mutationMs = checkedDuration(ms, "mutationMs");
    },
  };
}

// ---- helpers (no sandbox state) -----------------------------------------------------------------

/** Names whose values never appear in the request log (form fields, query parameters, JSON keys). */
const SECRET_FIELDS = new Set(["assertion", "client_secret", "refresh_token", "access_token"]);

function domainsOf(stored: StoredBot): LineWorksBotDomain[] {
  return [...stored.domains.entries()]
    .sort(([a], [b]) => a - b)
    .map(([domainId, record]) => ({
      botId: stored.bot.botId,
      domainId,
      visible: record.visible,
      allowToSelectedMember: record.allowToSelectedMember,
    }));
}

function domainBody(domainId: number, record: DomainRecord) {
  return { domainId, visible: record.visible, allowToSelectedMember: record.allowToSelectedMember };
}

function noContent(): SandboxResponse {
  return { status: 204, text: { contentType: "application/json; charset=utf-8", content: "" } };
}

function apiError(error: unknown): SandboxResponse {
  if (!(error instanceof LineWorksError)) throw error;
  return error.response;
}

/**
 * silent: the token endpoint's error bodies and statuses are not documented; they follow
 * RFC 6749 5.2 (400 invalid_request, invalid_grant, invalid_scope, unsupported_grant_type; 401
 * invalid_client).
 */
function oauthError(error: OAuthError): SandboxResponse {
  return {
    status: error.status,
    body: { error: error.error, error_description: error.message },
    headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
    basis: OAUTH_READING,
  };
}

/** The token endpoint's refusals: the pages refer to RFC 6749 for them but quote none. */
const OAUTH_READING: Basis = {
  reading: "token endpoint errors as RFC 6749 5.2 ({error, error_description})",
};

function unauthorized(): LineWorksError {
  // silent: the description and WWW-Authenticate header are not documented (RFC 6750 asks for it).
  return refusal("unauthorized", "Authentication failed: the access token is missing, invalid or expired.", {
    "WWW-Authenticate": 'Bearer error="invalid_token"',
  });
}

function notFound(message: string): LineWorksError {
  return refusal("notFound", message);
}

/** An unknown path: the answer is the sandbox's assumption, not a page's. */
function noSuchApi(req: SandboxRequest): LineWorksError {
  return assumed(404, LineWorksErrorCode.notFound, `No API at ${req.method} ${req.path}.`, "unknown path");
}

function invalidParameter(message: string): LineWorksError {
  return refusal("invalidParameter", message);
}

function invalidRequest(message: string): OAuthError {
  return new OAuthError(400, "invalid_request", message);
}

/** The route of an API request; 404 for an unknown path, 405 for a wrong method, 400 for bad ids. */
function routeOf(req: SandboxRequest, getOneDomain: boolean): Route {
  const segments = pathSegmentsUnder(req.path, API_SEGMENTS);
  const matched =
    segments === undefined
      ? undefined
      : ROUTES.find(
          ({ shape }) =>
            shape.length === segments.length &&
            shape.every((part, i) => part.startsWith(":") || part === segments[i]),
        );
  if (segments === undefined || matched === undefined) throw noSuchApi(req);
  const methods = { ...matched.methods };
  if (!getOneDomain && methods.GET === "domain.get") delete methods.GET;
  const operation = methods[req.method];
  if (operation === undefined) {
    // silent: no error is documented for a wrong method.
    const allow = Object.keys(methods).join(", ");
    throw assumed(405, LineWorksErrorCode.methodNotAllowed, `Use ${allow}.`, "method not allowed", {
      Allow: allow,
    });
  }
  const parameter = (name: string) => segments[matched.shape.indexOf(name)];
  return {
    operation,
    botId: matched.shape.includes(":botId") ? int64Parameter("botId", parameter(":botId")) : 0,
    domainId: matched.shape.includes(":domainId") ? int64Parameter("domainId", parameter(":domainId")) : 0,
  };
}

/** An int64 path parameter (§ Bot domains). silent: anything but plain decimal digits is refused. */
function int64Parameter(name: string, value: string): number {
  const parsed = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed)) throw invalidParameter(`${name} must be a positive integer.`);
  return parsed;
}

/**
 * The JSON object body. Documented: Content-Type application/json (§ API conventions).
 * silent: anything else, invalid JSON or a body that is not an object answers 400 BAD_REQUEST.
 */
function jsonBody(req: SandboxRequest): Record<string, unknown> {
  const parsed = parseJsonObjectBody(req);
  if (!parsed.ok) throw refusal("badRequest", parsed.message);
  return parsed.value;
}

/**
 * The token request's form fields. Documented: application/x-www-form-urlencoded (§ Authentication).
 * silent: a repeated field is refused (RFC 6749 3.2); an empty value counts as missing.
 */
function parseForm(req: SandboxRequest): Map<string, string> {
  const mediaType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw invalidRequest("Content-Type must be application/x-www-form-urlencoded.");
  }
  if (req.bodyTooLarge) throw invalidRequest("The request body is too large.");
  const form = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(req.rawBody.toString("utf8"))) {
    if (form.has(name)) throw invalidRequest(`${name} is given more than once.`);
    if (value !== "") form.set(name, value);
  }
  return form;
}

function required(form: Map<string, string>, names: string[]): string[] {
  return names.map((name) => {
    const value = form.get(name);
    if (value === undefined) throw invalidRequest(`${name} is required.`);
    return value;
  });
}

/**
 * The scopes of a space-separated `scope`, each of which must be in `allowed`. silent: the
 * strict RFC 6749 syntax (single spaces, no empty entries); duplicates are dropped.
 */
function grantedScopes(scope: string, allowed: string[]): string[] {
  const scopes = scope.split(" ");
  if (scopes.some((entry) => entry.length === 0)) {
    throw new OAuthError(400, "invalid_scope", "scope must be scope names separated by single spaces.");
  }
  const unknown = scopes.filter((entry) => !allowed.includes(entry));
  if (unknown.length > 0) {
    throw new OAuthError(400, "invalid_scope", `Scope not granted to this app: ${unknown.join(" ")}.`);
  }
  return [...new Set(scopes)];
}

function jsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Tokens are stored under their digest, so the sandbox holds no usable copy of one. */
function tokenKey(token: string): string {
  return secretDigest(token).toString("hex");
}

/** `YYYY-MM-DDThh:mm:ssTZD` (§ Bots). silent: in Japan time, as a tenant in Japan would see it. */
function timestamp(ms = Date.now()): string {
  return new Date(ms + 9 * 3600 * 1000).toISOString().slice(0, 19) + "+09:00";
}

/** A bot from validated fields, the documented defaults filling the rest (key order as documented). */
function composeBot(
  botId: number,
  fields: Partial<BotFields>,
  createdTime: string,
  modifiedTime: string,
): LineWorksBot {
  // silent: the defaults of callbackEvents and the arrays are not documented; they are empty.
  return {
    botId,
    botName: fields.botName as string,
    photoUrl: fields.photoUrl as string,
    description: fields.description as string,
    administrators: fields.administrators as string[],
    subadministrators: fields.subadministrators ?? [],
    allowDomains: fields.allowDomains ?? [],
    enableCallback: fields.enableCallback ?? false,
    callbackEvents: fields.callbackEvents ?? [],
    channelEvents: fields.channelEvents ?? [...DEFAULT_CHANNEL_EVENTS],
    ...(fields.callbackUrl !== undefined && { callbackUrl: fields.callbackUrl }),
    enableGroupJoin: fields.enableGroupJoin ?? false,
    ...(fields.defaultRichmenuId !== undefined && { defaultRichmenuId: fields.defaultRichmenuId }),
    i18nBotNames: fields.i18nBotNames ?? [],
    i18nDescriptions: fields.i18nDescriptions ?? [],
    i18nPhotoUrls: fields.i18nPhotoUrls ?? [],
    createdTime,
    modifiedTime,
  };
}

/** Rules across fields, checked on the bot as it would be stored. */
function checkBot(bot: LineWorksBot): void {
  // silent: callbacks cannot be enabled without somewhere to send them.
  if (bot.enableCallback && !bot.callbackUrl) {
    throw invalidParameter("callbackUrl: required (non-empty) when enableCallback is true.");
  }
  // silent: a user is an administrator or a subadministrator, not both.
  const both = bot.subadministrators.filter((user) => bot.administrators.includes(user));
  if (both.length > 0) {
    throw invalidParameter("subadministrators: must not repeat an administrator.");
  }
}

/**
 * Validates a bot body (§ Bots) and returns its fields, normalised (newlines in bot names
 * become spaces, as documented). The first problem found is reported.
 * silent: each of these is the strictest plausible reading:
 *  - unknown and read-only fields (botId, createdTime, modifiedTime) are refused;
 *  - `null` is a value of the wrong type: no field is cleared with it;
 *  - no type conversion ("true" is no boolean, "10000001" no domain id);
 *  - botName and description must not be blank; lengths count Unicode code points;
 *  - URLs must be absolute https URLs with a host and no whitespace;
 *  - user ids are non-empty strings (the user directory is not emulated);
 *  - each language appears at most once per i18n array, and its objects take only their two fields;
 *  - allowDomains must name the tenant's domains.
 */
function validateBotBody(
  body: Record<string, unknown>,
  mode: "create" | "patch",
  tenantDomains: Set<number>,
): Partial<BotFields> {
  if (mode === "create") {
    for (const field of REQUIRED_FIELDS) {
      if (body[field] === undefined) throw invalidParameter(`${field}: required.`);
    }
  }
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (READ_ONLY_FIELDS.includes(field)) throw invalidParameter(`${field}: read-only.`);
    if (!(WRITABLE_FIELDS as readonly string[]).includes(field))
      throw invalidParameter(`${field}: unknown property.`);
    const fail = (problem: string): never => {
      throw invalidParameter(`${field}: ${problem}`);
    };
    fields[field] = checkField(field as keyof BotFields, value, fail, tenantDomains);
  }
  return fields as Partial<BotFields>;
}

function checkField(
  field: keyof BotFields,
  value: unknown,
  fail: (problem: string) => never,
  tenantDomains: Set<number>,
): unknown {
  switch (field) {
    case "botName":
      return text(value, 100, fail, { newlineToSpace: true });
    case "description":
      return text(value, 100, fail);
    case "photoUrl":
      return httpsUrl(value, 1000, fail);
    case "callbackUrl":
      // Documented: an empty string means no callbacks.
      return value === "" ? "" : httpsUrl(value, 1000, fail);
    case "administrators":
      return uniqueStrings(value, 1, 3, fail);
    case "subadministrators":
      return uniqueStrings(value, 0, 3, fail);
    case "allowDomains": {
      if (!Array.isArray(value)) return fail("must be an array of domain ids.");
      if (value.some((item) => !Number.isSafeInteger(item) || (item as number) <= 0)) {
        return fail("must contain domain ids (positive integers).");
      }
      if (new Set(value).size !== value.length) return fail("must not repeat a domain.");
      const foreign = (value as number[]).filter((domainId) => !tenantDomains.has(domainId));
      if (foreign.length > 0) {
        // silent: the code of this refusal is not documented; INVALID_PARAMETER's meaning fits.
        throw invalidParameter(`allowDomains: domain ${foreign[0]} does not belong to the tenant.`);
      }
      return [...value];
    }
    case "enableCallback":
    case "enableGroupJoin":
      return typeof value === "boolean" ? value : fail("must be a boolean.");
    case "callbackEvents":
      return uniqueValues(value, LINEWORKS_CALLBACK_EVENTS, fail);
    case "channelEvents":
      return uniqueValues(value, LINEWORKS_CHANNEL_EVENTS, fail);
    case "defaultRichmenuId":
      return typeof value === "string" && value.length > 0 ? value : fail("must be a non-empty string.");
    case "i18nBotNames":
      return i18n(value, "botName", fail, (item) => text(item, 100, fail, { newlineToSpace: true }));
    case "i18nDescriptions":
      return i18n(value, "description", fail, (item) => text(item, 100, fail));
    case "i18nPhotoUrls":
      return i18n(value, "photoUrl", fail, (item) => httpsUrl(item, 1000, fail));
  }
}

function text(
  value: unknown,
  maxLength: number,
  fail: (problem: string) => never,
  { newlineToSpace = false } = {},
): string {
  if (typeof value !== "string") return fail("must be a string.");
  // Documented for bot names: a newline becomes a space. silent: CRLF is one newline.
  const converted = newlineToSpace ? value.replace(/\r\n|\r|\n/g, " ") : value;
  if (converted.trim().length === 0) return fail("must not be empty.");
  if ([...converted].length > maxLength) return fail(`must be at most ${maxLength} characters.`);
  return converted;
}

function httpsUrl(value: unknown, maxLength: number, fail: (problem: string) => never): string {
  if (typeof value !== "string") return fail("must be a string.");
  if ([...value].length > maxLength) return fail(`must be at most ${maxLength} characters.`);
  let url: URL | undefined;
  try {
    url = /\s/.test(value) ? undefined : new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== "https:" || url.hostname.length === 0) {
    return fail("must be an https URL.");
  }
  return value;
}

function uniqueStrings(value: unknown, min: number, max: number, fail: (problem: string) => never): string[] {
  if (!Array.isArray(value)) return fail("must be an array of user ids.");
  if (value.some((item) => typeof item !== "string" || item.trim().length === 0)) {
    return fail("must contain user ids (non-empty strings).");
  }
  if (value.length < min || value.length > max) return fail(`must have ${min} to ${max} items.`);
  if (new Set(value).size !== value.length) return fail("must not repeat a user.");
  return [...(value as string[])];
}

function uniqueValues<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fail: (problem: string) => never,
): T[] {
  if (!Array.isArray(value)) return fail("must be an array.");
  const wrong = value.find((item) => !allowed.includes(item as T));
  if (wrong !== undefined) return fail(`${JSON.stringify(wrong)} is not one of ${allowed.join(", ")}.`);
  if (new Set(value).size !== value.length) return fail("must not repeat a value.");
  return [...(value as T[])];
}

function i18n<K extends string>(
  value: unknown,
  key: K,
  fail: (problem: string) => never,
  checkValue: (item: unknown) => string,
): Array<{ language: LineWorksLanguage } & Record<K, string>> {
  if (!Array.isArray(value)) return fail(`must be an array of {language, ${key}} objects.`);
  const seen = new Set<string>();
  return value.map((item: unknown) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      return fail(`must contain {language, ${key}} objects.`);
    }
    const entry = item as Record<string, unknown>;
    const extra = Object.keys(entry).find((name) => name !== "language" && name !== key);
    if (extra !== undefined) return fail(`${extra} is not a property of an item.`);
    const language = entry.language;
    if (!LINEWORKS_LANGUAGES.includes(language as LineWorksLanguage)) {
      return fail(`language must be one of ${LINEWORKS_LANGUAGES.join(", ")}.`);
    }
    if (seen.has(language as string)) return fail(`language ${language as string} appears twice.`);
    seen.add(language as string);
    if (entry[key] === undefined) return fail(`${key} is required in every item.`);
    return { language, [key]: checkValue(entry[key]) } as { language: LineWorksLanguage } & Record<K, string>;
  });
}

/**
 * A domain registration body (§ Bot domains): `visible` and `allowToSelectedMember`, both optional booleans.
 * silent: other fields (also domainId) are refused, and so is null.
 */
function validateDomainBody(body: Record<string, unknown>): {
  visible?: boolean;
  allowToSelectedMember?: boolean;
} {
  for (const [field, value] of Object.entries(body)) {
    if (field !== "visible" && field !== "allowToSelectedMember") {
      throw invalidParameter(`${field}: unknown property.`);
    }
    if (typeof value !== "boolean") throw invalidParameter(`${field}: must be a boolean.`);
  }
  return body as { visible?: boolean; allowToSelectedMember?: boolean };
}

function rateLimiterFor(rateLimit: LineWorksRateLimit): FixedWindowRateLimiter<Operation> {
  const { requestsPerMinute } = rateLimit;
  checkRateLimitCounts({ requestsPerMinute });
  // Documented: the limit applies per API operation (§ Rate limit), in one-minute windows.
  const limits = Object.fromEntries(OPERATIONS.map((operation) => [operation, requestsPerMinute]));
  return new FixedWindowRateLimiter(limits as Record<Operation, number>, 60_000);
}

/**
 * The documented rate-limit headers (§ Rate limit). silent: the fourth is printed "rateLimit-ssed" (calls
 * used in the window, probably a typo of "used") and is sent under that name, as printed.
 */
function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "rateLimit-limit": String(decision.limit),
    "rateLimit-remaining": String(decision.remaining),
    "rateLimit-reset": String(secondsUntilReset(decision)),
    "rateLimit-ssed": String(decision.limit - decision.remaining),
  };
}

/**
 * The documented answer for an injected status; other statuses get their reason as the code
 * (503 SERVICE_UNAVAILABLE).
 */
const ANSWER_FOR_STATUS: Partial<Record<number, LineWorksAnswer>> = {
  400: "badRequest",
  401: "unauthorized",
  403: "forbidden",
  404: "notFound",
  409: "conflict",
  410: "deleted",
  500: "internalServerError",
};

/** RFC 6749 5.2 and 4.1.2.1 error codes for an injected status on the token endpoint. */
function oauthCodeForStatus(status: number): string {
  if (status === 401) return "invalid_client";
  if (status === 503) return "temporarily_unavailable";
  if (status >= 500) return "server_error";
  return "invalid_request";
}

/**
 * A copy of a logged request with secrets the server could not know in advance redacted: values
 * of SECRET_FIELDS in a form or JSON body, JWTs and issued tokens wherever they occur.
 */
function redactRecord(record: RecordedRequest): RecordedRequest {
  const redacted = redactDeep(record) as RecordedRequest;
  if (typeof redacted.body === "string") redacted.body = redactForm(redacted.body);
  return redacted;
}

function redactDeep(value: unknown): unknown {
  if (typeof value === "string") {
    return value
      .replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED)
      .replace(new RegExp(`${TOKEN_PREFIX}[A-Za-z0-9_-]{20,}`, "g"), REDACTED);
  }
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        SECRET_FIELDS.has(name.toLowerCase()) && item !== undefined ? REDACTED : redactDeep(item),
      ]),
    );
  }
  return value;
}

/** A form body with the values of SECRET_FIELDS replaced, everything else kept as sent. */
function redactForm(body: string): string {
  return body
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, " "));
      } catch {
        // a malformed name is kept as sent
      }
      return SECRET_FIELDS.has(name.toLowerCase()) ? `${rawName}=${REDACTED}` : pair;
    })
    .join("&");
}

async function pause(ms: number): Promise<void> {
  // No await at all for 0: a mutation then commits in the same turn and cannot overlap another.
  if (ms > 0) await sleep(ms);
}

function appRecords(apps: LineWorksServiceAccount[]): Map<string, AppRecord> {
  if (!Array.isArray(apps)) throw new Error("startLineWorksSandbox: apps must be an array.");
  const records = new Map<string, AppRecord>();
  for (const app of apps) {
    for (const field of ["clientId", "clientSecret", "serviceAccount", "publicKeyPem"] as const) {
      if (typeof app?.[field] !== "string" || app[field].length === 0) {
        throw new Error(`startLineWorksSandbox: every app needs a non-empty ${field}.`);
      }
    }
    if (records.has(app.clientId))
      throw new Error(`startLineWorksSandbox: client id ${app.clientId} appears twice.`);
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(app.publicKeyPem);
    } catch {
      throw new Error(`startLineWorksSandbox: the publicKeyPem of ${app.clientId} is not a PEM key.`);
    }
    if (publicKey.asymmetricKeyType !== "rsa") {
      throw new Error(`startLineWorksSandbox: the key of ${app.clientId} must be an RSA key (RS256).`);
    }
    const scopes = app.scopes ?? DEFAULT_SCOPES;
    if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== "string" || !/^\S+$/.test(scope))) {
      throw new Error(`startLineWorksSandbox: the scopes of ${app.clientId} must be scope names.`);
    }
    records.set(app.clientId, {
      clientId: app.clientId,
      secretDigest: secretDigest(app.clientSecret),
      serviceAccount: app.serviceAccount,
      publicKey,
      scopes: [...scopes],
    });
  }
  return records;
}

function domainSet(domains: number[]): Set<number> {
  if (
    !Array.isArray(domains) ||
    domains.some((domainId) => !Number.isSafeInteger(domainId) || domainId <= 0)
  ) {
    throw new Error("startLineWorksSandbox: domains must be positive integers.");
  }
  return new Set(domains);
}

function positiveInteger(value: number, what: string): number {
  if (!(Number.isSafeInteger(value) && value >= 1)) throw new Error(`${what} must be an integer >= 1.`);
  return value;
}

function nonNegativeInteger(value: number, what: string): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new Error(`${what} must be an integer >= 0.`);
  return value;
}

function isStateFile(state: Partial<StateFile>): boolean {
  return (
    Number.isSafeInteger(state.nextBotId) &&
    Array.isArray(state.bots) &&
    state.bots.every(
      (entry) =>
        Number.isSafeInteger(entry?.bot?.botId) &&
        typeof entry.bot.botName === "string" &&
        Array.isArray(entry.bot.allowDomains) &&
        Array.isArray(entry.domains) &&
        entry.domains.every(
          (domain) =>
            Number.isSafeInteger(domain?.domainId) &&
            typeof domain.visible === "boolean" &&
            typeof domain.allowToSelectedMember === "boolean" &&
            Array.isArray(domain.members),
        ),
    )
  );
}

// ---- the platform, as the sandbox list (platforms.ts) describes it --------------------------------

import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import type { CliIo, SandboxPlatform } from "./descriptor";

/** What startLocalSandboxes takes for LINE WORKS besides the common options. */
export interface LineWorksLocalOptions {
  /** The LINE WORKS tenant's domain ids; default [10000001, 10000002, 10000003]. */
  lineWorksDomains?: number[];
}

/**
 * The options the sandbox CLI sets (all but the client secret, which comes from the environment).
 * The app's identity comes from flags or, when a flag is absent, the environment.
 */
export type LineWorksCliOptions = {
  clientId?: string;
  serviceAccount?: string;
  publicKeyFile?: string;
  scopes?: string[];
} & Pick<
  LineWorksSandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "latencyMs"
  | "mutationMs"
  | "tokenTtlSeconds"
  | "botLimit"
  | "domains"
  | "endOfListCursor"
  | "expiresInType"
  | "getOneDomain"
  | "notFoundAnswer"
  | "alreadyExistAnswer"
>;

/**
 * The LINE WORKS app from the CLI's flags, the environment filling what they leave out, and the
 * client secret; undefined (after saying why) if something is missing. Says no secret.
 */
function lineWorksCliApp(
  cli: LineWorksCliOptions,
  clientSecret: string,
  { env, stderr }: CliIo,
): LineWorksServiceAccount | undefined {
  const clientId = cli.clientId ?? env.LINEWORKS_CLIENT_ID;
  const serviceAccount = cli.serviceAccount ?? env.LINEWORKS_SERVICE_ACCOUNT;
  const publicKeyFile = cli.publicKeyFile ?? env.LINEWORKS_PUBLIC_KEY_FILE;
  const missing = [
    clientId ? undefined : "--client-id (or LINEWORKS_CLIENT_ID)",
    serviceAccount ? undefined : "--service-account (or LINEWORKS_SERVICE_ACCOUNT)",
    publicKeyFile ? undefined : "--public-key-file (or LINEWORKS_PUBLIC_KEY_FILE)",
  ].filter((item) => item !== undefined);
  if (!clientId || !serviceAccount || !publicKeyFile) {
    stderr.write(`lineworks needs ${missing.join(", ")}.\n`);
    return undefined;
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(publicKeyFile, "utf8");
  } catch {
    stderr.write(`cannot read the public key file ${publicKeyFile}.\n`);
    return undefined;
  }
  return {
    clientId,
    clientSecret,
    serviceAccount,
    publicKeyPem,
    ...(cli.scopes !== undefined && { scopes: cli.scopes }),
  };
}

/** The largest documented plan (Standard and Advanced). */
const LARGEST_RATE_LIMIT: LineWorksRateLimit = { requestsPerMinute: 240 };

/**
 * The limit of a request under `limit`: its API operation's (method and path, ids generalised);
 * the token endpoint has none (§ Rate limit).
 */
const lineWorksBucket = (limit: LineWorksRateLimit) => (req: RecordedRequest) => {
  if (req.path === LINEWORKS_TOKEN_PATH) return undefined;
  const path = req.path
    .split("/")
    .map((segment) => (/\d/.test(segment) && !/^v\d+(\.\d+)*$/.test(segment) ? "{id}" : segment))
    .join("/");
  return [`${req.method} ${path}`, limit.requestsPerMinute / 60] as const;
};

export const lineWorksPlatform: SandboxPlatform<
  "lineworks",
  LineWorksSandbox,
  LineWorksLocalOptions,
  LineWorksCliOptions
> = {
  module: "lineworks",
  title: "LINE WORKS",
  provider: {
    envPrefix: "LINEWORKS_",
    credentials: [
      ["clientSecret", "LINEWORKS_CLIENT_SECRET"],
      ["accessToken", "LINEWORKS_ACCESS_TOKEN"],
    ],
    pacing: { reads: "LINEWORKS_READS_PER_SECOND", writes: "LINEWORKS_WRITES_PER_SECOND" },
  },
  async startLocal(common, { lineWorksDomains }) {
    // An app whose key pair exists only for this run.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const app = {
      clientId: `client-${randomBytes(6).toString("hex")}`,
      clientSecret: randomBytes(24).toString("hex"),
      serviceAccount: `svc-${randomBytes(4).toString("hex")}.serviceaccount@example.com`,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
    const sandbox = await startLineWorksSandbox({
      apps: [app],
      ...(lineWorksDomains !== undefined && { domains: lineWorksDomains }),
      ...common,
    });
    const env = {
      LINEWORKS_API_URL: sandbox.url,
      LINEWORKS_AUTH_URL: sandbox.authUrl,
      LINEWORKS_CLIENT_ID: app.clientId,
      LINEWORKS_CLIENT_SECRET: app.clientSecret,
      LINEWORKS_SERVICE_ACCOUNT: app.serviceAccount,
      LINEWORKS_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
    return { sandbox, env };
  },
  cli: {
    usage: `usage: cli.js lineworks [options]   (the accepted client secret is read from LINEWORKS_CLIENT_SECRET)
  --client-id ID                the app's client id (default: LINEWORKS_CLIENT_ID)
  --service-account ID          the app's service account (default: LINEWORKS_SERVICE_ACCOUNT)
  --public-key-file PATH        PEM file with the app's RSA public key (default: LINEWORKS_PUBLIC_KEY_FILE)
  --scopes S,S,...              scopes the app may be granted (default bot,bot.read)
  --domains ID,ID,...           the tenant's domain ids (default 10000001,10000002,10000003)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots and their domains in this JSON file across runs
  --rate-limit N                requests per minute allowed per API operation (default 60)
  --no-rate-limit               no rate limit
  --latency-ms N                how long each request takes (default 0)
  --mutation-ms N               how long a mutation holds its bot; a parallel one is refused (default 0)
  --token-ttl-seconds N         expires_in of issued access tokens (default 86400)
  --bot-limit N                 bots allowed in the tenant (default 300)
  --end-of-list null|absent|empty   how a list's last page shows nextCursor (default null)
  --expires-in-type string|number   JSON type of expires_in (default string)
  --get-one-domain              serve the undocumented GET /bots/{botId}/domains/{domainId}
  --not-found-answer NOT_FOUND|BOT_NOT_EXIST|DELETED   the documented "gone" answer sent (default NOT_FOUND)
  --already-exist-answer ALREADY_EXIST|BOT_DOMAIN_ALREADY_EXIST   the documented 409 sent (default ALREADY_EXIST)
  LINEWORKS_STATIC_TOKEN, if set, is accepted as an access token (scope bot) as well.`,
    secret: { variable: "LINEWORKS_CLIENT_SECRET", noun: "client secret" },
    rateLimit: (flags) => ({ requestsPerMinute: flags.integer(0) }),
    flag(flags, options) {
      switch (flags.flag) {
        case "--client-id":
          options.clientId = flags.value();
          return true;
        case "--service-account":
          options.serviceAccount = flags.value();
          return true;
        case "--public-key-file":
          options.publicKeyFile = flags.value();
          return true;
        case "--scopes":
          options.scopes = flags.list();
          return true;
        case "--domains":
          options.domains = flags.list().map((domainId) => flags.integer(1, domainId));
          return true;
        case "--mutation-ms":
          options.mutationMs = flags.integer(0);
          return true;
        case "--token-ttl-seconds":
          options.tokenTtlSeconds = flags.integer(1);
          return true;
        case "--bot-limit":
          options.botLimit = flags.integer(0);
          return true;
        case "--end-of-list":
          options.endOfListCursor = flags.choice(["null", "absent", "empty"] as const);
          return true;
        case "--expires-in-type":
          options.expiresInType = flags.choice(["string", "number"] as const);
          return true;
        case "--not-found-answer":
          options.notFoundAnswer = flags.choice(LINEWORKS_NOT_FOUND_ANSWERS);
          return true;
        case "--already-exist-answer":
          options.alreadyExistAnswer = flags.choice(LINEWORKS_ALREADY_EXIST_ANSWERS);
          return true;
        case "--get-one-domain":
          options.getOneDomain = true;
          return true;
        default:
          return false;
      }
    },
    async start(cli, clientSecret, io) {
      const { clientId: _id, serviceAccount: _sa, publicKeyFile: _file, scopes: _s, ...options } = cli;
      const app = lineWorksCliApp(cli, clientSecret, io);
      if (app === undefined) return undefined;
      const staticToken = io.env.LINEWORKS_STATIC_TOKEN;
      return startLineWorksSandbox({
        apps: [app],
        ...(staticToken ? { staticTokens: [staticToken] } : {}),
        ...options,
      });
    },
  },
  rates: {
    lowest: {
      plan: `Free: ${DEFAULT_RATE_LIMIT.requestsPerMinute} requests/min per API operation`,
      bucket: lineWorksBucket(DEFAULT_RATE_LIMIT),
    },
    largest: {
      plan: `Standard/Advanced: ${LARGEST_RATE_LIMIT.requestsPerMinute} requests/min per API operation`,
      rateLimit: LARGEST_RATE_LIMIT,
      pacing: {
        reads: LARGEST_RATE_LIMIT.requestsPerMinute / 60,
        writes: LARGEST_RATE_LIMIT.requestsPerMinute / 60,
      },
      bucket: lineWorksBucket(LARGEST_RATE_LIMIT),
    },
  },
};
