/**
 * Typed client for the Whats91 public API v2 chatbot endpoints, as docs/vendors/whats91.md records
 * them (sections cited below as "whats91.md, <section>"). What shapes it:
 * - Bearer token; a sender-bound token may omit `senderId`, a global one must give it.
 * - Create only (generic and per-kind routes), get and list: no update, no delete (see chatbot.ts).
 * - Every answer is an envelope `{success, data | error:{code, message}, metadata:{requestId}}`;
 *   the request id goes into every error message, for Whats91's support.
 */
import { createHash } from "node:crypto";
import * as t from "io-ts";
import { ApiClient, encodePath, VendorError } from "../core/http";
import { ApiError, ConfigurationError } from "../core/errors";
import { decodeOrThrow, optional } from "../core/codec";
import {
  perSettings,
  readFixedRates,
  readSetting,
  readUrlSetting,
  requireSetting,
  platformSettings,
} from "../core/credentials";

export const NAMESPACE = "whats91";

export const SETTINGS = platformSettings(NAMESPACE, { apiToken: { secret: true }, senderId: {} });

export const DEFAULT_API_URL = "https://graph.whats91.com/api/v2";

/**
 * Whats91 documents no rate limit (whats91.md, "Rate limits"), and no split between reads and
 * writes. So every request draws on one budget that starts at START_PER_SECOND, high enough not to
 * hold back a stack, and follows Whats91's 429s down (core/http.ts AdaptivePacer), never below the
 * sum of DEFAULT_RATES, the modest pace it had before. A rate set in the settings above is kept as set;
 * the other class then keeps its default here.
 */
export const DEFAULT_RATES = { readsPerSecond: 2.5, writesPerSecond: 2 };
export const START_PER_SECOND = 100;

/** The documented codes the provider branches on (whats91.md, "Errors"). */
export const CODES = {
  missingAuthToken: "MISSING_AUTH_TOKEN",
  invalidAuthToken: "INVALID_AUTH_TOKEN",
  senderNotAllowed: "SENDER_NOT_ALLOWED",
  featureNotAvailable: "FEATURE_NOT_AVAILABLE",
  setupIncomplete: "WHATSAPP_SETUP_INCOMPLETE",
  validationFailed: "VALIDATION_FAILED",
  chatbotNotFound: "CHATBOT_NOT_FOUND",
} as const;

/**
 * A chatbot as get and list return it (summary fields only); status is an integer, 1 = ACTIVE
 * (whats91.md, "Answers").
 */
export const ChatbotSummary = t.intersection([
  t.type({ chatbotUid: t.string }),
  t.partial({
    uid: optional(t.string),
    name: optional(t.string),
    botType: optional(t.string),
    triggerType: optional(t.string),
    replyTrigger: optional(t.string),
    replyText: optional(t.string),
    status: optional(t.union([t.number, t.string])),
    priority: optional(t.number),
  }),
]);
export type ChatbotSummary = t.TypeOf<typeof ChatbotSummary>;

/** The answer of create and get: the chatbot and its sender (the ids only on some routes). */
const ChatbotAnswer = t.type({
  data: t.intersection([
    t.type({ chatbot: ChatbotSummary }),
    t.partial({
      senderId: optional(t.string),
      phoneNumberId: optional(t.string),
      wabaId: optional(t.string),
    }),
  ]),
});
export type ChatbotWithSender = t.TypeOf<typeof ChatbotAnswer>["data"];

const Listed = t.type({
  data: t.type({
    chatbots: t.array(ChatbotSummary),
    pagination: t.partial({ hasMore: optional(t.boolean), page: optional(t.number) }),
  }),
});

/** The create body: `chatbot` as documented, `senderId` where the token needs it. */
export interface CreateBody {
  senderId?: string;
  chatbot: {
    name: string;
    trigger: { type: string; keywords?: string[] };
    priority?: number;
    status: "ACTIVE" | "INACTIVE";
    /** The reply, by its kind (chatbot.ts ChatbotResponse). */
    response: object;
  };
}

export type CreateRoute = "text" | "media" | "interactive";

export interface ListFilter {
  status?: "ACTIVE" | "INACTIVE";
  type?: string;
  trigger?: string;
}

const ErrorBody = t.partial({
  error: t.partial({ code: t.string, message: t.string }),
  metadata: t.partial({ requestId: t.string }),
});

export function parseError(body: unknown): VendorError {
  if (!ErrorBody.is(body)) return {};
  return { code: body.error?.code, message: body.error?.message, requestId: body.metadata?.requestId };
}

const TOKEN_ADVICE =
  "Whats91 rejected the API token (invalid, expired or revoked): create one under Developer -> " +
  "API Tokens in the Whats91 dashboard and set it with `pulumi config set --secret whats91:apiToken` " +
  "(or WHATS91_API_TOKEN)";

/** What the user fixes for each documented error that is theirs to fix, by Whats91's code. */
const ADVICE: ReadonlyMap<VendorError["code"], string> = new Map([
  [CODES.missingAuthToken, TOKEN_ADVICE],
  [CODES.invalidAuthToken, TOKEN_ADVICE],
  [
    CODES.senderNotAllowed,
    "the API token is bound to another sender number: set senderId (or whats91:senderId / " +
      "WHATS91_SENDER_ID) to the token's own number, or use a global token",
  ],
  [
    CODES.featureNotAvailable,
    "the Whats91 subscription does not include chatbots: upgrade the plan in the Whats91 dashboard",
  ],
  [
    CODES.setupIncomplete,
    "Whats91 could not resolve the sender: check senderId (digits with country code, no +; a global " +
      "token needs it, from the resource, whats91:senderId or WHATS91_SENDER_ID) and that the number's " +
      "WhatsApp setup is complete in the Whats91 dashboard",
  ],
]);

export const advise = (error: VendorError & { status: number }): string | undefined => ADVICE.get(error.code);

export function isChatbotNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.vendorCode === CODES.chatbotNotFound;
}

/** Whats91's integer status (1 ACTIVE, 0 INACTIVE; the strings are accepted too). */
export function statusName(status: unknown): "ACTIVE" | "INACTIVE" | undefined {
  if (status === 1 || status === "1" || status === "ACTIVE") return "ACTIVE";
  if (status === 0 || status === "0" || status === "INACTIVE") return "INACTIVE";
  return undefined;
}

/** The most pages a lookup walks (at 100 a page): a bound against a listing that never ends. */
const MAX_PAGES = 100;

export class Whats91Api {
  /**
   * @param account The API's base URL and a digest of the token (never the token): what the
   * process's knowledge of creates and senders is kept by (chatbot.ts `ledgerOf`).
   */
  constructor(
    private readonly client: ApiClient,
    readonly account: string,
  ) {}

  redacting<T>(action: () => Promise<T>): Promise<T> {
    return this.client.redacting(action);
  }

  /** The chatbot made, with its sender (and, where Whats91 answers them, the sender's Meta ids). */
  async create(route: CreateRoute, body: CreateBody): Promise<ChatbotWithSender> {
    const res = await this.client.request({ method: "POST", path: `/chatbots/${route}`, body });
    return decodeOrThrow(ChatbotAnswer, res.data, "Whats91 create-chatbot response").data;
  }

  /**
   * The chatbot, or undefined on Whats91's CHATBOT_NOT_FOUND (only that means gone; whats91.md,
   * "Errors").
   */
  async get(chatbotUid: string, senderId: string | undefined): Promise<ChatbotWithSender | undefined> {
    try {
      const res = await this.client.request({
        method: "GET",
        path: encodePath`/chatbots/${chatbotUid}`,
        query: { senderId },
      });
      return decodeOrThrow(ChatbotAnswer, res.data, "Whats91 get-chatbot response").data;
    } catch (err) {
      if (isChatbotNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Every chatbot of the sender matching the filter, following the pages. */
  async list(senderId: string | undefined, filter: ListFilter): Promise<ChatbotSummary[]> {
    const all: ChatbotSummary[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.client.request({
        method: "GET",
        path: "/chatbots",
        query: { senderId, ...filter, page, limit: 100 },
      });
      const { chatbots, pagination } = decodeOrThrow(Listed, res.data, "Whats91 list-chatbots response").data;
      this.client.collect(all, chatbots, "Whats91 list-chatbots");
      if (!pagination.hasMore || chatbots.length === 0) return all;
    }
    throw new Error(`Whats91 listed more than ${MAX_PAGES} pages of chatbots; narrow the search`);
  }
}

const clients = new Map<string, ApiClient>();

/** The sender from the settings (resource input first, then config, then environment). */
export function configuredSenderId(): string | undefined {
  return readSetting(NAMESPACE, SETTINGS.senderId);
}

/** The API for the configured token (stack config first, then environment; read at call time). */
export function whats91Api(): Whats91Api {
  const apiToken = requireSetting(NAMESPACE, SETTINGS.apiToken);
  const apiUrl = readUrlSetting(NAMESPACE, SETTINGS.apiUrl, () => DEFAULT_API_URL);
  if (/\s/.test(apiToken)) {
    throw new ConfigurationError("whats91:apiToken (or WHATS91_API_TOKEN) must not contain whitespace");
  }
  const fixed = readFixedRates(NAMESPACE, SETTINGS);
  const client = perSettings(clients, [apiUrl, apiToken, fixed], () => {
    return new ApiClient({
      platform: "Whats91",
      baseUrl: apiUrl,
      headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json" },
      secrets: [apiToken],
      parseError,
      advise,
      baseUrlSetting: "whats91:apiUrl or WHATS91_API_URL",
      pace: { defaults: DEFAULT_RATES, fixed, undocumented: { startPerSecond: START_PER_SECOND } },
    });
  });
  const tokenDigest = createHash("sha256").update(apiToken).digest("hex").slice(0, 16);
  return new Whats91Api(client, `${apiUrl} ${tokenDigest}`);
}
