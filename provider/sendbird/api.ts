/** Typed client for the Sendbird Chat Platform API v3 bot endpoints. */
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

export const NAMESPACE = "sendbird";

export const SETTINGS = platformSettings(NAMESPACE, { appId: {}, apiToken: { secret: true } });

/**
 * Pacing before Sendbird advertises its limit: 80% of the free-trial plan's 10 GET/s and
 * 5 POST/PUT/DELETE/s (the lowest plan), so every application starts under its own limit. The
 * X-RateLimit-Limit header of the answers then sets the pace, unless the settings above fix it
 * (docs/vendors/sendbird.md, "Rate limits").
 */
export const DEFAULT_RATES = { readsPerSecond: 8, writesPerSecond: 4 };

/**
 * Vendor error codes of the Chat Platform API that the handlers act on, as Sendbird's error-codes
 * page numbers them (docs/vendors/sendbird.md, "Answers the provider branches on"). The page gives
 * no message texts, so nothing here reads `message`.
 */
export const CODES = {
  resourceNotFound: 400201,
  resourceAlreadyExists: 400202,
  applicationNotFound: 400304,
  invalidApiToken: 400401,
  invalidRequestUrl: 400404,
  applicationNotAvailable: 403100,
} as const;

/**
 * The bot resource as view/create/update return it. Only what we rely on is required; every other
 * field may be absent or null (a create that succeeded must never fail on a `null`).
 */
export const BotResource = t.intersection([
  t.type({
    bot: t.intersection([
      t.type({ bot_userid: t.string }),
      t.partial({
        bot_nickname: optional(t.string),
        bot_profile_url: optional(t.string),
        bot_type: optional(t.string),
        bot_token: optional(t.string),
        bot_metadata: optional(t.record(t.string, t.unknown)),
      }),
    ]),
  }),
  t.partial({
    bot_callback_url: optional(t.string),
    is_privacy_mode: optional(t.boolean),
    enable_mark_as_read: optional(t.boolean),
    show_member: optional(t.boolean),
    channel_invitation_preference: optional(t.number),
    created_at: optional(t.number),
  }),
]);
export type BotResource = t.TypeOf<typeof BotResource>;

/**
 * Fields the update body accepts (all optional), and the create body adds the identity fields: the
 * update and create pages and the OpenAPI document's updateBotByIdData and createABot_request
 * (docs/vendors/sendbird.md, "Create a bot" and "View, update and delete a bot").
 */
export interface BotUpdateBody {
  bot_nickname?: string;
  bot_profile_url?: string;
  bot_callback_url?: string;
  is_privacy_mode?: boolean;
  enable_mark_as_read?: boolean;
  show_member?: boolean;
  channel_invitation_preference?: number;
}

export interface BotCreateBody extends BotUpdateBody {
  bot_userid: string;
  bot_nickname: string;
  bot_profile_url: string;
  bot_type: string;
  bot_callback_url: string;
  is_privacy_mode: boolean;
}

const ErrorBody = t.partial({ code: t.number, message: t.string });

function parseError(body: unknown): VendorError {
  return ErrorBody.is(body) ? { code: body.code, message: body.message } : {};
}

/**
 * "Not found" is Sendbird's code 400201 (ResourceNotFound), whatever the HTTP status: the page gives
 * 400, and the sandbox's reading "notFoundStatus: 404" sends 404 (docs/vendors/sendbird.md,
 * "Errors"). Nothing else means gone: a 404 without it (a wrong base URL, a proxy's page) must
 * never make refresh drop every bot.
 */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.vendorCode === CODES.resourceNotFound;
}

/** A taken bot_userid: code 400202 (ResourceAlreadyExists; docs/vendors/sendbird.md, "Errors"). */
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.vendorCode === CODES.resourceAlreadyExists;
}

export class SendbirdApi {
  constructor(private readonly client: ApiClient) {}

  /** Requests per second this client currently allows itself, per method class. */
  pace(methodClass: "read" | "write"): number | undefined {
    return this.client.rate(methodClass);
  }

  /** Runs `action` with this client's credentials redacted from any error it throws. */
  redacting<T>(action: () => Promise<T>): Promise<T> {
    return this.client.redacting(action);
  }

  async createBot(body: BotCreateBody): Promise<BotResource> {
    const res = await this.client.request({ method: "POST", path: "/bots", body });
    return decodeOrThrow(BotResource, res.data, "Sendbird create-bot response");
  }

  /** The bot, or undefined when Sendbird has no bot with that id. */
  async getBot(botUserid: string): Promise<BotResource | undefined> {
    try {
      const res = await this.client.request({ method: "GET", path: encodePath`/bots/${botUserid}` });
      return decodeOrThrow(BotResource, res.data, "Sendbird view-bot response");
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async updateBot(botUserid: string, body: BotUpdateBody): Promise<BotResource> {
    const res = await this.client.request({ method: "PUT", path: encodePath`/bots/${botUserid}`, body });
    return decodeOrThrow(BotResource, res.data, "Sendbird update-bot response");
  }

  /** Deletes the bot; one that is already gone (Sendbird's not-found code) counts as deleted. */
  async deleteBot(botUserid: string): Promise<void> {
    try {
      await this.client.request({ method: "DELETE", path: encodePath`/bots/${botUserid}` });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Advice for the Sendbird errors a user fixes in the settings, by Sendbird's code. */
const ADVICE: ReadonlyMap<VendorError["code"], string> = new Map([
  [CODES.invalidApiToken, "Sendbird rejected the API token: check sendbird:apiToken (or SENDBIRD_API_TOKEN)"],
  [
    CODES.invalidRequestUrl,
    "Sendbird does not know this URL: check sendbird:apiUrl (or SENDBIRD_API_URL), which ends in /v3",
  ],
  [CODES.applicationNotFound, "Sendbird knows no such application: check sendbird:appId or sendbird:apiUrl"],
  [
    CODES.applicationNotAvailable,
    "The Sendbird application is not available (suspended or deactivated): check it in the dashboard",
  ],
]);

const advise = (error: VendorError): string | undefined => ADVICE.get(error.code);

// One client per endpoint and token, kept for the life of the provider process; pacing is shared
// per endpoint (core/http.ts), so a rotated token does not double the request rate.
const clients = new Map<string, ApiClient>();

/** The API for the configured application (stack config first, then environment; read at call time). */
export function sendbirdApi(): SendbirdApi {
  const apiToken = requireSetting(NAMESPACE, SETTINGS.apiToken);
  const apiUrl = readUrlSetting(NAMESPACE, SETTINGS.apiUrl, defaultApiUrl);
  const fixed = readFixedRates(NAMESPACE, SETTINGS);
  const client = perSettings(clients, [apiUrl, apiToken, fixed], () => {
    return new ApiClient({
      platform: "Sendbird",
      baseUrl: apiUrl,
      headers: { "Api-Token": apiToken, "Content-Type": "application/json; charset=utf8" },
      secrets: [apiToken],
      retryAfterHeaders: ["X-RateLimit-RetryAfter"],
      parseError,
      advise,
      baseUrlSetting: "sendbird:apiUrl or SENDBIRD_API_URL",
      pace: {
        defaults: DEFAULT_RATES,
        fixed,
        limitHeader: "X-RateLimit-Limit",
        settings: { namespace: NAMESPACE, specs: SETTINGS },
      },
    });
  });
  return new SendbirdApi(client);
}

function defaultApiUrl(): string {
  const appId = readSetting(NAMESPACE, SETTINGS.appId);
  if (!appId) {
    throw new ConfigurationError(
      "Sendbird application is not set: run `pulumi config set sendbird:appId <application id>` " +
        "(or set SENDBIRD_APP_ID), or give the full API URL with sendbird:apiUrl / SENDBIRD_API_URL",
    );
  }
  return applicationApiUrl(appId);
}

/** The API URL of an application, as Sendbird's dashboard gives it; an id that is not one fails. */
export function applicationApiUrl(appId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(appId)) {
    throw new ConfigurationError(
      "sendbird:appId must be the application ID shown in the dashboard (letters, digits and dashes)",
    );
  }
  return `https://api-${appId}.sendbird.com/v3`;
}
