/**
 * The DeadSimpleChat sandbox over real HTTP on loopback (fetch): auth by the `auth` query
 * parameter, the bot endpoints with their documented bodies and validation, name uniqueness, the
 * per-room endpoints, the list modes, faults, rate limiting, persistence and the command line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DeadSimpleChatMessage,
  startDeadSimpleChatSandbox,
  type DeadSimpleChatBot,
  type DeadSimpleChatSandbox,
  type DeadSimpleChatSandboxOptions,
} from "../../sandbox";
import { parseArguments } from "../../sandbox/cli";
import { startSandboxServer } from "../../sandbox/http";
import {
  expectBurstLimited,
  expectCliExit,
  expectForeignPage,
  expectLatency,
  expectLoggedSince,
  expectUnreadableStateFilesRefused,
  expectZeroLimitLifted,
  FetchClient,
  fileMode,
  LeakWatch,
  queryKey,
  sleep,
  useSandboxCli,
  useStateDirectory,
  waitUntil,
} from "./sandbox-kit";

/** Every key a test generated, and every answer and sandbox seen: the last test checks none leaked. */
const leaks = new LeakWatch();
const newKey = () => leaks.newSecret();

/** A fetch client for one sandbox and key (undefined: no `auth` parameter); `leaks` keeps its answers. */
class Client extends FetchClient {
  constructor(baseUrl: string, key: string | undefined) {
    super(baseUrl, queryKey("auth", key), leaks.answers);
  }
}

function botBody(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, webhookURL: "https://example.com/hooks/bot", ...overrides };
}

const botPath = (botId: string) => `/bot/${encodeURIComponent(botId)}`;
const roomPath = (botId: string, roomId: string, action: "enable" | "disable") =>
  `${botPath(botId)}/chatroom/${encodeURIComponent(roomId)}/${action}`;
const originOf = (sandbox: DeadSimpleChatSandbox) => sandbox.url.replace(/\/consumer\/api\/v2$/, "");

async function startSandbox(
  options: Partial<DeadSimpleChatSandboxOptions> = {},
): Promise<{ sandbox: DeadSimpleChatSandbox; api: Client; apiKey: string }> {
  const apiKey = options.apiKey ?? newKey();
  const sandbox = await startDeadSimpleChatSandbox({ rateLimit: false, ...options, apiKey });
  leaks.watch(sandbox);
  return { sandbox, api: new Client(sandbox.url, apiKey), apiKey };
}

/** Creates a bot and returns it (the test fails if the create does not answer 200). */
async function createBot(api: Client, name: string, overrides: Record<string, unknown> = {}) {
  const created = await api.post("/bot", botBody(name, overrides));
  expect(created.status).toBe(200);
  return created.body.bot as DeadSimpleChatBot;
}

const UNKNOWN_ID = "0123456789abcdef01234567";

/** One request per documented endpoint, for a bot id and room id. */
const ENDPOINTS = [
  ["create", (api: Client) => api.post("/bot", botBody("auth probe"))],
  ["list", (api: Client) => api.get("/bots")],
  ["update", (api: Client, botId: string) => api.put(botPath(botId), { description: "d" })],
  ["enable", (api: Client, botId: string) => api.post(`${botPath(botId)}/enable`)],
  ["disable", (api: Client, botId: string) => api.post(`${botPath(botId)}/disable`)],
  ["room enable", (api: Client, botId: string) => api.post(roomPath(botId, "room1", "enable"))],
  ["room disable", (api: Client, botId: string) => api.post(roomPath(botId, "room1", "disable"))],
] as const;

describe("DeadSimpleChat sandbox", () => {
  let sandbox: DeadSimpleChatSandbox;
  let api: Client;
  let apiKey: string;
  let counter = 0;
  /** A bot name no other test uses. */
  const uniqueName = (prefix = "bot") => `${prefix} ${++counter}`;

  beforeAll(async () => {
    ({ sandbox, api, apiKey } = await startSandbox());
  });
  afterAll(() => sandbox.stop());
  afterEach(() => sandbox.faults.clear());

  describe("auth", () => {
    let botId: string;
    beforeAll(async () => {
      botId = (await createBot(api, uniqueName("auth")))._id;
    });

    it("listens on loopback under the documented base path", () => {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/consumer\/api\/v2$/);
    });

    it.each(ENDPOINTS)("%s: a missing or empty key answers 400 'Please specify API Key'", async (_, call) => {
      const before = sandbox.bots();
      for (const client of [new Client(sandbox.url, undefined), new Client(sandbox.url, "")]) {
        const answer = await call(client, botId);
        expect({ status: answer.status, body: answer.body }).toEqual({
          status: 400,
          body: { message: "Please specify API Key" },
        });
      }
      expect(sandbox.bots()).toEqual(before);
    });

    it.each([
      ["create", { message: "Invalid API Key" }], // silent: the list page's answer
      ["list", { message: "Invalid API Key" }], // documented
      ["update", { error: "Invalid API Key" }], // documented: `error`, not `message`
      ["enable", { success: false, message: DeadSimpleChatMessage.botNotFound }], // silent
      ["disable", { success: false, message: DeadSimpleChatMessage.botNotFound }], // silent
      ["room enable", { success: false, message: DeadSimpleChatMessage.roomEnableBotNotFound }], // silent
      ["room disable", { success: false, message: "Invalid API Key or Unauthorized Access" }], // documented
    ])("%s: a wrong key answers 401 %j", async (endpoint, body) => {
      const call = ENDPOINTS.find(([name]) => name === endpoint)![1];
      const before = sandbox.bots();
      const answer = await call(new Client(sandbox.url, newKey()), botId);
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 401, body });
      expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(sandbox.bots()).toEqual(before);
    });

    it("takes the key from `auth` only: another parameter name or a header is not a key", async () => {
      const anonymous = new Client(sandbox.url, undefined);
      expect((await anonymous.get("/bots", { AUTH: apiKey })).status).toBe(400);
      expect((await anonymous.get("/bots", { key: apiKey })).status).toBe(400);
      expect(sandbox.requests.at(-1)?.query).toEqual({ key: "[REDACTED]" }); // scrubbed by value
      const viaHeader = await fetch(`${sandbox.url}/bots`, { headers: { auth: apiKey } });
      expect(viaHeader.status).toBe(400);
      await viaHeader.text();
      // The first `auth` wins when it is repeated.
      const repeated = await fetch(`${sandbox.url}/bots?auth=wrong&auth=${apiKey}`);
      expect(repeated.status).toBe(401);
      leaks.answers.push({
        status: repeated.status,
        headers: {},
        text: await repeated.text(),
        body: undefined,
      });
    });

    it("redacts the key in the request log, under any case of `auth`", async () => {
      const start = sandbox.requests.length;
      await api.get("/bots", { page: "2" });
      await new Client(sandbox.url, undefined).get("/bots", { AUTH: apiKey });
      const logged = sandbox.requests.slice(start);
      expect(logged[0]).toMatchObject({ query: { auth: "[REDACTED]", page: "2" }, status: 200 });
      expect(logged[1]).toMatchObject({ query: { AUTH: "[REDACTED]" }, status: 400 });
      expect(JSON.stringify(sandbox.requests)).not.toContain(apiKey);
    });

    it("rotateApiKey: the new key is accepted and the old one is not", async () => {
      const own = await startSandbox();
      try {
        const rotated = newKey();
        own.sandbox.rotateApiKey(rotated);
        expect((await own.api.get("/bots")).status).toBe(401);
        expect((await new Client(own.sandbox.url, rotated).get("/bots")).status).toBe(200);
        expect(() => own.sandbox.rotateApiKey("")).toThrow(/non-empty/);
      } finally {
        await own.sandbox.stop();
      }
    });

    it("refuses to start without a key", async () => {
      await expect(startDeadSimpleChatSandbox({ apiKey: "" })).rejects.toThrow(/apiKey/);
    });
  });

  describe("bot lifecycle", () => {
    it("creates, lists, updates, disables and enables a bot", async () => {
      const name = uniqueName();
      const before = Date.now();
      const created = await api.post("/bot", botBody(name));
      expect(created.status).toBe(200);
      expect(created.headers["content-type"]).toBe("application/json; charset=utf-8");
      const bot = created.body.bot as DeadSimpleChatBot;
      expect(created.body).toEqual({
        success: true,
        bot: {
          _id: expect.stringMatching(/^[0-9a-f]{24}$/),
          name,
          trigger: "message",
          messageVisibility: "public",
          isAllowedInAllChatRooms: false,
          webhookURL: "https://example.com/hooks/bot",
          enabled: true,
          customer: sandbox.customer,
          created: expect.any(String),
        },
      });
      expect(sandbox.customer).toMatch(/^[0-9a-f]{24}$/);
      expect(new Date(bot.created).toISOString()).toBe(bot.created);
      expect(Date.parse(bot.created)).toBeGreaterThanOrEqual(before);
      expect(sandbox.bot(bot._id)).toEqual(bot);
      expect(sandbox.isEnabled(bot._id)).toBe(true);
      expect(sandbox.rooms(bot._id)).toEqual([]);

      const listed = await api.get("/bots");
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ success: true, bots: sandbox.bots() });
      expect(listed.body.bots).toContainEqual(bot);

      const updated = await api.put(botPath(bot._id), { description: "Helps", messageHistoryLimit: 20 });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({
        success: true,
        bot: { ...bot, description: "Helps", messageHistoryLimit: 20 },
      });

      const disabled = await api.post(`${botPath(bot._id)}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toEqual({ success: true, bot: { ...updated.body.bot, enabled: false } });
      expect(sandbox.isEnabled(bot._id)).toBe(false);
      // Disabling again is no error.
      expect((await api.post(`${botPath(bot._id)}/disable`)).body.bot.enabled).toBe(false);

      const enabled = await api.post(`${botPath(bot._id)}/enable`);
      expect(enabled.status).toBe(200);
      expect(enabled.body).toEqual({ success: true, bot: updated.body.bot });
      expect(sandbox.isEnabled(bot._id)).toBe(true);
      expect(sandbox.isEnabled(UNKNOWN_ID)).toBeUndefined();
      expect(sandbox.bot(UNKNOWN_ID)).toBeUndefined();
    });

    it("takes every documented field at create", async () => {
      const name = uniqueName();
      const fields = {
        description: "d".repeat(1000),
        trigger: "mention",
        messageVisibility: "private",
        isAllowedInAllChatRooms: true,
        messageHistoryLimit: 0,
        webhookURL: "http://127.0.0.1:9999/hook?x=1",
        metadata: JSON.stringify({ team: "support", tags: ["a"] }),
        enabled: false,
      };
      const bot = await createBot(api, name, fields);
      expect(bot).toEqual({
        _id: expect.any(String),
        name,
        ...fields,
        customer: sandbox.customer,
        created: expect.any(String),
      });
      expect(sandbox.isEnabled(bot._id)).toBe(false);
    });

    it("updates every field, leaves omitted ones unchanged and accepts an empty body", async () => {
      const bot = await createBot(api, uniqueName(), { description: "first", metadata: "{}" });
      const empty = await api.put(botPath(bot._id), {});
      expect(empty.body).toEqual({ success: true, bot });

      const changes = {
        name: uniqueName("renamed"),
        description: "second",
        trigger: "mention",
        messageVisibility: "private",
        isAllowedInAllChatRooms: true,
        messageHistoryLimit: 5,
        webhookURL: "https://example.org/other",
        metadata: "[1,2]",
        enabled: false,
      };
      const updated = await api.put(botPath(bot._id), changes);
      expect(updated.status).toBe(200);
      expect(updated.body.bot).toEqual({ ...bot, ...changes });
      expect(sandbox.bot(bot._id)).toEqual(updated.body.bot);

      const partial = await api.put(botPath(bot._id), { messageHistoryLimit: 6 });
      expect(partial.body.bot).toEqual({ ...bot, ...changes, messageHistoryLimit: 6 });
    });
  });

  describe("chat rooms", () => {
    it("enables and disables a bot per room; only the sandbox can tell which rooms", async () => {
      const bot = await createBot(api, uniqueName());
      const enabled = await api.post(roomPath(bot._id, "x8z343Tlt", "enable"));
      expect({ status: enabled.status, body: enabled.body }).toEqual({
        status: 200,
        body: { success: true, botStatus: { status: "ENABLED" } },
      });
      await api.post(roomPath(bot._id, "bbNiVFoXm", "enable"));
      await api.post(roomPath(bot._id, "bbNiVFoXm", "enable")); // again: still enabled once
      expect(sandbox.rooms(bot._id)).toEqual(["bbNiVFoXm", "x8z343Tlt"]);

      const disabled = await api.post(roomPath(bot._id, "x8z343Tlt", "disable"));
      expect({ status: disabled.status, body: disabled.body }).toEqual({
        status: 200,
        body: { success: true, message: "Bot successfully disabled in the chat room" },
      });
      expect(sandbox.rooms(bot._id)).toEqual(["bbNiVFoXm"]);
      // silent: disabling where the bot is not enabled succeeds.
      expect((await api.post(roomPath(bot._id, "never-enabled", "disable"))).status).toBe(200);
      expect(sandbox.rooms(bot._id)).toEqual(["bbNiVFoXm"]);

      // The per-room state is independent of the global flag and is not in any API answer.
      await api.post(`${botPath(bot._id)}/disable`);
      expect(sandbox.rooms(bot._id)).toEqual(["bbNiVFoXm"]);
      expect(JSON.stringify((await api.get("/bots")).body)).not.toContain("bbNiVFoXm");
      expect(sandbox.bot(bot._id)).not.toHaveProperty("rooms");
      expect(sandbox.rooms(UNKNOWN_ID)).toBeUndefined();
    });

    it("decodes room ids in the path", async () => {
      const bot = await createBot(api, uniqueName());
      await api.post(roomPath(bot._id, "room/with space é", "enable"));
      expect(sandbox.rooms(bot._id)).toEqual(["room/with space é"]);
    });

    it("refuses rooms that do not exist when chatRooms is given, with the documented 401s", async () => {
      const own = await startSandbox({ chatRooms: ["known"] });
      try {
        const bot = await createBot(own.api, "rooms");
        expect((await own.api.post(roomPath(bot._id, "known", "enable"))).status).toBe(200);
        const enable = await own.api.post(roomPath(bot._id, "unknown", "enable"));
        expect({ status: enable.status, body: enable.body }).toEqual({
          status: 401,
          body: { success: false, message: "chatRoom not found or you do not have the permission to access" },
        });
        const disable = await own.api.post(roomPath(bot._id, "unknown", "disable"));
        expect({ status: disable.status, body: disable.body }).toEqual({
          status: 401,
          body: {
            success: false,
            message: "Bot or chat room not found, or you do not have permission to modify",
          },
        });
        expect(own.sandbox.rooms(bot._id)).toEqual(["known"]);

        own.sandbox.setChatRooms(["known", "later"]);
        expect((await own.api.post(roomPath(bot._id, "later", "enable"))).status).toBe(200);
        own.sandbox.setChatRooms(undefined);
        expect((await own.api.post(roomPath(bot._id, "anything", "enable"))).status).toBe(200);
        expect(own.sandbox.rooms(bot._id)).toEqual(["anything", "known", "later"]);
        expect(() => own.sandbox.setChatRooms([""])).toThrow(/chatRooms/);
      } finally {
        await own.sandbox.stop();
      }
    });
  });

  describe("unknown bot ids", () => {
    it.each([
      ["update", { error: "Invalid API Key" }], // silent: the same answer as a wrong key
      [
        "enable",
        { success: false, message: "bot not found, or customer does not have permission to modify the bot" },
      ],
      [
        "disable",
        { success: false, message: "bot not found, or customer does not have permission to modify the bot" },
      ],
      [
        "room enable",
        { success: false, message: "bot not found, or you do not have permission to modify the bot" },
      ],
      [
        "room disable",
        { success: false, message: "Bot or chat room not found, or you do not have permission to modify" },
      ],
    ])("%s answers 401 %j", async (endpoint, body) => {
      const call = ENDPOINTS.find(([name]) => name === endpoint)![1];
      for (const botId of [UNKNOWN_ID, "not-an-object-id", "a/b"]) {
        const answer = await call(api, botId);
        expect({ status: answer.status, body: answer.body }).toEqual({ status: 401, body });
      }
    });

    it("keeps a wrong key and an unknown bot apart only where the documented bodies differ", async () => {
      const botId = (await createBot(api, uniqueName()))._id;
      const wrong = new Client(sandbox.url, newKey());
      const distinguishable: Record<string, boolean> = {};
      for (const [name, call] of ENDPOINTS.slice(2)) {
        const badKey = await call(wrong, botId);
        const unknownBot = await call(api, UNKNOWN_ID);
        expect([badKey.status, unknownBot.status]).toEqual([401, 401]);
        distinguishable[name] = JSON.stringify(badKey.body) !== JSON.stringify(unknownBot.body);
      }
      expect(distinguishable).toEqual({
        update: false,
        enable: false,
        disable: false,
        "room enable": false,
        "room disable": true,
      });
    });
  });

  describe("create validation", () => {
    const invalidRequest = (error: string) => ({
      status: 400,
      body: { success: false, message: "invalid request", error },
    });

    it.each([
      ["no name", { name: undefined }, '"name" is required'],
      ["no webhookURL", { webhookURL: undefined }, '"webhookURL" is required'],
      ["a number name", { name: 5 }, '"name" must be a string'],
      ["an empty name", { name: "" }, '"name" is not allowed to be empty'],
      ["a blank name", { name: "  " }, '"name" is not allowed to be empty'],
      ["a null description", { description: null }, '"description" must be a string'],
      ["an empty description", { description: "" }, '"description" is not allowed to be empty'],
      [
        "a 1001-character description",
        { description: "d".repeat(1001) },
        '"description" length must be less than or equal to 1000 characters long',
      ],
      ["trigger 'always'", { trigger: "always" }, '"trigger" must be one of [message, mention]'],
      ["trigger 'Message'", { trigger: "Message" }, '"trigger" must be one of [message, mention]'],
      [
        "messageVisibility 'hidden'",
        { messageVisibility: "hidden" },
        '"messageVisibility" must be one of [public, private]',
      ],
      [
        "a string boolean",
        { isAllowedInAllChatRooms: "true" },
        '"isAllowedInAllChatRooms" must be a boolean',
      ],
      ["a number enabled", { enabled: 1 }, '"enabled" must be a boolean'],
      ["a string history limit", { messageHistoryLimit: "5" }, '"messageHistoryLimit" must be a number'],
      [
        "a fractional history limit",
        { messageHistoryLimit: 2.5 },
        '"messageHistoryLimit" must be an integer',
      ],
      [
        "a negative history limit",
        { messageHistoryLimit: -1 },
        '"messageHistoryLimit" must be greater than or equal to 0',
      ],
      [
        "an unsafe history limit",
        { messageHistoryLimit: 2 ** 60 },
        '"messageHistoryLimit" must be a safe number',
      ],
      ["a relative webhookURL", { webhookURL: "/hook" }, '"webhookURL" must be a valid uri'],
      [
        "a webhookURL with a space",
        { webhookURL: "https://exa mple.com" },
        '"webhookURL" must be a valid uri',
      ],
      ["an ftp webhookURL", { webhookURL: "ftp://example.com/x" }, '"webhookURL" must be a valid uri'],
      ["a number webhookURL", { webhookURL: 42 }, '"webhookURL" must be a string'],
      ["metadata that is not JSON", { metadata: "{oops" }, '"metadata" must be a valid JSON string'],
      ["metadata as an object", { metadata: { a: 1 } }, '"metadata" must be a string'],
      [
        "10001-character metadata",
        { metadata: JSON.stringify("m".repeat(9999)) },
        '"metadata" length must be less than or equal to 10000 characters long',
      ],
      ["an unknown field", { color: "red" }, '"color" is not allowed'],
      ["an _id", { _id: UNKNOWN_ID }, '"_id" is not allowed'],
    ])("refuses %s with 400 invalid request", async (_, overrides, error) => {
      const name = uniqueName("invalid");
      const body = botBody(name, overrides);
      const answer = await api.post("/bot", body);
      expect({ status: answer.status, body: answer.body }).toEqual(invalidRequest(error));
      expect(sandbox.bots().some((bot) => bot.name === name)).toBe(false);
    });

    it("reports every problem in one error string", async () => {
      const answer = await api.post("/bot", { description: 5, trigger: "x" });
      expect(answer.body).toEqual({
        success: false,
        message: "invalid request",
        error:
          '"name" is required. "webhookURL" is required. "description" must be a string. "trigger" must be one of [message, mention]',
      });
    });

    it("accepts the limits exactly: 1000-character description, 10000-character metadata", async () => {
      const metadata = JSON.stringify("m".repeat(9998));
      expect(metadata).toHaveLength(10000);
      await createBot(api, uniqueName(), { description: "é".repeat(1000), metadata });
    });

    it("refuses trigger message with messageVisibility private with the documented message", async () => {
      const name = uniqueName();
      const explicit = await api.post(
        "/bot",
        botBody(name, { trigger: "message", messageVisibility: "private" }),
      );
      const expected = {
        status: 400,
        body: {
          success: false,
          message:
            'Error: Bots cannot be configured to trigger on every message when message visibility is set to private. Either change the bot trigger to "mention" or set the message visibility to "public".',
        },
      };
      expect({ status: explicit.status, body: explicit.body }).toEqual(expected);
      // silent: trigger defaults to "message", so private visibility alone is refused too.
      const defaulted = await api.post("/bot", botBody(name, { messageVisibility: "private" }));
      expect({ status: defaulted.status, body: defaulted.body }).toEqual(expected);
      expect(sandbox.bots().some((bot) => bot.name === name)).toBe(false);
    });

    it.each([
      ["no Content-Type", '{"name":"x"}', undefined],
      ["a text Content-Type", '{"name":"x"}', "text/plain"],
      ["invalid JSON", "{nope", "application/json"],
      ["an empty body", "", "application/json"],
      ["a JSON array", "[]", "application/json"],
    ])("refuses a body with %s as an invalid request", async (_, raw, contentType) => {
      const answer = await api.request("POST", "/bot", { raw, contentType });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ success: false, message: "invalid request", error: expect.any(String) });
    });

    it("refuses a body over 100 KiB with 413", async () => {
      const answer = await api.post("/bot", botBody(uniqueName(), { description: "x".repeat(100 * 1024) }));
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 413,
        body: { message: "request entity too large" },
      });
    });
  });

  describe("update validation", () => {
    const validationError = (details: unknown[]) => ({
      status: 400,
      body: { success: false, message: "Validation error", details },
    });

    it.each([
      ["a number name", { name: 1 }, "name", "string.base", '"name" must be a string'],
      [
        "a long description",
        { description: "x".repeat(1001) },
        "description",
        "string.max",
        '"description" length must be less than or equal to 1000 characters long',
      ],
      [
        "a bad webhookURL",
        { webhookURL: "not a url" },
        "webhookURL",
        "string.uri",
        '"webhookURL" must be a valid uri',
      ],
      ["a null metadata", { metadata: null }, "metadata", "string.base", '"metadata" must be a string'],
      [
        "an empty description",
        { description: "" },
        "description",
        "string.empty",
        '"description" is not allowed to be empty',
      ],
      [
        "a bad trigger",
        { trigger: "both" },
        "trigger",
        "any.only",
        '"trigger" must be one of [message, mention]',
      ],
      ["a customer", { customer: "c" }, "customer", "object.unknown", '"customer" is not allowed'],
    ])(
      "refuses %s with the Validation error shape and changes nothing",
      async (_, body, field, type, message) => {
        const bot = await createBot(api, uniqueName());
        const answer = await api.put(botPath(bot._id), body);
        expect({ status: answer.status, body: answer.body }).toEqual(
          validationError([{ message, path: [field], type }]),
        );
        expect(sandbox.bot(bot._id)).toEqual(bot);
      },
    );

    it("validates the body before looking the bot up", async () => {
      const answer = await api.put(botPath(UNKNOWN_ID), { enabled: "yes" });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe("Validation error");
    });

    it("refuses a body that is not a JSON object with the Validation error shape", async () => {
      const bot = await createBot(api, uniqueName());
      const answer = await api.request("PUT", botPath(bot._id), {
        raw: "[1]",
        contentType: "application/json",
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        success: false,
        message: "Validation error",
        details: [{ message: expect.any(String), path: [], type: "object.base" }],
      });
    });

    it("checks trigger and visibility on the merged state", async () => {
      const conflict = {
        success: false,
        message: DeadSimpleChatMessage.triggerVisibilityConflict,
      };
      const bot = await createBot(api, uniqueName()); // trigger message, visibility public
      const onlyVisibility = await api.put(botPath(bot._id), { messageVisibility: "private" });
      expect({ status: onlyVisibility.status, body: onlyVisibility.body }).toEqual({
        status: 400,
        body: conflict,
      });
      expect(sandbox.bot(bot._id)).toEqual(bot);

      const both = await api.put(botPath(bot._id), { trigger: "mention", messageVisibility: "private" });
      expect(both.status).toBe(200);
      const backToMessage = await api.put(botPath(bot._id), { trigger: "message" });
      expect({ status: backToMessage.status, body: backToMessage.body }).toEqual({
        status: 400,
        body: conflict,
      });
      expect(sandbox.bot(bot._id)?.trigger).toBe("mention");
    });
  });

  describe("name uniqueness", () => {
    const conflict = { status: 400, body: { success: false, message: DeadSimpleChatMessage.nameConflict } };

    it("refuses a duplicate name on create, in any case, and keeps the first bot", async () => {
      const name = uniqueName("Unique");
      const first = await createBot(api, name);
      for (const duplicate of [name, name.toUpperCase(), name.toLowerCase()]) {
        const answer = await api.post("/bot", botBody(duplicate, { trigger: "mention" }));
        expect({ status: answer.status, body: answer.body }).toEqual(conflict);
      }
      expect(sandbox.bots().filter((bot) => bot.name.toLowerCase() === name.toLowerCase())).toEqual([first]);
    });

    it("refuses a rename onto another bot's name, allows keeping or re-casing its own", async () => {
      const taken = await createBot(api, uniqueName("Taken"));
      const bot = await createBot(api, uniqueName("Mine"));
      const answer = await api.put(botPath(bot._id), { name: taken.name.toLowerCase(), description: "x" });
      expect({ status: answer.status, body: answer.body }).toEqual(conflict);
      expect(sandbox.bot(bot._id)).toEqual(bot);

      expect((await api.put(botPath(bot._id), { name: bot.name })).status).toBe(200);
      const recased = await api.put(botPath(bot._id), { name: bot.name.toUpperCase() });
      expect(recased.body.bot.name).toBe(bot.name.toUpperCase());
    });

    it("with duplicateNamesAllowed, create takes a taken name but a rename onto one is still refused", async () => {
      const own = await startSandbox({ duplicateNamesAllowed: true });
      try {
        const first = await createBot(own.api, "Same");
        const second = await createBot(own.api, "Same");
        expect(second._id).not.toBe(first._id);
        const other = await createBot(own.api, "Other");
        const rename = await own.api.put(botPath(other._id), { name: "same" });
        expect({ status: rename.status, body: rename.body }).toEqual(conflict);
        // Updating a bot that shares its name, without renaming it, is fine.
        expect((await own.api.put(botPath(first._id), { name: "Same", description: "d" })).status).toBe(200);
        expect(own.sandbox.bots().map((bot) => bot.name)).toEqual(["Same", "Same", "Other"]);
      } finally {
        await own.sandbox.stop();
      }
    });
  });

  describe("list", () => {
    it("returns every bot in one answer, in creation order, ignoring paging parameters", async () => {
      const own = await startSandbox();
      try {
        const names = Array.from({ length: 30 }, (_, i) => `list ${i}`);
        for (const name of names) await createBot(own.api, name);
        const all = await own.api.get("/bots", { page: "2", limit: "5", skip: "10" });
        expect(all.status).toBe(200);
        expect(Object.keys(all.body).sort()).toEqual(["bots", "success"]);
        expect(all.body.bots.map((bot: DeadSimpleChatBot) => bot.name)).toEqual(names);
        expect(all.body.bots).toEqual(own.sandbox.bots());
      } finally {
        await own.sandbox.stop();
      }
    });

    it("answers an empty list for an account without bots", async () => {
      const own = await startSandbox();
      try {
        expect((await own.api.get("/bots")).body).toEqual({ success: true, bots: [] });
      } finally {
        await own.sandbox.stop();
      }
    });

    it("with listOmitsOptionalFields, lists only the documented list fields", async () => {
      const own = await startSandbox({ listOmitsOptionalFields: true });
      try {
        const bot = await createBot(own.api, "full", {
          description: "d",
          trigger: "mention",
          messageVisibility: "private",
          messageHistoryLimit: 3,
          metadata: "{}",
        });
        expect(bot).toMatchObject({ description: "d", trigger: "mention", metadata: "{}" }); // create: whole
        const listed = await own.api.get("/bots");
        expect(listed.body).toEqual({
          success: true,
          bots: [
            {
              _id: bot._id,
              name: "full",
              webhookURL: bot.webhookURL,
              isAllowedInAllChatRooms: false,
              enabled: true,
              customer: own.sandbox.customer,
              created: bot.created,
            },
          ],
        });
        expect(own.sandbox.bot(bot._id)).toEqual(bot); // the sandbox still holds every field
        expect((await own.api.put(botPath(bot._id), {})).body.bot).toEqual(bot);
      } finally {
        await own.sandbox.stop();
      }
    });
  });

  describe("routing", () => {
    it.each([
      ["GET", "/bot/0123456789abcdef01234567"], // no get-one endpoint is documented
      ["DELETE", "/bot/0123456789abcdef01234567"], // no delete endpoint is documented
      ["GET", "/bot"],
      ["POST", "/bots"],
      ["PATCH", "/bot/x"],
      ["GET", "/bots/"],
      ["POST", "/bot/x/enable/now"],
      ["POST", "/bot/x/chatroom/r/message"],
      ["POST", "/bot/x/chatroom/r"],
      ["GET", "/Bots"],
    ])("answers %s %s with Express's 404 page, before auth", async (method, urlPath) => {
      for (const client of [api, new Client(sandbox.url, undefined)]) {
        const answer = await client.request(method, urlPath);
        expect(answer.status).toBe(404);
        expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
        expect(answer.text).toContain(`<pre>Cannot ${method} /consumer/api/v2${urlPath}</pre>`);
      }
    });

    it("answers 404 outside the base path and escapes the path in the page", async () => {
      const answer = await new Client(originOf(sandbox), apiKey).get("/consumer/api/v1/<b>");
      expect(answer.status).toBe(404);
      expect(answer.text).toContain("<pre>Cannot GET /consumer/api/v1/%3Cb%3E</pre>");
    });

    it("does not echo a key the client put in the path", async () => {
      const answer = await api.get(`/bots/${apiKey}`);
      expect(answer.status).toBe(404);
      expect(answer.text).toContain("<pre>Cannot GET /consumer/api/v2/bots/[REDACTED]</pre>");
      expect(sandbox.requests.at(-1)?.path).toBe("/consumer/api/v2/bots/[REDACTED]");
    });
  });

  describe("faults", () => {
    it("answers an injected 503 with a { message } body and Retry-After, without touching state", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "status", status: 503, retryAfterSeconds: 2 }, method: "POST" });
      const answer = await api.post("/bot", botBody(name));
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 503,
        body: { message: "Service Unavailable" },
      });
      expect(answer.headers["retry-after"]).toBe("2");
      expect(sandbox.bots().some((bot) => bot.name === name)).toBe(false);
      expect(sandbox.requests.at(-1)).toMatchObject({
        method: "POST",
        path: "/consumer/api/v2/bot",
        status: 503,
      });
    });

    it("renders an injected 401 as the endpoint's bad-key answer and a 429 as the limiter's", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 401 }, method: "PUT" });
      const update = await api.put(botPath(UNKNOWN_ID), {});
      expect({ status: update.status, body: update.body }).toEqual({
        status: 401,
        body: { error: "Invalid API Key" },
      });

      sandbox.faults.inject({ fault: { kind: "status", status: 429, retryAfterSeconds: 3 } });
      const limited = await api.get("/bots");
      expect({ status: limited.status, body: limited.body }).toEqual({
        status: 429,
        body: { message: "Too many requests, please try again later." },
      });
      expect(limited.headers["retry-after"]).toBe("3");
      expect(sandbox.rateLimited()).toBe(0); // injected, not the limiter's

      sandbox.faults.inject({ fault: { kind: "status", status: 404 } });
      expect((await api.get("/bots")).text).toContain("Cannot GET /consumer/api/v2/bots");
    });

    it("drops the connection: the client sees an error and nothing is stored", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "drop" }, method: "POST", path: "/consumer/api/v2/bot" });
      await expect(api.post("/bot", botBody(name))).rejects.toThrow();
      expect(sandbox.bots().some((bot) => bot.name === name)).toBe(false);
      expect(sandbox.requests.at(-1)?.status).toBeUndefined();
    });

    it("loses the response: the bot IS stored and a naive retry collides on the name", async () => {
      const name = uniqueName();
      sandbox.faults.inject({
        fault: { kind: "lose-response" },
        method: "POST",
        path: "/consumer/api/v2/bot",
      });
      await expect(api.post("/bot", botBody(name))).rejects.toThrow();
      expect(sandbox.bots().filter((bot) => bot.name === name)).toHaveLength(1);
      const retry = await api.post("/bot", botBody(name));
      expect({ status: retry.status, body: retry.body }).toEqual({
        status: 400,
        body: { success: false, message: DeadSimpleChatMessage.nameConflict },
      });
      // The way back: find the bot by name in the list.
      const listed = (await api.get("/bots")).body.bots as DeadSimpleChatBot[];
      expect(listed.filter((bot) => bot.name === name)).toHaveLength(1);
    });

    it("commits, then answers the injected status", async () => {
      const bot = await createBot(api, uniqueName());
      sandbox.faults.inject({ fault: { kind: "commit-then-status", status: 500 }, method: "POST" });
      const answer = await api.post(`${botPath(bot._id)}/disable`);
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 500,
        body: { message: "Internal Server Error" },
      });
      expect(sandbox.isEnabled(bot._id)).toBe(false);
      expect(sandbox.requests.at(-1)?.status).toBe(500);
    });

    it("resets the connection, then commits delayMs later", async () => {
      const bot = await createBot(api, uniqueName());
      sandbox.faults.inject({ fault: { kind: "reset-then-commit", delayMs: 200 }, method: "POST" });
      await expect(api.post(roomPath(bot._id, "late", "enable"))).rejects.toThrow();
      expect(sandbox.rooms(bot._id)).toEqual([]);
      await waitUntil(() => sandbox.rooms(bot._id)?.length === 1);
      expect(sandbox.rooms(bot._id)).toEqual(["late"]);
    });

    it("answers a foreign page without touching state", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "foreign", status: 502 }, path: "/consumer/api/v2/bot" });
      expectForeignPage(await api.post("/bot", botBody(name)), 502);
      expect(sandbox.bots().some((bot) => bot.name === name)).toBe(false);
    });

    it("applies faults before auth, and only to matching requests", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 502 }, path: /\/enable$/, times: 2 });
      expect((await api.get("/bots")).status).toBe(200);
      expect((await new Client(sandbox.url, undefined).post(`${botPath(UNKNOWN_ID)}/enable`)).status).toBe(
        502,
      );
      expect(sandbox.faults.pending()).toBe(1);
    });

    it("can be controlled over HTTP with the `auth` parameter, without being logged", async () => {
      const logged = sandbox.requests.length;
      const control = new Client(`${originOf(sandbox)}/__sandbox`, apiKey);
      const refused = await new Client(`${originOf(sandbox)}/__sandbox`, newKey()).get("/faults");
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 401,
        body: { message: "Invalid API Key" },
      });
      expect((await new Client(`${originOf(sandbox)}/__sandbox`, undefined).get("/faults")).status).toBe(400);

      const injected = await control.post("/faults", {
        fault: { kind: "status", status: 503 },
        path: "/consumer/api/v2/bots",
      });
      expect(injected.body).toEqual({ pending: 1 });
      expect((await api.get("/bots")).status).toBe(503);

      const bot = await createBot(api, uniqueName());
      await api.post(roomPath(bot._id, "r1", "enable"));
      const state = await control.get("/bots");
      expect(state.body).toEqual({
        customer: sandbox.customer,
        bots: sandbox.bots(),
        rooms: expect.objectContaining({ [bot._id]: ["r1"] }),
      });
      expectLoggedSince(sandbox, logged, 3);
    });
  });

  describe("request log", () => {
    it("records method, raw path, redacted query, body and final status in order", async () => {
      const start = sandbox.requests.length;
      await api.put(botPath("no such bot"), { description: "x" });
      await api.get("/bots");
      expect(sandbox.requests.slice(start)).toEqual([
        expect.objectContaining({
          method: "PUT",
          path: "/consumer/api/v2/bot/no%20such%20bot",
          query: { auth: "[REDACTED]" },
          body: { description: "x" },
          status: 401,
        }),
        expect.objectContaining({
          method: "GET",
          path: "/consumer/api/v2/bots",
          query: { auth: "[REDACTED]" },
          status: 200,
        }),
      ]);
    });
  });
});

describe("DeadSimpleChat sandbox rate limiting", () => {
  it("answers 429 over the limit with Retry-After, counts refusals and recovers", async () => {
    const { sandbox, api } = await startSandbox({ rateLimit: { requestsPerSecond: 3 } });
    try {
      const refused = await expectBurstLimited(sandbox, 3, 10, () => api.get("/bots"));
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0].body).toEqual({ message: "Too many requests, please try again later." });
      expect(refused[0].headers["retry-after"]).toBe("1");

      await sleep(1000);
      expect((await api.get("/bots")).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  }, 15_000);

  it("applies a default limit of 5 requests per second (silent)", async () => {
    const apiKey = newKey();
    const sandbox = await startDeadSimpleChatSandbox({ apiKey });
    leaks.watch(sandbox);
    try {
      const api = new Client(sandbox.url, apiKey);
      await expectBurstLimited(sandbox, 5, 12, () => api.get("/bots"));
    } finally {
      await sandbox.stop();
    }
  });

  it("does not count requests that fail auth or name no endpoint; takes a new limit at run time", async () => {
    const { sandbox, api } = await startSandbox({ rateLimit: { requestsPerSecond: 0 } });
    try {
      expect((await new Client(sandbox.url, newKey()).get("/bots")).status).toBe(401);
      expect((await new Client(sandbox.url, undefined).get("/bots")).status).toBe(400);
      expect((await api.get("/nothing")).status).toBe(404);
      expect(sandbox.rateLimited()).toBe(0);
      await expectZeroLimitLifted(sandbox, () => api.get("/bots"));
    } finally {
      await sandbox.stop();
    }
  });
});

describe("DeadSimpleChat sandbox latency", () => {
  it("delays API requests by latencyMs, changeable at run time; control requests are not delayed", async () => {
    const { sandbox, api, apiKey } = await startSandbox({ latencyMs: 250 });
    try {
      await expectLatency(
        sandbox,
        {
          api: () => api.get("/bots"),
          control: () => new Client(`${originOf(sandbox)}/__sandbox`, apiKey).get("/faults"),
        },
        { slowMs: 240, fastMs: 240 },
      );
    } finally {
      await sandbox.stop();
    }
  });
});

describe("DeadSimpleChat sandbox state file", () => {
  const temporary = useStateDirectory();

  it("reloads bots, rooms and the customer id, rewriting the file (mode 0600, no key) on every mutation", async () => {
    const { stateFile } = temporary;
    const first = await startSandbox({ stateFile });
    let created: DeadSimpleChatBot;
    try {
      expect(fs.existsSync(stateFile)).toBe(false); // a missing file means "no bots"
      created = await createBot(first.api, "persisted one", { metadata: '{"a":1}' });
      await createBot(first.api, "persisted two");
      await first.api.post(roomPath(created._id, "r2", "enable"));
      await first.api.post(roomPath(created._id, "r1", "enable"));
      expect(fileMode(stateFile)).toBe(0o600);
      expect(fs.readFileSync(stateFile, "utf8")).not.toContain(first.apiKey);
    } finally {
      await first.sandbox.stop();
    }

    const second = await startSandbox({ stateFile });
    try {
      expect(second.sandbox.customer).toBe(first.sandbox.customer);
      expect(second.sandbox.bots().map((bot) => bot.name)).toEqual(["persisted one", "persisted two"]);
      expect(second.sandbox.bot(created._id)).toEqual(created);
      expect(second.sandbox.rooms(created._id)).toEqual(["r1", "r2"]);
      // Names stay unique across the restart.
      expect((await second.api.post("/bot", botBody("persisted two"))).status).toBe(400);

      await second.api.put(botPath(created._id), { description: "changed" });
      await second.api.post(`${botPath(created._id)}/disable`);
      await second.api.post(roomPath(created._id, "r2", "disable"));
      const onDisk = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(onDisk.version).toBe(1);
      expect(onDisk.customer).toBe(first.sandbox.customer);
      expect(onDisk.bots[0]).toEqual({
        bot: { ...created, description: "changed", enabled: false },
        rooms: ["r1"],
      });
      expect(fs.readdirSync(temporary.directory)).toEqual(["state.json"]); // no temporary files left behind
      expect(fileMode(stateFile)).toBe(0o600);
    } finally {
      await second.sandbox.stop();
    }
  });

  it("refuses to start on a state file it cannot read", () =>
    expectUnreadableStateFilesRefused(
      temporary.stateFile,
      (stateFile) => startDeadSimpleChatSandbox({ apiKey: newKey(), stateFile }),
      '{"version":1,"customer":"c","bots":[{}]}',
    ));
});

describe("sandbox server secrets in the request log", () => {
  const start = (options: { secretQueryParams?: string[]; secretValues?: () => readonly string[] }) =>
    startSandboxServer({
      secretHeaders: [],
      ...options,
      handle: () => ({ status: 200, body: {} }),
      renderStatusFault: (fault) => ({ status: fault.status }),
      renderInternalError: () => ({ status: 500 }),
      authorizeControl: () => undefined,
    });

  it("redacts the named query parameters, in any case, and nothing else", async () => {
    const server = await start({ secretQueryParams: ["token"] });
    try {
      await (await fetch(`${server.origin}/x?token=one&Token=two&other=three`)).text();
      expect(server.requests[0].query).toEqual({ token: "[REDACTED]", Token: "[REDACTED]", other: "three" });
    } finally {
      await server.stop();
    }
  });

  it("scrubs secret values from the path, query, headers and body, whatever carries them", async () => {
    const secret = `${newKey()}/+ é`;
    const secrets = [secret];
    const server = await start({ secretValues: () => secrets });
    try {
      const query = new URLSearchParams({ key: secret, [secret]: "name", x: `a${secret}b` });
      await (
        await fetch(`${server.origin}/bot/${encodeURIComponent(secret)}?${query}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Key": `Bearer ${secret}` },
          body: JSON.stringify({ nested: [{ [secret]: secret }], text: `before ${secret} after` }),
        })
      ).text();
      await (await fetch(`${server.origin}/plain`, { method: "POST", body: `key=${secret}` })).text();
      expect(server.requests[0]).toMatchObject({
        path: "/bot/[REDACTED]",
        query: { key: "[REDACTED]", "[REDACTED]": "name", x: "a[REDACTED]b" },
        headers: { "x-key": "Bearer [REDACTED]" },
        body: { nested: [{ "[REDACTED]": "[REDACTED]" }], text: "before [REDACTED] after" },
      });
      expect(server.requests[1].body).toBe("key=[REDACTED]");
      expect(JSON.stringify(server.requests)).not.toContain(secret);
      expect(JSON.stringify(server.requests)).not.toContain(encodeURIComponent(secret));
    } finally {
      await server.stop();
    }
  });
});

describe("DeadSimpleChat sandbox CLI", () => {
  const runCli = useSandboxCli({ DEADSIMPLECHAT_API_KEY: undefined, SENDBIRD_API_TOKEN: undefined });

  it("starts, prints one JSON line, serves requests with its flags and exits 0 on SIGTERM", async () => {
    const apiKey = newKey();
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dsc-cli-state-"));
    const stateFile = path.join(directory, "state.json");
    const run = runCli(
      [
        "deadsimplechat",
        ...["--port", "0", "--no-rate-limit", "--state-file", stateFile],
        ...["--list-omits-optional-fields", "--chat-rooms", "room1,room2"],
      ],
      { DEADSIMPLECHAT_API_KEY: apiKey },
    );
    try {
      const announcement = JSON.parse(await run.firstLine);
      expect(announcement).toEqual({
        platform: "deadsimplechat",
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/consumer\/api\/v2$/),
      });
      const api = new Client(announcement.url, apiKey);
      const bot = (await api.post("/bot", botBody("from cli", { description: "d" }))).body.bot;
      expect((await api.get("/bots")).body.bots[0]).not.toHaveProperty("description");
      expect((await api.post(roomPath(bot._id, "room2", "enable"))).status).toBe(200);
      expect((await api.post(roomPath(bot._id, "room3", "enable"))).status).toBe(401);
      expect((await new Client(announcement.url, newKey()).get("/bots")).status).toBe(401);
    } finally {
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
    }
    const { stdout, stderr } = run.output();
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stdout + stderr).not.toContain(apiKey);
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
    expect(state.bots[0]).toMatchObject({ bot: { name: "from cli", description: "d" }, rooms: ["room2"] });
    fs.rmSync(directory, { recursive: true, force: true });
  }, 20_000);

  it("applies --rate-limit, --latency-ms and --duplicate-names-allowed", async () => {
    const apiKey = newKey();
    const run = runCli(
      ["deadsimplechat", "--rate-limit", "0", "--latency-ms", "100", "--duplicate-names-allowed"],
      { DEADSIMPLECHAT_API_KEY: apiKey },
    );
    try {
      const { url } = JSON.parse(await run.firstLine);
      const started = Date.now();
      const answer = await new Client(url, apiKey).get("/bots");
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(answer.status).toBe(429);
    } finally {
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
    }
  }, 20_000);

  it("refuses to start without DEADSIMPLECHAT_API_KEY, even with SENDBIRD_API_TOKEN set", async () => {
    const run = runCli(["deadsimplechat"], { SENDBIRD_API_TOKEN: newKey() });
    await expectCliExit(run, 1, "DEADSIMPLECHAT_API_KEY is not set");
  }, 20_000);

  it("rejects a bad flag with exit code 2 and the platform's usage", async () => {
    const run = runCli(["deadsimplechat", "--bad-token-status", "401"], { DEADSIMPLECHAT_API_KEY: newKey() });
    await expectCliExit(
      run,
      2,
      'unknown argument "--bad-token-status"',
      ...["--rate-limit N", "--duplicate-names-allowed", "--list-omits-optional-fields", "--chat-rooms"],
      "DEADSIMPLECHAT_API_KEY",
    );
  }, 20_000);

  it("parses the deadsimplechat flags, keeping the sendbird form unchanged", () => {
    expect(
      parseArguments([
        "deadsimplechat",
        ...["--port", "8080", "--state-file", "s.json", "--rate-limit", "7", "--latency-ms", "5"],
        ...["--duplicate-names-allowed", "--list-omits-optional-fields", "--chat-rooms", "a,b"],
        ...["--create-name-conflict", "heading", "--update-resets-omitted-fields"],
        "--answers-omit-optional-fields",
      ]),
    ).toEqual({
      platform: "deadsimplechat",
      port: 8080,
      stateFile: "s.json",
      rateLimit: { requestsPerSecond: 7 },
      latencyMs: 5,
      duplicateNamesAllowed: true,
      listOmitsOptionalFields: true,
      createNameConflict: "heading",
      updateResetsOmittedFields: true,
      answersOmitOptionalFields: true,
      chatRooms: ["a", "b"],
    });
    expect(() => parseArguments(["deadsimplechat", "--create-name-conflict", "other"])).toThrow(
      "--create-name-conflict must be update-page, heading",
    );
    expect(parseArguments(["deadsimplechat", "--no-rate-limit"])).toEqual({
      platform: "deadsimplechat",
      port: 0,
      rateLimit: false,
    });
    expect(parseArguments(["sendbird", "--rate-limit", "1,2"])).toEqual({
      platform: "sendbird",
      port: 0,
      rateLimit: { getPerSecond: 1, mutatePerSecond: 2 },
    });
  });

  it.each([
    [["--rate-limit", "1,2"], /--rate-limit must be an integer >= 0/],
    [["--rate-limit", "3", "--no-rate-limit"], /not both/],
    [["--chat-rooms", "a,,b"], /--chat-rooms must be a comma-separated list/],
    [["--chat-rooms"], /--chat-rooms needs a value/],
    [["--not-found-status", "404"], /unknown argument/],
    [["--port", "65536"], /--port must be 0..65535/],
  ])("refuses %j", (flags, message) => {
    expect(() => parseArguments(["deadsimplechat", ...flags])).toThrow(message);
  });

  it("refuses an unknown platform", () => {
    expect(() => parseArguments(["nope"])).toThrow(/unknown platform: the first argument must be one of/);
  });
});

describe("DeadSimpleChat sandbox secrecy", () => {
  // Runs last: every answer received and every request logged by every sandbox above.
  it("never put a key in any response or request log", () => {
    leaks.expectNoLeaks();
  });
});
