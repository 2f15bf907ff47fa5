/**
 * A local emulator of the DeadSimpleChat "Bot" API (consumer API v2), written from DeadSimpleChat's
 * pages (docs/vendors/deadsimplechat.md). Every documented answer is sent verbatim from
 * fixtures/deadsimplechat.ts. Where the documentation is silent it takes the strictest plausible
 * behaviour; each such choice is marked "silent:" below, and where the pages allow several readings
 * an option picks one (see the options), so tests can run under each.
 *
 * Emulated, under /consumer/api/v2: POST /bot, PUT /bot/:botId, GET /bots,
 * POST /bot/:botId/enable and /disable, POST /bot/:botId/chatroom/:roomId/enable and /disable.
 * Not emulated: the send-message endpoint (runtime, not configuration), webhooks to the bot, plan
 * gating, and the undocumented get-one and delete endpoints (they answer 404 like any unknown path).
 */
import { randomBytes } from "node:crypto";
import {
  openStateFile,
  perSecondRateLimit,
  requireNonEmptyString,
  sandboxBase,
  type SandboxBase,
  type SandboxOptionsBase,
} from "./common";
import {
  controlRoutes,
  matchesAnyDigest,
  parseJsonObjectBody,
  pathSegmentsUnder,
  reasonPhrase,
  secondsUntilReset,
  secretDigest,
  startSandboxServer,
  withRetryAfter,
  type SandboxRequest,
  type SandboxResponse,
  type StatusFault,
} from "./http";
import { documented, withBasis } from "./documented";
import { DEADSIMPLECHAT_ANSWERS, ROOM_DISABLED_MESSAGE } from "./fixtures/deadsimplechat";

/** Requests allowed per one-second window, all endpoints together. */
export interface DeadSimpleChatRateLimit {
  /** An integer >= 0. */
  requestsPerSecond: number;
}

export interface DeadSimpleChatSandboxOptions extends SandboxOptionsBase {
  /** The account's private key, passed by clients as the `auth` query parameter. */
  apiKey: string;
  /**
   * silent: DSC documents no rate limit (docs/vendors/deadsimplechat.md, "Not documented"). Default {requestsPerSecond: 5}, a
   * plausible conservative limit so that clients meet 429s; false disables.
   */
  rateLimit?: DeadSimpleChatRateLimit | false;
  /**
   * A reading of the silent create page: create accepts a name another bot already has. A rename
   * onto another bot's name is still refused, as the update page documents. Default false: names
   * are unique on create and on rename.
   */
  duplicateNamesAllowed?: boolean;
  /**
   * How create refuses a taken name, which the create page does not document: "update-page" (the
   * default) answers with the update page's name-conflict body, verbatim; "heading" answers
   * `{"success": false, "message": "Bot name conflict"}`, the update page's heading for it, a
   * plausible create-side variant.
   */
  createNameConflict?: "update-page" | "heading";
  /**
   * A reading of the update page, which calls every body field optional but does not say what
   * becomes of one left out: PUT resets the optional fields the body omits (description,
   * messageHistoryLimit and metadata are removed; trigger becomes "message", messageVisibility
   * "public", isAllowedInAllChatRooms false, enabled true). Default false: omitted fields keep
   * their values.
   */
  updateResetsOmittedFields?: boolean;
  /**
   * A reading of the list page, whose example bot shows only _id, name, webhookURL,
   * isAllowedInAllChatRooms, enabled, customer and created: GET /bots returns only those, omitting
   * description, trigger, messageVisibility, messageHistoryLimit and metadata. Default false: the
   * list returns whole bot objects.
   */
  listOmitsOptionalFields?: boolean;
  /**
   * A reading of the create and update pages, which show the answer's bot only as a placeholder
   * ("Updated bot object"): the bot in the answers of create, update, enable and disable carries only
   * the list page's fields, as `listOmitsOptionalFields` does for GET /bots. Default false: whole bots.
   */
  answersOmitOptionalFields?: boolean;
  /**
   * The chat rooms of the account (room ids); the per-room endpoints refuse any other room with
   * the documented "chatRoom not found" answers. Default: every room id names an existing room
   * (the sandbox does not emulate the v1 chat-room API that creates rooms).
   */
  chatRooms?: string[];
}

/** A bot as the API returns it (field names as on the wire). */
export interface DeadSimpleChatBot {
  /** 24 hexadecimal characters, like a MongoDB ObjectId. */
  _id: string;
  name: string;
  description?: string;
  trigger: "message" | "mention";
  messageVisibility: "public" | "private";
  isAllowedInAllChatRooms: boolean;
  messageHistoryLimit?: number;
  webhookURL: string;
  /** A JSON document, as a string. */
  metadata?: string;
  enabled: boolean;
  /** The account's customer id (24 hexadecimal characters). */
  customer: string;
  /** ISO-8601 timestamp. */
  created: string;
}

/**
 * A running DeadSimpleChat sandbox; its API is under /consumer/api/v2, and its request log hides the
 * `auth` query parameter's value (and the key wherever a client put it).
 */
export interface DeadSimpleChatSandbox extends SandboxBase<DeadSimpleChatRateLimit> {
  /** The account's customer id, as the bots' `customer` field carries it. */
  readonly customer: string;
  /** Snapshot of the stored bots (whole objects), in creation order. */
  bots(): DeadSimpleChatBot[];
  bot(botId: string): DeadSimpleChatBot | undefined;
  /**
   * The chat rooms the bot has been enabled in through the per-room endpoint and not disabled in
   * since (sorted), or undefined if there is no such bot. No API reads this (DeadSimpleChat documents none).
   */
  rooms(botId: string): string[] | undefined;
  /** The bot's global `enabled` flag, or undefined if there is no such bot. */
  isEnabled(botId: string): boolean | undefined;
  /**
   * Removes a bot as the dashboard can (no API can): for tests of a bot deleted behind Pulumi's
   * back. False if there was no such bot.
   */
  removeBot(botId: string): boolean;
  /** Replaces the set of existing chat rooms; undefined means every room id exists. */
  setChatRooms(chatRooms: string[] | undefined): void;
  /** Regenerates the private key: `newKey` is accepted and the previous key no longer is. */
  rotateApiKey(newKey: string): void;
}

const ANSWERS = DEADSIMPLECHAT_ANSWERS;
const answer = (name: keyof typeof ANSWERS, fill?: Parameters<typeof documented>[3]) =>
  documented("deadsimplechat", ANSWERS, name, fill);

/** DeadSimpleChat's messages, verbatim from its pages (fixtures/deadsimplechat.ts), which clients may match on. */
export const DeadSimpleChatMessage = {
  missingKey: ANSWERS.missingKey.body.message,
  invalidKey: ANSWERS.listInvalidKey.body.message,
  invalidRequest: ANSWERS.invalidRequest.body.message,
  validationError: ANSWERS.validationError.body.message,
  triggerVisibilityConflict: ANSWERS.triggerVisibilityConflict.body.message,
  botNotFound: ANSWERS.botNotFound.body.message,
  roomEnableBotNotFound: ANSWERS.roomEnableBotNotFound.body.message,
  roomEnableRoomNotFound: ANSWERS.roomEnableRoomNotFound.body.message,
  roomDisableInvalidKey: ANSWERS.roomDisableInvalidKey.body.message,
  roomDisableNotFound: ANSWERS.roomDisableNotFound.body.message,
  roomDisabled: ROOM_DISABLED_MESSAGE,
  nameConflict: ANSWERS.nameConflict.body.message,
  // silent: no 429 is documented; this is the message of Express's common rate limiter.
  tooManyRequests: "Too many requests, please try again later.",
} as const;

export const DEADSIMPLECHAT_API_PATH = "/consumer/api/v2";
const API_SEGMENTS = ["consumer", "api", "v2"];
const DEFAULT_RATE_LIMIT: DeadSimpleChatRateLimit = { requestsPerSecond: 5 };
// silent: no body limit is documented; 100 KiB is the default of Express's JSON body parser, and
// leaves room for the largest documented field (metadata, 10000 characters).
const MAX_BODY_BYTES = 100 * 1024;

type Endpoint = "create" | "list" | "update" | "enable" | "disable" | "roomEnable" | "roomDisable";

interface Route {
  endpoint: Endpoint;
  botId?: string;
  roomId?: string;
}

/** One validation problem, in the shape of a Joi error detail (which the update page's `details` suggests). */
interface Problem {
  message: string;
  path: string[];
  type: string;
}

interface FieldSpec {
  type: "string" | "boolean" | "integer";
  maxLength?: number;
  oneOf?: readonly string[];
  uri?: boolean;
  json?: boolean;
}

/** Field specs of the bot body (create page); the same limits apply on update (update page). */
const FIELDS = {
  name: { type: "string" },
  description: { type: "string", maxLength: 1000 },
  trigger: { type: "string", oneOf: ["message", "mention"] },
  messageVisibility: { type: "string", oneOf: ["public", "private"] },
  isAllowedInAllChatRooms: { type: "boolean" },
  messageHistoryLimit: { type: "integer" },
  webhookURL: { type: "string", uri: true },
  metadata: { type: "string", maxLength: 10000, json: true },
  enabled: { type: "boolean" },
} satisfies Record<string, FieldSpec>;
type FieldName = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];
const REQUIRED_ON_CREATE: FieldName[] = ["name", "webhookURL"];
/** The fields the list page's example shows. */
const LIST_FIELDS = [
  "_id",
  "name",
  "webhookURL",
  "isAllowedInAllChatRooms",
  "enabled",
  "customer",
  "created",
] as const;

interface StoredBot {
  bot: DeadSimpleChatBot;
  rooms: Set<string>;
}

/** On-disk format of `stateFile`: the customer id and the bots in creation order. No key. */
interface StateFile {
  version: 1;
  customer: string;
  bots: Array<{ bot: DeadSimpleChatBot; rooms: string[] }>;
}

export async function startDeadSimpleChatSandbox(
  opts: DeadSimpleChatSandboxOptions,
): Promise<DeadSimpleChatSandbox> {
  requireNonEmptyString(opts.apiKey, "startDeadSimpleChatSandbox: apiKey");
  // The key is checked against a digest; the plain keys (the current one and any rotated away) are
  // kept only so the server can scrub them from the request log, wherever a client put them.
  let keyDigest = secretDigest(opts.apiKey);
  const keysToScrub = [opts.apiKey];
  const rateLimit = perSecondRateLimit(opts.rateLimit, DEFAULT_RATE_LIMIT);
  let chatRooms = chatRoomSet(opts.chatRooms);

  const stateFile = openStateFile<StateFile>(opts.stateFile, "DeadSimpleChat", isStateFile);
  const customer = stateFile.loaded?.customer ?? objectId();
  const bots = new Map<string, StoredBot>();
  for (const { bot, rooms } of stateFile.loaded?.bots ?? [])
    bots.set(bot._id, { bot, rooms: new Set(rooms) });

  function saveState(): void {
    stateFile.save({
      version: 1,
      customer,
      bots: [...bots.values()].map((stored) => ({ bot: stored.bot, rooms: [...stored.rooms].sort() })),
    });
  }

  // ---- handlers -----------------------------------------------------------------------------

  function createBot(req: SandboxRequest): SandboxResponse {
    const parsed = jsonBody(req, invalidRequest);
    if ("response" in parsed) return parsed.response;
    const body = parsed.value;
    const problems = validateBody(body, "create");
    if (problems.length > 0) return invalidRequest(problems);
    // silent: the defaults are not documented. enabled true and
    // isAllowedInAllChatRooms false follow the list example; trigger "message" is the strictest
    // plausible default, since a client that sets only messageVisibility "private" is then refused.
    const trigger = (body.trigger as DeadSimpleChatBot["trigger"] | undefined) ?? "message";
    const messageVisibility =
      (body.messageVisibility as DeadSimpleChatBot["messageVisibility"] | undefined) ?? "public";
    if (trigger === "message" && messageVisibility === "private") return triggerVisibilityConflict();
    const name = body.name as string;
    if (!opts.duplicateNamesAllowed && nameTakenByOther(name)) return createNameConflict();

    let id = objectId();
    while (bots.has(id)) id = objectId();
    // silent: description, messageHistoryLimit and metadata have no documented default; a bot
    // created without them has no such field.
    const bot: DeadSimpleChatBot = {
      _id: id,
      name,
      ...(body.description !== undefined && { description: body.description as string }),
      trigger,
      messageVisibility,
      isAllowedInAllChatRooms: (body.isAllowedInAllChatRooms as boolean | undefined) ?? false,
      ...(body.messageHistoryLimit !== undefined && {
        messageHistoryLimit: body.messageHistoryLimit as number,
      }),
      webhookURL: body.webhookURL as string,
      ...(body.metadata !== undefined && { metadata: body.metadata as string }),
      enabled: (body.enabled as boolean | undefined) ?? true,
      customer,
      created: new Date().toISOString(),
    };
    bots.set(id, { bot, rooms: new Set() });
    saveState();
    return ok({ success: true, bot: answered(bot) });
  }

  function listBots(): SandboxResponse {
    // The list page: no pagination, filtering or sorting parameters are documented, so every bot
    // comes in one answer. silent: other query parameters are ignored; the order is creation order.
    const listed = [...bots.values()].map(({ bot }) =>
      opts.listOmitsOptionalFields ? pick(bot, LIST_FIELDS) : structuredClone(bot),
    );
    return ok({ success: true, bots: listed });
  }

  function updateBot(req: SandboxRequest, botId: string): SandboxResponse {
    const parsed = jsonBody(req, validationError);
    if ("response" in parsed) return parsed.response;
    const body = parsed.value;
    // silent: the body is validated before the bot is looked up (validation middleware first).
    const problems = validateBody(body, "update");
    if (problems.length > 0) return validationError(problems);
    const stored = bots.get(botId);
    // silent: the update page documents no answer for an unknown bot, only the 401 for a wrong
    // key; an unknown bot gets exactly that answer (a wrong key and a missing bot look alike).
    if (stored === undefined) return badKey("update");
    // silent: PUT is a partial update (every field optional; omitted fields keep their values),
    // unless the `updateResetsOmittedFields` reading is on.
    const merged: DeadSimpleChatBot = opts.updateResetsOmittedFields
      ? withOptionalFieldsReset(stored.bot)
      : { ...stored.bot };
    for (const field of FIELD_NAMES) {
      if (body[field] !== undefined) (merged as unknown as Record<string, unknown>)[field] = body[field];
    }
    // silent: the trigger/visibility rule is checked on the merged state (stored values plus the
    // request), the strictest reading: changing only the visibility of a "message" bot is refused.
    if (merged.trigger === "message" && merged.messageVisibility === "private") {
      return triggerVisibilityConflict();
    }
    // A rename (also a change of case only) must not take another bot's name, in both name modes.
    if (merged.name !== stored.bot.name && nameTakenByOther(merged.name, botId))
      return answer("nameConflict");
    stored.bot = merged;
    saveState();
    return ok({ success: true, bot: answered(merged) });
  }

  function setEnabled(botId: string, enabled: boolean): SandboxResponse {
    const stored = bots.get(botId);
    if (stored === undefined) return answer("botNotFound");
    // silent: any request body is ignored (the endpoints take none).
    stored.bot.enabled = enabled;
    saveState();
    return ok({ success: true, bot: answered(stored.bot) });
  }

  function enableInRoom(botId: string, roomId: string): SandboxResponse {
    const stored = bots.get(botId);
    // silent: the bot is checked before the room.
    if (stored === undefined) return answer("roomEnableBotNotFound");
    if (!roomExists(roomId)) return answer("roomEnableRoomNotFound");
    // silent: enabling in a room where the bot is enabled already succeeds again; the per-room
    // state does not depend on the global `enabled` flag or on isAllowedInAllChatRooms.
    stored.rooms.add(roomId);
    saveState();
    return ok({ success: true, botStatus: { status: "ENABLED" } });
  }

  function disableInRoom(botId: string, roomId: string): SandboxResponse {
    const stored = bots.get(botId);
    if (stored === undefined || !roomExists(roomId)) return answer("roomDisableNotFound");
    // silent: disabling in a room where the bot is not enabled succeeds (the room's bot status is
    // simply set to disabled); no error for that case is documented.
    stored.rooms.delete(roomId);
    saveState();
    return ok({ success: true, message: ROOM_DISABLED_MESSAGE });
  }

  /** Whether a bot other than `exceptId` has this name. silent: compared case-insensitively. */
  function nameTakenByOther(name: string, exceptId?: string): boolean {
    const wanted = name.toLowerCase();
    return [...bots.values()].some(({ bot }) => bot._id !== exceptId && bot.name.toLowerCase() === wanted);
  }

  /** A bot as create, update, enable and disable answer with it (see `answersOmitOptionalFields`). */
  const answered = (bot: DeadSimpleChatBot) =>
    opts.answersOmitOptionalFields ? pick(bot, LIST_FIELDS) : structuredClone(bot);

  const roomExists = (roomId: string): boolean => chatRooms === undefined || chatRooms.has(roomId);

  /** Create's refusal of a taken name: undocumented, so the reading chosen by `createNameConflict`. */
  function createNameConflict(): SandboxResponse {
    if (opts.createNameConflict !== "heading") return answer("nameConflict");
    return withBasis(
      { status: 400, body: { success: false, message: "Bot name conflict" } },
      { reading: "createNameConflict: heading" },
    );
  }

  // ---- routing and auth ---------------------------------------------------------------------

  const isAuthorized = (req: SandboxRequest): boolean => matchesAnyDigest(req.query.auth, [keyDigest]);

  function handle(req: SandboxRequest): SandboxResponse {
    const route = routeOf(req);
    // silent: an unknown path or method answers like Express does (404 with its HTML page), before
    // authentication and without counting against the rate limit.
    if (route === undefined) return cannot(req, keysToScrub);
    // silent: the list page documents the answer to a missing key; every endpoint gives the same.
    // An empty `auth=` counts as missing.
    if (!req.query.auth) return answer("missingKey");
    if (!isAuthorized(req)) return badKey(route.endpoint);

    const decision = rateLimit.take("all");
    if (decision !== undefined && !decision.allowed) return tooManyRequests(secondsUntilReset(decision));
    const { botId = "", roomId = "" } = route;
    switch (route.endpoint) {
      case "create":
        return createBot(req);
      case "list":
        return listBots();
      case "update":
        return updateBot(req, botId);
      case "enable":
        return setEnabled(botId, true);
      case "disable":
        return setEnabled(botId, false);
      case "roomEnable":
        return enableInRoom(botId, roomId);
      case "roomDisable":
        return disableInRoom(botId, roomId);
    }
  }

  function renderStatusFault(fault: StatusFault, req: SandboxRequest): SandboxResponse {
    if (fault.status === 429) return tooManyRequests(fault.retryAfterSeconds ?? 1);
    let response: SandboxResponse;
    if (fault.status === 401) {
      // The endpoint's own bad-key answer.
      const route = routeOf(req);
      response = {
        ...(route === undefined ? answer("listInvalidKey") : badKey(route.endpoint)),
        status: 401,
      };
    } else if (fault.status === 404) {
      response = { ...cannot(req, keysToScrub), status: 404 };
    } else {
      // The generic `{ "message": "<Error Message>" }` of the list and enable pages.
      response = { status: fault.status, body: { message: reasonPhrase(fault.status) } };
    }
    return withRetryAfter(response, fault.retryAfterSeconds);
  }

  // ---- control endpoints (/__sandbox/...), authorised by the same `auth` query parameter -------

  function controlBots(): SandboxResponse {
    const stored = [...bots.values()];
    return {
      status: 200,
      body: {
        customer,
        bots: stored.map(({ bot }) => bot),
        rooms: Object.fromEntries(stored.map(({ bot, rooms }) => [bot._id, [...rooms].sort()])),
      },
    };
  }

  const server = await startSandboxServer({
    port: opts.port ?? 0,
    latencyMs: opts.latencyMs,
    maxBodyBytes: MAX_BODY_BYTES,
    // The key belongs in the `auth` query parameter; a client that misplaces it in a header of
    // that name (or in Authorization) must not get it logged either.
    secretHeaders: ["auth", "authorization"],
    secretQueryParams: ["auth"],
    secretValues: () => keysToScrub,
    handle,
    renderStatusFault,
    renderInternalError: () => ({ status: 500, body: { message: "Internal Server Error" } }),
    authorizeControl: (req) => {
      if (!req.query.auth) return answer("missingKey");
      return isAuthorized(req) ? undefined : answer("listInvalidKey");
    },
    handleControl: controlRoutes({ "/__sandbox/bots": { GET: controlBots } }),
  });

  const find = (botId: string): StoredBot | undefined => bots.get(botId);

  return {
    ...sandboxBase(server, DEADSIMPLECHAT_API_PATH, rateLimit),
    customer,
    bots: () => [...bots.values()].map((stored) => structuredClone(stored.bot)),
    bot: (botId) => {
      const stored = find(botId);
      return stored === undefined ? undefined : structuredClone(stored.bot);
    },
    rooms: (botId) => {
      const stored = find(botId);
      return stored === undefined ? undefined : [...stored.rooms].sort();
    },
    isEnabled: (botId) => find(botId)?.bot.enabled,
    removeBot: (botId) => {
      const removed = bots.delete(botId);
      if (removed) saveState();
      return removed;
    },
    setChatRooms: (rooms) => {
      chatRooms = chatRoomSet(rooms);
    },
    rotateApiKey: (newKey) => {
      requireNonEmptyString(newKey, "rotateApiKey: newKey");
      keyDigest = secretDigest(newKey);
      keysToScrub.push(newKey);
    },
  };
}

// ---- helpers (no sandbox state) -----------------------------------------------------------

/** The bot with its optional fields at the values a create without them gives (name and webhook kept). */
function withOptionalFieldsReset(bot: DeadSimpleChatBot): DeadSimpleChatBot {
  const { description: _d, messageHistoryLimit: _m, metadata: _j, ...kept } = bot;
  return {
    ...kept,
    trigger: "message",
    messageVisibility: "public",
    isAllowedInAllChatRooms: false,
    enabled: true,
  };
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}

/** Which documented endpoint the request is for, or undefined if none (path or method unknown). */
function routeOf(req: SandboxRequest): Route | undefined {
  const rest = pathSegmentsUnder(req.path, API_SEGMENTS);
  if (rest === undefined) return undefined;
  const [resource, botId, sub, roomId, action] = rest;
  let route: Route | undefined;
  let method = "POST";
  if (rest.length === 1 && resource === "bots") {
    route = { endpoint: "list" };
    method = "GET";
  } else if (resource !== "bot") {
    return undefined;
  } else if (rest.length === 1) {
    route = { endpoint: "create" };
  } else if (rest.length === 2) {
    route = { endpoint: "update", botId };
    method = "PUT";
  } else if (rest.length === 3 && (sub === "enable" || sub === "disable")) {
    route = { endpoint: sub, botId };
  } else if (rest.length === 5 && sub === "chatroom" && (action === "enable" || action === "disable")) {
    route = { endpoint: action === "enable" ? "roomEnable" : "roomDisable", botId, roomId };
  }
  return route !== undefined && req.method === method ? route : undefined;
}

/**
 * The answer to a wrong key, per endpoint. Documented: list (`message`), update (`error`) and
 * disable-in-chat-room. silent: create gets the list page's answer; global enable/disable and
 * enable-in-chat-room document no bad-key answer, only a 401 "bot not found, or … permission",
 * so a wrong key gets exactly that answer there. Where only one of "wrong key" and "unknown bot"
 * is documented, the other copies it: the two are told apart only on disable-in-chat-room, the
 * one endpoint that documents both (a wrong key and a missing bot look alike).
 */
function badKey(endpoint: Endpoint): SandboxResponse {
  switch (endpoint) {
    case "create":
    case "list":
      return answer("listInvalidKey");
    case "update":
      return answer("updateInvalidKey");
    case "enable":
    case "disable":
      return answer("botNotFound");
    case "roomEnable":
      return answer("roomEnableBotNotFound");
    case "roomDisable":
      return answer("roomDisableInvalidKey");
  }
}

/** Create's documented 400: `error` carries the details (joined like Joi's message). */
function invalidRequest(problems: Problem[]): SandboxResponse {
  return answer("invalidRequest", { body: { error: problems.map((problem) => problem.message).join(". ") } });
}

/** Update's documented 400: `details` lists the problems (silent: as Joi error details). */
function validationError(problems: Problem[]): SandboxResponse {
  return answer("validationError", { body: { details: problems } });
}

function triggerVisibilityConflict(): SandboxResponse {
  return answer("triggerVisibilityConflict");
}

function tooManyRequests(retryAfterSeconds: number): SandboxResponse {
  return withBasis(
    {
      status: 429,
      body: { message: DeadSimpleChatMessage.tooManyRequests },
      headers: { "Retry-After": String(retryAfterSeconds) },
    },
    { assumed: "rate limit (DeadSimpleChat documents none)" },
  );
}

/**
 * Express's stock 404 page ("Cannot GET /path"). The query (which holds the key) is not echoed,
 * and neither is a key the client put in the path.
 */
function cannot(req: SandboxRequest, keys: readonly string[]): SandboxResponse {
  let shownPath = req.path;
  for (const key of keys.flatMap((key) => [key, encodeURIComponent(key)])) {
    shownPath = shownPath.split(key).join("[REDACTED]");
  }
  const content =
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n' +
    `<body>\n<pre>Cannot ${escapeHtml(req.method)} ${escapeHtml(shownPath)}</pre>\n</body>\n</html>\n`;
  return {
    status: 404,
    basis: { assumed: "unknown path (Express's 404 page)" },
    text: { contentType: "text/html; charset=utf-8", content },
    headers: { "Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff" },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The JSON object body, or the answer to a body that is not one. silent: no Content-Type rule is
 * documented; a body that is not a JSON object (wrong Content-Type, invalid JSON, an array) is
 * refused by `refuse` as a problem of the whole body, and an oversized one with 413.
 */
function jsonBody(
  req: SandboxRequest,
  refuse: (problems: Problem[]) => SandboxResponse,
): { value: Record<string, unknown> } | { response: SandboxResponse } {
  const parsed = parseJsonObjectBody(req);
  if (parsed.ok) return { value: parsed.value };
  if (parsed.problem === "too-large") {
    const tooLarge = { status: 413, body: { message: "request entity too large" } };
    return { response: withBasis(tooLarge, { assumed: "body over the size limit" }) };
  }
  return { response: refuse([{ message: `"value": ${parsed.message}`, path: [], type: "object.base" }]) };
}

/**
 * Checks the body against the documented fields (create and update pages) and returns every problem.
 * silent, each the strictest plausible reading of a Joi-style schema:
 *  - unknown fields (including _id, customer, created) are refused ("is not allowed");
 *  - `null` is a value of the wrong type, so no field can be cleared with it;
 *  - an empty string is refused for every string field ("is not allowed to be empty"), so
 *    description and metadata cannot be cleared either; a blank name counts as empty;
 *  - no type conversion: "true" is not a boolean and "5" is not a number;
 *  - lengths count UTF-16 code units (JavaScript's length), as Joi does;
 *  - webhookURL must be an absolute http or https URL with a host;
 *  - metadata must parse as JSON (any JSON value);
 *  - messageHistoryLimit must be a safe integer >= 0 (no upper bound is documented);
 *  - no length limit on name.
 */
function validateBody(body: Record<string, unknown>, mode: "create" | "update"): Problem[] {
  const problems: Problem[] = [];
  const problem = (field: string, type: string, text: string) =>
    problems.push({ message: `"${field}" ${text}`, path: [field], type });
  if (mode === "create") {
    for (const field of REQUIRED_ON_CREATE) {
      if (body[field] === undefined) problem(field, "any.required", "is required");
    }
  }
  for (const [field, value] of Object.entries(body)) {
    if (!Object.hasOwn(FIELDS, field)) {
      problem(field, "object.unknown", "is not allowed");
      continue;
    }
    if (value === undefined) continue;
    const spec: FieldSpec = FIELDS[field as FieldName];
    if (spec.type === "boolean") {
      if (typeof value !== "boolean") problem(field, "boolean.base", "must be a boolean");
      continue;
    }
    if (spec.type === "integer") {
      if (typeof value !== "number" || !Number.isFinite(value))
        problem(field, "number.base", "must be a number");
      else if (!Number.isInteger(value)) problem(field, "number.integer", "must be an integer");
      else if (value < 0) problem(field, "number.min", "must be greater than or equal to 0");
      else if (!Number.isSafeInteger(value)) problem(field, "number.unsafe", "must be a safe number");
      continue;
    }
    if (typeof value !== "string") {
      problem(field, "string.base", "must be a string");
    } else if (value.length === 0 || (field === "name" && value.trim().length === 0)) {
      problem(field, "string.empty", "is not allowed to be empty");
    } else if (spec.oneOf !== undefined && !spec.oneOf.includes(value)) {
      problem(field, "any.only", `must be one of [${spec.oneOf.join(", ")}]`);
    } else if (spec.maxLength !== undefined && value.length > spec.maxLength) {
      problem(field, "string.max", `length must be less than or equal to ${spec.maxLength} characters long`);
    } else if (spec.uri && !isWebUri(value)) {
      problem(field, "string.uri", "must be a valid uri");
    } else if (spec.json && !isJson(value)) {
      problem(field, "string.json", "must be a valid JSON string");
    }
  }
  return problems;
}

function isWebUri(value: string): boolean {
  if (/\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function pick<K extends keyof DeadSimpleChatBot>(
  bot: DeadSimpleChatBot,
  fields: readonly K[],
): Pick<DeadSimpleChatBot, K> {
  return Object.fromEntries(fields.map((field) => [field, bot[field]])) as Pick<DeadSimpleChatBot, K>;
}

/** 24 hexadecimal characters laid out like a MongoDB ObjectId: seconds since the epoch, then random. */
function objectId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0");
  return seconds + randomBytes(8).toString("hex");
}

function chatRoomSet(chatRooms: string[] | undefined): Set<string> | undefined {
  if (chatRooms === undefined) return undefined;
  if (!Array.isArray(chatRooms) || chatRooms.some((room) => typeof room !== "string" || room.length === 0)) {
    throw new Error("chatRooms must be an array of non-empty room ids.");
  }
  return new Set(chatRooms);
}

function isStateFile(state: Partial<StateFile>): boolean {
  return (
    typeof state.customer === "string" &&
    Array.isArray(state.bots) &&
    state.bots.every(
      (entry) =>
        typeof entry?.bot?._id === "string" &&
        typeof entry.bot.name === "string" &&
        Array.isArray(entry.rooms) &&
        entry.rooms.every((room) => typeof room === "string"),
    )
  );
}

// ---- the platform, as the sandbox list (platforms.ts) describes it --------------------------------

import type { SandboxPlatform } from "./descriptor";

/** The options the sandbox CLI sets (all but the key, which comes from the environment). */
export type DeadSimpleChatCliOptions = Pick<
  DeadSimpleChatSandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "latencyMs"
  | "duplicateNamesAllowed"
  | "listOmitsOptionalFields"
  | "createNameConflict"
  | "updateResetsOmittedFields"
  | "answersOmitOptionalFields"
  | "chatRooms"
>;

export const deadSimpleChatPlatform: SandboxPlatform<
  "deadsimplechat",
  DeadSimpleChatSandbox,
  Record<never, never>,
  DeadSimpleChatCliOptions
> = {
  module: "deadsimplechat",
  title: "DeadSimpleChat",
  provider: {
    envPrefix: "DEADSIMPLECHAT_",
    credentials: [["apiKey", "DEADSIMPLECHAT_API_KEY"]],
    pacing: { reads: "DEADSIMPLECHAT_READS_PER_SECOND", writes: "DEADSIMPLECHAT_WRITES_PER_SECOND" },
  },
  async startLocal(common) {
    const apiKey = randomBytes(24).toString("hex");
    const sandbox = await startDeadSimpleChatSandbox({ apiKey, ...common });
    return { sandbox, env: { DEADSIMPLECHAT_API_URL: sandbox.url, DEADSIMPLECHAT_API_KEY: apiKey } };
  },
  cli: {
    usage: `usage: cli.js deadsimplechat [options]   (the accepted private key is read from DEADSIMPLECHAT_API_KEY)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots in this JSON file across runs
  --rate-limit N                requests per second allowed, all endpoints together (default 5)
  --no-rate-limit               no rate limit
  --latency-ms N                how long each API request waits before being handled (default 0)
  --duplicate-names-allowed     create accepts a name another bot has (a rename onto one is still refused)
  --list-omits-optional-fields  GET /bots returns only the fields the vendor's list example shows
  --create-name-conflict update-page|heading   create's answer to a taken name (default update-page)
  --update-resets-omitted-fields  PUT resets the optional fields its body omits
  --answers-omit-optional-fields  create, update, enable and disable answer with only the list's fields
  --chat-rooms ID,ID,...        the account's chat rooms (default: every room id exists)`,
    secret: { variable: "DEADSIMPLECHAT_API_KEY", noun: "key" },
    rateLimit: (flags) => ({ requestsPerSecond: flags.integer(0) }),
    flag(flags, options) {
      switch (flags.flag) {
        case "--duplicate-names-allowed":
          options.duplicateNamesAllowed = true;
          return true;
        case "--list-omits-optional-fields":
          options.listOmitsOptionalFields = true;
          return true;
        case "--update-resets-omitted-fields":
          options.updateResetsOmittedFields = true;
          return true;
        case "--answers-omit-optional-fields":
          options.answersOmitOptionalFields = true;
          return true;
        case "--create-name-conflict":
          options.createNameConflict = flags.choice(["update-page", "heading"] as const);
          return true;
        case "--chat-rooms":
          options.chatRooms = flags.list("room ids");
          return true;
        default:
          return false;
      }
    },
    start: (options, apiKey) => startDeadSimpleChatSandbox({ apiKey, ...options }),
  },
  rates: {
    lowest: {
      plan: `none documented; the sandbox assumes ${DEFAULT_RATE_LIMIT.requestsPerSecond} requests/s`,
      bucket: () => ["all requests", DEFAULT_RATE_LIMIT.requestsPerSecond],
    },
    largest: { plan: "none documented: no sandbox limit", rateLimit: false, bucket: () => undefined },
  },
};
