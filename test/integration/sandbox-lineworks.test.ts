/**
 * The LINE WORKS sandbox over real HTTP on loopback (fetch): the service-account token exchange
 * (RS256 JWTs signed here with node:crypto), bearer auth and scopes, the bot and domain endpoints
 * the provider calls, with their documented bodies and validation, paging, the bot limit, the rule against
 * parallel mutations of one bot, the per-operation rate limit, faults, persistence and secrecy.
 */
import { parseArguments } from "../../sandbox/cli";
import * as fs from "node:fs";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import {
  LINEWORKS_API_PATH,
  LINEWORKS_JWT_BEARER_GRANT,
  LINEWORKS_TOKEN_PATH,
  LineWorksErrorCode,
  startLineWorksSandbox,
  type LineWorksBot,
  type LineWorksSandbox,
  type LineWorksSandboxOptions,
} from "../../sandbox/lineworks";
import {
  accessTokenFor,
  ApiClient,
  assertionFor,
  awayFromMinuteBoundary,
  botBody,
  jwtGrantFields,
  leaks,
  newRsaKeyPair,
  newTestApp,
  postToken,
  remember,
  secretsSeen,
  serviceAccountOf,
  signJwt,
  type TestApp,
} from "./lineworks-helpers";
import {
  expectForeignPage,
  expectLoggedSince,
  expectUnreadableStateFilesRefused,
  fileMode,
  sleep,
  useStateDirectory,
  waitUntil,
  type Answer,
} from "./sandbox-kit";

/** One app reused by most sandboxes (RSA key generation is slow). */
const app = newTestApp();
/** An app whose Developer Console ticks only bot.read. */
const readOnlyApp = newTestApp({ scopes: ["bot.read"] });

const origin = (sandbox: LineWorksSandbox) => sandbox.url.slice(0, -LINEWORKS_API_PATH.length);
const botPath = (botId: number | string) => `/bots/${botId}`;
const domainPath = (botId: number, domainId: number | string) => `/bots/${botId}/domains/${domainId}`;
const status = (answer: Answer) => ({ status: answer.status, body: answer.body });
const apiError = (statusCode: number, code: string) => ({
  status: statusCode,
  body: { code, description: expect.any(String) },
});
const invalidParameter = apiError(400, LineWorksErrorCode.invalidParameter);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

async function startSandbox(
  options: Partial<LineWorksSandboxOptions> = {},
): Promise<{ sandbox: LineWorksSandbox; api: ApiClient; token: string }> {
  const sandbox = await startLineWorksSandbox({
    apps: [serviceAccountOf(app), serviceAccountOf(readOnlyApp)],
    rateLimit: false,
    ...options,
  });
  leaks.watch(sandbox);
  const token = await accessTokenFor(sandbox.authUrl, app);
  return { sandbox, api: new ApiClient(sandbox.url, token), token };
}

/** Creates a bot and returns it (the test fails if the create does not answer 201). */
async function createBot(api: ApiClient, botName: string, overrides: Record<string, unknown> = {}) {
  const created = await api.post("/bots", botBody(botName, overrides));
  expect(status(created)).toMatchObject({ status: 201 });
  return created.body as LineWorksBot;
}

describe("LINE WORKS sandbox token endpoint", () => {
  let sandbox: LineWorksSandbox;
  beforeAll(async () => {
    ({ sandbox } = await startSandbox());
  });
  afterAll(() => sandbox.stop());

  const tokenError = (statusCode: number, error: string) => ({
    status: statusCode,
    body: { error, error_description: expect.any(String) },
  });

  it("listens on loopback, the API under /v1.0 and the token endpoint beside it", () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/);
    expect(sandbox.authUrl).toBe(`${origin(sandbox)}${LINEWORKS_TOKEN_PATH}`);
    expect(LINEWORKS_TOKEN_PATH).toBe("/oauth2/v2.0/token");
  });

  it("exchanges a good assertion for the documented token body", async () => {
    const before = sandbox.tokensIssued();
    const answer = await postToken(sandbox.authUrl, jwtGrantFields(app));
    expect(status(answer)).toEqual({
      status: 200,
      body: {
        access_token: expect.stringMatching(/^kr1AAA[\w-]{40,}$/),
        refresh_token: expect.stringMatching(/^kr1AAA[\w-]{40,}$/),
        scope: "bot bot.read",
        token_type: "Bearer",
        expires_in: "86400", // silent: a string by default
      },
    });
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(sandbox.tokensIssued()).toBe(before + 1);
    const api = new ApiClient(sandbox.url, answer.body.access_token);
    expect((await api.get("/bots")).status).toBe(200);
    // The refresh token is no access token.
    expect((await new ApiClient(sandbox.url, answer.body.refresh_token).get("/bots")).status).toBe(401);
  });

  it("grants only the requested scopes, once each, and accepts an assertion living exactly an hour", async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = await postToken(
      sandbox.authUrl,
      jwtGrantFields(app, {
        scope: "bot.read bot.read",
        assertion: assertionFor(app, { iat: now, exp: now + 3600 }),
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.scope).toBe("bot.read");
  });

  it("ignores extra claims such as aud", async () => {
    const assertion = assertionFor(app, { aud: "https://auth.worksmobile.com/oauth2/v2.0/token", jti: "x" });
    expect((await postToken(sandbox.authUrl, jwtGrantFields(app, { assertion }))).status).toBe(200);
  });

  it.each([
    ["signed by another key", () => signJwt(newTestApp().privateKey, claimsOf(app))],
    ["with a tampered claim", () => tamper(assertionFor(app), { sub: "someone.else@example-tenant" })],
    ["with iss another client", () => assertionFor(app, { iss: readOnlyApp.clientId })],
    ["with sub another service account", () => assertionFor(app, { sub: readOnlyApp.serviceAccount })],
    ["without sub", () => assertionFor(app, { sub: undefined })],
    ["expired", () => assertionFor(app, { iat: nowSeconds() - 3700, exp: nowSeconds() - 100 })],
    ["expiring now", () => assertionFor(app, { iat: nowSeconds() - 10, exp: nowSeconds() })],
    ["living longer than an hour", () => assertionFor(app, { iat: nowSeconds(), exp: nowSeconds() + 3601 })],
    ["issued in the future", () => assertionFor(app, { iat: nowSeconds() + 600, exp: nowSeconds() + 1200 })],
    ["with exp before iat", () => assertionFor(app, { iat: nowSeconds() + 30, exp: nowSeconds() + 20 })],
    [
      "with iat and exp as strings",
      () => assertionFor(app, { iat: String(nowSeconds()), exp: String(nowSeconds() + 60) }),
    ],
    ["with fractional seconds", () => assertionFor(app, { exp: nowSeconds() + 60.5 })],
    ["with alg HS256", () => assertionFor(app, {}, { alg: "HS256", typ: "JWT" })],
    ["with alg none", () => assertionFor(app, {}, { alg: "none", typ: "JWT" })],
    ["without typ", () => assertionFor(app, {}, { alg: "RS256" })],
    ["with base64 padding", () => padded(assertionFor(app))],
    ["of two parts", () => assertionFor(app).split(".").slice(0, 2).join(".")],
    ["that is not JSON", () => "bm90IGpzb24.bm90IGpzb24.c2ln"],
  ])("refuses an assertion %s with 400 invalid_grant", async (_, assertion) => {
    const before = sandbox.tokensIssued();
    const answer = await postToken(sandbox.authUrl, jwtGrantFields(app, { assertion: assertion() }));
    expect(status(answer)).toEqual(tokenError(400, "invalid_grant"));
    expect(sandbox.tokensIssued()).toBe(before);
  });

  it("refuses a wrong client secret and an unknown client id with 401 invalid_client", async () => {
    for (const overrides of [
      { client_secret: remember("not-the-secret") },
      { client_secret: readOnlyApp.clientSecret }, // another app's secret
      { client_id: "unknown-client" },
    ]) {
      const answer = await postToken(sandbox.authUrl, jwtGrantFields(app, overrides));
      expect(status(answer)).toEqual(tokenError(401, "invalid_client"));
    }
  });

  it("refuses a scope the app was not granted, or malformed, with 400 invalid_scope", async () => {
    const notGranted = await postToken(sandbox.authUrl, jwtGrantFields(readOnlyApp, { scope: "bot" }));
    expect(status(notGranted)).toEqual(tokenError(400, "invalid_scope"));
    for (const scope of ["bot.message", "bot  bot.read", " bot", "bot,bot.read"]) {
      expect(status(await postToken(sandbox.authUrl, jwtGrantFields(app, { scope })))).toEqual(
        tokenError(400, "invalid_scope"),
      );
    }
    const granted = await postToken(sandbox.authUrl, jwtGrantFields(readOnlyApp, { scope: "bot.read" }));
    expect(granted.body.scope).toBe("bot.read");
  });

  it.each(["assertion", "client_id", "client_secret", "scope", "grant_type"])(
    "refuses a request without %s with 400 invalid_request",
    async (field) => {
      const answer = await postToken(sandbox.authUrl, jwtGrantFields(app, { [field]: undefined }));
      expect(status(answer)).toEqual(tokenError(400, "invalid_request"));
    },
  );

  it("refuses another grant type (refresh_token too: not emulated), a JSON body, a repeated field and a GET", async () => {
    const other = await postToken(sandbox.authUrl, jwtGrantFields(app, { grant_type: "client_credentials" }));
    expect(status(other)).toEqual(tokenError(400, "unsupported_grant_type"));
    const issued = await postToken(sandbox.authUrl, jwtGrantFields(app));
    const refresh = await postToken(sandbox.authUrl, {
      grant_type: "refresh_token",
      refresh_token: issued.body.refresh_token,
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    expect(status(refresh)).toEqual(tokenError(400, "unsupported_grant_type"));

    const json = await fetch(sandbox.authUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(jwtGrantFields(app)),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");

    const fields = new URLSearchParams(jwtGrantFields(app) as Record<string, string>);
    fields.append("scope", "bot");
    const repeated = await fetch(sandbox.authUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    });
    expect(repeated.status).toBe(400);
    expect(((await repeated.json()) as { error: string }).error).toBe("invalid_request");

    const get = await fetch(sandbox.authUrl);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    await get.text();
  });

  it("honours tokenTtlSeconds and expiresInType, and expires tokens when their time is up", async () => {
    const own = await startSandbox({ tokenTtlSeconds: 1, expiresInType: "number" });
    try {
      const answer = await postToken(own.sandbox.authUrl, jwtGrantFields(app));
      expect(answer.body.expires_in).toBe(1);
      const api = new ApiClient(own.sandbox.url, answer.body.access_token);
      expect((await api.get("/bots")).status).toBe(200);
      await sleep(1100);
      expect(status(await api.get("/bots"))).toEqual(apiError(401, "UNAUTHORIZED"));
    } finally {
      await own.sandbox.stop();
    }
  });
});

describe("LINE WORKS sandbox API auth", () => {
  let sandbox: LineWorksSandbox;
  let api: ApiClient;
  beforeAll(async () => {
    ({ sandbox, api } = await startSandbox({
      staticTokens: [remember("static-token-for-tests-0123456789")],
    }));
  });
  afterAll(() => sandbox.stop());

  it.each([
    ["no Authorization", {}],
    ["an unknown token", { Authorization: "Bearer kr1AAAnot-a-real-token-at-all" }],
    ["a lower-case scheme", { Authorization: "bearer static-token-for-tests-0123456789" }],
    ["two spaces", { Authorization: "Bearer  static-token-for-tests-0123456789" }],
    ["no scheme", { Authorization: "static-token-for-tests-0123456789" }],
  ])("answers %s with 401 UNAUTHORIZED", async (_, headers) => {
    const answer = await new ApiClient(sandbox.url, undefined).request("GET", "/bots", { headers });
    expect(status(answer)).toEqual(apiError(401, "UNAUTHORIZED"));
    expect(answer.headers["www-authenticate"]).toMatch(/^Bearer/);
  });

  it("expireTokens: every issued token answers 401 and a new one works; static tokens stay valid", async () => {
    const staticApi = new ApiClient(sandbox.url, "static-token-for-tests-0123456789");
    expect((await api.get("/bots")).status).toBe(200);
    const issued = sandbox.tokensIssued();
    sandbox.expireTokens();
    expect(status(await api.get("/bots"))).toEqual(apiError(401, "UNAUTHORIZED"));
    expect((await staticApi.get("/bots")).status).toBe(200);
    api = new ApiClient(sandbox.url, await accessTokenFor(sandbox.authUrl, app));
    expect((await api.get("/bots")).status).toBe(200);
    expect(sandbox.tokensIssued()).toBe(issued + 1);
  });

  it("a static token has scope bot: it reads and writes", async () => {
    const staticApi = new ApiClient(sandbox.url, "static-token-for-tests-0123456789");
    const bot = await createBot(staticApi, "static");
    expect((await staticApi.get(botPath(bot.botId))).status).toBe(200);
  });

  it("a bot.read token reads but every mutation answers 403 FORBIDDEN (the documented answer for a missing scope), changing nothing", async () => {
    const bot = await createBot(api, "scoped");
    const reader = new ApiClient(sandbox.url, await accessTokenFor(sandbox.authUrl, readOnlyApp, "bot.read"));
    expect((await reader.get("/bots")).status).toBe(200);
    expect((await reader.get(botPath(bot.botId))).status).toBe(200);
    expect((await reader.get(`${botPath(bot.botId)}/domains`)).status).toBe(200);
    const before = sandbox.bots();
    for (const answer of [
      await reader.post("/bots", botBody("refused")),
      await reader.patch(botPath(bot.botId), { botName: "refused" }),
      await reader.delete(botPath(bot.botId)),
      await reader.post(domainPath(bot.botId, 10000001), {}),
    ]) {
      expect(status(answer)).toEqual(apiError(403, "FORBIDDEN"));
    }
    expect(sandbox.bots()).toEqual(before);
  });

  it("a bot-only token reads too", async () => {
    const writer = new ApiClient(sandbox.url, await accessTokenFor(sandbox.authUrl, app, "bot"));
    expect((await writer.get("/bots")).status).toBe(200);
  });

  it("authenticates before routing: unknown paths answer 401 without a token, 404 with one", async () => {
    const anonymous = new ApiClient(sandbox.url, undefined);
    expect((await anonymous.get("/users")).status).toBe(401);
    expect(status(await api.get("/users"))).toEqual(apiError(404, "NOT_FOUND"));
    expect(status(await api.get("/bots/"))).toEqual(apiError(404, "NOT_FOUND"));
    expect(status(await api.get("/Bots"))).toEqual(apiError(404, "NOT_FOUND"));
    const outside = await new ApiClient(origin(sandbox), undefined).get("/v2.0/bots");
    expect(status(outside)).toEqual(apiError(404, "NOT_FOUND"));
  });

  it("answers a wrong method with 405 and Allow, and a malformed id with 400", async () => {
    const wrong = await api.request("DELETE", "/bots");
    expect(status(wrong)).toEqual(apiError(405, "METHOD_NOT_ALLOWED"));
    expect(wrong.headers.allow).toBe("GET, POST");
    // The provider never replaces a bot or a registration: PUT is not emulated.
    const put = await api.put(botPath(2000001), botBody("replaced"));
    expect(status(put)).toEqual(apiError(405, "METHOD_NOT_ALLOWED"));
    expect(put.headers.allow).toBe("GET, PATCH, DELETE");
    const putDomain = await api.put(domainPath(2000001, 10000001), {});
    expect(putDomain.headers.allow).toBe("POST, PATCH, DELETE");
    for (const id of ["abc", "0", "-1", "1.5", "99999999999999999999"]) {
      expect(status(await api.get(botPath(id)))).toEqual(invalidParameter);
    }
  });
});

describe("LINE WORKS sandbox bots", () => {
  let sandbox: LineWorksSandbox;
  let api: ApiClient;
  let counter = 0;
  const uniqueName = (prefix = "bot") => `${prefix} ${++counter}`;

  beforeAll(async () => {
    ({ sandbox, api } = await startSandbox());
  });
  afterAll(() => sandbox.stop());
  afterEach(() => sandbox.faults.clear());

  it("creates a bot: 201 with the whole bot and the documented defaults; GET answers the same", async () => {
    const botName = uniqueName();
    const created = await api.post("/bots", botBody(botName));
    expect(created.status).toBe(201);
    expect(created.headers["content-type"]).toBe("application/json; charset=utf-8");
    const bot = created.body as LineWorksBot;
    expect(bot).toEqual({
      botId: expect.any(Number),
      botName,
      photoUrl: "https://example.com/bot.png",
      description: "A test bot",
      administrators: ["admin@example.com"],
      subadministrators: [],
      allowDomains: [],
      enableCallback: false,
      callbackEvents: [],
      channelEvents: ["message", "join", "leave", "joined", "left", "postback"],
      enableGroupJoin: false,
      i18nBotNames: [],
      i18nDescriptions: [],
      i18nPhotoUrls: [],
      createdTime: expect.stringMatching(TIMESTAMP),
      modifiedTime: bot.createdTime,
    });
    expect(Number.isSafeInteger(bot.botId)).toBe(true);
    expect(Math.abs(Date.parse(bot.createdTime) - Date.now())).toBeLessThan(5000);
    expect(status(await api.get(botPath(bot.botId)))).toEqual({ status: 200, body: bot });
    expect(sandbox.bot(bot.botId)).toEqual(bot);
    expect(sandbox.bot(String(bot.botId))).toEqual(bot);
    expect(sandbox.bot(1)).toBeUndefined();
    const next = await createBot(api, uniqueName());
    expect(next.botId).toBeGreaterThan(bot.botId);
  });

  it("takes every documented field and turns newlines in bot names into spaces", async () => {
    const fields = {
      botName: "Line one\nline two\r\nthree",
      photoUrl: "https://cdn.example.com/p.png?size=640",
      description: "d".repeat(100),
      administrators: ["a1", "a2", "a3"],
      subadministrators: ["s1", "s2", "s3"],
      allowDomains: [10000001, 10000003],
      enableCallback: true,
      callbackEvents: ["text", "location", "sticker", "image", "file", "audio", "video"],
      channelEvents: ["message", "postback", "begin", "end"],
      callbackUrl: "https://hooks.example.com/lineworks",
      enableGroupJoin: true,
      defaultRichmenuId: "4000001",
      i18nBotNames: [
        { language: "ja_JP", botName: "ボット\n二行" },
        { language: "en_US", botName: "Bot" },
      ],
      i18nDescriptions: [{ language: "ko_KR", description: "설명" }],
      i18nPhotoUrls: [{ language: "zh_TW", photoUrl: "https://example.com/tw.png" }],
    };
    const bot = (await api.post("/bots", fields)).body as LineWorksBot;
    expect(bot).toEqual({
      ...fields,
      botId: expect.any(Number),
      botName: "Line one line two three",
      i18nBotNames: [
        { language: "ja_JP", botName: "ボット 二行" },
        { language: "en_US", botName: "Bot" },
      ],
      createdTime: expect.stringMatching(TIMESTAMP),
      modifiedTime: expect.stringMatching(TIMESTAMP),
    });
  });

  it("counts lengths in characters: 100 emoji are a valid bot name", async () => {
    await createBot(api, "😀".repeat(100), { description: "é".repeat(100) });
  });

  const admins = (n: number) => Array.from({ length: n }, (_, i) => `user${i}`);
  it.each([
    ["no botName", { botName: undefined }],
    ["no photoUrl", { photoUrl: undefined }],
    ["no description", { description: undefined }],
    ["no administrators", { administrators: undefined }],
    ["a 101-character botName", { botName: "b".repeat(101) }],
    ["a blank botName", { botName: " \n " }],
    ["a number botName", { botName: 7 }],
    ["an http photoUrl", { photoUrl: "http://example.com/bot.png" }],
    ["a relative photoUrl", { photoUrl: "/bot.png" }],
    ["a photoUrl with a space", { photoUrl: "https://exa mple.com/bot.png" }],
    ["a 1001-character photoUrl", { photoUrl: `https://example.com/${"p".repeat(981)}` }],
    ["a 101-character description", { description: "d".repeat(101) }],
    ["an empty description", { description: "" }],
    ["a null description", { description: null }],
    ["no administrator", { administrators: [] }],
    ["four administrators", { administrators: admins(4) }],
    ["a repeated administrator", { administrators: ["a", "a"] }],
    ["an administrator that is not a string", { administrators: [42] }],
    ["administrators as a string", { administrators: "admin@example.com" }],
    ["four subadministrators", { subadministrators: admins(4) }],
    ["a subadministrator who is an administrator", { subadministrators: ["admin@example.com"] }],
    ["a repeated allowDomain", { allowDomains: [10000001, 10000001] }],
    ["an allowDomain as a string", { allowDomains: ["10000001"] }],
    ["a string enableCallback", { enableCallback: "true" }],
    ["enableCallback without callbackUrl", { enableCallback: true }],
    ["enableCallback with an empty callbackUrl", { enableCallback: true, callbackUrl: "" }],
    ["an http callbackUrl", { callbackUrl: "http://hooks.example.com/x" }],
    ["an unknown callbackEvent", { callbackEvents: ["text", "postback"] }],
    ["a repeated callbackEvent", { callbackEvents: ["text", "text"] }],
    ["an unknown channelEvent", { channelEvents: ["message", "typing"] }],
    ["a null enableGroupJoin", { enableGroupJoin: null }],
    ["an empty defaultRichmenuId", { defaultRichmenuId: "" }],
    ["an unknown i18n language", { i18nBotNames: [{ language: "fr_FR", botName: "Bot" }] }],
    [
      "a repeated i18n language",
      {
        i18nDescriptions: [
          { language: "en_US", description: "a" },
          { language: "en_US", description: "b" },
        ],
      },
    ],
    ["an i18n item with an extra field", { i18nBotNames: [{ language: "en_US", botName: "B", x: 1 }] }],
    ["an i18n item without its value", { i18nPhotoUrls: [{ language: "en_US" }] }],
    ["a 101-character i18n botName", { i18nBotNames: [{ language: "en_US", botName: "b".repeat(101) }] }],
    [
      "an http i18n photoUrl",
      { i18nPhotoUrls: [{ language: "en_US", photoUrl: "http://example.com/a.png" }] },
    ],
    ["an unknown field", { color: "red" }],
    ["a botId", { botId: 1 }],
    ["a createdTime", { createdTime: "2024-01-01T00:00:00+09:00" }],
  ])("refuses %s with 400 INVALID_PARAMETER and stores nothing", async (_, overrides) => {
    const body = botBody(uniqueName("invalid"), overrides);
    const before = sandbox.bots().length;
    const answer = await api.post("/bots", body);
    expect(status(answer)).toEqual(invalidParameter);
    expect(sandbox.bots()).toHaveLength(before);
  });

  it("names the field in the description", async () => {
    const answer = await api.post("/bots", botBody("x", { photoUrl: "http://example.com" }));
    expect(answer.body.description).toMatch(/^photoUrl: /);
  });

  it("refuses allowDomains outside the tenant with INVALID_PARAMETER", async () => {
    const answer = await api.post("/bots", botBody(uniqueName(), { allowDomains: [10000001, 424242] }));
    expect(status(answer)).toEqual(apiError(400, "INVALID_PARAMETER"));
  });

  it.each([
    ["no Content-Type", '{"botName":"x"}', undefined],
    ["a text Content-Type", '{"botName":"x"}', "text/plain"],
    ["invalid JSON", "{nope", "application/json"],
    ["a JSON array", "[]", "application/json"],
  ])("refuses a body with %s with 400 BAD_REQUEST", async (_, raw, contentType) => {
    const answer = await api.request("POST", "/bots", { raw, contentType });
    expect(status(answer)).toEqual(apiError(400, "BAD_REQUEST"));
  });

  it("accepts the documented charset form of the Content-Type", async () => {
    const answer = await api.request("POST", "/bots", {
      raw: JSON.stringify(botBody(uniqueName())),
      contentType: "application/json; charset=UTF-8",
    });
    expect(answer.status).toBe(201);
  });

  it("PATCH changes only the fields sent", async () => {
    const bot = await createBot(api, uniqueName(), {
      subadministrators: ["sub"],
      enableCallback: true,
      callbackUrl: "https://hooks.example.com/a",
      defaultRichmenuId: "4000001",
    });
    const patched = await api.patch(botPath(bot.botId), { description: "patched", botName: "two\nlines" });
    expect(status(patched)).toEqual({
      status: 200,
      body: {
        ...bot,
        description: "patched",
        botName: "two lines",
        modifiedTime: expect.stringMatching(TIMESTAMP),
      },
    });
    expect((await api.patch(botPath(bot.botId), {})).body).toEqual({
      ...patched.body,
      modifiedTime: expect.any(String),
    });
    // Documented: an empty callbackUrl means no callbacks; it must go with enableCallback false.
    expect(status(await api.patch(botPath(bot.botId), { callbackUrl: "" }))).toEqual(invalidParameter);
    const off = await api.patch(botPath(bot.botId), { enableCallback: false, callbackUrl: "" });
    expect(off.body).toMatchObject({ enableCallback: false, callbackUrl: "" });
    // Cross-field rules see the merged bot.
    expect(status(await api.patch(botPath(bot.botId), { administrators: ["sub"] }))).toEqual(
      invalidParameter,
    );
    expect(status(await api.patch(botPath(bot.botId), { botName: null }))).toEqual(invalidParameter);
    expect(sandbox.bot(bot.botId)).toEqual(off.body);
  });

  it("DELETE answers 204 without a body; the bot is gone (404) and a second DELETE answers 404", async () => {
    const bot = await createBot(api, uniqueName());
    const deleted = await api.delete(botPath(bot.botId));
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect(sandbox.bot(bot.botId)).toBeUndefined();
    for (const answer of [
      await api.get(botPath(bot.botId)),
      await api.delete(botPath(bot.botId)),
      await api.patch(botPath(bot.botId), {}),
      await api.get(`${botPath(bot.botId)}/domains`),
    ]) {
      expect(status(answer)).toEqual(apiError(404, "NOT_FOUND"));
    }
  });
});

describe("LINE WORKS sandbox bot list", () => {
  it("pages with count and nextCursor; items carry only the list fields; the last page says null", async () => {
    const { sandbox, api } = await startSandbox();
    try {
      const made: LineWorksBot[] = [];
      for (let i = 0; i < 5; i++) {
        made.push(
          await createBot(api, `list ${i}`, { i18nBotNames: [{ language: "en_US", botName: `en ${i}` }] }),
        );
      }
      const listItem = (bot: LineWorksBot) => ({
        botId: bot.botId,
        botName: bot.botName,
        photoUrl: bot.photoUrl,
        i18nBotNames: bot.i18nBotNames,
        i18nPhotoUrls: bot.i18nPhotoUrls,
      });
      const seen: unknown[] = [];
      let cursor: string | undefined;
      const pages: number[] = [];
      do {
        const page = await api.get("/bots", { count: "2", ...(cursor !== undefined && { cursor }) });
        expect(page.status).toBe(200);
        expect(Object.keys(page.body).sort()).toEqual(["bots", "responseMetaData"]);
        seen.push(...page.body.bots);
        pages.push(page.body.bots.length);
        cursor = page.body.responseMetaData.nextCursor ?? undefined;
        if (cursor === undefined) expect(page.body.responseMetaData).toEqual({ nextCursor: null });
      } while (cursor !== undefined);
      expect(pages).toEqual([2, 2, 1]);
      expect(seen).toEqual(made.map(listItem));

      // The default count is 50, so five bots come in one page.
      const all = await api.get("/bots");
      expect(all.body).toEqual({ bots: made.map(listItem), responseMetaData: { nextCursor: null } });
    } finally {
      await sandbox.stop();
    }
  });

  it("continues after a deleted bot and refuses bad count and cursor values", async () => {
    const { sandbox, api } = await startSandbox();
    try {
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await createBot(api, `c ${i}`));
      const first = await api.get("/bots", { count: "1" });
      const cursor = first.body.responseMetaData.nextCursor as string;
      expect(cursor).toContain("+"); // must be URL-encoded, as the list pages say
      await api.delete(botPath(made[1].botId));
      const second = await api.get("/bots", { count: "1", cursor });
      expect(second.body.bots.map((bot: LineWorksBot) => bot.botId)).toEqual([made[2].botId]);

      for (const count of ["0", "101", "abc", "1.5", "", "-1"]) {
        expect(status(await api.get("/bots", { count }))).toEqual(invalidParameter);
      }
      expect((await api.get("/bots", { count: "100" })).status).toBe(200);
      for (const bad of ["", "garbage", cursor.slice(0, -2), cursor.replace(/\+/g, " ")]) {
        expect(status(await api.get("/bots", { cursor: bad }))).toEqual(invalidParameter);
      }
      // Not URL-encoded: "+" arrives as a space.
      const raw = await api.request("GET", `/bots?cursor=${cursor}`);
      expect(status(raw)).toEqual(invalidParameter);
    } finally {
      await sandbox.stop();
    }
  });

  it.each([
    ["absent", {}],
    ["empty", { nextCursor: "" }],
  ] as const)("with endOfListCursor %s, the last page says so", async (endOfListCursor, metaData) => {
    const { sandbox, api } = await startSandbox({ endOfListCursor });
    try {
      await createBot(api, "one");
      await createBot(api, "two");
      const first = await api.get("/bots", { count: "1" });
      expect(first.body.responseMetaData.nextCursor).toEqual(expect.any(String));
      const last = await api.get("/bots", { count: "1", cursor: first.body.responseMetaData.nextCursor });
      expect(last.body.responseMetaData).toEqual(metaData);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("LINE WORKS sandbox bot limit", () => {
  it("refuses a create beyond botLimit with 403 LIMIT_EXCEEDED; a delete makes room", async () => {
    const { sandbox, api } = await startSandbox({ botLimit: 2 });
    try {
      const first = await createBot(api, "one");
      await createBot(api, "two");
      const refused = await api.post("/bots", botBody("three"));
      expect(status(refused)).toEqual(apiError(403, "LIMIT_EXCEEDED"));
      expect(sandbox.bots()).toHaveLength(2);
      // The body is validated first.
      expect(status(await api.post("/bots", botBody("")))).toEqual(invalidParameter);
      await api.delete(botPath(first.botId));
      await createBot(api, "three");
    } finally {
      await sandbox.stop();
    }
  });

  it("allows 300 bots by default, not 301", async () => {
    const { sandbox, api } = await startSandbox();
    try {
      for (let batch = 0; batch < 30; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => api.post("/bots", botBody(`bot ${batch * 10 + i}`))),
        );
        expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
      }
      expect(status(await api.post("/bots", botBody("bot 301")))).toEqual(apiError(403, "LIMIT_EXCEEDED"));
      expect(sandbox.bots()).toHaveLength(300);
    } finally {
      await sandbox.stop();
    }
  }, 30_000);
});

describe("LINE WORKS sandbox domains", () => {
  let sandbox: LineWorksSandbox;
  let api: ApiClient;
  beforeAll(async () => {
    ({ sandbox, api } = await startSandbox({ domains: [10000001, 10000002, 10000003, 10000004, 10000005] }));
  });
  afterAll(() => sandbox.stop());

  it("registers, lists, patches and removes a domain with the documented statuses and bodies", async () => {
    const bot = await createBot(api, "domains");
    const created = await api.post(domainPath(bot.botId, 10000002), { visible: true });
    expect(status(created)).toEqual({
      status: 201,
      body: { domainId: 10000002, visible: true, allowToSelectedMember: false },
    });
    expect(sandbox.domains(bot.botId)).toEqual([
      { botId: bot.botId, domainId: 10000002, visible: true, allowToSelectedMember: false },
    ]);
    const listed = await api.get(`${botPath(bot.botId)}/domains`);
    expect(status(listed)).toEqual({
      status: 200,
      body: { domains: [created.body], responseMetaData: { nextCursor: null } },
    });

    // PATCH keeps what it omits.
    const patched = await api.patch(domainPath(bot.botId, 10000002), { allowToSelectedMember: true });
    expect(status(patched)).toEqual({
      status: 200,
      body: { domainId: 10000002, visible: true, allowToSelectedMember: true },
    });
    expect((await api.patch(domainPath(bot.botId, 10000002), {})).body).toEqual(patched.body);

    const deleted = await api.delete(domainPath(bot.botId, 10000002));
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect(sandbox.domains(bot.botId)).toEqual([]);
    for (const answer of [
      await api.delete(domainPath(bot.botId, 10000002)),
      await api.patch(domainPath(bot.botId, 10000002), {}),
    ]) {
      expect(status(answer)).toEqual(apiError(404, "NOT_FOUND"));
    }
  });

  it("defaults visible and allowToSelectedMember to false", async () => {
    const bot = await createBot(api, "defaults");
    const created = await api.post(domainPath(bot.botId, 10000001), {});
    expect(created.body).toEqual({ domainId: 10000001, visible: false, allowToSelectedMember: false });
  });

  it("refuses an unknown bot (404), a foreign domain, a domain outside allowDomains and a second registration", async () => {
    expect(status(await api.post(domainPath(9999999, 10000001), {}))).toEqual(apiError(404, "NOT_FOUND"));
    const bot = await createBot(api, "rules", { allowDomains: [10000001, 10000002] });
    expect(status(await api.post(domainPath(bot.botId, 77777777), {}))).toEqual(
      apiError(400, "INVALID_PARAMETER"),
    );
    expect(status(await api.post(domainPath(bot.botId, 10000003), {}))).toEqual(invalidParameter);
    expect((await api.post(domainPath(bot.botId, 10000001), {})).status).toBe(201);
    expect(status(await api.post(domainPath(bot.botId, 10000001), { visible: true }))).toEqual(
      apiError(409, "ALREADY_EXIST"),
    );
    expect(sandbox.domains(bot.botId).map((domain) => domain.domainId)).toEqual([10000001]);
  });

  it.each([
    ["a string visible", { visible: "yes" }],
    ["a null allowToSelectedMember", { allowToSelectedMember: null }],
    ["an unknown field", { usePublic: true }],
    ["a domainId", { domainId: 10000001 }],
  ])("refuses a registration body with %s", async (_, body) => {
    const bot = await createBot(api, "bad body");
    expect(status(await api.post(domainPath(bot.botId, 10000001), body))).toEqual(invalidParameter);
    expect(sandbox.domains(bot.botId)).toEqual([]);
  });

  it("narrowing allowDomains (PATCH or console) drops the registrations outside; an empty list allows all", async () => {
    const bot = await createBot(api, "narrowing");
    for (const domainId of [10000001, 10000002, 10000003, 10000004]) {
      expect((await api.post(domainPath(bot.botId, domainId), {})).status).toBe(201);
    }
    const registered = () => sandbox.domains(bot.botId).map((domain) => domain.domainId);

    await api.patch(botPath(bot.botId), { allowDomains: [10000001, 10000002, 10000003] });
    expect(registered()).toEqual([10000001, 10000002, 10000003]);
    const listed = await api.get(`${botPath(bot.botId)}/domains`);
    expect(listed.body.domains.map((domain: { domainId: number }) => domain.domainId)).toEqual(registered());

    sandbox.editBot(bot.botId, { allowDomains: [10000002] });
    expect(registered()).toEqual([10000002]);

    // An empty allowDomains allows every domain: nothing more is dropped.
    await api.patch(botPath(bot.botId), { allowDomains: [] });
    expect(registered()).toEqual([10000002]);
    expect((await api.post(domainPath(bot.botId, 10000005), {})).status).toBe(201);
  });

  it("pages the domain list with count and nextCursor; a cursor belongs to its bot", async () => {
    const bot = await createBot(api, "paging");
    const other = await createBot(api, "other");
    for (const domainId of [10000005, 10000001, 10000003, 10000002, 10000004]) {
      await api.post(domainPath(bot.botId, domainId), { visible: domainId % 2 === 0 });
    }
    const ids: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.get(`${botPath(bot.botId)}/domains`, {
        count: "2",
        ...(cursor !== undefined && { cursor }),
      });
      ids.push(...page.body.domains.map((domain: { domainId: number }) => domain.domainId));
      cursor = page.body.responseMetaData.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(ids).toEqual([10000001, 10000002, 10000003, 10000004, 10000005]);

    const first = await api.get(`${botPath(bot.botId)}/domains`, { count: "2" });
    const foreign = await api.get(`${botPath(other.botId)}/domains`, {
      cursor: first.body.responseMetaData.nextCursor,
    });
    expect(status(foreign)).toEqual(invalidParameter);
    const botListCursor = await api.get("/bots", { cursor: first.body.responseMetaData.nextCursor });
    expect(status(botListCursor)).toEqual(invalidParameter);
    expect(status(await api.get(`${botPath(bot.botId)}/domains`, { count: "101" }))).toEqual(
      invalidParameter,
    );
  });

  it("has no documented GET of one registration: 405 unless getOneDomain", async () => {
    const bot = await createBot(api, "get one");
    await api.post(domainPath(bot.botId, 10000001), {});
    const refused = await api.get(domainPath(bot.botId, 10000001));
    expect(status(refused)).toEqual(apiError(405, "METHOD_NOT_ALLOWED"));
    expect(refused.headers.allow).toBe("POST, PATCH, DELETE");

    const own = await startSandbox({ getOneDomain: true });
    try {
      const ownBot = await createBot(own.api, "get one");
      await own.api.post(domainPath(ownBot.botId, 10000002), { visible: true });
      expect(status(await own.api.get(domainPath(ownBot.botId, 10000002)))).toEqual({
        status: 200,
        body: { domainId: 10000002, visible: true, allowToSelectedMember: false },
      });
      expect(status(await own.api.get(domainPath(ownBot.botId, 10000001)))).toEqual(
        apiError(404, "NOT_FOUND"),
      );
    } finally {
      await own.sandbox.stop();
    }
  });

  it("editDomain and removeDomain change registrations as the console would", async () => {
    const bot = await createBot(api, "console");
    await api.post(domainPath(bot.botId, 10000001), {});
    sandbox.editDomain(bot.botId, 10000001, { visible: true });
    expect((await api.get(`${botPath(bot.botId)}/domains`)).body.domains).toEqual([
      { domainId: 10000001, visible: true, allowToSelectedMember: false },
    ]);
    sandbox.removeDomain(bot.botId, "10000001");
    expect(sandbox.domains(bot.botId)).toEqual([]);
    expect(() => sandbox.removeDomain(bot.botId, 10000001)).toThrow(/not registered/);
    expect(() => sandbox.editDomain(1, 10000001, {})).toThrow(/No bot/);
  });
});

describe("LINE WORKS sandbox parallel mutations of one bot", () => {
  it("refuses a second mutation of a bot while one is in progress (bot and domain calls alike)", async () => {
    const { sandbox, api } = await startSandbox({ mutationMs: 300 });
    try {
      const bot = await createBot(api, "busy");
      const started = Date.now();
      const [patch, domain] = await Promise.all([
        api.patch(botPath(bot.botId), { description: "first" }),
        sleep(50).then(() => api.post(domainPath(bot.botId, 10000001), {})),
      ]);
      expect(patch.status).toBe(200);
      expect(status(domain)).toEqual(apiError(409, "CONFLICT"));
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(sandbox.overlappingMutations()).toBe(1);
      expect(sandbox.domains(bot.botId)).toEqual([]);

      // Once the first is done, the bot takes mutations again.
      expect((await api.post(domainPath(bot.botId, 10000001), {})).status).toBe(201);
      const [remove, patchAgain] = await Promise.all([
        api.delete(domainPath(bot.botId, 10000001)),
        sleep(50).then(() => api.patch(botPath(bot.botId), { description: "second" })),
      ]);
      expect([remove.status, patchAgain.status]).toEqual([204, 409]);
      expect(sandbox.overlappingMutations()).toBe(2);
    } finally {
      await sandbox.stop();
    }
  });

  it("lets mutations of different bots, creates and reads run in parallel", async () => {
    const { sandbox, api } = await startSandbox({ mutationMs: 200 });
    try {
      const one = await createBot(api, "one");
      const two = await createBot(api, "two");
      const [first, second, created, read] = await Promise.all([
        api.patch(botPath(one.botId), { description: "one" }),
        api.patch(botPath(two.botId), { description: "two" }),
        api.post("/bots", botBody("three")),
        sleep(50).then(() => api.get(botPath(one.botId))),
      ]);
      expect([first.status, second.status, created.status, read.status]).toEqual([200, 200, 201, 200]);
      // The read came while the mutation was in progress: it sees the bot before the change.
      expect(read.body.description).toBe("A test bot");
      expect(sandbox.overlappingMutations()).toBe(0);
    } finally {
      await sandbox.stop();
    }
  });

  it("holds a bot at least for latencyMs, and setMutationMs changes the hold", async () => {
    const { sandbox, api } = await startSandbox({ latencyMs: 150 });
    try {
      const bot = await createBot(api, "latency");
      const both = await Promise.all([
        api.patch(botPath(bot.botId), { description: "a" }),
        api.patch(botPath(bot.botId), { description: "b" }),
      ]);
      expect(both.map((answer) => answer.status).sort()).toEqual([200, 409]);
      expect(sandbox.overlappingMutations()).toBe(1);

      sandbox.setLatency(0);
      const unheld = await Promise.all([
        api.patch(botPath(bot.botId), { description: "c" }),
        api.patch(botPath(bot.botId), { description: "d" }),
      ]);
      expect(unheld.map((answer) => answer.status)).toEqual([200, 200]);

      sandbox.setMutationMs(200);
      const held = await Promise.all([
        api.post(domainPath(bot.botId, 10000001), {}),
        sleep(50).then(() => api.patch(botPath(bot.botId), { description: "e" })),
      ]);
      expect(held.map((answer) => answer.status)).toEqual([201, 409]);
      expect(sandbox.overlappingMutations()).toBe(2);
      expect(() => sandbox.setMutationMs(-1)).toThrow(/mutationMs/);
      expect(() => sandbox.setLatency(Number.NaN)).toThrow(/Latency/);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("LINE WORKS sandbox rate limiting", () => {
  it("answers 429 TOO_MANY_REQUESTS with the documented headers, per operation, and counts refusals", async () => {
    const { sandbox, api } = await startSandbox({ rateLimit: { requestsPerMinute: 3 } });
    try {
      const bot = await createBot(api, "limited"); // bot.create: its own window
      await awayFromMinuteBoundary();
      const answers: Answer[] = [];
      for (let i = 0; i < 4; i++) answers.push(await api.get("/bots"));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((answer) => answer.headers["ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
      expect(answers.map((answer) => answer.headers["ratelimit-ssed"])).toEqual(["1", "2", "3", "3"]);
      const refused = answers[3];
      expect(status(refused)).toEqual({
        status: 429,
        body: { code: "TOO_MANY_REQUESTS", description: "API rate limit exceeded" },
      });
      expect(refused.headers["ratelimit-limit"]).toBe("3");
      const reset = Number(refused.headers["ratelimit-reset"]);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
      expect(sandbox.rateLimited()).toBe(1);

      // Another operation has its own limit.
      expect((await api.get(botPath(bot.botId))).status).toBe(200);
      // Requests that fail auth are not counted and carry no rate-limit headers.
      const anonymous = await new ApiClient(sandbox.url, undefined).get("/bots");
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers).not.toHaveProperty("ratelimit-limit");
      expect(sandbox.rateLimited()).toBe(1);
      // The token endpoint is not rate limited.
      for (let i = 0; i < 4; i++) await accessTokenFor(sandbox.authUrl, app);

      sandbox.setRateLimit(false);
      expect((await api.get("/bots")).status).toBe(200);
      sandbox.setRateLimit({ requestsPerMinute: 0 });
      expect((await api.get("/bots")).status).toBe(429);
      expect(() => sandbox.setRateLimit({ requestsPerMinute: 1.5 })).toThrow(/requestsPerMinute/);
    } finally {
      await sandbox.stop();
    }
  }, 20_000);

  it("applies the Free plan's 60 requests per minute per operation by default", async () => {
    const sandbox = await startLineWorksSandbox({ apps: [serviceAccountOf(app)] });
    leaks.watch(sandbox);
    try {
      const api = new ApiClient(sandbox.url, await accessTokenFor(sandbox.authUrl, app));
      await awayFromMinuteBoundary();
      const answers = await Promise.all(Array.from({ length: 61 }, () => api.get("/bots")));
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(60);
      expect(answers.filter((answer) => answer.status === 429)).toHaveLength(1);
      expect(answers[0].headers["ratelimit-limit"]).toBe("60");
      expect(sandbox.rateLimited()).toBe(1);
    } finally {
      await sandbox.stop();
    }
  }, 20_000);
});

describe("LINE WORKS sandbox faults", () => {
  let sandbox: LineWorksSandbox;
  let api: ApiClient;
  let token: string;
  beforeAll(async () => {
    ({ sandbox, api, token } = await startSandbox());
  });
  afterAll(() => sandbox.stop());
  afterEach(() => sandbox.faults.clear());

  it("answers an injected 503 in the API's error format with Retry-After, without touching state", async () => {
    sandbox.faults.inject({ fault: { kind: "status", status: 503, retryAfterSeconds: 2 }, method: "POST" });
    const before = sandbox.bots();
    const answer = await api.post("/bots", botBody("never"));
    expect(status(answer)).toEqual({
      status: 503,
      body: { code: "SERVICE_UNAVAILABLE", description: "Service Unavailable" },
    });
    expect(answer.headers["retry-after"]).toBe("2");
    expect(sandbox.bots()).toEqual(before);
    expect(sandbox.requests.at(-1)).toMatchObject({ method: "POST", path: "/v1.0/bots", status: 503 });
  });

  it("renders an injected 429 as the limiter's answer and token-endpoint faults as OAuth errors", async () => {
    sandbox.faults.inject({ fault: { kind: "status", status: 429, retryAfterSeconds: 7 }, method: "GET" });
    const limited = await api.get("/bots");
    expect(status(limited)).toEqual({
      status: 429,
      body: { code: "TOO_MANY_REQUESTS", description: "API rate limit exceeded" },
    });
    expect(limited.headers["ratelimit-reset"]).toBe("7");
    expect(limited.headers["ratelimit-remaining"]).toBe("0");
    expect(sandbox.rateLimited()).toBe(0); // injected, not the limiter's

    sandbox.faults.inject({ fault: { kind: "status", status: 401 }, method: "GET" });
    expect(status(await api.get("/bots"))).toEqual(apiError(401, "UNAUTHORIZED"));

    sandbox.faults.inject({ fault: { kind: "status", status: 503 }, path: LINEWORKS_TOKEN_PATH });
    expect(status(await postToken(sandbox.authUrl, jwtGrantFields(app)))).toEqual({
      status: 503,
      body: { error: "temporarily_unavailable", error_description: "Service Unavailable" },
    });
    sandbox.faults.inject({ fault: { kind: "status", status: 401 }, path: LINEWORKS_TOKEN_PATH });
    expect((await postToken(sandbox.authUrl, jwtGrantFields(app))).body.error).toBe("invalid_client");
    sandbox.faults.inject({ fault: { kind: "status", status: 500 }, path: LINEWORKS_TOKEN_PATH });
    expect((await postToken(sandbox.authUrl, jwtGrantFields(app))).body.error).toBe("server_error");
  });

  it("drops the connection: the client sees an error and nothing is stored", async () => {
    sandbox.faults.inject({ fault: { kind: "drop" }, method: "POST", path: "/v1.0/bots" });
    const before = sandbox.bots().length;
    await expect(api.post("/bots", botBody("dropped"))).rejects.toThrow();
    expect(sandbox.bots()).toHaveLength(before);
    expect(sandbox.requests.at(-1)?.status).toBeUndefined();
  });

  it("loses a create's answer after storing the bot: a naive retry makes a duplicate", async () => {
    sandbox.faults.inject({ fault: { kind: "lose-response" }, method: "POST", path: "/v1.0/bots" });
    const botName = "lost answer";
    await expect(api.post("/bots", botBody(botName))).rejects.toThrow();
    const stored = sandbox.bots().filter((bot) => bot.botName === botName);
    expect(stored).toHaveLength(1);
    // The way back: find it in the list (by name: botId is the only identifier, docs/vendors/lineworks.md, "Bots").
    const listed = (await api.get("/bots")).body.bots as Array<{ botId: number; botName: string }>;
    expect(listed.filter((bot) => bot.botName === botName).map((bot) => bot.botId)).toEqual([
      stored[0].botId,
    ]);
    await createBot(api, botName);
    expect(sandbox.bots().filter((bot) => bot.botName === botName)).toHaveLength(2);
  });

  it("commits, then answers the injected status", async () => {
    const bot = await createBot(api, "committed");
    sandbox.faults.inject({ fault: { kind: "commit-then-status", status: 500 }, method: "PATCH" });
    const answer = await api.patch(botPath(bot.botId), { description: "changed anyway" });
    expect(status(answer)).toEqual(apiError(500, "INTERNAL_SERVER_ERROR"));
    expect(sandbox.bot(bot.botId)?.description).toBe("changed anyway");
  });

  it("resets the connection, then commits delayMs later", async () => {
    const bot = await createBot(api, "late delete");
    sandbox.faults.inject({ fault: { kind: "reset-then-commit", delayMs: 200 }, method: "DELETE" });
    await expect(api.delete(botPath(bot.botId))).rejects.toThrow();
    expect(sandbox.bot(bot.botId)).toBeDefined();
    await waitUntil(() => sandbox.bot(bot.botId) === undefined);
  });

  it("answers a foreign page without touching state", async () => {
    sandbox.faults.inject({ fault: { kind: "foreign", status: 502 }, path: "/v1.0/bots" });
    const before = sandbox.bots().length;
    expectForeignPage(await api.post("/bots", botBody("foreign")), 502);
    expect(sandbox.bots()).toHaveLength(before);
  });

  it("can be controlled over HTTP with a bearer token, without being logged", async () => {
    const logged = sandbox.requests.length;
    const control = new ApiClient(`${origin(sandbox)}/__sandbox`, token);
    expect(status(await new ApiClient(`${origin(sandbox)}/__sandbox`, undefined).get("/faults"))).toEqual(
      apiError(401, "UNAUTHORIZED"),
    );
    const injected = await control.post("/faults", {
      fault: { kind: "status", status: 503 },
      path: "/v1.0/bots",
    });
    expect(injected.body).toEqual({ pending: 1 });
    expect((await api.get("/bots")).status).toBe(503);

    const bot = await createBot(api, "control");
    await api.post(domainPath(bot.botId, 10000001), {});
    const state = await control.get("/bots");
    expect(state.body).toEqual({
      bots: sandbox.bots(),
      domains: expect.objectContaining({ [bot.botId]: sandbox.domains(bot.botId) }),
    });
    expect((await control.get("/stats")).body).toEqual({
      tokensIssued: sandbox.tokensIssued(),
      overlappingMutations: 0,
      rateLimited: 0,
    });
    expect((await control.post("/stats")).status).toBe(405);
    expectLoggedSince(sandbox, logged, 3);
  });

  it("delays every request by latencyMs; control requests are not delayed", async () => {
    sandbox.setLatency(200);
    try {
      let started = Date.now();
      expect((await api.get("/bots")).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      started = Date.now();
      await accessTokenFor(sandbox.authUrl, app);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      started = Date.now();
      await new ApiClient(`${origin(sandbox)}/__sandbox`, token).get("/faults");
      expect(Date.now() - started).toBeLessThan(190);
    } finally {
      sandbox.setLatency(0);
    }
  });
});

describe("LINE WORKS sandbox console edits", () => {
  it("editBot and removeBot change bots behind the API's back", async () => {
    const { sandbox, api } = await startSandbox();
    try {
      const bot = await createBot(api, "console", { callbackUrl: "https://hooks.example.com/x" });
      sandbox.editBot(bot.botId, { description: "edited in the console", callbackUrl: undefined });
      const read = await api.get(botPath(bot.botId));
      expect(read.body.description).toBe("edited in the console");
      expect(read.body).not.toHaveProperty("callbackUrl");
      expect(() => sandbox.editBot(bot.botId, { botId: 1 })).toThrow(/botId/);
      sandbox.removeBot(String(bot.botId));
      expect(status(await api.get(botPath(bot.botId)))).toEqual(apiError(404, "NOT_FOUND"));
      expect(() => sandbox.removeBot(bot.botId)).toThrow(/No bot/);
      expect(sandbox.domains(bot.botId)).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("LINE WORKS sandbox options", () => {
  it("refuses options it cannot work with", async () => {
    const ecKey = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    const account = serviceAccountOf(app);
    await expect(startLineWorksSandbox({ apps: [] })).rejects.toThrow(/at least one app/);
    await expect(startLineWorksSandbox({ apps: [{ ...account, publicKeyPem: "nope" }] })).rejects.toThrow(
      /PEM/,
    );
    await expect(startLineWorksSandbox({ apps: [{ ...account, publicKeyPem: ecKey }] })).rejects.toThrow(
      /RSA/,
    );
    await expect(startLineWorksSandbox({ apps: [account, account] })).rejects.toThrow(/twice/);
    await expect(startLineWorksSandbox({ apps: [{ ...account, clientSecret: "" }] })).rejects.toThrow(
      /clientSecret/,
    );
    await expect(startLineWorksSandbox({ apps: [account], tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtl/);
    await expect(startLineWorksSandbox({ apps: [account], domains: [0] })).rejects.toThrow(/domains/);
  });

  it("runs with static tokens only", async () => {
    const staticToken = remember("only-static-token-abcdefghijklmnop");
    const sandbox = await startLineWorksSandbox({ apps: [], staticTokens: [staticToken] });
    leaks.watch(sandbox);
    try {
      expect((await new ApiClient(sandbox.url, staticToken).get("/bots")).status).toBe(200);
      expect((await postToken(sandbox.authUrl, jwtGrantFields(app))).status).toBe(401);
    } finally {
      await sandbox.stop();
    }
  });

  it("accepts a public key PEM in PKCS#1 form as well as SPKI", async () => {
    const keys = newRsaKeyPair();
    const pkcs1 = createPublicKey(keys.privateKey).export({ type: "pkcs1", format: "pem" }).toString();
    expect(pkcs1).toContain("BEGIN RSA PUBLIC KEY");
    const own = newTestApp({ privateKey: keys.privateKey, publicKeyPem: pkcs1 });
    const sandbox = await startLineWorksSandbox({ apps: [serviceAccountOf(own)] });
    leaks.watch(sandbox);
    try {
      expect((await postToken(sandbox.authUrl, jwtGrantFields(own))).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("LINE WORKS sandbox state file", () => {
  const temporary = useStateDirectory();

  it("reloads bots and registrations; the file (0600) holds no secret", async () => {
    const stateFile = leaks.watchFile(temporary.stateFile);
    const first = await startSandbox({ stateFile });
    let bot: LineWorksBot;
    try {
      expect(fs.existsSync(stateFile)).toBe(false);
      bot = await createBot(first.api, "persisted", { allowDomains: [10000001, 10000002] });
      const other = await createBot(first.api, "persisted two");
      await first.api.post(domainPath(bot.botId, 10000002), { allowToSelectedMember: true });
      await first.api.post(domainPath(bot.botId, 10000001), { visible: true });
      await first.api.delete(botPath(other.botId));
      expect(fileMode(stateFile)).toBe(0o600);
    } finally {
      await first.sandbox.stop();
    }
    // The version-1 format release 0.1.0 reads has members; a file it wrote may list some, and a
    // bot secret's digest.
    const written = JSON.parse(fs.readFileSync(stateFile, "utf8"));
    expect(written.bots[0].domains.map((domain: { members: unknown }) => domain.members)).toEqual([[], []]);
    written.bots[0].domains[1].members = ["member@example.com"];
    written.bots[0].secretSha256 = "0".repeat(64);
    fs.writeFileSync(stateFile, JSON.stringify(written));

    const second = await startSandbox({ stateFile });
    try {
      expect(second.sandbox.bots()).toEqual([bot]);
      expect(second.sandbox.domains(bot.botId)).toEqual([
        { botId: bot.botId, domainId: 10000001, visible: true, allowToSelectedMember: false },
        { botId: bot.botId, domainId: 10000002, visible: false, allowToSelectedMember: true },
      ]);
      // Ids are not reused, not even the deleted bot's.
      const next = await createBot(second.api, "after restart");
      expect(next.botId).toBe(bot.botId + 2);
      // Tokens are not persisted: the first sandbox's token is unknown here.
      expect((await new ApiClient(second.sandbox.url, first.token).get("/bots")).status).toBe(401);

      await second.api.patch(botPath(bot.botId), { allowDomains: [10000001] });
      const onDisk = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(onDisk.version).toBe(1);
      expect(onDisk.bots[0].domains).toEqual([
        { domainId: 10000001, visible: true, allowToSelectedMember: false, members: [] },
      ]);
      expect(fs.readdirSync(temporary.directory)).toEqual(["state.json"]);
    } finally {
      await second.sandbox.stop();
    }
  });

  it("refuses to start on a state file it cannot read", () =>
    expectUnreadableStateFilesRefused(
      temporary.stateFile,
      (stateFile) => startLineWorksSandbox({ apps: [serviceAccountOf(app)], stateFile }),
      '{"version":1,"nextBotId":1,"bots":[{}]}',
    ));
});

describe("LINE WORKS sandbox request log", () => {
  it("records method, path, query, body and status, with every credential redacted", async () => {
    const { sandbox, api, token } = await startSandbox({
      staticTokens: [remember("static-token-in-the-log-xyz")],
    });
    try {
      const start = sandbox.requests.length;
      const fields = jwtGrantFields(app);
      await postToken(sandbox.authUrl, fields);
      await api.get("/bots", { count: "5" });
      await api.patch(botPath(9999999), { description: "x" });
      // Credentials where they do not belong are scrubbed too.
      await new ApiClient(sandbox.url, undefined).request("GET", "/bots", {
        query: { access_token: token },
        headers: { "X-Token": token, "X-Static": "static-token-in-the-log-xyz" },
      });
      await api.request("POST", "/bots", {
        raw: JSON.stringify({
          botName: "x",
          note: `${fields.assertion} ${app.clientSecret}`,
          refresh_token: "r",
        }),
        contentType: "application/json",
      });
      const logged = sandbox.requests.slice(start);
      expect(logged[0]).toMatchObject({ method: "POST", path: LINEWORKS_TOKEN_PATH, status: 200 });
      expect(logged[0].body).toBe(
        `assertion=[REDACTED]&grant_type=${encodeURIComponent(LINEWORKS_JWT_BEARER_GRANT)}` +
          `&client_id=${app.clientId}&client_secret=[REDACTED]&scope=bot+bot.read`,
      );
      expect(logged[1]).toMatchObject({
        method: "GET",
        path: "/v1.0/bots",
        query: { count: "5" },
        headers: expect.objectContaining({ authorization: "[REDACTED]" }),
        status: 200,
      });
      expect(logged[2]).toMatchObject({ method: "PATCH", body: { description: "x" }, status: 404 });
      expect(logged[3]).toMatchObject({
        query: { access_token: "[REDACTED]" },
        headers: expect.objectContaining({ "x-token": "[REDACTED]", "x-static": "[REDACTED]" }),
      });
      expect(logged[4].body).toEqual({
        botName: "x",
        note: "[REDACTED] [REDACTED]",
        refresh_token: "[REDACTED]",
      });
      const text = JSON.stringify(sandbox.requests);
      for (const secret of [
        token,
        fields.assertion as string,
        app.clientSecret,
        "static-token-in-the-log-xyz",
      ]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await sandbox.stop();
    }
  });
});

describe("LINE WORKS sandbox secrecy", () => {
  // Runs last: every request logged by every sandbox above, and every state file written.
  it("never put a client secret, assertion or token in a request log or state file", () => {
    expect(secretsSeen.length).toBeGreaterThan(20);
    leaks.expectNoLeaks();
  });
});

// ---- helpers used above -------------------------------------------------------------------------

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function claimsOf(testApp: TestApp): Record<string, unknown> {
  const now = nowSeconds();
  return { iss: testApp.clientId, sub: testApp.serviceAccount, iat: now, exp: now + 3600 };
}

/** The JWT with its claims changed but its signature kept. */
function tamper(jwt: string, changes: Record<string, unknown>): string {
  const [header, claims, signature] = jwt.split(".");
  const changed = { ...JSON.parse(Buffer.from(claims, "base64url").toString()), ...changes };
  return remember(`${header}.${Buffer.from(JSON.stringify(changed)).toString("base64url")}.${signature}`);
}

/** The JWT with standard base64 padding on its signature. */
function padded(jwt: string): string {
  const signature = jwt.split(".")[2];
  return remember(`${jwt}${"=".repeat((4 - (signature.length % 4)) % 4 || 1)}`);
}

describe("LINE WORKS sandbox readings of the documented answers (docs/vendors/lineworks.md)", () => {
  it("says why it sends each error answer: a documented fixture, or a named reading of one", async () => {
    const { sandbox, api } = await startSandbox();
    try {
      await api.get(botPath(2999999));
      await api.request("DELETE", "/bots");
      expect(sandbox.requests.slice(-2).map((r) => r.basis)).toEqual([
        { documented: "lineworks.notFound" },
        { assumed: "method not allowed" },
      ]);
    } finally {
      await sandbox.stop();
    }
  });

  it("notFoundAnswer BOT_NOT_EXIST: {RESOURCE}_NOT_EXIST for a bot and for a registration", async () => {
    const { sandbox, api } = await startSandbox({ notFoundAnswer: "BOT_NOT_EXIST" });
    try {
      const bot = await createBot(api, "gone");
      expect(status(await api.delete(domainPath(bot.botId, 10000001)))).toEqual(
        apiError(404, "BOT_DOMAIN_NOT_EXIST"),
      );
      expect((await api.delete(botPath(bot.botId))).status).toBe(204);
      for (const answer of [
        await api.get(botPath(bot.botId)),
        await api.get(`${botPath(bot.botId)}/domains`),
      ]) {
        expect(status(answer)).toEqual(apiError(404, "BOT_NOT_EXIST"));
      }
      expect(sandbox.requests.at(-1)?.basis).toEqual({
        reading: "notFoundAnswer BOT_NOT_EXIST (BOT_NOT_EXIST)",
      });
    } finally {
      await sandbox.stop();
    }
  });

  it("notFoundAnswer DELETED: 410 DELETED for what was deleted, 404 NOT_FOUND for what never was", async () => {
    const { sandbox, api } = await startSandbox({ notFoundAnswer: "DELETED" });
    try {
      const bot = await createBot(api, "deleted");
      expect((await api.post(domainPath(bot.botId, 10000001), {})).status).toBe(201);
      expect((await api.delete(domainPath(bot.botId, 10000001))).status).toBe(204);
      expect(status(await api.delete(domainPath(bot.botId, 10000001)))).toEqual(apiError(410, "DELETED"));
      expect(status(await api.patch(domainPath(bot.botId, 10000002), {}))).toEqual(
        apiError(404, "NOT_FOUND"),
      );
      // Registered again: no longer deleted.
      expect((await api.post(domainPath(bot.botId, 10000001), {})).status).toBe(201);
      sandbox.removeBot(bot.botId);
      for (const answer of [
        await api.get(botPath(bot.botId)),
        await api.delete(botPath(bot.botId)),
        await api.get(`${botPath(bot.botId)}/domains`),
      ]) {
        expect(status(answer)).toEqual(apiError(410, "DELETED"));
      }
      expect(status(await api.get(botPath(2999999)))).toEqual(apiError(404, "NOT_FOUND"));
    } finally {
      await sandbox.stop();
    }
  });

  it("alreadyExistAnswer BOT_DOMAIN_ALREADY_EXIST: {RESOURCE}_ALREADY_EXIST for a second registration", async () => {
    const { sandbox, api } = await startSandbox({ alreadyExistAnswer: "BOT_DOMAIN_ALREADY_EXIST" });
    try {
      const bot = await createBot(api, "twice");
      expect((await api.post(domainPath(bot.botId, 10000001), {})).status).toBe(201);
      expect(status(await api.post(domainPath(bot.botId, 10000001), {}))).toEqual(
        apiError(409, "BOT_DOMAIN_ALREADY_EXIST"),
      );
      expect(sandbox.requests.at(-1)?.basis).toEqual({
        reading: "alreadyExistAnswer BOT_DOMAIN_ALREADY_EXIST (BOT_DOMAIN_ALREADY_EXIST)",
      });
    } finally {
      await sandbox.stop();
    }
  });

  it("refuses an unknown reading", async () => {
    await expect(
      startLineWorksSandbox({ apps: [], staticTokens: ["t"], notFoundAnswer: "GONE" as never }),
    ).rejects.toThrow("notFoundAnswer must be one of NOT_FOUND, BOT_NOT_EXIST, DELETED");
  });
});

describe("lineworks sandbox CLI: the readings' flags", () => {
  test("parse into the sandbox options, and a value outside the readings is refused", () => {
    const options = parseArguments([
      "lineworks",
      ...["--not-found-answer", "DELETED", "--already-exist-answer", "BOT_DOMAIN_ALREADY_EXIST"],
    ]);
    expect(options).toMatchObject({
      notFoundAnswer: "DELETED",
      alreadyExistAnswer: "BOT_DOMAIN_ALREADY_EXIST",
    });
    expect(() => parseArguments(["lineworks", "--not-found-answer", "GONE"])).toThrow(
      "--not-found-answer must be NOT_FOUND, BOT_NOT_EXIST, DELETED",
    );
  });
});
