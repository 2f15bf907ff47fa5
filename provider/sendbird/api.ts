/**
 * Typed client for the Sendbird Chat Platform API v3 bot endpoints
 * (../shared/reference/sendbird-and-lineworks-api.md, Part 1).
 */
import * as t from "io-ts";
import { ApiClient, encodePath, VendorError } from "../core/http";
import { ApiError } from "../core/errors";
import { decodeOrThrow } from "../core/codec";
import { readSetting, requireSetting, SettingSpec } from "../core/credentials";
import { ConfigurationError } from "../core/errors";

export const NAMESPACE = "sendbird";

export const SETTINGS = {
  appId: { key: "appId", env: "SENDBIRD_APP_ID" },
  apiToken: { key: "apiToken", env: "SENDBIRD_API_TOKEN", secret: true },
  apiUrl: { key: "apiUrl", env: "SENDBIRD_API_URL" },
} satisfies Record<string, SettingSpec>;

/** Vendor error codes of the Chat Platform API that the handlers act on. */
export const CODES = {
  resourceNotFound: 400201,
  resourceAlreadyExists: 400202,
} as const;

/** The bot resource as view/list/create/update return it; only what we rely on is required. */
export const BotResource = t.intersection([
  t.type({
    bot: t.intersection([
      t.type({ bot_userid: t.string }),
      t.partial({
        bot_nickname: t.string,
        bot_profile_url: t.string,
        bot_type: t.string,
        bot_token: t.string,
        bot_metadata: t.record(t.string, t.unknown),
      }),
    ]),
  }),
  t.partial({
    bot_callback_url: t.string,
    is_privacy_mode: t.boolean,
    enable_mark_as_read: t.boolean,
    show_member: t.boolean,
    channel_invitation_preference: t.number,
    created_at: t.number,
  }),
]);
export type BotResource = t.TypeOf<typeof BotResource>;

const BotList = t.intersection([t.type({ bots: t.array(BotResource) }), t.partial({ next: t.string })]);

/** Fields the update body accepts (all optional); the create body adds the identity fields. */
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
 * "Not found" is code 400201 (documented as HTTP 400). A 404 counts only when it carries that code
 * or none: a 404 with 400404 means a wrong base URL, and must not make refresh drop every bot.
 */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  if (err.vendorCode === CODES.resourceNotFound) return true;
  return err.status === 404 && err.vendorCode === undefined;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.vendorCode === CODES.resourceAlreadyExists;
}

export class SendbirdApi {
  constructor(private readonly client: ApiClient) {}

  redact(text: string): string {
    return this.client.redact(text);
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

  /** Deletes the bot; false when it was already gone. */
  async deleteBot(botUserid: string): Promise<boolean> {
    try {
      await this.client.request({ method: "DELETE", path: encodePath`/bots/${botUserid}` });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Every bot of the application, following the `next` page token. */
  async listBots(): Promise<BotResource[]> {
    const all: BotResource[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.request({ method: "GET", path: "/bots", query: { limit: 100, token } });
      const page = decodeOrThrow(BotList, res.data, "Sendbird list-bots response");
      all.push(...page.bots);
      token = page.next || undefined;
    } while (token);
    return all;
  }
}

// One client per endpoint and token, kept for the life of the provider process so that request
// pacing is shared by every bot in the stack.
const clients = new Map<string, ApiClient>();

/** The API for the configured application (stack config first, then environment; read at call time). */
export function sendbirdApi(): SendbirdApi {
  const apiToken = requireSetting(NAMESPACE, SETTINGS.apiToken);
  const apiUrl = readSetting(NAMESPACE, SETTINGS.apiUrl) ?? defaultApiUrl();
  const cacheKey = `${apiUrl}\n${apiToken}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new ApiClient({
      platform: "Sendbird",
      baseUrl: apiUrl,
      headers: { "Api-Token": apiToken, "Content-Type": "application/json; charset=utf8" },
      secrets: [apiToken],
      retryAfterHeaders: ["X-RateLimit-RetryAfter"],
      parseError,
      // The documented free-trial limits: the lowest plan, so any application stays under its own.
      pace: { readsPerSecond: 10, writesPerSecond: 5 },
    });
    clients.set(cacheKey, client);
  }
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
  if (!/^[A-Za-z0-9-]+$/.test(appId)) {
    throw new ConfigurationError(
      `sendbird:appId must be the application ID shown in the dashboard, got "${appId}"`,
    );
  }
  return `https://api-${appId}.sendbird.com/v3`;
}
