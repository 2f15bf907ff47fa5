/**
 * A local emulator of the Whats91 public API v2 "Chatbots" endpoints, written from Whats91's pages
 * as docs/vendors/whats91.md records them (each section cited below as "whats91.md, <section>").
 * Where the documentation is silent it takes the strictest plausible behaviour; each such choice is
 * marked "silent:" below.
 *
 * Every error answer says why it is sent: a documented answer of sandbox/fixtures/whats91.ts (by its
 * code), a named reading (`WHATS91_READINGS`; the options choose the other readings), or an
 * HTTP-level assumption (an unknown path, a body too large or not JSON).
 *
 * Emulated, under /api/v2 (whats91.md, "Endpoints"), the calls the provider makes: GET /chatbots,
 * GET /chatbots/{chatbotUid}, POST /chatbots/text, /chatbots/media and /chatbots/interactive. The
 * generic POST /chatbots, which the provider never calls, is not emulated, and there is no update
 * or delete route (none is documented): those answer 404 like any unknown path.
 * Dashboard edits and removals, which the API cannot make, are simulated by `edit` and `remove`.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import {
  openStateFile,
  perSecondRateLimit,
  sandboxBase,
  type SandboxBase,
  type SandboxOptionsBase,
} from "./common";
import {
  controlRoutes,
  parseJsonObjectBody,
  pathSegmentsUnder,
  reasonCode,
  reasonPhrase,
  REDACTED,
  secondsUntilReset,
  secretDigest,
  startSandboxServer,
  type RecordedRequest,
  type SandboxRequest,
  type SandboxResponse,
  type StatusFault,
} from "./http";
import { documented, isVariable, withBasis, type Basis } from "./documented";
import { WHATS91_ANSWERS, type Whats91AnswerName } from "./fixtures/whats91";

export const WHATS91_API_PATH = "/api/v2";
const API_SEGMENTS = ["api", "v2"];

/** The sender a sandbox has when `senders` is not given (a North American number, no "+"). */
export const WHATS91_DEFAULT_SENDER_ID = "15550001111";

/** A WhatsApp sender number of the account, with the Meta ids the API reports for it. */
export interface Whats91Sender {
  /** Digits with country code, no "+" (whats91.md, "Authentication and senders"), e.g. "916268662275". */
  senderId: string;
  phoneNumberId: string;
  wabaId: string;
  /** The sender exists but its WhatsApp setup is not finished: every request for it gets 400. */
  setupIncomplete?: boolean;
}

/** An accepted API token: global, or bound to one sender (whats91.md, "Authentication and senders"). */
export type Whats91Token =
  | { token: string; scope: "global" }
  | { token: string; scope: "selected_number" | "specific_number"; senderId: string };

/** Requests allowed per one-second window, all endpoints together. */
export interface Whats91RateLimit {
  /** An integer >= 0. */
  requestsPerSecond: number;
}

export interface Whats91SandboxOptions extends SandboxOptionsBase {
  /** The accepted Bearer tokens (at least one); see `addToken` and `expireToken`. */
  tokens: Whats91Token[];
  /** The account's senders; default one sender, `whats91Sender(WHATS91_DEFAULT_SENDER_ID)`. */
  senders?: Whats91Sender[];
  /** Whether the subscription includes chatbots; default true. false: 403 FEATURE_NOT_AVAILABLE. */
  chatbotsFeature?: boolean;
  /**
   * silent: public v2 has no separately documented rate limit (whats91.md, "Rate limits"). Default
   * {requestsPerSecond: 5}, the DeadSimpleChat sandbox's conservative choice, so that clients meet
   * 429s (reading `rateLimit`); false disables.
   */
  rateLimit?: Whats91RateLimit | false;
  /**
   * silent: the largest `limit` the list accepts (a larger one is refused, reading `pageSizeMax`);
   * default 100.
   */
  pageSizeMax?: number;
  /**
   * silent: the HTTP status of a successful create is not stated (whats91.md, "Answers"); the
   * inference is 200 (default), the other plausible reading 201.
   */
  createStatus?: 200 | 201;
  /**
   * The other plausible reading of "global tokens should pass senderId": a global token that omits
   * it works on the account's first sender. Default false: 400 WHATSAPP_SETUP_INCOMPLETE (reading
   * `globalTokenNeedsSenderId`; which refusal a missing senderId gets is not documented).
   */
  globalTokenSenderFallback?: boolean;
  /**
   * The other plausible reading of the request schema: fields it does not document are ignored
   * (and not stored). Default false: they are refused with 400 VALIDATION_FAILED (reading
   * `unknownFieldsRefused`). Media fields other than type, url and fileName are refused either way
   * (documented: no uploads or Meta ids).
   */
  unknownFieldsIgnored?: boolean;
  /**
   * Whether a `welcome` trigger needs keywords. The create pages say trigger.keywords and
   * trigger.keyword are each "Required unless" the other is supplied, with no exception for
   * `welcome` (whats91.md, "Triggers"); what Whats91 does with them on a welcome trigger is not
   * documented. Readings:
   * - "required" (default, the pages as written): a welcome trigger without keywords is refused
   *   with the documented 400 VALIDATION_FAILED; its keywords are stored and shown in replyTrigger;
   * - "optional": a welcome trigger may come with or without keywords; given ones are stored;
   * - "ignored": a welcome trigger may come with or without keywords; given ones are accepted but
   *   not kept (replyTrigger is "").
   */
  welcomeKeywords?: Whats91WelcomeKeywords;
}

export type Whats91WelcomeKeywords = "required" | "optional" | "ignored";

/**
 * The named readings the sandbox's undocumented refusals rest on (the `reading` of their basis):
 * - strict: the strictest plausible value rules where the pages are silent (blank strings, commas
 *   in keywords, both keyword and keywords, regular expressions that do not compile, fractional
 *   priorities, the messaging limits on buttons and rows, unknown list filters);
 * - unknownFieldsRefused: undocumented fields refused (option `unknownFieldsIgnored` turns it off);
 * - globalTokenNeedsSenderId: a global token without senderId gets WHATSAPP_SETUP_INCOMPLETE
 *   (option `globalTokenSenderFallback` is the other reading);
 * - pageSizeMax: a list `limit` over the maximum is refused (option `pageSizeMax`);
 * - rateLimit: 429 past the sandbox's rate (option `rateLimit`);
 * - mediaErrorsAre400: MISSING_CHATBOT_MEDIA and INVALID_CHATBOT_MEDIA are documented codes
 *   without a documented status; the sandbox sends 400.
 */
export const WHATS91_READINGS = {
  strict: "whats91.strict",
  unknownFieldsRefused: "whats91.unknownFieldsRefused",
  globalTokenNeedsSenderId: "whats91.globalTokenNeedsSenderId",
  pageSizeMax: "whats91.pageSizeMax",
  rateLimit: "whats91.rateLimit",
  mediaErrorsAre400: "whats91.mediaErrorsAre400",
} as const;

export type Whats91BotType = "simple" | "media" | "advanced";
export type Whats91CreateRoute = "text" | "media" | "interactive";

/** A stored chatbot, with the full configuration (most of which no API answer shows). */
export interface Whats91Chatbot {
  chatbotUid: string;
  senderId: string;
  name: string;
  botType: Whats91BotType;
  triggerType: string;
  /** Empty for a `welcome` trigger given none (or, under the "ignored" reading, any). */
  keywords: string[];
  /** 0..255. */
  priority: number;
  status: "ACTIVE" | "INACTIVE";
  /** The validated `chatbot.response`, always with its `type`. */
  response: Record<string, unknown>;
  /** ISO-8601 timestamp. */
  created: string;
  /** The create route it came through ("generic": POST /chatbots, in a state file of release 0.1.0). */
  route: Whats91CreateRoute | "generic";
}

/** What a dashboard edit can change. */
export type Whats91ChatbotEdit = Partial<
  Pick<Whats91Chatbot, "name" | "status" | "priority" | "keywords">
> & {
  replyText?: string;
};

/**
 * A running Whats91 sandbox; its API is under /api/v2, and its request log hides Authorization
 * headers and body tokens (authToken, auth_token, token).
 */
export interface Whats91Sandbox extends SandboxBase<Whats91RateLimit> {
  /** Snapshot of the stored chatbots (whole records) in creation order, optionally of one sender. */
  chatbots(senderId?: string): Whats91Chatbot[];
  chatbot(uid: string): Whats91Chatbot | undefined;
  /** Simulates an edit in the Whats91 dashboard (drift): name, status, priority, keywords, reply text. */
  edit(uid: string, changes: Whats91ChatbotEdit): void;
  /** Simulates a removal in the dashboard (the API has none). */
  remove(uid: string): void;
  /** The token now gets 401 INVALID_AUTH_TOKEN. */
  expireToken(token: string): void;
  /** Accepts one more token (or replaces the entry of the same token, expired or not). */
  addToken(token: Whats91Token): void;
  setChatbotsFeature(enabled: boolean): void;
  /** Marks a sender's WhatsApp setup as incomplete (400 WHATSAPP_SETUP_INCOMPLETE) or complete. */
  setSenderSetupIncomplete(senderId: string, incomplete: boolean): void;
}

/** The documented error codes (whats91.md, "Errors"), plus the ones the sandbox needs where the docs are silent. */
export const Whats91ErrorCode = {
  MISSING_AUTH_TOKEN: "MISSING_AUTH_TOKEN",
  INVALID_AUTH_TOKEN: "INVALID_AUTH_TOKEN",
  SENDER_NOT_ALLOWED: "SENDER_NOT_ALLOWED",
  FEATURE_NOT_AVAILABLE: "FEATURE_NOT_AVAILABLE",
  MISSING_CHATBOT: "MISSING_CHATBOT",
  VALIDATION_FAILED: "VALIDATION_FAILED",
  WHATSAPP_SETUP_INCOMPLETE: "WHATSAPP_SETUP_INCOMPLETE",
  CHATBOT_NOT_FOUND: "CHATBOT_NOT_FOUND",
  UNSUPPORTED_CONTENT_TYPE: "UNSUPPORTED_CONTENT_TYPE",
  MISSING_CHATBOT_MEDIA: "MISSING_CHATBOT_MEDIA",
  INVALID_CHATBOT_MEDIA: "INVALID_CHATBOT_MEDIA",
  // silent: the codes below are not documented for chatbots.
  NOT_FOUND: "NOT_FOUND",
  RATE_LIMITED: "RATE_LIMITED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  INTERNAL_ERROR: "INTERNAL_ERROR",
} as const;
export type Whats91ErrorCodeValue = (typeof Whats91ErrorCode)[keyof typeof Whats91ErrorCode];

/** Messages of the answers. Only chatbotNotFound and the success messages are documented verbatim. */
export const Whats91Message = {
  chatbotCreated: "Chatbot created",
  chatbotsRetrieved: "Chatbots retrieved",
  chatbotRetrieved: "Chatbot retrieved",
  chatbotNotFound: WHATS91_ANSWERS.chatbotNotFound.body.error.message,
  // silent: the wordings below paraphrase the documented scenario of each code (whats91.md, "Errors").
  missingAuthToken: "Authorization token is required.",
  invalidAuthToken: "The authorization token is invalid, expired or revoked.",
  senderNotAllowed: "This token is not allowed to use the requested sender.",
  featureNotAvailable: "Your subscription does not include chatbots.",
  missingChatbot: "The request body must contain a chatbot object.",
  setupIncomplete: "WhatsApp setup is incomplete: the sender context could not be resolved.",
  unsupportedContentType: "Content-Type must be application/json.",
  missingMedia: "chatbot.response.media is required.",
  notFound: "The requested endpoint does not exist.",
  rateLimited: "Too many requests, please retry later.",
  payloadTooLarge: "The request body is too large.",
  internalError: "Internal server error.",
} as const;

const DEFAULT_RATE_LIMIT: Whats91RateLimit = { requestsPerSecond: 5 };
/** Documented default page size of the list. */
const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_PAGE_SIZE_MAX = 100;
// silent: no body limit is documented; 100 KiB is the default of Express's JSON body parser.
const MAX_BODY_BYTES = 100 * 1024;

const TRIGGER_TYPES = [
  "contains",
  "exact",
  "starts_with",
  "ends_with",
  "contains_whole_word",
  "regex",
  "welcome",
] as const;
// silent: no default trigger type is documented; "contains" is the broadest match of the list.
const DEFAULT_TRIGGER_TYPE = "contains";
const RESPONSE_TYPES = ["text", "media", "buttons", "cta", "list"] as const;
type ResponseType = (typeof RESPONSE_TYPES)[number];
const MEDIA_TYPES = ["IMAGE", "VIDEO", "AUDIO", "DOCUMENT"] as const;
const STATUSES = ["ACTIVE", "INACTIVE"] as const;
const BOT_TYPES = ["simple", "media", "advanced"] as const;
const TOKEN_SCOPES = ["global", "selected_number", "specific_number"] as const;

/** The response kinds each create route takes (whats91.md, "Replies"). */
const ROUTE_RESPONSE_TYPES: Record<Whats91CreateRoute, readonly ResponseType[]> = {
  text: ["text"],
  media: ["media"],
  interactive: ["buttons", "cta", "list"],
};
const BOT_TYPE_OF: Record<ResponseType, Whats91BotType> = {
  text: "simple",
  media: "media",
  buttons: "advanced",
  cta: "advanced",
  list: "advanced",
};
/** The documented fields of each response kind; footerText is documented for buttons and list only. */
const RESPONSE_FIELDS: Record<ResponseType, readonly string[]> = {
  text: ["type", "text"],
  media: ["type", "text", "media"],
  buttons: ["type", "text", "footerText", "buttons"],
  cta: ["type", "text", "ctaText", "ctaUrl"],
  list: ["type", "text", "footerText", "sections"],
};
const BODY_FIELDS = ["senderId", "chatbot", "authToken", "auth_token", "token"];
/** The compatibility body tokens of the create page, in the order they are looked at. */
const BODY_TOKEN_FIELDS = ["authToken", "auth_token", "token"] as const;
const CHATBOT_FIELDS = ["name", "trigger", "priority", "status", "response"];
const TRIGGER_FIELDS = ["type", "keywords", "keyword"];
const MEDIA_FIELDS = ["type", "url", "fileName"];
/** Pre-uploaded media references the media page names as refused. */
const MEDIA_REFERENCE_FIELDS = ["metaMediaId", "mediaId", "meta_media_id", "media_id", "id"];

/**
 * Limits the docs give only for the messaging endpoint (whats91.md, "Replies"). silent: the chatbot
 * routes enforce them too, the strict reading, since WhatsApp applies them when the reply is sent.
 */
const MAX_BUTTONS = 3;
const MAX_BUTTON_LABEL = 20;
const MAX_BUTTON_ID = 256;
const MAX_LIST_ROWS = 10;

type Endpoint =
  { kind: "list" } | { kind: "get"; uid: string } | { kind: "create"; route: Whats91CreateRoute };

interface TokenEntry {
  digest: Buffer;
  scope: Whats91Token["scope"];
  senderId?: string;
  expired: boolean;
}

/**
 * An error answer, thrown by the checks and rendered in the error envelope by `handle`: the
 * documented answer of its code (the message is the sandbox's detail where the page gives none),
 * or, with a `basis`, an answer of a named reading or an HTTP-level assumption.
 */
class Whats91ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: Whats91ErrorCodeValue,
    message: string,
    readonly headers?: Record<string, string>,
    readonly basis?: Basis,
  ) {
    super(message);
  }
}

/** The fixture of each documented code. */
const DOCUMENTED: Partial<Record<Whats91ErrorCodeValue, Whats91AnswerName>> = {
  MISSING_AUTH_TOKEN: "missingAuthToken",
  INVALID_AUTH_TOKEN: "invalidAuthToken",
  SENDER_NOT_ALLOWED: "senderNotAllowed",
  FEATURE_NOT_AVAILABLE: "featureNotAvailable",
  MISSING_CHATBOT: "missingChatbot",
  VALIDATION_FAILED: "validationFailed",
  WHATSAPP_SETUP_INCOMPLETE: "whatsappSetupIncomplete",
  CHATBOT_NOT_FOUND: "chatbotNotFound",
  UNSUPPORTED_CONTENT_TYPE: "unsupportedContentType",
};

/**
 * The answer to send for `error`. A documented code is sent only as its fixture: the status and
 * code are the page's, and the message is the sandbox's only where the page gives none.
 */
function refusal(error: Whats91ApiError): SandboxResponse {
  if (error.basis !== undefined) {
    return withBasis(errorResponse(error.status, error.code, error.message, error.headers), error.basis);
  }
  const name = DOCUMENTED[error.code];
  if (name === undefined)
    throw new Error(`sandbox: ${error.code} is not documented; give the answer a basis.`);
  const answer = WHATS91_ANSWERS[name];
  if (answer.status !== error.status) {
    throw new Error(`sandbox: ${error.code} is documented with ${answer.status}, not ${error.status}.`);
  }
  const detail = isVariable(answer, "error.message");
  return documented("whats91", WHATS91_ANSWERS, name, {
    body: { metadata: metadata(), ...(detail && { "error.message": error.message }) },
    headers: error.headers,
  });
}

/** On-disk format of `stateFile`: the chatbots in creation order. No token, no sender. */
interface StateFile {
  version: 1;
  chatbots: Whats91Chatbot[];
}

/** A sender whose Meta ids are derived from its number, so they stay the same across runs. */
export function whats91Sender(senderId: string, setupIncomplete = false): Whats91Sender {
  return {
    senderId,
    phoneNumberId: derivedDigits(`phoneNumberId:${senderId}`, 15),
    wabaId: derivedDigits(`wabaId:${senderId}`, 15),
    ...(setupIncomplete && { setupIncomplete }),
  };
}

export async function startWhats91Sandbox(opts: Whats91SandboxOptions): Promise<Whats91Sandbox> {
  const senders = new Map<string, Whats91Sender>();
  for (const sender of opts.senders ?? [whats91Sender(WHATS91_DEFAULT_SENDER_ID)]) {
    checkSender(sender);
    if (senders.has(sender.senderId)) throw new Error(`senders: ${sender.senderId} is given twice.`);
    senders.set(sender.senderId, { ...sender });
  }
  if (!Array.isArray(opts.tokens) || opts.tokens.length === 0) {
    throw new Error("startWhats91Sandbox: tokens must hold at least one token.");
  }
  // Tokens are checked against digests; the plain tokens are kept only so the server can scrub them
  // from the request log wherever a client put them (path, query, headers, body).
  const tokens: TokenEntry[] = [];
  const tokensToScrub: string[] = [];
  const addToken = (token: Whats91Token): void => {
    const entry = tokenEntry(token, senders);
    const existing = tokens.findIndex((candidate) => timingSafeEqual(candidate.digest, entry.digest));
    if (existing >= 0) tokens.splice(existing, 1);
    tokens.push(entry);
    tokensToScrub.push(token.token);
  };
  opts.tokens.forEach(addToken);

  let chatbotsFeature = opts.chatbotsFeature ?? true;
  const rateLimit = perSecondRateLimit(opts.rateLimit, DEFAULT_RATE_LIMIT);
  const pageSizeMax = opts.pageSizeMax ?? DEFAULT_PAGE_SIZE_MAX;
  if (!(Number.isInteger(pageSizeMax) && pageSizeMax >= 1))
    throw new Error("pageSizeMax must be an integer >= 1.");
  const createStatus = opts.createStatus ?? 200;
  if (createStatus !== 200 && createStatus !== 201) throw new Error("createStatus must be 200 or 201.");
  const strictFields = !opts.unknownFieldsIgnored;
  const welcomeKeywords = opts.welcomeKeywords ?? "required";
  if (!["required", "optional", "ignored"].includes(welcomeKeywords)) {
    throw new Error('welcomeKeywords must be "required", "optional" or "ignored".');
  }
  const rules: ValidationRules = { strictFields, welcomeKeywords };

  const chatbots = new Map<string, Whats91Chatbot>();
  const stateFile = openStateFile<StateFile>(opts.stateFile, "Whats91", isStateFile);
  for (const chatbot of stateFile.loaded?.chatbots ?? []) chatbots.set(chatbot.chatbotUid, chatbot);

  function saveState(): void {
    stateFile.save({ version: 1, chatbots: [...chatbots.values()] });
  }

  // ---- auth and sender scoping ----------------------------------------------------------------

  /** The token entry the candidate names (expired ones included); every digest is compared. */
  function findToken(candidate: string): TokenEntry | undefined {
    const digest = secretDigest(candidate);
    let found: TokenEntry | undefined;
    for (const entry of tokens) {
      if (timingSafeEqual(entry.digest, digest)) found = entry;
    }
    return found;
  }

  function authenticate(req: SandboxRequest, body: Record<string, unknown> | undefined): TokenEntry {
    const candidate = bearerToken(req.headers.authorization) ?? (body && bodyToken(body));
    if (candidate === undefined) {
      throw new Whats91ApiError(401, Whats91ErrorCode.MISSING_AUTH_TOKEN, Whats91Message.missingAuthToken);
    }
    const entry = findToken(candidate);
    if (entry === undefined || entry.expired) {
      throw new Whats91ApiError(401, Whats91ErrorCode.INVALID_AUTH_TOKEN, Whats91Message.invalidAuthToken);
    }
    return entry;
  }

  /**
   * The sender a request works on. silent: each the strictest plausible reading of whats91.md,
   * "Authentication and senders":
   *  - an empty senderId counts as not given;
   *  - a senderId that is not a string (e.g. a JSON number) is refused with VALIDATION_FAILED, and
   *    no normalisation happens ("+15550001111" is an unknown sender);
   *  - a global token that gives no senderId cannot resolve the sender context: 400
   *    WHATSAPP_SETUP_INCOMPLETE (unless `globalTokenSenderFallback`);
   *  - a sender-bound token naming another sender gets 403 SENDER_NOT_ALLOWED whether or not that
   *    sender exists;
   *  - an unknown sender and one whose setup is incomplete both get 400 WHATSAPP_SETUP_INCOMPLETE.
   */
  function resolveSender(token: TokenEntry, requested: unknown): Whats91Sender {
    if (requested !== undefined && typeof requested !== "string") {
      throw strict("senderId must be a string of digits");
    }
    const given = requested === undefined || requested === "" ? undefined : requested;
    let senderId: string | undefined;
    if (token.scope === "global") {
      senderId = given ?? (opts.globalTokenSenderFallback ? [...senders.keys()][0] : undefined);
    } else {
      if (given !== undefined && given !== token.senderId) {
        throw new Whats91ApiError(403, Whats91ErrorCode.SENDER_NOT_ALLOWED, Whats91Message.senderNotAllowed);
      }
      senderId = token.senderId;
    }
    if (senderId === undefined) {
      throw new Whats91ApiError(
        400,
        Whats91ErrorCode.WHATSAPP_SETUP_INCOMPLETE,
        Whats91Message.setupIncomplete,
        undefined,
        { reading: WHATS91_READINGS.globalTokenNeedsSenderId },
      );
    }
    const sender = senders.get(senderId);
    if (sender === undefined || sender.setupIncomplete) {
      throw new Whats91ApiError(
        400,
        Whats91ErrorCode.WHATSAPP_SETUP_INCOMPLETE,
        Whats91Message.setupIncomplete,
      );
    }
    return sender;
  }

  // ---- handlers -------------------------------------------------------------------------------

  function createChatbot(
    route: Whats91CreateRoute,
    body: Record<string, unknown>,
    sender: Whats91Sender,
  ): SandboxResponse {
    // A body without a chatbot object gets MISSING_CHATBOT before anything else is checked.
    if (!isObject(body.chatbot)) {
      throw new Whats91ApiError(400, Whats91ErrorCode.MISSING_CHATBOT, Whats91Message.missingChatbot);
    }
    if (strictFields) rejectUnknownFields(body, BODY_FIELDS, "");
    const fields = validateChatbot(body.chatbot, route, rules);
    let chatbotUid = newChatbotUid();
    while (chatbots.has(chatbotUid)) chatbotUid = newChatbotUid();
    // Names are not unique (whats91.md, "Create"): the same body twice makes two chatbots.
    const chatbot: Whats91Chatbot = {
      chatbotUid,
      senderId: sender.senderId,
      ...fields,
      created: new Date().toISOString(),
      route,
    };
    chatbots.set(chatbotUid, chatbot);
    saveState();
    return success(createStatus, Whats91Message.chatbotCreated, createdView(chatbot, sender));
  }

  function listChatbots(query: Record<string, string>, sender: Whats91Sender): SandboxResponse {
    // silent: an empty query parameter counts as not given; other values are checked strictly.
    const given = (name: string): string | undefined => (query[name] === "" ? undefined : query[name]);
    const status = given("status");
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
      throw strict("status must be ACTIVE or INACTIVE");
    }
    const type = given("type");
    if (type !== undefined && !(BOT_TYPES as readonly string[]).includes(type)) {
      throw strict("type must be one of simple, media, advanced");
    }
    const trigger = given("trigger")?.toLowerCase();
    const page = positiveInteger(given("page"), "page") ?? 1;
    const limit = positiveInteger(given("limit"), "limit") ?? DEFAULT_PAGE_SIZE;
    // silent: a limit over the maximum is refused rather than clamped.
    if (limit > pageSizeMax) {
      throw withReading(invalid(`limit must be at most ${pageSizeMax}`), WHATS91_READINGS.pageSizeMax);
    }

    // silent: the order is creation order (oldest first); no sort parameter is documented.
    const matching = [...chatbots.values()].filter(
      (chatbot) =>
        chatbot.senderId === sender.senderId &&
        (status === undefined || chatbot.status === status) &&
        (type === undefined || chatbot.botType === type) &&
        (trigger === undefined ||
          chatbot.keywords.some((keyword) => keyword.toLowerCase().includes(trigger))),
    );
    const start = (page - 1) * limit;
    return success(200, Whats91Message.chatbotsRetrieved, {
      senderId: sender.senderId,
      chatbots: matching.slice(start, start + limit).map(itemView),
      pagination: { page, limit, total: matching.length, hasMore: start + limit < matching.length },
    });
  }

  function getChatbot(uid: string, sender: Whats91Sender): SandboxResponse {
    const chatbot = chatbots.get(uid);
    // Unknown and another sender's chatbot look alike (whats91.md, "Errors").
    if (chatbot === undefined || chatbot.senderId !== sender.senderId) {
      throw new Whats91ApiError(404, Whats91ErrorCode.CHATBOT_NOT_FOUND, Whats91Message.chatbotNotFound);
    }
    return success(200, Whats91Message.chatbotRetrieved, {
      senderId: sender.senderId,
      phoneNumberId: sender.phoneNumberId,
      wabaId: sender.wabaId,
      chatbot: itemView(chatbot),
    });
  }

  // ---- routing --------------------------------------------------------------------------------

  /**
   * The pipeline. silent: the order of the checks (the docs give none):
   *  1. an unknown path or method: 404 NOT_FOUND, before auth and not rate limited;
   *  2. a create's body is read first, since it may carry the token: 415, 413, or 400 for JSON that
   *     does not parse or is not an object, even without a token;
   *  3. auth (401), then the rate limit (429), then the subscription (403 FEATURE_NOT_AVAILABLE),
   *     then the sender (403 SENDER_NOT_ALLOWED / 400 WHATSAPP_SETUP_INCOMPLETE), then the request.
   */
  function route(req: SandboxRequest): SandboxResponse {
    const endpoint = endpointOf(req);
    if (endpoint === undefined) {
      throw new Whats91ApiError(404, Whats91ErrorCode.NOT_FOUND, Whats91Message.notFound, undefined, {
        assumed: "unknown path or method",
      });
    }
    const body = endpoint.kind === "create" ? jsonBody(req) : undefined;
    const token = authenticate(req, body);

    const decision = rateLimit.take("all");
    if (decision !== undefined && !decision.allowed) throw tooManyRequests(secondsUntilReset(decision));
    if (!chatbotsFeature) {
      throw new Whats91ApiError(
        403,
        Whats91ErrorCode.FEATURE_NOT_AVAILABLE,
        Whats91Message.featureNotAvailable,
      );
    }
    // The docs: the body's senderId for POST, the query's for GET (a POST's query is not looked at).
    const sender = resolveSender(token, body === undefined ? req.query.senderId : body.senderId);
    switch (endpoint.kind) {
      case "create":
        return createChatbot(endpoint.route, body as Record<string, unknown>, sender);
      case "list":
        return listChatbots(req.query, sender);
      case "get":
        return getChatbot(endpoint.uid, sender);
    }
  }

  function handle(req: SandboxRequest): SandboxResponse {
    redactLoggedBodyTokens();
    try {
      return route(req);
    } catch (error) {
      if (!(error instanceof Whats91ApiError)) throw error;
      return refusal(error);
    }
  }

  function renderStatusFault(fault: StatusFault, req: SandboxRequest): SandboxResponse {
    redactLoggedBodyTokens();
    const { code, message } = faultError(fault.status, endpointOf(req));
    const headers =
      fault.status === 429 || fault.retryAfterSeconds !== undefined
        ? { "Retry-After": String(fault.retryAfterSeconds ?? 1) }
        : undefined;
    return errorResponse(fault.status, code, message, headers);
  }

  // ---- the request log: body tokens redacted by field name, whatever their value ---------------

  const cleanedRecords = new WeakSet<RecordedRequest>();
  /**
   * The server scrubs known tokens by value; a wrong or expired token in the body (authToken,
   * auth_token, token) would still be logged, so those fields are redacted by name here: on every
   * request handled and whenever the log is read.
   */
  function redactLoggedBodyTokens(): void {
    for (const record of server.requests) {
      if (record.body === undefined || cleanedRecords.has(record)) continue;
      record.body = redactTokenFields(record.body);
      cleanedRecords.add(record);
    }
  }

  // ---- control endpoints (/__sandbox/...), authorised by any valid Bearer token -----------------

  function controlChatbots(): SandboxResponse {
    return { status: 200, body: { chatbots: [...chatbots.values()] } };
  }

  const server = await startSandboxServer({
    port: opts.port ?? 0,
    latencyMs: opts.latencyMs,
    maxBodyBytes: MAX_BODY_BYTES,
    secretHeaders: ["authorization"],
    // Tokens belong in the Authorization header or a create's body; one misplaced in the query
    // under a token-like name must not be logged either.
    secretQueryParams: [...BODY_TOKEN_FIELDS, "access_token"],
    secretValues: () => tokensToScrub,
    handle,
    renderStatusFault,
    renderInternalError: () =>
      errorResponse(500, Whats91ErrorCode.INTERNAL_ERROR, Whats91Message.internalError),
    authorizeControl: (req) => {
      try {
        authenticate(req, undefined);
        return undefined;
      } catch (error) {
        return refusal(error as Whats91ApiError);
      }
    },
    handleControl: controlRoutes({ "/__sandbox/chatbots": { GET: controlChatbots } }),
  });

  function stored(uid: string): Whats91Chatbot {
    const chatbot = chatbots.get(uid);
    if (chatbot === undefined) throw new Error(`No chatbot ${uid}.`);
    return chatbot;
  }

  return {
    ...sandboxBase(server, WHATS91_API_PATH, rateLimit),
    get requests() {
      redactLoggedBodyTokens();
      return server.requests;
    },
    chatbots: (senderId) =>
      [...chatbots.values()]
        .filter((chatbot) => senderId === undefined || chatbot.senderId === senderId)
        .map((chatbot) => structuredClone(chatbot)),
    chatbot: (uid) => {
      const chatbot = chatbots.get(uid);
      return chatbot === undefined ? undefined : structuredClone(chatbot);
    },
    edit: (uid, changes) => {
      const edited = applyEdit(stored(uid), changes, rules);
      chatbots.set(uid, edited);
      saveState();
    },
    remove: (uid) => {
      stored(uid);
      chatbots.delete(uid);
      saveState();
    },
    expireToken: (token) => {
      const entry = typeof token === "string" && token.length > 0 ? findToken(token) : undefined;
      if (entry === undefined) throw new Error("expireToken: not a token of this sandbox.");
      entry.expired = true;
    },
    addToken,
    setChatbotsFeature: (enabled) => {
      chatbotsFeature = enabled;
    },
    setSenderSetupIncomplete: (senderId, incomplete) => {
      const sender = senders.get(senderId);
      if (sender === undefined) throw new Error(`No sender ${senderId}.`);
      if (incomplete) sender.setupIncomplete = true;
      else delete sender.setupIncomplete;
    },
  };
}

// ---- answers ------------------------------------------------------------------------------------

const metadata = () => ({ apiVersion: "v2", requestId: randomUUID() });

function success(status: number, message: string, data: unknown): SandboxResponse {
  return { status, body: { success: true, message, data, metadata: metadata() } };
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): SandboxResponse {
  return {
    status,
    body: { success: false, error: { code, message }, metadata: metadata() },
    ...(headers && { headers }),
  };
}

/** silent: no 429 is documented; the answer keeps the error envelope and adds Retry-After. */
function tooManyRequests(retryAfterSeconds: number): Whats91ApiError {
  return new Whats91ApiError(
    429,
    Whats91ErrorCode.RATE_LIMITED,
    Whats91Message.rateLimited,
    { "Retry-After": String(retryAfterSeconds) },
    { reading: WHATS91_READINGS.rateLimit },
  );
}

/** silent: the code and message an injected status carries: the API's own where one fits. */
function faultError(status: number, endpoint: Endpoint | undefined): { code: string; message: string } {
  switch (status) {
    case 400:
      return { code: Whats91ErrorCode.VALIDATION_FAILED, message: "Validation failed." };
    case 401:
      return { code: Whats91ErrorCode.INVALID_AUTH_TOKEN, message: Whats91Message.invalidAuthToken };
    case 403:
      return { code: Whats91ErrorCode.FEATURE_NOT_AVAILABLE, message: Whats91Message.featureNotAvailable };
    case 404:
      return endpoint?.kind === "get"
        ? { code: Whats91ErrorCode.CHATBOT_NOT_FOUND, message: Whats91Message.chatbotNotFound }
        : { code: Whats91ErrorCode.NOT_FOUND, message: Whats91Message.notFound };
    case 413:
      return { code: Whats91ErrorCode.PAYLOAD_TOO_LARGE, message: Whats91Message.payloadTooLarge };
    case 415:
      return {
        code: Whats91ErrorCode.UNSUPPORTED_CONTENT_TYPE,
        message: Whats91Message.unsupportedContentType,
      };
    case 429:
      return { code: Whats91ErrorCode.RATE_LIMITED, message: Whats91Message.rateLimited };
    case 500:
      return { code: Whats91ErrorCode.INTERNAL_ERROR, message: Whats91Message.internalError };
    default:
      // e.g. 503 -> SERVICE_UNAVAILABLE, "Service Unavailable".
      return { code: reasonCode(status), message: `${reasonPhrase(status)}.` };
  }
}

/** The create answer; its fields differ by route (whats91.md, "Answers"). */
function createdView(chatbot: Whats91Chatbot, sender: Whats91Sender): Record<string, unknown> {
  const view: Record<string, unknown> = { chatbotUid: chatbot.chatbotUid };
  view.name = chatbot.name;
  view.botType = chatbot.botType;
  // The text route's example has no triggerType; no create example has priority.
  if (chatbot.route !== "text") view.triggerType = chatbot.triggerType;
  view.replyTrigger = replyTriggerOf(chatbot);
  view.replyText = replyTextOf(chatbot);
  view.status = statusNumber(chatbot.status);
  if (chatbot.botType === "media") {
    const media = chatbot.response.media as { type: string; url: string; fileName?: string };
    // silent: fileName is echoed as null when none was given.
    view.media = { type: media.type, url: media.url, fileName: media.fileName ?? null };
  }
  return { senderId: sender.senderId, chatbot: view };
}

/** A chatbot as get and list show it: summary fields only (whats91.md, "Answers"). */
function itemView(chatbot: Whats91Chatbot): Record<string, unknown> {
  return {
    chatbotUid: chatbot.chatbotUid,
    uid: chatbot.chatbotUid,
    name: chatbot.name,
    botType: chatbot.botType,
    triggerType: chatbot.triggerType,
    replyTrigger: replyTriggerOf(chatbot),
    replyText: replyTextOf(chatbot),
    status: statusNumber(chatbot.status),
    priority: chatbot.priority,
  };
}

const replyTriggerOf = (chatbot: Whats91Chatbot): string => chatbot.keywords.join(", ");
// silent: a media bot without caption has replyText "" (not null).
const replyTextOf = (chatbot: Whats91Chatbot): string =>
  typeof chatbot.response.text === "string" ? chatbot.response.text : "";
/** Inference (whats91.md, "Answers"): 1 = ACTIVE, 0 = INACTIVE. */
const statusNumber = (status: Whats91Chatbot["status"]): number => (status === "ACTIVE" ? 1 : 0);

// ---- requests -----------------------------------------------------------------------------------

/** Which documented endpoint the request is for, or undefined if none (path or method unknown). */
function endpointOf(req: SandboxRequest): Endpoint | undefined {
  const rest = pathSegmentsUnder(req.path, API_SEGMENTS);
  if (rest?.[0] !== "chatbots") return undefined;
  if (rest.length === 1) {
    if (req.method === "GET") return { kind: "list" };
  } else if (rest.length === 2) {
    if (req.method === "GET") return { kind: "get", uid: rest[1] };
    const route = rest[1];
    if (req.method === "POST" && (route === "text" || route === "media" || route === "interactive")) {
      return { kind: "create", route };
    }
  }
  return undefined;
}

/** The create body, or the documented 415 (and silent: 413 / 400 for a body that is no JSON object). */
function jsonBody(req: SandboxRequest): Record<string, unknown> {
  const parsed = parseJsonObjectBody(req);
  if (parsed.ok) return parsed.value;
  switch (parsed.problem) {
    case "content-type":
      throw new Whats91ApiError(
        415,
        Whats91ErrorCode.UNSUPPORTED_CONTENT_TYPE,
        Whats91Message.unsupportedContentType,
      );
    case "too-large":
      throw new Whats91ApiError(
        413,
        Whats91ErrorCode.PAYLOAD_TOO_LARGE,
        Whats91Message.payloadTooLarge,
        undefined,
        {
          assumed: "body over the size limit",
        },
      );
    default:
      throw withBasis400(parsed.message.replace(/\.$/, ""), { assumed: "body is not a JSON object" });
  }
}

/**
 * The token of an `Authorization: Bearer <token>` header. silent: another scheme, or "Bearer"
 * without a token, counts as no token (401 MISSING_AUTH_TOKEN); the scheme is case-insensitive.
 */
function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  return match?.[1];
}

/**
 * The compatibility token of the create page's body. silent: only when no Bearer header is sent
 * (the header wins), the first non-empty string of authToken, auth_token, token.
 */
function bodyToken(body: Record<string, unknown>): string | undefined {
  for (const field of BODY_TOKEN_FIELDS) {
    const value = body[field];
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

/** A copy with the value of every token-named field (any depth, any case) redacted. */
function redactTokenFields(value: unknown): unknown {
  if (typeof value === "string") {
    // A body that did not parse as JSON (e.g. form-encoded) may still carry a token.
    return value.replace(/((?:auth_?token|token)"?\s*[=:]\s*"?)[^"&\s,}]+/gi, `$1${REDACTED}`);
  }
  if (Array.isArray(value)) return value.map(redactTokenFields);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        /^(auth_?token|token)$/i.test(name) ? REDACTED : redactTokenFields(item),
      ]),
    );
  }
  return value;
}

function positiveInteger(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1)) throw strict(`${name} must be a positive integer`);
  return value;
}

// ---- validation ---------------------------------------------------------------------------------

/** The documented VALIDATION_FAILED: a rule the pages give (whats91.md, "Errors"). */
const invalid = (message: string) => new Whats91ApiError(400, Whats91ErrorCode.VALIDATION_FAILED, message);
/** VALIDATION_FAILED for a rule the pages do not give. */
const withBasis400 = (message: string, basis: Basis) =>
  new Whats91ApiError(400, Whats91ErrorCode.VALIDATION_FAILED, message, undefined, basis);
/** VALIDATION_FAILED under the strict reading (a value rule the pages do not give). */
const strict = (message: string) => withBasis400(message, { reading: WHATS91_READINGS.strict });
const withReading = (error: Whats91ApiError, reading: string) =>
  new Whats91ApiError(error.status, error.code, error.message, error.headers, { reading });
/** The media codes are documented; their status is not (reading mediaErrorsAre400). */
const invalidMedia = (message: string) =>
  new Whats91ApiError(400, Whats91ErrorCode.INVALID_CHATBOT_MEDIA, message, undefined, {
    reading: WHATS91_READINGS.mediaErrorsAre400,
  });

/** The readings the validation follows (sandbox options). */
interface ValidationRules {
  strictFields: boolean;
  welcomeKeywords: Whats91WelcomeKeywords;
}

type ValidatedFields = Pick<
  Whats91Chatbot,
  "name" | "botType" | "triggerType" | "keywords" | "priority" | "status" | "response"
>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** silent: fields the docs do not name are refused (unless `unknownFieldsIgnored`). */
function rejectUnknownFields(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const unknown = Object.keys(value).find((field) => !allowed.includes(field));
  if (unknown !== undefined) {
    throw withBasis400(`${at}${unknown} is not an accepted field`, {
      reading: WHATS91_READINGS.unknownFieldsRefused,
    });
  }
}

/** A required non-blank string (documented: missing or not a string; strict: blank). */
function requiredString(value: unknown, at: string): string {
  if (value === undefined || value === null) throw invalid(`${at} is required`);
  if (typeof value !== "string") throw invalid(`${at} must be a string`);
  if (value.trim().length === 0) throw strict(`${at} must not be empty`);
  return value;
}

function optionalString(value: unknown, at: string): string | undefined {
  return value === undefined ? undefined : requiredString(value, at);
}

/**
 * Checks `chatbot` (whats91.md, "Create", "Triggers", "Replies") and returns what is stored.
 * Problems are reported one at a time, the first found (silent: the envelope holds one message).
 * Media problems carry the media codes; every other problem is VALIDATION_FAILED.
 */
function validateChatbot(
  chatbot: unknown,
  route: Whats91CreateRoute,
  rules: ValidationRules,
): ValidatedFields {
  const { strictFields } = rules;
  if (!isObject(chatbot)) {
    throw new Whats91ApiError(400, Whats91ErrorCode.MISSING_CHATBOT, Whats91Message.missingChatbot);
  }
  if (strictFields) rejectUnknownFields(chatbot, CHATBOT_FIELDS, "chatbot.");
  // silent: no length limit or uniqueness is documented for names; a blank name is refused.
  const name = requiredString(chatbot.name, "chatbot.name");
  const { triggerType, keywords } = validateTrigger(chatbot.trigger, rules);
  const priority = validatePriority(chatbot.priority);
  const status = chatbot.status ?? "ACTIVE";
  // silent: case-sensitive ("active" is refused).
  if (!(STATUSES as readonly unknown[]).includes(status))
    throw invalid("chatbot.status must be ACTIVE or INACTIVE");
  const response = validateResponse(chatbot.response, route, strictFields);
  return {
    name,
    botType: BOT_TYPE_OF[response.type as ResponseType],
    triggerType,
    keywords,
    priority,
    status: status as Whats91Chatbot["status"],
    response,
  };
}

/**
 * Documented (whats91.md, "Triggers"): keywords or keyword is required unless the other is given,
 * on every route; whether `welcome` is an exception is the `welcomeKeywords` reading. silent: each
 * the strictest plausible reading of the undocumented trigger rules:
 *  - `keywords` and `keyword` together are refused;
 *  - keywords are kept as given, but a blank one, or one with a comma, is refused: replyTrigger
 *    joins them with ", " and could not be split back;
 *  - a `regex` keyword must compile as a JavaScript regular expression.
 */
function validateTrigger(
  given: unknown,
  rules: ValidationRules,
): { triggerType: string; keywords: string[] } {
  const { strictFields, welcomeKeywords } = rules;
  if (given === undefined) throw invalid("chatbot.trigger is required");
  if (!isObject(given)) throw invalid("chatbot.trigger must be an object");
  if (strictFields) rejectUnknownFields(given, TRIGGER_FIELDS, "chatbot.trigger.");
  const triggerType = given.type ?? DEFAULT_TRIGGER_TYPE;
  if (typeof triggerType !== "string" || !(TRIGGER_TYPES as readonly string[]).includes(triggerType)) {
    throw invalid(`chatbot.trigger.type must be one of ${TRIGGER_TYPES.join(", ")}`);
  }
  if (given.keywords !== undefined && given.keyword !== undefined) {
    throw strict("give chatbot.trigger.keywords or chatbot.trigger.keyword, not both");
  }
  let keywords: string[];
  if (given.keyword !== undefined) {
    keywords = [checkKeyword(given.keyword, "chatbot.trigger.keyword", triggerType)];
  } else if (given.keywords !== undefined) {
    if (!Array.isArray(given.keywords)) throw invalid("chatbot.trigger.keywords must be an array of strings");
    keywords = given.keywords.map((keyword, i) =>
      checkKeyword(keyword, `chatbot.trigger.keywords[${i}]`, triggerType),
    );
  } else {
    keywords = [];
  }
  if (triggerType === "welcome" && welcomeKeywords !== "required") {
    // "optional": stored as given; "ignored": accepted, not kept.
    return { triggerType, keywords: welcomeKeywords === "ignored" ? [] : keywords };
  }
  if (keywords.length === 0) {
    throw invalid(
      given.keywords === undefined
        ? "chatbot.trigger.keywords (or chatbot.trigger.keyword) is required"
        : "chatbot.trigger.keywords must hold at least one keyword",
    );
  }
  return { triggerType, keywords };
}

function checkKeyword(keyword: unknown, at: string, triggerType: string): string {
  const text = requiredString(keyword, at);
  if (text.includes(",")) throw strict(`${at} must not contain a comma`);
  if (triggerType === "regex") {
    try {
      new RegExp(text);
    } catch {
      throw strict(`${at} is not a valid regular expression`);
    }
  }
  return text;
}

/**
 * Documented: out-of-range priorities are clamped to 0..255. silent: the default is 0, and a value
 * that is not an integer (a string, a fraction, NaN) is refused rather than converted.
 */
function validatePriority(priority: unknown): number {
  if (priority === undefined) return 0;
  if (typeof priority !== "number" || !Number.isFinite(priority))
    throw invalid("chatbot.priority must be a number");
  if (!Number.isInteger(priority)) throw strict("chatbot.priority must be an integer");
  return Math.min(255, Math.max(0, priority));
}

function validateResponse(
  response: unknown,
  route: Whats91CreateRoute,
  strictFields: boolean,
): Record<string, unknown> {
  const given = response ?? {};
  if (!isObject(given)) throw invalid("chatbot.response must be an object");
  const allowed = ROUTE_RESPONSE_TYPES[route];
  let type: ResponseType;
  if (given.type === undefined) {
    // Documented as required on the interactive route (and the generic one) only.
    if (allowed.length !== 1) throw invalid("chatbot.response.type is required");
    type = allowed[0];
  } else {
    if (typeof given.type !== "string" || !(RESPONSE_TYPES as readonly string[]).includes(given.type)) {
      throw invalid(`chatbot.response.type must be one of ${RESPONSE_TYPES.join(", ")}`);
    }
    type = given.type as ResponseType;
    if (!allowed.includes(type)) {
      throw invalid(`chatbot.response.type must be ${allowed.join(" or ")} on POST /chatbots/${route}`);
    }
  }
  if (strictFields) rejectUnknownFields(given, RESPONSE_FIELDS[type], "chatbot.response.");

  const validated: Record<string, unknown> = { type };
  // The reply text is required for every kind but media, where it is an optional caption.
  const text =
    type === "media"
      ? optionalString(given.text, "chatbot.response.text")
      : requiredString(given.text, "chatbot.response.text");
  if (text !== undefined) validated.text = text;
  switch (type) {
    case "media":
      validated.media = validateMedia(given.media);
      break;
    case "buttons":
      validated.buttons = validateButtons(given.buttons, strictFields);
      break;
    case "cta":
      validated.ctaText = requiredString(given.ctaText, "chatbot.response.ctaText");
      if ((validated.ctaText as string).length > MAX_BUTTON_LABEL) {
        // silent: the CTA button's label gets the button label limit.
        throw strict(`chatbot.response.ctaText must be at most ${MAX_BUTTON_LABEL} characters`);
      }
      validated.ctaUrl = requiredString(given.ctaUrl, "chatbot.response.ctaUrl");
      if (!isHttpsUrl(validated.ctaUrl as string))
        throw invalid("chatbot.response.ctaUrl must be an https URL");
      break;
    case "list":
      validated.sections = validateSections(given.sections, strictFields);
      break;
  }
  if (type === "buttons" || type === "list") {
    const footerText = optionalString(given.footerText, "chatbot.response.footerText");
    if (footerText !== undefined) validated.footerText = footerText;
  }
  return validated;
}

/**
 * Documented: 1 to 3 buttons, each with id and label. silent: the messaging limits (see above),
 * label <= 20 and id <= 256 characters (UTF-16 code units), and the ids must differ.
 */
function validateButtons(buttons: unknown, strictFields: boolean): Array<{ id: string; label: string }> {
  if (buttons === undefined) throw invalid("chatbot.response.buttons is required");
  if (!Array.isArray(buttons)) throw invalid("chatbot.response.buttons must be an array");
  if (buttons.length === 0) throw strict("chatbot.response.buttons must hold at least one button");
  if (buttons.length > MAX_BUTTONS)
    throw invalid(`chatbot.response.buttons holds at most ${MAX_BUTTONS} buttons`);
  const ids = new Set<string>();
  return buttons.map((button: unknown, i) => {
    const at = `chatbot.response.buttons[${i}]`;
    if (!isObject(button)) throw invalid(`${at} must be an object`);
    if (strictFields) rejectUnknownFields(button, ["id", "label"], `${at}.`);
    const id = requiredString(button.id, `${at}.id`);
    const label = requiredString(button.label, `${at}.label`);
    if (id.length > MAX_BUTTON_ID) throw strict(`${at}.id must be at most ${MAX_BUTTON_ID} characters`);
    if (label.length > MAX_BUTTON_LABEL)
      throw strict(`${at}.label must be at most ${MAX_BUTTON_LABEL} characters`);
    if (ids.has(id)) throw strict(`${at}.id repeats another button's id`);
    ids.add(id);
    return { id, label };
  });
}

/**
 * Documented: sections are required, every section needs rows, every row id and title.
 * silent: at least one section and one row per section, at most 10 rows in all (the messaging
 * limit), row ids that differ, and optional strings (section title, row description) that are
 * strings when given.
 */
function validateSections(sections: unknown, strictFields: boolean): unknown[] {
  if (sections === undefined) throw invalid("chatbot.response.sections is required");
  if (!Array.isArray(sections) || sections.length === 0) {
    throw invalid("chatbot.response.sections must be a non-empty array");
  }
  const rowIds = new Set<string>();
  const validated = sections.map((section: unknown, i) => {
    const at = `chatbot.response.sections[${i}]`;
    if (!isObject(section)) throw invalid(`${at} must be an object`);
    if (strictFields) rejectUnknownFields(section, ["title", "rows"], `${at}.`);
    const title = optionalString(section.title, `${at}.title`);
    if (section.rows === undefined) throw invalid(`${at}.rows is required`);
    if (!Array.isArray(section.rows) || section.rows.length === 0) {
      throw invalid(`${at}.rows must be a non-empty array`);
    }
    const rows = section.rows.map((row: unknown, j) => {
      const rowAt = `${at}.rows[${j}]`;
      if (!isObject(row)) throw invalid(`${rowAt} must be an object`);
      if (strictFields) rejectUnknownFields(row, ["id", "title", "description"], `${rowAt}.`);
      const id = requiredString(row.id, `${rowAt}.id`);
      const rowTitle = requiredString(row.title, `${rowAt}.title`);
      const description = optionalString(row.description, `${rowAt}.description`);
      if (rowIds.has(id)) throw strict(`${rowAt}.id repeats another row's id`);
      rowIds.add(id);
      return { id, title: rowTitle, ...(description !== undefined && { description }) };
    });
    return { ...(title !== undefined && { title }), rows };
  });
  if (rowIds.size > MAX_LIST_ROWS) {
    throw strict(`chatbot.response.sections hold at most ${MAX_LIST_ROWS} rows in all`);
  }
  return validated;
}

/** Documented: type and a public https url; no uploads, no Meta media ids. Problems: INVALID_CHATBOT_MEDIA. */
function validateMedia(media: unknown): Record<string, unknown> {
  if (media === undefined || media === null) {
    throw new Whats91ApiError(
      400,
      Whats91ErrorCode.MISSING_CHATBOT_MEDIA,
      Whats91Message.missingMedia,
      undefined,
      {
        reading: WHATS91_READINGS.mediaErrorsAre400,
      },
    );
  }
  if (!isObject(media)) throw invalidMedia("chatbot.response.media must be an object");
  const reference = MEDIA_REFERENCE_FIELDS.find((field) => field in media);
  if (reference !== undefined) {
    throw invalidMedia(
      `chatbot.response.media.${reference}: pre-uploaded media is not accepted, give a public https url`,
    );
  }
  // Documented: base64 data, file paths, multipart fields and uploads are refused, so is any field
  // that is not type, url or fileName, whatever `unknownFieldsIgnored` says.
  const other = Object.keys(media).find((field) => !MEDIA_FIELDS.includes(field));
  if (other !== undefined) throw invalidMedia(`chatbot.response.media.${other} is not accepted`);
  // silent: case-sensitive ("image" is refused).
  if (!(MEDIA_TYPES as readonly unknown[]).includes(media.type)) {
    throw invalidMedia(`chatbot.response.media.type must be one of ${MEDIA_TYPES.join(", ")}`);
  }
  if (typeof media.url !== "string" || media.url.length === 0)
    throw invalidMedia("chatbot.response.media.url is required");
  const problem = publicHttpsUrlProblem(media.url);
  if (problem !== undefined) throw invalidMedia(`chatbot.response.media.url ${problem}`);
  if (media.fileName !== undefined && (typeof media.fileName !== "string" || media.fileName.trim() === "")) {
    throw invalidMedia("chatbot.response.media.fileName must be a non-empty string");
  }
  return {
    type: media.type,
    url: media.url,
    ...(media.fileName !== undefined && { fileName: media.fileName }),
  };
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname.length > 0 && !/\s/.test(value);
  } catch {
    return false;
  }
}

/**
 * Why the URL is not a public https URL Whats91 and Meta could fetch, or undefined if it is.
 * Documented: http, localhost, private-IP and .local hosts are refused. silent: also credentials
 * in the URL, single-label hosts (intranet names), and loopback, link-local, private, shared
 * (100.64/10), multicast and reserved addresses in IPv4 and IPv6 (WHATWG URL parsing normalises
 * forms like https://2130706433/ to 127.0.0.1 first).
 */
function publicHttpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute https URL";
  }
  if (url.protocol !== "https:") return "must use https";
  if (url.username !== "" || url.password !== "") return "must not carry credentials";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return isPrivateIpv6(host.slice(1, -1)) ? "must name a public host" : undefined;
  const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
  if (octets !== undefined) return isPrivateIpv4(octets) ? "must name a public host" : undefined;
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || !host.includes(".")) {
    return "must name a public host";
  }
  return undefined;
}

function isPrivateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

/** Loopback, unspecified, IPv4-mapped/compatible (::...), unique-local (fc00::/7), link-local (fe80::/10). */
function isPrivateIpv6(address: string): boolean {
  return address.startsWith("::") || /^f[cd]/.test(address) || /^fe[89ab]/.test(address);
}

// ---- dashboard edits ----------------------------------------------------------------------------

/** Applies a dashboard edit, with the API's rules (clamped priority, keywords as on create). */
function applyEdit(
  chatbot: Whats91Chatbot,
  changes: Whats91ChatbotEdit,
  rules: ValidationRules,
): Whats91Chatbot {
  const edited = structuredClone(chatbot);
  const problem = (error: unknown) => new Error(`edit: ${(error as Error).message}.`);
  try {
    if (changes.name !== undefined) edited.name = requiredString(changes.name, "name");
    if (changes.status !== undefined) {
      if (!(STATUSES as readonly string[]).includes(changes.status))
        throw invalid("status must be ACTIVE or INACTIVE");
      edited.status = changes.status;
    }
    if (changes.priority !== undefined) edited.priority = validatePriority(changes.priority);
    if (changes.keywords !== undefined) {
      edited.keywords = validateTrigger(
        { type: chatbot.triggerType, keywords: changes.keywords },
        { ...rules, strictFields: true },
      ).keywords;
    }
    if (changes.replyText !== undefined) {
      edited.response.text = requiredString(changes.replyText, "replyText");
    }
  } catch (error) {
    throw problem(error);
  }
  return edited;
}

// ---- helpers (no sandbox state) -----------------------------------------------------------------

/** `bot_` and 16 random hexadecimal characters. */
function newChatbotUid(): string {
  return `bot_${randomBytes(8).toString("hex")}`;
}

/** `length` decimal digits derived from `seed` (never starting with 0). */
function derivedDigits(seed: string, length: number): string {
  const hash = createHash("sha256").update(seed, "utf8").digest("hex");
  return BigInt(`0x${hash}`).toString().slice(0, length);
}

function checkSender(sender: Whats91Sender): void {
  if (typeof sender?.senderId !== "string" || !/^[1-9]\d{5,14}$/.test(sender.senderId)) {
    throw new Error("senders: senderId must be 6 to 15 digits with country code, no '+'.");
  }
  for (const field of ["phoneNumberId", "wabaId"] as const) {
    if (typeof sender[field] !== "string" || sender[field].length === 0) {
      throw new Error(`senders: ${sender.senderId} needs a non-empty ${field}.`);
    }
  }
}

function tokenEntry(token: Whats91Token, senders: Map<string, Whats91Sender>): TokenEntry {
  if (typeof token?.token !== "string" || token.token.length === 0 || /\s/.test(token.token)) {
    throw new Error("tokens: each token must be a non-empty string without whitespace.");
  }
  if (!(TOKEN_SCOPES as readonly string[]).includes(token.scope)) {
    throw new Error(`tokens: scope must be one of ${TOKEN_SCOPES.join(", ")}.`);
  }
  const entry: TokenEntry = { digest: secretDigest(token.token), scope: token.scope, expired: false };
  if (token.scope !== "global") {
    if (!senders.has(token.senderId)) {
      throw new Error(`tokens: a ${token.scope} token must name a sender of the sandbox.`);
    }
    entry.senderId = token.senderId;
  }
  return entry;
}

function isStateFile(state: Partial<StateFile>): boolean {
  return (
    Array.isArray(state.chatbots) &&
    state.chatbots.every(
      (chatbot) =>
        typeof chatbot?.chatbotUid === "string" &&
        typeof chatbot.senderId === "string" &&
        typeof chatbot.name === "string" &&
        (BOT_TYPES as readonly string[]).includes(chatbot.botType) &&
        Array.isArray(chatbot.keywords) &&
        isObject(chatbot.response),
    )
  );
}

// ---- the platform, as the sandbox list (platforms.ts) describes it --------------------------------

import type { SandboxPlatform } from "./descriptor";

/**
 * The options the sandbox CLI sets (all but the token, which comes from the environment). One
 * token is accepted; with a bound scope it is bound to the one sender.
 */
export type Whats91CliOptions = { tokenScope?: Whats91Token["scope"] } & Pick<
  Whats91SandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "latencyMs"
  | "pageSizeMax"
  | "createStatus"
  | "welcomeKeywords"
  | "chatbotsFeature"
  | "globalTokenSenderFallback"
  | "unknownFieldsIgnored"
>;

export const whats91Platform: SandboxPlatform<
  "whats91",
  Whats91Sandbox,
  Record<never, never>,
  Whats91CliOptions
> = {
  module: "whats91",
  title: "Whats91",
  provider: {
    envPrefix: "WHATS91_",
    credentials: [["apiToken", "WHATS91_API_TOKEN"]],
    pacing: { reads: "WHATS91_READS_PER_SECOND", writes: "WHATS91_WRITES_PER_SECOND" },
  },
  async startLocal(common) {
    const token = randomBytes(24).toString("hex");
    const sandbox = await startWhats91Sandbox({ tokens: [{ token, scope: "global" }], ...common });
    const env = {
      WHATS91_API_URL: sandbox.url,
      WHATS91_API_TOKEN: token,
      WHATS91_SENDER_ID: WHATS91_DEFAULT_SENDER_ID,
    };
    return { sandbox, env };
  },
  cli: {
    usage: `usage: cli.js whats91 [options]   (the accepted API token is read from WHATS91_API_TOKEN)
  WHATS91_SENDER_ID, if set, is the sender's number (default ${WHATS91_DEFAULT_SENDER_ID}).
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the chatbots in this JSON file across runs
  --rate-limit N                requests per second allowed, all endpoints together (default 5)
  --no-rate-limit               no rate limit
  --latency-ms N                how long each API request waits before being handled (default 0)
  --token-scope SCOPE           global (default), selected_number or specific_number (bound to the sender)
  --page-size-max N             the largest list page size (limit) accepted (default 100)
  --create-status 200|201       HTTP status of a successful create (default 200)
  --welcome-keywords required|optional|ignored   whether a welcome trigger needs keywords (default required)
  --no-chatbots-feature         the subscription lacks chatbots: every chatbot route answers 403
  --global-token-sender-fallback  a global token that gives no senderId works on the sender
  --unknown-fields-ignored      undocumented request fields are ignored instead of refused`,
    secret: { variable: "WHATS91_API_TOKEN", noun: "token" },
    rateLimit: (flags) => ({ requestsPerSecond: flags.integer(0) }),
    flag(flags, options) {
      switch (flags.flag) {
        case "--token-scope":
          options.tokenScope = flags.choice(["global", "selected_number", "specific_number"] as const);
          return true;
        case "--page-size-max":
          options.pageSizeMax = flags.integer(1);
          return true;
        case "--create-status":
          options.createStatus = flags.oneOf([200, 201] as const);
          return true;
        case "--welcome-keywords":
          options.welcomeKeywords = flags.choice(["required", "optional", "ignored"] as const);
          return true;
        case "--no-chatbots-feature":
          options.chatbotsFeature = false;
          return true;
        case "--global-token-sender-fallback":
          options.globalTokenSenderFallback = true;
          return true;
        case "--unknown-fields-ignored":
          options.unknownFieldsIgnored = true;
          return true;
        default:
          return false;
      }
    },
    start({ tokenScope = "global", ...options }, secret, { env }) {
      // The sender's number is no secret; a malformed one makes the start fail with a message.
      const senderId = env.WHATS91_SENDER_ID || WHATS91_DEFAULT_SENDER_ID;
      const token: Whats91Token =
        tokenScope === "global"
          ? { token: secret, scope: "global" }
          : { token: secret, scope: tokenScope, senderId };
      return startWhats91Sandbox({ tokens: [token], senders: [whats91Sender(senderId)], ...options });
    },
  },
  rates: {
    lowest: {
      plan: `none documented for configuration calls; the sandbox assumes ${DEFAULT_RATE_LIMIT.requestsPerSecond} requests/s`,
      bucket: () => ["all requests", DEFAULT_RATE_LIMIT.requestsPerSecond],
    },
    largest: { plan: "none documented: no sandbox limit", rateLimit: false, bucket: () => undefined },
  },
};
