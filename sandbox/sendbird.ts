/**
 * A local emulator of the Sendbird Chat Platform API v3 bot endpoints, written from Sendbird's pages
 * as docs/vendors/sendbird.md records them. Every error answer is one of Sendbird's documented
 * answers (sandbox/fixtures/sendbird.ts, sent through `documented`), a named opt-in reading (a
 * sandbox option), or an HTTP-level assumption. Where the documentation is silent the sandbox takes
 * the strictest plausible behaviour; each such choice is marked "silent:" below.
 */
import { createHmac, randomBytes } from "node:crypto";
import {
  checkRateLimitCounts,
  openStateFile,
  requireNonEmptyString,
  sandboxBase,
  SandboxRateLimit,
  type SandboxBase,
  type SandboxOptionsBase,
} from "./common";
import {
  controlRoutes,
  FixedWindowRateLimiter,
  matchesAnyDigest,
  parseJsonObjectBody,
  pathSegmentsUnder,
  secondsUntilReset,
  secretDigest,
  startSandboxServer,
  withRetryAfter,
  type RateLimitDecision,
  type SandboxRequest,
  type SandboxResponse,
  type StatusFault,
} from "./http";
import { documented, withBasis } from "./documented";
import { SENDBIRD_ANSWERS, type SendbirdAnswerName } from "./fixtures/sendbird";

/** Calls allowed per one-second window, per class of method (docs/vendors/sendbird.md, "Rate limits"). */
export interface SendbirdRateLimit {
  /** GET (and HEAD) calls; an integer >= 0. */
  getPerSecond: number;
  /** POST, PUT and DELETE calls; an integer >= 0. */
  mutatePerSecond: number;
}

export interface SendbirdSandboxOptions extends SandboxOptionsBase {
  /** The master Api-Token, accepted from the start (see `addApiToken` for more). */
  apiToken: string;
  /** Default {getPerSecond: 10, mutatePerSecond: 5} (the documented free-trial plan); false disables. */
  rateLimit?: SendbirdRateLimit | false;
  /**
   * HTTP status sent with code 400201. Default 400, as the error-codes page gives it; 404 is the
   * named reading "notFoundStatus: 404" (a REST-style status with Sendbird's code).
   */
  notFoundStatus?: 400 | 404;
  /**
   * HTTP status sent with code 400401 (bad Api-Token). Default 400, as the error-codes page gives
   * it; 401 is the named reading "badTokenStatus: 401".
   */
  badTokenStatus?: 400 | 401;
  /** How long a list page token (`next`) stays valid, in milliseconds; default 60000. */
  pageTokenTtlMs?: number;
  /** If true, creating or deleting a bot expires every page token issued before. Default false. */
  pageTokensExpireOnChange?: boolean;
  /**
   * The named reading "updateResetsOmittedFields" of the update page, which does not say what
   * happens to fields a PUT omits: they go back to their create defaults (enable_mark_as_read true,
   * show_member false, channel_invitation_preference 0) instead of keeping their values. Default
   * false (they keep them).
   */
  updateResetsOmittedFields?: boolean;
  /**
   * Rewrites a bot as it is stored after a create or update, for tests of a vendor that stores a
   * value otherwise than sent (Sendbird documents no such normalisation).
   */
  canonicalize?: (record: SendbirdBotRecord) => void;
}

/** A bot as the API returns it (snake_case, as on the wire). */
export interface SendbirdBotRecord {
  bot: {
    bot_userid: string;
    bot_nickname: string;
    bot_profile_url: string;
    bot_type: string;
    bot_token: string;
    bot_metadata: Record<string, string>;
  };
  bot_callback_url: string;
  is_privacy_mode: boolean;
  enable_mark_as_read: boolean;
  show_member: boolean;
  channel_invitation_preference: 0 | 1;
  /** Unix seconds. */
  created_at: number;
}

/** A running Sendbird sandbox; its API is under /v3, and its request log hides the Api-Token header. */
export interface SendbirdSandbox extends SandboxBase<SendbirdRateLimit> {
  /** Snapshot of the stored bots, in creation order. */
  bots(): SendbirdBotRecord[];
  bot(botUserid: string): SendbirdBotRecord | undefined;
  /** Accepts one more Api-Token (like a secondary token); the others stay valid. */
  addApiToken(token: string): void;
  /** Accepts `newToken` and revokes every other token, the master token included. */
  rotateApiToken(newToken: string): void;
}

/** Sendbird error codes used by the emulator (Chat Platform API numbering; docs/vendors/sendbird.md, "Errors"). */
export const SendbirdErrorCode = {
  expectedString: 400100,
  expectedNumber: 400101,
  expectedList: 400102,
  expectedBoolean: 400104,
  missingRequiredParameter: 400105,
  expiredPageToken: 400109,
  valueTooLong: 400110,
  invalidValue: 400111,
  notAllowedCharacter: 400151,
  resourceNotFound: 400201,
  resourceAlreadyExists: 400202,
  invalidApiToken: 400401,
  invalidJsonBody: 400403,
  invalidRequestUrl: 400404,
  applicationNotAvailable: 403100,
  internalError: 500901,
  rateLimitExceeded: 500910,
} as const;

const DEFAULT_RATE_LIMIT: SendbirdRateLimit = { getPerSecond: 10, mutatePerSecond: 5 };
const DEFAULT_PAGE_TOKEN_TTL_MS = 60_000;
const API_PREFIX = "v3";

type FieldType = "string" | "boolean" | "0|1";
interface FieldSpec {
  type: FieldType;
  maxLength?: number;
}

/** The settable bot fields, with the documented types and length limits (docs/vendors/sendbird.md, "Create a bot"). */
const FIELDS = {
  bot_userid: { type: "string", maxLength: 80 },
  bot_nickname: { type: "string", maxLength: 80 },
  bot_profile_url: { type: "string", maxLength: 2048 },
  bot_type: { type: "string", maxLength: 128 },
  bot_callback_url: { type: "string", maxLength: 1024 },
  is_privacy_mode: { type: "boolean" },
  enable_mark_as_read: { type: "boolean" },
  show_member: { type: "boolean" },
  channel_invitation_preference: { type: "0|1" },
} satisfies Record<string, FieldSpec>;
type FieldName = keyof typeof FIELDS;

const REQUIRED_ON_CREATE: FieldName[] = [
  "bot_userid",
  "bot_nickname",
  "bot_profile_url",
  "bot_type",
  "bot_callback_url",
  "is_privacy_mode",
];
const UPDATABLE: FieldName[] = [
  "bot_nickname",
  "bot_profile_url",
  "bot_callback_url",
  "is_privacy_mode",
  "enable_mark_as_read",
  "show_member",
  "channel_invitation_preference",
];

/** An API error on its way to becoming one of Sendbird's documented answers. */
class SendbirdError extends Error {
  constructor(
    readonly answer: SendbirdAnswerName,
    message: string,
    /** A named reading that sends the answer with another HTTP status. */
    readonly reading?: { name: string; status: number },
  ) {
    super(message);
  }
}

/** The documented answer for `error`, with its message; under a reading, that reading's status. */
function sendbirdAnswer(error: SendbirdError): SandboxResponse {
  const response = documented("sendbird", SENDBIRD_ANSWERS, error.answer, {
    body: { message: error.message },
  });
  if (error.reading === undefined) return response;
  return withBasis({ ...response, status: error.reading.status }, { reading: error.reading.name });
}

function errorResponse(status: number, code: number, message: string): SandboxResponse {
  return { status, body: { error: true, code, message } };
}

interface StoredBot {
  /** Creation sequence number; orders the list and anchors page tokens. */
  seq: number;
  record: SendbirdBotRecord;
}

/**
 * On-disk format of `stateFile`: bots in creation order. `channel_urls` is always written empty and
 * ignored on load: the sandbox no longer emulates channels, and release 0.1.0 requires the field.
 */
interface StateFile {
  version: 1;
  bots: Array<{ resource: SendbirdBotRecord; channel_urls: string[] }>;
}

export async function startSendbirdSandbox(opts: SendbirdSandboxOptions): Promise<SendbirdSandbox> {
  requireNonEmptyString(opts.apiToken, "startSendbirdSandbox: apiToken");
  const notFoundStatus = opts.notFoundStatus ?? 400;
  const badTokenStatus = opts.badTokenStatus ?? 400;
  if (badTokenStatus !== 400 && badTokenStatus !== 401) {
    throw new Error("startSendbirdSandbox: badTokenStatus must be 400 or 401.");
  }
  const pageTokenTtlMs = opts.pageTokenTtlMs ?? DEFAULT_PAGE_TOKEN_TTL_MS;
  if (!(typeof pageTokenTtlMs === "number" && pageTokenTtlMs > 0)) {
    throw new Error("startSendbirdSandbox: pageTokenTtlMs must be a number of milliseconds > 0.");
  }
  const rateLimit = new SandboxRateLimit(rateLimiterFor, opts.rateLimit, DEFAULT_RATE_LIMIT);
  // Only digests are kept: the sandbox has no copy of a token that could leak into an answer or log.
  let tokenDigests = [secretDigest(opts.apiToken)];
  // Page tokens are signed with a per-instance key so a garbled (or foreign) token is detected.
  const pageTokenKey = randomBytes(32);
  // A page token is valid only in the generation it was issued in; a new generation expires all.
  let pageTokenGeneration = 0;

  const bots = new Map<string, StoredBot>();
  let nextSeq = 1;
  const stateFile = openStateFile<StateFile>(opts.stateFile, "Sendbird", isStateFile);
  for (const { resource } of stateFile.loaded?.bots ?? []) {
    bots.set(resource.bot.bot_userid, { seq: nextSeq++, record: resource });
  }

  function saveState(): void {
    stateFile.save({
      version: 1,
      bots: [...bots.values()].map((stored) => ({
        resource: stored.record,
        channel_urls: [],
      })),
    });
  }

  const isAccepted = (token: string | undefined): boolean => matchesAnyDigest(token, tokenDigests);

  const isAuthorized = (req: SandboxRequest) => isAccepted(req.headers["api-token"]);

  // The error-codes page gives 400 for 400401 (the default); badTokenStatus 401 is a named reading.
  const badToken = () =>
    sendbirdAnswer(
      new SendbirdError(
        "invalidApiToken",
        messageForCode(SendbirdErrorCode.invalidApiToken),
        badTokenStatus === 400 ? undefined : { name: "badTokenStatus: 401", status: badTokenStatus },
      ),
    );

  function addApiToken(token: string): void {
    requireNonEmptyString(token, "addApiToken: token");
    if (!isAccepted(token)) tokenDigests.push(secretDigest(token));
  }

  // Real Sendbird never revokes the master token; the sandbox can, to play "the configured token
  // stopped working" (an application whose token was replaced).
  function rotateApiToken(newToken: string): void {
    requireNonEmptyString(newToken, "rotateApiToken: newToken");
    tokenDigests = [secretDigest(newToken)];
  }

  // ---- handlers -----------------------------------------------------------------------------

  function notFound(what: string): SendbirdError {
    const reading =
      notFoundStatus === 400 ? undefined : { name: "notFoundStatus: 404", status: notFoundStatus };
    return new SendbirdError("resourceNotFound", `${what} not found.`, reading);
  }

  function findBot(botUserid: string): StoredBot {
    const stored = bots.get(botUserid);
    if (stored === undefined) throw notFound(`Bot "${botUserid}"`);
    return stored;
  }

  function createBot(body: Record<string, unknown>): SandboxResponse {
    for (const field of REQUIRED_ON_CREATE) {
      if (body[field] === undefined) throw missing(field);
    }
    validateFields(body, Object.keys(FIELDS) as FieldName[]);
    const botUserid = body.bot_userid as string;
    if (botUserid.trim().length === 0) {
      throw new SendbirdError("notAllowedCharacter", '"bot_userid" must not be empty or blank.');
    }
    if (bots.has(botUserid)) {
      throw new SendbirdError(
        "resourceAlreadyExists",
        `"bot_userid" violates a unique constraint: "${botUserid}" already exists.`,
      );
    }
    const record: SendbirdBotRecord = {
      bot: {
        bot_userid: botUserid,
        bot_nickname: body.bot_nickname as string,
        bot_profile_url: body.bot_profile_url as string,
        bot_type: body.bot_type as string,
        bot_token: randomBytes(20).toString("hex"),
        bot_metadata: {},
      },
      bot_callback_url: body.bot_callback_url as string,
      is_privacy_mode: body.is_privacy_mode as boolean,
      enable_mark_as_read: (body.enable_mark_as_read as boolean | undefined) ?? true,
      show_member: (body.show_member as boolean | undefined) ?? false,
      channel_invitation_preference: (body.channel_invitation_preference as 0 | 1 | undefined) ?? 0,
      created_at: Math.floor(Date.now() / 1000),
    };
    opts.canonicalize?.(record);
    bots.set(botUserid, { seq: nextSeq++, record });
    listChanged();
    saveState();
    return ok(record);
  }

  function listBots(query: Record<string, string>): SandboxResponse {
    let limit = 10;
    if (query.limit !== undefined) {
      limit = /^\d{1,3}$/.test(query.limit) ? Number(query.limit) : NaN;
      if (!(limit >= 1 && limit <= 100)) {
        throw invalidValue('"limit" must be an integer between 1 and 100.');
      }
    }
    // silent: an empty token is treated like an absent one (start from the beginning).
    const after = query.token ? readPageToken(query.token) : 0;
    const remaining = [...bots.values()].filter((stored) => stored.seq > after);
    const page = remaining.slice(0, limit);
    const next = remaining.length > limit ? writePageToken(page[page.length - 1].seq) : "";
    return ok({ bots: page.map((stored) => stored.record), next });
  }

  function updateBot(botUserid: string, body: Record<string, unknown>): SandboxResponse {
    const stored = findBot(botUserid);
    // silent: the docs do not list bot_type or bot_userid as updatable; the strictest reading
    // rejects them rather than silently ignoring them. A bot_userid equal to the path is harmless.
    if (body.bot_type !== undefined) throw invalidValue('"bot_type" is not updatable.');
    if (body.bot_userid !== undefined && body.bot_userid !== botUserid) {
      throw invalidValue('"bot_userid" is not updatable.');
    }
    validateFields(body, UPDATABLE);
    // silent: partial update; omitted fields keep their values (unless updateResetsOmittedFields).
    const record = stored.record;
    if (opts.updateResetsOmittedFields) {
      record.enable_mark_as_read = true;
      record.show_member = false;
      record.channel_invitation_preference = 0;
    }
    if (body.bot_nickname !== undefined) record.bot.bot_nickname = body.bot_nickname as string;
    if (body.bot_profile_url !== undefined) record.bot.bot_profile_url = body.bot_profile_url as string;
    if (body.bot_callback_url !== undefined) record.bot_callback_url = body.bot_callback_url as string;
    if (body.is_privacy_mode !== undefined) record.is_privacy_mode = body.is_privacy_mode as boolean;
    if (body.enable_mark_as_read !== undefined)
      record.enable_mark_as_read = body.enable_mark_as_read as boolean;
    if (body.show_member !== undefined) record.show_member = body.show_member as boolean;
    if (body.channel_invitation_preference !== undefined) {
      record.channel_invitation_preference = body.channel_invitation_preference as 0 | 1;
    }
    opts.canonicalize?.(record);
    saveState();
    return ok(record);
  }

  function deleteBot(botUserid: string): SandboxResponse {
    findBot(botUserid);
    bots.delete(botUserid);
    listChanged();
    saveState();
    return ok({});
  }

  // ---- page tokens --------------------------------------------------------------------------

  // silent: the docs name ExpiredPageToken but not when a token expires; the sandbox expires it
  // after pageTokenTtlMs, and (optionally) when the list changes.
  function listChanged(): void {
    if (opts.pageTokensExpireOnChange) pageTokenGeneration += 1;
  }

  function writePageToken(afterSeq: number): string {
    const claims = `after:${afterSeq};issued:${Date.now()};generation:${pageTokenGeneration}`;
    const payload = Buffer.from(claims).toString("base64url");
    return `${payload}.${sign(payload)}`;
  }

  /** The sequence number the page starts after; a garbled or expired token answers 400109. */
  function readPageToken(token: string): number {
    const [payload, signature, ...rest] = token.split(".");
    const expired = new SendbirdError("expiredPageToken", "The page token is expired or invalid.");
    if (rest.length > 0 || signature === undefined || signature !== sign(payload)) throw expired;
    const claims = Buffer.from(payload, "base64url").toString("utf8");
    const match = /^after:(\d+);issued:(\d+);generation:(\d+)$/.exec(claims);
    if (match === null) throw expired;
    const [afterSeq, issued, generation] = match.slice(1).map(Number);
    if (generation !== pageTokenGeneration || Date.now() - issued >= pageTokenTtlMs) throw expired;
    return afterSeq;
  }

  function sign(payload: string): string {
    return createHmac("sha256", pageTokenKey).update(payload).digest("base64url").slice(0, 22);
  }

  // ---- routing ------------------------------------------------------------------------------

  function route(req: SandboxRequest): SandboxResponse {
    const segments = pathSegmentsUnder(req.path, [API_PREFIX, "bots"]);
    if (segments === undefined) throw invalidUrl(req);
    const [botUserid, ...extra] = segments;
    const jsonBody = (): Record<string, unknown> => {
      const parsed = parseJsonObjectBody(req);
      if (!parsed.ok) throw new SendbirdError("invalidJsonBody", parsed.message);
      return parsed.value;
    };

    if (extra.length > 0) throw invalidUrl(req);
    if (botUserid === undefined) {
      return dispatch(req, { GET: () => listBots(req.query), POST: () => createBot(jsonBody()) });
    }
    return dispatch(req, {
      GET: () => ok(findBot(botUserid).record),
      PUT: () => updateBot(botUserid, jsonBody()),
      DELETE: () => deleteBot(botUserid),
    });
  }

  function handle(req: SandboxRequest): SandboxResponse {
    if (!isAuthorized(req)) return badToken();
    const decision = rateLimit.take(methodClass(req.method));
    let response: SandboxResponse;
    if (decision !== undefined && !decision.allowed) {
      response = tooManyRequests(secondsUntilReset(decision));
    } else {
      try {
        response = route(req);
      } catch (error) {
        if (!(error instanceof SendbirdError)) throw error;
        response = sendbirdAnswer(error);
      }
    }
    if (decision !== undefined) response.headers = { ...response.headers, ...rateLimitHeaders(decision) };
    return response;
  }

  function renderStatusFault(fault: StatusFault, req: SandboxRequest): SandboxResponse {
    const code = fault.code ?? defaultCodeForStatus(fault.status);
    const response = errorResponse(fault.status, code, messageForCode(code));
    if (fault.status !== 429) return withRetryAfter(response, fault.retryAfterSeconds);
    const requestClass = methodClass(req.method);
    const limit =
      rateLimit.limitOf(requestClass) ??
      (requestClass === "get" ? DEFAULT_RATE_LIMIT.getPerSecond : DEFAULT_RATE_LIMIT.mutatePerSecond);
    response.headers = {
      ...rateLimitHeaders({ limit, remaining: 0 }),
      "X-RateLimit-RetryAfter": String(fault.retryAfterSeconds ?? 1),
    };
    return response;
  }

  // ---- control endpoints (/__sandbox/...) ----------------------------------------------------

  function controlBots(): SandboxResponse {
    return { status: 200, body: { bots: [...bots.values()].map((bot) => bot.record) } };
  }

  const server = await startSandboxServer({
    port: opts.port ?? 0,
    latencyMs: opts.latencyMs,
    secretHeaders: ["api-token"],
    handle,
    renderStatusFault,
    renderInternalError: () =>
      sendbirdAnswer(new SendbirdError("internalError", messageForCode(SendbirdErrorCode.internalError))),
    authorizeControl: (req) => (isAuthorized(req) ? undefined : badToken()),
    handleControl: controlRoutes({ "/__sandbox/bots": { GET: controlBots } }),
  });

  return {
    ...sandboxBase(server, `/${API_PREFIX}`, rateLimit),
    bots: () => [...bots.values()].map((stored) => structuredClone(stored.record)),
    bot: (botUserid) => {
      const stored = bots.get(botUserid);
      return stored === undefined ? undefined : structuredClone(stored.record);
    },
    addApiToken,
    rotateApiToken,
  };
}

// ---- helpers (no sandbox state) -----------------------------------------------------------

function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}

function missing(field: string): SendbirdError {
  return new SendbirdError("missingRequiredParameter", `"${field}" is required.`);
}

function invalidValue(message: string): SendbirdError {
  return new SendbirdError("invalidValue", `Invalid value: ${message}`);
}

/** 400404 with HTTP 400, as the error-codes page gives it. */
function invalidUrl(req: SandboxRequest): SendbirdError {
  return new SendbirdError("invalidRequestUrl", `Invalid request URL: ${req.method} ${req.path}.`);
}

/** Runs the handler for the request's method, or answers 405 naming the allowed methods. */
function dispatch(req: SandboxRequest, handlers: Record<string, () => SandboxResponse>): SandboxResponse {
  const handler = handlers[req.method];
  if (handler !== undefined) return handler();
  // Sendbird documents no answer to a wrong method: plain HTTP 405, in Sendbird's error shape but
  // without a code (no vendor code the provider acts on). The provider never sends one.
  const allowed = Object.keys(handlers).join(", ");
  return withBasis(
    {
      status: 405,
      body: { error: true, message: `Method ${req.method} is not allowed here; use ${allowed}.` },
      headers: { Allow: allowed },
    },
    { assumed: "method not allowed" },
  );
}

/**
 * Checks the type and length of each listed field that is present in `body`.
 * silent: `null` counts as a value of the wrong type, not as "absent"; lengths count Unicode
 * code points.
 */
function validateFields(body: Record<string, unknown>, fields: FieldName[]): void {
  for (const field of fields) {
    const value = body[field];
    if (value === undefined) continue;
    const spec: FieldSpec = FIELDS[field];
    if (spec.type === "string" && typeof value !== "string") {
      throw new SendbirdError("expectedString", `"${field}" should be a string.`);
    }
    if (spec.type === "boolean" && typeof value !== "boolean") {
      throw new SendbirdError("expectedBoolean", `"${field}" should be a boolean.`);
    }
    if (spec.type === "0|1") {
      if (typeof value !== "number") {
        throw new SendbirdError("expectedNumber", `"${field}" should be a number.`);
      }
      if (value !== 0 && value !== 1) throw invalidValue(`"${field}" must be 0 or 1.`);
    }
    if (spec.maxLength !== undefined && [...(value as string)].length > spec.maxLength) {
      throw new SendbirdError(
        "valueTooLong",
        `"${field}" is too long: at most ${spec.maxLength} characters.`,
      );
    }
  }
}

function rateLimiterFor(rateLimit: SendbirdRateLimit): FixedWindowRateLimiter<"get" | "mutate"> {
  const { getPerSecond, mutatePerSecond } = rateLimit;
  checkRateLimitCounts({ getPerSecond, mutatePerSecond });
  return new FixedWindowRateLimiter({ get: getPerSecond, mutate: mutatePerSecond }, 1000);
}

function methodClass(method: string): "get" | "mutate" {
  return method === "GET" || method === "HEAD" ? "get" : "mutate";
}

function rateLimitHeaders(decision: Pick<RateLimitDecision, "limit" | "remaining">): Record<string, string> {
  return {
    "X-RateLimit-Limit": `${decision.limit};w=1`,
    "X-RateLimit-Remaining": String(decision.remaining),
  };
}

function tooManyRequests(retryAfterSeconds: number): SandboxResponse {
  return documented("sendbird", SENDBIRD_ANSWERS, "rateLimited", {
    body: {
      code: SendbirdErrorCode.rateLimitExceeded,
      message: messageForCode(SendbirdErrorCode.rateLimitExceeded),
    },
    headers: { "X-RateLimit-RetryAfter": String(retryAfterSeconds) },
  });
}

/** The error code an injected status fault carries when the rule does not name one. */
function defaultCodeForStatus(status: number): number {
  if (status === 429) return SendbirdErrorCode.rateLimitExceeded;
  if (status === 401) return SendbirdErrorCode.invalidApiToken;
  if (status === 403) return SendbirdErrorCode.applicationNotAvailable;
  if (status === 404) return SendbirdErrorCode.invalidRequestUrl;
  if (status >= 500) return SendbirdErrorCode.internalError;
  return SendbirdErrorCode.invalidValue;
}

function messageForCode(code: number): string {
  switch (code) {
    case SendbirdErrorCode.rateLimitExceeded:
      return "Too many requests.";
    case SendbirdErrorCode.internalError:
      return "Internal server error.";
    case SendbirdErrorCode.invalidApiToken:
      return 'Invalid value: "Api-Token".';
    case SendbirdErrorCode.applicationNotAvailable:
      return "Application is not available.";
    case SendbirdErrorCode.invalidRequestUrl:
      return "Invalid request URL.";
    default:
      return "Request failed.";
  }
}

function isStateFile(state: Partial<StateFile>): boolean {
  return (
    Array.isArray(state.bots) &&
    state.bots.every(
      (entry) => typeof entry?.resource?.bot?.bot_userid === "string" && Array.isArray(entry.channel_urls),
    )
  );
}

// ---- the platform, as the sandbox list (platforms.ts) describes it --------------------------------

import type { SandboxPlatform } from "./descriptor";

/** The options the sandbox CLI sets (all but the token, which comes from the environment). */
export type SendbirdCliOptions = Pick<
  SendbirdSandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "notFoundStatus"
  | "badTokenStatus"
  | "pageTokenTtlMs"
  | "pageTokensExpireOnChange"
  | "updateResetsOmittedFields"
  | "latencyMs"
>;

/** The largest documented plan (100K+ MAU). */
const LARGEST_RATE_LIMIT: SendbirdRateLimit = { getPerSecond: 600, mutatePerSecond: 200 };

/** The limit of a request under `limit`: GET/HEAD against one, every other method against the other. */
const sendbirdBucket = (limit: SendbirdRateLimit) => (req: { method: string }) =>
  methodClass(req.method) === "get"
    ? (["GET", limit.getPerSecond] as const)
    : (["POST/PUT/DELETE", limit.mutatePerSecond] as const);

export const sendbirdPlatform: SandboxPlatform<
  "sendbird",
  SendbirdSandbox,
  Record<never, never>,
  SendbirdCliOptions
> = {
  module: "sendbird",
  title: "Sendbird",
  provider: {
    envPrefix: "SENDBIRD_",
    credentials: [["apiToken", "SENDBIRD_API_TOKEN"]],
    pacing: { reads: "SENDBIRD_READS_PER_SECOND", writes: "SENDBIRD_WRITES_PER_SECOND" },
  },
  async startLocal(common) {
    const apiToken = randomBytes(24).toString("hex");
    const sandbox = await startSendbirdSandbox({ apiToken, ...common });
    return { sandbox, env: { SENDBIRD_API_URL: sandbox.url, SENDBIRD_API_TOKEN: apiToken } };
  },
  cli: {
    usage: `usage: cli.js sendbird [options]   (the accepted API token is read from SENDBIRD_API_TOKEN)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots in this JSON file across runs
  --rate-limit GET,MUTATE       calls per second allowed for GET and for POST/PUT/DELETE (default 10,5)
  --no-rate-limit               no rate limit
  --not-found-status 400|404    HTTP status sent with code 400201, bot not found (default 400)
  --bad-token-status 400|401    HTTP status sent with code 400401, bad Api-Token (default 400)
  --page-token-ttl-ms N         how long a list page token stays valid (default 60000)
  --page-tokens-expire-on-change  a list page token stops working once a bot is created or deleted
  --update-resets-omitted-fields  PUT resets the fields its body omits
  --latency-ms N                how long each API request waits before being handled (default 0)`,
    secret: { variable: "SENDBIRD_API_TOKEN", noun: "token" },
    rateLimit(flags) {
      const parts = flags.value().split(",");
      if (parts.length !== 2) flags.fail("--rate-limit must be GET_PER_SECOND,MUTATE_PER_SECOND");
      return { getPerSecond: flags.integer(0, parts[0]), mutatePerSecond: flags.integer(0, parts[1]) };
    },
    flag(flags, options) {
      switch (flags.flag) {
        case "--not-found-status":
          options.notFoundStatus = flags.oneOf([400, 404] as const);
          return true;
        case "--bad-token-status":
          options.badTokenStatus = flags.oneOf([400, 401] as const);
          return true;
        case "--page-token-ttl-ms":
          options.pageTokenTtlMs = flags.integer(1);
          return true;
        case "--page-tokens-expire-on-change":
          options.pageTokensExpireOnChange = true;
          return true;
        case "--update-resets-omitted-fields":
          options.updateResetsOmittedFields = true;
          return true;
        default:
          return false;
      }
    },
    start: (options, apiToken) => startSendbirdSandbox({ apiToken, ...options }),
  },
  rates: {
    lowest: {
      plan: `free trial: ${DEFAULT_RATE_LIMIT.getPerSecond} GET/s, ${DEFAULT_RATE_LIMIT.mutatePerSecond} POST/PUT/DELETE/s`,
      bucket: sendbirdBucket(DEFAULT_RATE_LIMIT),
    },
    largest: {
      plan: `100K+ MAU: ${LARGEST_RATE_LIMIT.getPerSecond} GET/s, ${LARGEST_RATE_LIMIT.mutatePerSecond} POST/PUT/DELETE/s`,
      rateLimit: LARGEST_RATE_LIMIT,
      pacing: { reads: LARGEST_RATE_LIMIT.getPerSecond, writes: LARGEST_RATE_LIMIT.mutatePerSecond },
      bucket: sendbirdBucket(LARGEST_RATE_LIMIT),
    },
  },
};
