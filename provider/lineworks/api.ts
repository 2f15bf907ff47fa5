/**
 * Typed client for the LINE WORKS API 2.0 bot and bot-domain endpoints. What shapes it:
 * - Authentication is a cached service-account token or a static token (auth.ts).
 * - LINE WORKS forbids parallel mutations of one bot, its domains included: every mutation under a
 *   bot runs through one per-bot queue of the provider process (core/keyQueue.ts); a 409 CONFLICT,
 *   which may be someone else's parallel change (another stack, the console), is retried with
 *   backoff (docs/vendors/lineworks.md, "Parallel changes and CONFLICT").
 * - The rate limit counts per API operation (60 a minute on the Free plan, 240 on paid ones), so
 *   each operation is paced on its own, following the `rateLimit-limit` header once seen
 *   (docs/vendors/lineworks.md, "Rate limit").
 * - Only the vendor's own documented answers mean gone: 404 NOT_FOUND, 404 `{RESOURCE}_NOT_EXIST`,
 *   410 DELETED (docs/vendors/lineworks.md, "Gone"). There is no get-one for a domain, so domains
 *   are read from the bot's domain list, and concurrent reads of one bot share one listing.
 */
import * as t from "io-ts";
import { CoalescedReads } from "../core/coalesce";
import { decodeOrThrow, optional } from "../core/codec";
import { perSettings, readFixedRates, readUrlSetting } from "../core/credentials";
import { ApiError } from "../core/errors";
import { ApiClient, ApiRequest, encodePath, VendorError } from "../core/http";
import { KeyQueue } from "../core/keyQueue";
import { clientAuthentication, NAMESPACE, readCredentials, SETTINGS } from "./auth";

export const DEFAULT_API_URL = "https://www.worksapis.com/v1.0";

/**
 * Requests per second per API operation before LINE WORKS advertises its limit: half of the Free
 * plan's 60 a minute, as the vendor advises for sustained use. Once an answer carries
 * `rateLimit-limit` (per minute), each operation follows it with a small margin, unless the
 * settings lineworks:readsPerSecond / writesPerSecond fix the pace.
 */
export const DEFAULT_RATES = { readsPerSecond: 0.5, writesPerSecond: 0.5 };
export const LIMIT_WINDOW_SECONDS = 60;

/** How long a domain listing answers the reads that follow it (a refresh's reads arrive within this). */
export const LIST_TTL_MS = 2_000;
/** Page size of list calls: the documented maximum, so a refresh needs as few requests as possible. */
const PAGE_COUNT = 100;
/** A listing that goes on longer than this is not the vendor's (a cursor that never ends). */
const MAX_PAGES = 1_000;
/** Longer than any cursor a listing needs (LINE WORKS' are tens of characters); see `pages`. */
const MAX_CURSOR_LENGTH = 4_096;

/**
 * The `code` values of `{code, description}` error bodies that the provider acts on, spelled as the
 * API 2.0 error-code page spells them (docs/vendors/lineworks.md, "Error answers").
 */
export const CODES = {
  notFound: "NOT_FOUND",
  deleted: "DELETED",
  conflict: "CONFLICT",
  alreadyExist: "ALREADY_EXIST",
  forbidden: "FORBIDDEN",
  limitExceeded: "LIMIT_EXCEEDED",
  tooManyRequests: "TOO_MANY_REQUESTS",
} as const;

/** `{RESOURCE}_NOT_EXIST` (e.g. a bot's): the page gives the pattern, not the resource names. */
const resourceNotExist = /^[A-Z][A-Z0-9_]*_NOT_EXIST$/;
/** `{RESOURCE}_ALREADY_EXIST`: likewise a pattern. */
const resourceAlreadyExist = /^[A-Z][A-Z0-9_]*_ALREADY_EXIST$/;

/** The CONFLICT text of the error-code page: all LINE WORKS says of it. */
export const CONFLICT_DESCRIPTION = "There is a conflict with the requested resource.";

export const LANGUAGES = ["ko_KR", "ja_JP", "en_US", "zh_CN", "zh_TW"] as const;
export const CALLBACK_EVENTS = ["text", "location", "sticker", "image", "file", "audio", "video"] as const;

/**
 * An int64 id as JSON carries it, in its string form. A number past 2^53 has already lost digits
 * in JSON.parse: refused rather than silently turned into another bot's id.
 */
export const Int64Id = new t.Type<string, string, unknown>(
  "an int64 id",
  (u): u is string => typeof u === "string" && /^\d+$/.test(u),
  (u, c) => {
    if (typeof u === "number" && Number.isSafeInteger(u) && u >= 0) return t.success(String(u));
    if (typeof u === "string" && /^\d{1,19}$/.test(u)) return t.success(u);
    return t.failure(u, c, "expected an int64 id (a non-negative integer below 2^53, or its digits)");
  },
  t.identity,
);

const I18n = <K extends string>(key: K) => t.array(t.type({ language: t.string, [key]: t.string }));

/** A bot as GET /bots/{botId} returns it (docs/vendors/lineworks.md, "Bots"). Only `botId` is relied on. */
export const BotRecord = t.intersection([
  t.type({ botId: Int64Id }),
  t.partial({
    botName: optional(t.string),
    photoUrl: optional(t.string),
    description: optional(t.string),
    administrators: optional(t.array(t.string)),
    subadministrators: optional(t.array(t.string)),
    allowDomains: optional(t.array(t.number)),
    enableCallback: optional(t.boolean),
    callbackEvents: optional(t.array(t.string)),
    channelEvents: optional(t.array(t.string)),
    callbackUrl: optional(t.string),
    enableGroupJoin: optional(t.boolean),
    defaultRichmenuId: optional(t.string),
    i18nBotNames: optional(I18n("botName")),
    i18nDescriptions: optional(I18n("description")),
    i18nPhotoUrls: optional(I18n("photoUrl")),
    createdTime: optional(t.string),
    modifiedTime: optional(t.string),
  }),
]);
export type BotRecord = t.TypeOf<typeof BotRecord>;

/** A list item: only these fields (documented), so details need GET /bots/{botId}. */
const BotListItem = t.intersection([
  t.type({ botId: Int64Id }),
  t.partial({ botName: optional(t.string), photoUrl: optional(t.string) }),
]);
export type BotListItem = t.TypeOf<typeof BotListItem>;

const Page = t.partial({ responseMetaData: optional(t.partial({ nextCursor: optional(t.string) })) });
const BotPage = t.intersection([t.type({ bots: t.array(BotListItem) }), Page]);

export const DomainRecord = t.intersection([
  t.type({ domainId: t.number }),
  t.partial({ visible: optional(t.boolean), allowToSelectedMember: optional(t.boolean) }),
]);
export type DomainRecord = t.TypeOf<typeof DomainRecord>;
const DomainPage = t.intersection([t.type({ domains: t.array(DomainRecord) }), Page]);

export type BotBody = Record<string, unknown>;
export interface DomainBody {
  visible?: boolean;
  allowToSelectedMember?: boolean;
}

const ErrorBody = t.partial({ code: t.string, description: t.string, message: t.string });

function parseError(body: unknown): VendorError {
  if (!ErrorBody.is(body)) return {};
  return { code: body.code, message: body.description ?? body.message };
}

/**
 * One of LINE WORKS' documented gone answers: 404 NOT_FOUND, 404 `{RESOURCE}_NOT_EXIST`, 410 DELETED
 * (docs/vendors/lineworks.md, "Gone"). A 404 without LINE WORKS' error body (a wrong base URL, a
 * proxy) has no code, and is never "gone".
 */
export function isGone(err: unknown): boolean {
  if (!(err instanceof ApiError) || typeof err.vendorCode !== "string") return false;
  if (err.status === 404) return err.vendorCode === CODES.notFound || resourceNotExist.test(err.vendorCode);
  return err.status === 410 && err.vendorCode === CODES.deleted;
}

/** 409 ALREADY_EXIST or `{RESOURCE}_ALREADY_EXIST` (docs/vendors/lineworks.md, "Already exists"). */
export function isAlreadyExist(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.status !== 409 || typeof err.vendorCode !== "string") return false;
  return err.vendorCode === CODES.alreadyExist || resourceAlreadyExist.test(err.vendorCode);
}

/**
 * 409 CONFLICT. LINE WORKS documents only "There is a conflict with the requested resource."; the
 * provider reads it as a parallel change of the bot (which the bot pages forbid), refused and not
 * applied, and so retries it (docs/vendors/lineworks.md, "Parallel changes and CONFLICT").
 */
function isBusy(status: number, vendor: VendorError): boolean {
  return status === 409 && vendor.code === CODES.conflict;
}

/** Advice for the errors a user can fix; `unauthorized` depends on how the provider authenticates. */
function adviser(unauthorized: string) {
  return (error: VendorError & { status: number }): string | undefined => {
    if (error.status === 401) return unauthorized;
    // The codes are the API 2.0 error-code page's (docs/vendors/lineworks.md, "Error answers").
    switch (error.code) {
      case CODES.forbidden:
        return (
          "LINE WORKS answers FORBIDDEN when the app lacks access to the resource or the required OAuth " +
          'scopes: the bot APIs need the scope "bot" (tick it under OAuth Scopes of the app in the Developer ' +
          "Console; a static lineworks:accessToken must be issued with it)"
        );
      case CODES.limitExceeded:
        // 400 LIMIT_EXCEEDED is a parameter's limit, and the vendor's description says which.
        return error.status === 403
          ? "LINE WORKS refuses for a resource limit; a tenant may have up to 300 bots: " +
              "delete bots it no longer needs"
          : undefined;
      case CODES.tooManyRequests:
        return (
          "LINE WORKS kept refusing for its rate limit (per API operation and minute, shared by every app of " +
          "the domain): run again later, or lower lineworks:readsPerSecond / lineworks:writesPerSecond " +
          "(LINEWORKS_READS_PER_SECOND / LINEWORKS_WRITES_PER_SECOND)"
        );
      case CODES.conflict:
        // The vendor's code and description are in the message already; this is all it documents.
        return (
          (error.message === CONFLICT_DESCRIPTION
            ? ""
            : `LINE WORKS documents CONFLICT only as "${CONFLICT_DESCRIPTION}" `) +
          "It may be a parallel change of this bot (another stack, a script or the admin console), which " +
          "LINE WORKS forbids; if so, run again when that is done"
        );
      default:
        return undefined;
    }
  };
}

/** The operation of a request, as LINE WORKS counts its limit: method and path with ids generalised. */
export function operationOf(req: ApiRequest): string {
  return `${req.method} ${req.path.replace(/\/\d+(?=\/|$)/g, "/{id}")}`;
}

// Mutations under one bot, one at a time, across every client of the provider process.
const botQueue = new KeyQueue();

export class LineWorksApi {
  constructor(
    private readonly client: ApiClient,
    private readonly apiUrl: string,
    private readonly domainReads: CoalescedReads<DomainRecord[] | undefined>,
  ) {}

  /** The API's base URL: what ids are unique within. */
  get endpoint(): string {
    return this.apiUrl;
  }

  /** Runs `action` with every credential redacted from any error it throws. */
  redacting<T>(action: () => Promise<T>): Promise<T> {
    return this.client.redacting(action);
  }

  /** Requests per second this client allows itself for an operation, e.g. "GET /bots/{id}". */
  pace(methodClass: "read" | "write", operation?: string): number | undefined {
    return this.client.rate(methodClass, operation);
  }

  /** POST /bots (201). A new bot has no id to queue on yet. */
  async createBot(body: BotBody): Promise<BotRecord> {
    const res = await this.client.request({ method: "POST", path: "/bots", body });
    return decodeOrThrow(BotRecord, res.data, "LINE WORKS create-bot response");
  }

  /** The bot, or undefined when LINE WORKS says it does not exist. */
  async getBot(botId: string): Promise<BotRecord | undefined> {
    try {
      const res = await this.client.request({ method: "GET", path: encodePath`/bots/${botId}` });
      return decodeOrThrow(BotRecord, res.data, "LINE WORKS get-bot response");
    } catch (err) {
      if (isGone(err)) return undefined;
      throw err;
    }
  }

  /** Every bot of the tenant (list items: id, name and photo only), following nextCursor. */
  async listBots(): Promise<BotListItem[]> {
    const bots: BotListItem[] = [];
    await this.pages("/bots", (data) => {
      const page = decodeOrThrow(BotPage, data, "LINE WORKS list-bots response");
      this.client.collect(bots, page.bots, "LINE WORKS list-bots");
      return page.responseMetaData?.nextCursor;
    });
    return bots;
  }

  /** PATCH /bots/{botId}; undefined when the bot does not exist. */
  async patchBot(botId: string, body: BotBody): Promise<BotRecord | undefined> {
    return this.patchUnlessGone(
      botId,
      encodePath`/bots/${botId}`,
      body,
      (data) => decodeOrThrow(BotRecord, data, "LINE WORKS update-bot response"),
      // The bot's own GET says whether the bot is what is gone.
      async () => (await this.getBot(botId)) !== undefined,
    );
  }

  /** DELETE /bots/{botId} (204); a bot that is already gone counts as deleted. */
  async deleteBot(botId: string): Promise<void> {
    await this.onBot(botId, () => this.ignoringGone({ method: "DELETE", path: encodePath`/bots/${botId}` }));
  }

  /**
   * The bot's domain registrations; undefined when the bot does not exist. Concurrent reads of
   * one bot share one listing (a refresh of N domains lists once).
   */
  listDomains(botId: string): Promise<DomainRecord[] | undefined> {
    return this.domainReads.get(botId, async () => {
      const domains: DomainRecord[] = [];
      try {
        await this.pages(encodePath`/bots/${botId}/domains`, (data) => {
          const page = decodeOrThrow(DomainPage, data, "LINE WORKS list-bot-domains response");
          this.client.collect(domains, page.domains, "LINE WORKS list-bot-domains");
          return page.responseMetaData?.nextCursor;
        });
      } catch (err) {
        if (isGone(err)) return undefined;
        throw err;
      }
      return domains;
    });
  }

  /** The registration, or undefined when the bot or the registration does not exist. */
  async findDomain(botId: string, domainId: number): Promise<DomainRecord | undefined> {
    return (await this.listDomains(botId))?.find((d) => d.domainId === domainId);
  }

  /** POST /bots/{botId}/domains/{domainId} (201). */
  async createDomain(botId: string, domainId: number, body: DomainBody): Promise<DomainRecord> {
    return this.onBot(botId, async () => {
      const path = encodePath`/bots/${botId}/domains/${domainId}`;
      const res = await this.client.request({ method: "POST", path, body });
      return decodeOrThrow(DomainRecord, res.data, "LINE WORKS add-bot-domain response");
    });
  }

  /** PATCH /bots/{botId}/domains/{domainId}; undefined when the registration does not exist. */
  async patchDomain(botId: string, domainId: number, body: DomainBody): Promise<DomainRecord | undefined> {
    return this.patchUnlessGone(
      botId,
      encodePath`/bots/${botId}/domains/${domainId}`,
      body,
      (data) => decodeOrThrow(DomainRecord, data, "LINE WORKS update-bot-domain response"),
      // The bot's registrations say whether this one is what is gone.
      async () => (await this.listDomains(botId))?.some((d) => d.domainId === domainId) === true,
    );
  }

  /** DELETE /bots/{botId}/domains/{domainId} (204); already gone (or its bot) counts as deleted. */
  async deleteDomain(botId: string, domainId: number): Promise<void> {
    const path = encodePath`/bots/${botId}/domains/${domainId}`;
    await this.onBot(botId, () => this.ignoringGone({ method: "DELETE", path }));
  }

  /**
   * Runs a mutation of one bot (or of something under it) after the others of that bot, and makes
   * later reads of its domains list anew (a PATCH of allowDomains can drop registrations too).
   */
  private onBot<R>(botId: string, mutation: () => Promise<R>): Promise<R> {
    return botQueue.run(`${this.apiUrl} ${botId}`, () => this.domainReads.mutating(mutation));
  }

  /**
   * Whether a 404 gone answer to a PATCH (NOT_FOUND or `{RESOURCE}_NOT_EXIST`, either of which may be
   * about a resource the body names) is belied by `exists`. 410 DELETED is about the path itself.
   * Should the check itself fail, the PATCH's own answer is the error to report.
   */
  /**
   * A PATCH, one at a time per bot; undefined when LINE WORKS answers gone and `exists` agrees. A
   * 404 may be about something the body refers to (a rich menu, an administrator): `exists` says
   * whether the object itself is what is gone.
   */
  private async patchUnlessGone<R>(
    botId: string,
    path: string,
    body: object,
    decode: (data: unknown) => R,
    exists: () => Promise<boolean>,
  ): Promise<R | undefined> {
    let gone: unknown;
    const answer = await this.onBot(botId, async () => {
      try {
        return decode((await this.client.request({ method: "PATCH", path, body })).data);
      } catch (err) {
        if (!isGone(err)) throw err;
        gone = err;
        return undefined;
      }
    });
    if (await this.stillThere(gone, exists)) throw gone;
    return answer;
  }

  private async stillThere(gone: unknown, exists: () => Promise<boolean>): Promise<boolean> {
    if (!(gone instanceof ApiError) || gone.status !== 404) return false;
    try {
      return await exists();
    } catch {
      return true;
    }
  }

  private async ignoringGone(req: ApiRequest): Promise<void> {
    try {
      await this.client.request(req);
    } catch (err) {
      if (!isGone(err)) throw err;
    }
  }

  /** GETs every page of a list; `take` consumes a page's body and returns its nextCursor. */
  private async pages(path: string, take: (data: unknown) => string | undefined | null): Promise<void> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const res = await this.client.request({ method: "GET", path, query: { count: PAGE_COUNT, cursor } });
      const next = take(res.data);
      // The end is signalled by a null, absent or empty nextCursor (undocumented which).
      if (next === undefined || next === null || next === "") return;
      // Cursors are kept (to see a repeat) and sent back in the URL: a huge one would fill memory.
      if (next.length > MAX_CURSOR_LENGTH) {
        throw new Error(
          `LINE WORKS list ${path} answered a nextCursor of more than ${MAX_CURSOR_LENGTH} characters, ` +
            "more than the provider sends back: its listing cannot be read",
        );
      }
      if (seen.has(next)) break;
      seen.add(next);
      cursor = next;
    }
    throw new Error(`LINE WORKS list ${path} did not end: its nextCursor kept going or repeated`);
  }
}

// One API per endpoint, credentials and settings, for the life of the provider process.
const apis = new Map<string, LineWorksApi>();

/** The API for the configured credentials (stack config first, then environment; read at call time). */
export function lineworksApi(): LineWorksApi {
  const credentials = readCredentials();
  const apiUrl = readUrlSetting(NAMESPACE, SETTINGS.apiUrl, () => DEFAULT_API_URL).replace(/\/+$/, "");
  const fixed = readFixedRates(NAMESPACE, SETTINGS);
  const authentication = clientAuthentication(credentials);
  const api = perSettings(apis, [apiUrl, authentication.identity, fixed], () => {
    const client = new ApiClient({
      platform: "LINE WORKS",
      baseUrl: apiUrl,
      headers: { "Content-Type": "application/json; charset=UTF-8", ...authentication.headers },
      auth: authentication.auth,
      secrets: authentication.secrets,
      rateLimitResetHeaders: ["rateLimit-reset"],
      parseError,
      advise: adviser(authentication.unauthorizedAdvice),
      retryable: isBusy,
      baseUrlSetting: "lineworks:apiUrl or LINEWORKS_API_URL",
      pace: {
        defaults: DEFAULT_RATES,
        fixed,
        limitHeader: "rateLimit-limit",
        limitWindowSeconds: LIMIT_WINDOW_SECONDS,
        operation: operationOf,
        settings: { namespace: NAMESPACE, specs: SETTINGS },
      },
    });
    return new LineWorksApi(client, apiUrl, new CoalescedReads(LIST_TTL_MS));
  });
  return api;
}
