/**
 * Typed client for the DeadSimpleChat bot endpoints (consumer API v2). What shapes it:
 * - The private key travels in the `auth` query parameter: it is a secret of the client, redacted
 *   from every error, and never part of a path we print.
 * - There is no get-one: every read lists all bots, and concurrent reads share one listing.
 * - A missing bot answers 401 like a wrong key does. A listing tells them apart: a wrong key fails
 *   it too, a missing bot is absent from it.
 * - Error bodies vary by endpoint (`message`, `error`, `details`), and carry no codes.
 */
import * as t from "io-ts";
import { ApiClient, encodePath, VendorError } from "../core/http";
import { CoalescedReads } from "../core/coalesce";
import { ApiError, InputError } from "../core/errors";
import { decodeOrThrow, optional } from "../core/codec";
import {
  perSettings,
  readFixedRates,
  readUrlSetting,
  requireSetting,
  platformSettings,
} from "../core/credentials";

export const NAMESPACE = "deadsimplechat";

export const SETTINGS = platformSettings(NAMESPACE, { apiKey: { secret: true } });

export const DEFAULT_API_URL = "https://api.deadsimplechat.com/consumer/api/v2";

/**
 * DeadSimpleChat documents no rate limit, and no split between reads and writes. So every request
 * draws on one budget that starts at START_PER_SECOND, high enough not to hold back a stack, and
 * follows DeadSimpleChat's 429s down (core/http.ts AdaptivePacer), never below the sum of
 * DEFAULT_RATES, the modest pace it had before. A rate set in the settings above is kept as set;
 * the other class then keeps its default here.
 */
export const DEFAULT_RATES = { readsPerSecond: 1, writesPerSecond: 3 };
export const START_PER_SECOND = 100;

/** How long a listing answers the reads that follow it (a refresh's reads arrive within this). */
export const LIST_TTL_MS = 2_000;

/**
 * A bot as the API returns it. Only `_id` and `name` are relied on; the list page's example omits
 * the optional fields, so every other field may be absent (or null).
 */
export const BotRecord = t.intersection([
  t.type({ _id: t.string, name: t.string }),
  t.partial({
    description: optional(t.string),
    trigger: optional(t.string),
    messageVisibility: optional(t.string),
    isAllowedInAllChatRooms: optional(t.boolean),
    messageHistoryLimit: optional(t.number),
    webhookURL: optional(t.string),
    metadata: optional(t.string),
    enabled: optional(t.boolean),
    customer: optional(t.string),
    created: optional(t.string),
  }),
]);
export type BotRecord = t.TypeOf<typeof BotRecord>;

const BotAnswer = t.type({ bot: BotRecord });
const ListAnswer = t.type({ bots: t.array(BotRecord) });

/** The bot body of create and update (update: every field optional). */
export interface BotBody {
  name?: string;
  description?: string;
  trigger?: string;
  messageVisibility?: string;
  isAllowedInAllChatRooms?: boolean;
  messageHistoryLimit?: number;
  webhookURL?: string;
  metadata?: string;
  enabled?: boolean;
}

const ErrorBody = t.partial({
  message: t.string,
  error: t.string,
  details: t.array(t.partial({ message: t.string })),
});

/** One readable message from any of the documented error shapes. */
export function parseError(body: unknown): VendorError {
  if (!ErrorBody.is(body)) return {};
  const parts = [body.message, body.error, ...(body.details ?? []).map((d) => d.message)];
  const text = parts.filter((p): p is string => typeof p === "string" && p !== "").join(": ");
  return text === "" ? {} : { message: text };
}

export function advise(error: VendorError & { status: number }): string | undefined {
  // Stryker disable StringLiteral: no message and any text without these words read the same
  if (error.status === 401 && /invalid api key/i.test(error.message ?? "")) return KEY_ADVICE;
  if (error.status === 400 && /specify api key/i.test(error.message ?? "")) return KEY_ADVICE;
  // Stryker restore StringLiteral
  return undefined;
}

export const KEY_ADVICE =
  "DeadSimpleChat rejected the private key: check deadsimplechat:apiKey (or DEADSIMPLECHAT_API_KEY), " +
  "the Private Key under Dashboard -> Developer";

/**
 * The vendor refused a name another bot of the account has (create or rename). The update page's
 * answer, under the heading "Bot name conflict", is "Bot of the same name exists, please choose a
 * different name or delete existing bot" (docs/vendors/deadsimplechat.md); the create page documents
 * none, so a message starting with the heading's words counts too, in any case.
 */
export function isNameConflict(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.status !== 400) return false;
  // Anchored at the start of the message, so a validation error quoting such words is not one.
  // Stryker disable next-line StringLiteral: no message and any text without these words read the same
  return /^bot (of the same name exists|name conflict)/i.test(err.vendorMessage ?? "");
}

/** A 401 on a bot endpoint: a wrong key, or (DeadSimpleChat's way of saying it) no such bot. */
function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

/** Names compare case-insensitively for uniqueness. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export class DeadSimpleChatApi {
  constructor(
    private readonly client: ApiClient,
    private readonly reads: CoalescedReads<BotRecord[]>,
  ) {}

  /** Runs `action` with the private key redacted from any error it throws. */
  redacting<T>(action: () => Promise<T>): Promise<T> {
    return this.client.redacting(action);
  }

  pace(methodClass: "read" | "write"): number | undefined {
    return this.client.rate(methodClass);
  }

  /** Every bot of the account; concurrent callers share one request (see core/coalesce.ts). */
  listBots(): Promise<BotRecord[]> {
    return this.reads.get("bots", async () => {
      const res = await this.client.request({ method: "GET", path: "/bots" });
      const listed = decodeOrThrow(ListAnswer, res.data, "DeadSimpleChat list-bots response").bots;
      // One answer holds every bot: capped all the same, like the paged listings.
      const bots: BotRecord[] = [];
      this.client.collect(bots, listed, "DeadSimpleChat list-bots");
      return bots;
    });
  }

  /** The bot with this id, or undefined when the account has none (DeadSimpleChat's only "gone"). */
  async findBot(botId: string): Promise<BotRecord | undefined> {
    return (await this.listBots()).find((b) => b._id === botId);
  }

  async createBot(body: BotBody): Promise<BotRecord> {
    return this.mutating(async () => {
      const res = await this.client.request({ method: "POST", path: "/bot", body });
      return decodeOrThrow(BotAnswer, res.data, "DeadSimpleChat create-bot response").bot;
    });
  }

  /** Updates the bot; undefined when it does not exist. */
  async updateBot(botId: string, body: BotBody): Promise<BotRecord | undefined> {
    return this.onBot(botId, async () => {
      const res = await this.client.request({ method: "PUT", path: encodePath`/bot/${botId}`, body });
      return decodeOrThrow(BotAnswer, res.data, "DeadSimpleChat update-bot response").bot;
    });
  }

  /**
   * Disables the bot everywhere (DeadSimpleChat has no delete); undefined when it does not exist. A
   * bot is enabled again by an update that sends `enabled: true` (adopt).
   */
  async disableBot(botId: string): Promise<BotRecord | undefined> {
    return this.onBot(botId, async () => {
      const path = encodePath`/bot/${botId}/disable`;
      const res = await this.client.request({ method: "POST", path, idempotent: true });
      return decodeOrThrow(BotAnswer, res.data, "DeadSimpleChat disable-bot response").bot;
    });
  }

  /**
   * Enables the bot in one chat room. A 401 is told apart: a wrong key or a missing bot (the
   * listing says which), or else a chat room the account does not have.
   */
  async enableInRoom(botId: string, roomId: string): Promise<void> {
    const path = encodePath`/bot/${botId}/chatroom/${roomId}/enable`;
    const done = await this.onBot(botId, async () => {
      await this.client.request({ method: "POST", path, idempotent: true });
      return true;
    });
    if (!done) throw botMissing(botId);
  }

  /**
   * Disables the bot in one chat room: "disabled"; "bot gone" when the bot no longer exists; "room
   * gone" when DeadSimpleChat answers that the bot or the room is not found while the listing (which
   * a wrong key would fail) still has the bot, so the room is what is gone.
   */
  async disableInRoom(botId: string, roomId: string): Promise<"disabled" | "bot gone" | "room gone"> {
    const path = encodePath`/bot/${botId}/chatroom/${roomId}/disable`;
    try {
      const done = await this.onBot(botId, async () => {
        await this.client.request({ method: "POST", path, idempotent: true });
        return true;
      });
      return done === true ? "disabled" : "bot gone";
    } catch (err) {
      // onBot rethrows a 401 only once the listing (which a wrong key fails) still has the bot: a
      // "not found" then is about the room. The disable page says "Bot or chat room not found, or you
      // do not have permission to modify", the enable page "chatRoom not found or ...": any counts
      // (docs/vendors/deadsimplechat.md).
      // Stryker disable next-line StringLiteral: no message and any text without these words read the same
      if (isUnauthorized(err) && /not found/i.test((err as ApiError).vendorMessage ?? "")) return "room gone";
      throw err;
    }
  }

  /**
   * Runs a call on one bot. On a 401, lists the bots: a wrong key fails the listing with the key
   * advice; a bot absent from it makes the result undefined; a bot that is there means the 401 was
   * about something else (a chat room, a permission), and the vendor's own message is the error.
   */
  private async onBot<R>(botId: string, call: () => Promise<R>): Promise<R | undefined> {
    try {
      return await this.mutating(call);
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      const exists = (await this.findBot(botId)) !== undefined;
      if (!exists) return undefined;
      throw err;
    }
  }

  private mutating<R>(call: () => Promise<R>): Promise<R> {
    return this.reads.mutating(call);
  }
}

export function botMissing(botId: string): InputError {
  return new InputError(
    `DeadSimpleChat has no bot with id "${botId}" in this account (deleted outside Pulumi, or another ` +
      "account's key): check botId, or run `pulumi refresh`",
  );
}

// One client (and one shared listing) per endpoint and key, for the life of the provider process.
const apis = new Map<string, DeadSimpleChatApi>();

/** The API for the configured account (stack config first, then environment; read at call time). */
export function deadSimpleChatApi(): DeadSimpleChatApi {
  const apiKey = requireSetting(NAMESPACE, SETTINGS.apiKey);
  const apiUrl = readUrlSetting(NAMESPACE, SETTINGS.apiUrl, () => DEFAULT_API_URL);
  const fixed = readFixedRates(NAMESPACE, SETTINGS);
  const api = perSettings(apis, [apiUrl, apiKey, fixed], () => {
    const client = new ApiClient({
      platform: "DeadSimpleChat",
      baseUrl: apiUrl,
      headers: { "Content-Type": "application/json" },
      query: { auth: apiKey },
      secrets: [apiKey],
      parseError,
      advise,
      baseUrlSetting: "deadsimplechat:apiUrl or DEADSIMPLECHAT_API_URL",
      pace: { defaults: DEFAULT_RATES, fixed, undocumented: { startPerSecond: START_PER_SECOND } },
    });
    return new DeadSimpleChatApi(client, new CoalescedReads(LIST_TTL_MS));
  });
  return api;
}
