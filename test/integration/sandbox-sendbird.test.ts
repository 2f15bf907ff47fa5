/**
 * The Sendbird sandbox over real HTTP on loopback: auth, the bot endpoints and their validation,
 * pagination, rate limiting, fault injection, persistence and the command-line starter.
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  startSendbirdSandbox,
  type Fault,
  type SendbirdBotRecord,
  type SendbirdSandbox,
  type SendbirdSandboxOptions,
} from "../../sandbox";
import { parseArguments } from "../../sandbox/cli";
import {
  expectCliExit,
  expectLatency,
  expectUnreadableStateFilesRefused,
  randomSecret,
  sleep,
  useSandboxCli,
  useStateDirectory,
  waitUntil,
} from "./sandbox-kit";

const newToken = () => randomSecret();

/** An axios client for the sandbox that never throws on HTTP status. */
function clientFor(sandbox: SendbirdSandbox, token: string | undefined): AxiosInstance {
  return axios.create({
    baseURL: sandbox.url,
    headers: token === undefined ? {} : { "Api-Token": token },
    validateStatus: () => true,
    timeout: 10_000,
  });
}

function botBody(botUserid: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bot_userid: botUserid,
    bot_nickname: `Nick ${botUserid}`,
    bot_profile_url: "https://example.com/bot.png",
    bot_type: "helper",
    bot_callback_url: "https://example.com/callback",
    is_privacy_mode: false,
    ...overrides,
  };
}

function expectSendbirdError(response: AxiosResponse, status: number, code: number): void {
  expect({ status: response.status, body: response.data }).toEqual({
    status,
    body: { error: true, code, message: expect.any(String) },
  });
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
}

const botPath = (botUserid: string) => `/bots/${encodeURIComponent(botUserid)}`;

/** An axios client for the sandbox's control endpoints (/__sandbox/...). */
function controlFor(sandbox: SendbirdSandbox, token: string): AxiosInstance {
  return axios.create({
    baseURL: sandbox.url.replace(/\/v3$/, "/__sandbox"),
    headers: { "Api-Token": token },
    validateStatus: () => true,
    timeout: 10_000,
  });
}

async function startSandbox(
  options: Partial<SendbirdSandboxOptions> = {},
): Promise<{ sandbox: SendbirdSandbox; api: AxiosInstance; apiToken: string }> {
  const apiToken = newToken();
  const sandbox = await startSendbirdSandbox({ apiToken, rateLimit: false, ...options });
  return { sandbox, api: clientFor(sandbox, apiToken), apiToken };
}

describe("Sendbird sandbox", () => {
  let sandbox: SendbirdSandbox;
  let api: AxiosInstance;
  let apiToken: string;
  let counter = 0;
  /** A bot id no other test uses. */
  const uniqueId = (prefix = "bot") => `${prefix}-${++counter}`;

  beforeAll(async () => {
    ({ sandbox, api, apiToken } = await startSandbox());
  });
  afterAll(() => sandbox.stop());
  afterEach(() => sandbox.faults.clear());

  describe("auth", () => {
    it("listens on loopback with the version in the URL", () => {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v3$/);
    });

    it.each([
      ["missing", undefined],
      ["wrong", "wrong-token"],
    ])("rejects a %s Api-Token with 400 / 400401 (docs: all errors are 400 or 500)", async (_, token) => {
      const response = await clientFor(sandbox, token).get("/bots");
      expectSendbirdError(response, 400, 400401);
      expect(response.data.message).toBe('Invalid value: "Api-Token".');
    });

    it("never echoes a received token in a response or in the request log", async () => {
      const almostRight = apiToken.slice(0, -1) + "x";
      const response = await clientFor(sandbox, almostRight).get("/bots");
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.data)).not.toContain(almostRight);
      expect(JSON.stringify(response.headers)).not.toContain(almostRight);

      await api.get("/bots");
      const log = JSON.stringify(sandbox.requests);
      expect(log).not.toContain(almostRight);
      expect(log).not.toContain(apiToken);
      expect(sandbox.requests.at(-1)?.headers["api-token"]).toBe("[REDACTED]");
    });

    it("accepts the header name in any case", async () => {
      const response = await axios.get(`${sandbox.url}/bots`, {
        headers: { "api-token": apiToken },
        validateStatus: () => true,
      });
      expect(response.status).toBe(200);
    });

    it("answers a bad token with HTTP 401 when badTokenStatus is 401, on the API and control paths", async () => {
      const other = await startSandbox({ badTokenStatus: 401 });
      try {
        expectSendbirdError(await clientFor(other.sandbox, "wrong").get("/bots"), 401, 400401);
        expect(other.sandbox.requests.at(-1)?.basis).toEqual({ reading: "badTokenStatus: 401" });
        expectSendbirdError(await controlFor(other.sandbox, "wrong").get("/faults"), 401, 400401);
        expect((await other.api.get("/bots")).status).toBe(200);
      } finally {
        await other.sandbox.stop();
      }
    });

    it("refuses a badTokenStatus other than 400 or 401", async () => {
      await expect(
        startSendbirdSandbox({ apiToken: newToken(), badTokenStatus: 403 as never }),
      ).rejects.toThrow(/badTokenStatus/);
    });
  });

  describe("API tokens", () => {
    let own: Awaited<ReturnType<typeof startSandbox>>;
    beforeEach(async () => {
      own = await startSandbox();
    });
    afterEach(() => own.sandbox.stop());

    const statusWith = async (token: string) => (await clientFor(own.sandbox, token).get("/bots")).status;

    it("accepts added tokens and rotates to a single token", async () => {
      const master = own.apiToken;
      const secondary = newToken();
      expect(await statusWith(secondary)).toBe(400);

      own.sandbox.addApiToken(secondary);
      expect(await statusWith(secondary)).toBe(200);
      expect(await statusWith(master)).toBe(200);

      const rotated = newToken();
      own.sandbox.rotateApiToken(rotated);
      expect([await statusWith(master), await statusWith(secondary), await statusWith(rotated)]).toEqual([
        400, 400, 200,
      ]);

      expect(() => own.sandbox.addApiToken("")).toThrow(/non-empty/);
      expect(() => own.sandbox.rotateApiToken(undefined as never)).toThrow(/non-empty/);
      const log = JSON.stringify(own.sandbox.requests);
      for (const token of [master, secondary, rotated]) expect(log).not.toContain(token);
    });
  });

  describe("bot lifecycle", () => {
    it("creates, reads, lists, updates and deletes a bot", async () => {
      const id = uniqueId();
      const before = Math.floor(Date.now() / 1000);
      const created = await api.post("/bots", botBody(id));
      expect(created.status).toBe(200);
      const bot = created.data as SendbirdBotRecord;
      expect(bot).toEqual({
        bot: {
          bot_userid: id,
          bot_nickname: `Nick ${id}`,
          bot_profile_url: "https://example.com/bot.png",
          bot_type: "helper",
          bot_token: expect.stringMatching(/^[0-9a-f]{40}$/),
          bot_metadata: {},
        },
        bot_callback_url: "https://example.com/callback",
        is_privacy_mode: false,
        enable_mark_as_read: true,
        show_member: false,
        channel_invitation_preference: 0,
        created_at: expect.any(Number),
      });
      expect(bot.created_at).toBeGreaterThanOrEqual(before);
      expect(bot.created_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      expect(sandbox.bot(id)).toEqual(bot);

      const read = await api.get(botPath(id));
      expect(read.status).toBe(200);
      expect(read.data).toEqual(bot);

      const listed = await api.get("/bots", { params: { limit: 100 } });
      expect(listed.status).toBe(200);
      expect(listed.data.bots).toContainEqual(bot);

      const updated = await api.put(botPath(id), { bot_nickname: "Renamed", show_member: true });
      expect(updated.status).toBe(200);
      expect(updated.data).toEqual({
        ...bot,
        bot: { ...bot.bot, bot_nickname: "Renamed" },
        show_member: true,
      });

      const deleted = await api.delete(botPath(id));
      expect(deleted.status).toBe(200);
      expect(deleted.data).toEqual({});
      expect(sandbox.bot(id)).toBeUndefined();
      expectSendbirdError(await api.get(botPath(id)), 400, 400201);
    });

    it("takes the optional fields at create and ignores unknown fields", async () => {
      const id = uniqueId();
      const response = await api.post(
        "/bots",
        botBody(id, {
          enable_mark_as_read: false,
          show_member: true,
          channel_invitation_preference: 1,
          is_privacy_mode: true,
          some_future_field: { x: 1 },
        }),
      );
      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        enable_mark_as_read: false,
        show_member: true,
        channel_invitation_preference: 1,
        is_privacy_mode: true,
      });
      expect(response.data).not.toHaveProperty("some_future_field");
    });

    it("handles ids with spaces, slashes and unicode via URL-encoded paths", async () => {
      const id = `team/α β ${uniqueId()}?#%`;
      expect((await api.post("/bots", botBody(id))).status).toBe(200);
      const read = await api.get(botPath(id));
      expect(read.status).toBe(200);
      expect(read.data.bot.bot_userid).toBe(id);
      expect((await api.put(botPath(id), { bot_nickname: "ünï" })).data.bot.bot_nickname).toBe("ünï");
      expect((await api.delete(botPath(id))).status).toBe(200);
      expect(sandbox.bot(id)).toBeUndefined();
    });

    it("answers 400201 with HTTP 400 for an unknown bot on GET, PUT and DELETE", async () => {
      const id = uniqueId("missing");
      expectSendbirdError(await api.get(botPath(id)), 400, 400201);
      expectSendbirdError(await api.put(botPath(id), { bot_nickname: "x" }), 400, 400201);
      expectSendbirdError(await api.delete(botPath(id)), 400, 400201);
      expect(sandbox.requests.at(-1)?.basis).toEqual({ documented: "sendbird.resourceNotFound" });
    });

    it("answers 400201 with HTTP 404 when notFoundStatus is 404", async () => {
      const other = await startSandbox({ notFoundStatus: 404 });
      try {
        const id = uniqueId("missing");
        expectSendbirdError(await other.api.get(botPath(id)), 404, 400201);
        expectSendbirdError(await other.api.put(botPath(id), { show_member: true }), 404, 400201);
        expectSendbirdError(await other.api.delete(botPath(id)), 404, 400201);
        expect(other.sandbox.requests.at(-1)?.basis).toEqual({ reading: "notFoundStatus: 404" });
      } finally {
        await other.sandbox.stop();
      }
    });
  });

  describe("create validation", () => {
    it.each([
      "bot_userid",
      "bot_nickname",
      "bot_profile_url",
      "bot_type",
      "bot_callback_url",
      "is_privacy_mode",
    ])("requires %s (400105 naming it)", async (field) => {
      const body = botBody(uniqueId());
      delete body[field];
      const response = await api.post("/bots", body);
      expectSendbirdError(response, 400, 400105);
      expect(response.data.message).toContain(field);
      expect(sandbox.bots().map((bot) => bot.bot.bot_userid)).not.toContain(body.bot_userid);
    });

    it.each([
      ["bot_nickname", 42, 400100],
      ["bot_profile_url", null, 400100],
      ["bot_type", ["a"], 400100],
      ["bot_callback_url", false, 400100],
      ["is_privacy_mode", "false", 400104],
      ["enable_mark_as_read", 1, 400104],
      ["show_member", null, 400104],
      ["channel_invitation_preference", "1", 400101],
      ["channel_invitation_preference", true, 400101],
      ["channel_invitation_preference", 2, 400111],
      ["channel_invitation_preference", -1, 400111],
      ["channel_invitation_preference", 0.5, 400111],
    ])("rejects %s = %j with %i", async (field, value, code) => {
      const response = await api.post("/bots", botBody(uniqueId(), { [field]: value }));
      expectSendbirdError(response, 400, code);
      expect(response.data.message).toContain(field);
    });

    it("rejects a bot_userid that is not a string with 400100", async () => {
      expectSendbirdError(await api.post("/bots", botBody("x", { bot_userid: 123 })), 400, 400100);
    });

    it.each([
      ["bot_userid", 80],
      ["bot_nickname", 80],
      ["bot_profile_url", 2048],
      ["bot_type", 128],
      ["bot_callback_url", 1024],
    ])("limits %s to %i characters (400110 naming it)", async (field, maxLength) => {
      const unique = uniqueId("len");
      const atLimit = (unique + "x".repeat(maxLength)).slice(0, maxLength);
      const accepted = await api.post("/bots", botBody(unique, { [field]: atLimit }));
      expect(accepted.status).toBe(200);

      const tooLong = await api.post("/bots", botBody(uniqueId("len"), { [field]: atLimit + "y" }));
      expectSendbirdError(tooLong, 400, 400110);
      expect(tooLong.data.message).toContain(field);
    });

    it("counts length in characters, not bytes", async () => {
      const response = await api.post("/bots", botBody(uniqueId(), { bot_nickname: "é".repeat(80) }));
      expect(response.status).toBe(200);
    });

    it.each(["", "   ", "\t\n"])("rejects the blank bot_userid %j with 400151", async (id) => {
      expectSendbirdError(await api.post("/bots", botBody(id)), 400, 400151);
    });

    it("rejects a duplicate bot_userid with 400202 and keeps the first bot", async () => {
      const id = uniqueId();
      const first = await api.post("/bots", botBody(id));
      expect(first.status).toBe(200);
      expectSendbirdError(await api.post("/bots", botBody(id, { bot_nickname: "Second" })), 400, 400202);
      expect(sandbox.bot(id)).toEqual(first.data);
    });

    it.each([
      ["no Content-Type", '{"a":1}', undefined],
      ["a non-JSON Content-Type", '{"a":1}', "text/plain"],
      ["a non-UTF-8 charset", '{"a":1}', "application/json; charset=latin1"],
      ["invalid JSON", "{not json", "application/json"],
      ["an empty body", "", "application/json"],
      ["a JSON array", "[]", "application/json"],
      ["JSON null", "null", "application/json"],
    ])("rejects a body with %s with 400403", async (_, data, contentType) => {
      const response = await api.post("/bots", data, {
        headers: { "Content-Type": contentType ?? null },
        transformRequest: [(raw: unknown) => raw],
      });
      expectSendbirdError(response, 400, 400403);
    });

    it("accepts the documented 'application/json; charset=utf8'", async () => {
      const response = await api.post("/bots", JSON.stringify(botBody(uniqueId())), {
        headers: { "Content-Type": "application/json; charset=utf8" },
      });
      expect(response.status).toBe(200);
    });

    it("rejects a body over 1 MiB with 400403", async () => {
      const body = botBody(uniqueId(), { padding: "x".repeat(1024 * 1024) });
      expectSendbirdError(await api.post("/bots", body), 400, 400403);
    });
  });

  describe("routing", () => {
    it.each(["/nothing", "/bots/a/b", "/bots/a/channels", "/bots/a/channels/x", "/bots/"])(
      "answers 400 / 400404 (the documented answer) for the unknown path %s",
      async (unknown) => {
        expectSendbirdError(await api.get(unknown), 400, 400404);
        expect(sandbox.requests.at(-1)?.basis).toEqual({ documented: "sendbird.invalidRequestUrl" });
      },
    );

    it("answers 400 / 400404 outside /v3", async () => {
      const response = await axios.get(sandbox.url.replace(/\/v3$/, "/v2/bots"), {
        headers: { "Api-Token": apiToken },
        validateStatus: () => true,
      });
      expectSendbirdError(response, 400, 400404);
    });

    it("answers 405 with Allow for an unsupported method, with no vendor code (an HTTP-level assumption)", async () => {
      const response = await api.patch("/bots", {});
      expect(response.status).toBe(405);
      expect(response.data).toEqual({ error: true, message: expect.any(String) });
      expect(response.headers["allow"]).toBe("GET, POST");
      expect(sandbox.requests.at(-1)?.basis).toEqual({ assumed: "method not allowed" });
    });
  });

  describe("list", () => {
    it("pages through bots in creation order across 3 pages", async () => {
      const paging = await startSandbox();
      try {
        const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
        for (const id of ids) expect((await paging.api.post("/bots", botBody(id))).status).toBe(200);

        const seen: string[] = [];
        const pageSizes: number[] = [];
        let token: string | undefined;
        do {
          const response = await paging.api.get("/bots", { params: { limit: 3, token } });
          expect(response.status).toBe(200);
          expect(typeof response.data.next).toBe("string");
          pageSizes.push(response.data.bots.length);
          seen.push(...response.data.bots.map((bot: SendbirdBotRecord) => bot.bot.bot_userid));
          token = response.data.next || undefined;
        } while (token !== undefined);
        expect(pageSizes).toEqual([3, 3, 1]);
        expect(seen).toEqual(ids);

        const all = await paging.api.get("/bots");
        expect(all.data).toEqual({ bots: paging.sandbox.bots(), next: "" });
      } finally {
        await paging.sandbox.stop();
      }
    });

    it("uses a default limit of 10", async () => {
      const paging = await startSandbox();
      try {
        for (let i = 0; i < 11; i++) await paging.api.post("/bots", botBody(`default-${i}`));
        const first = await paging.api.get("/bots");
        expect(first.data.bots).toHaveLength(10);
        expect(first.data.next).not.toBe("");
        const second = await paging.api.get("/bots", { params: { token: first.data.next } });
        expect(second.data.bots.map((bot: SendbirdBotRecord) => bot.bot.bot_userid)).toEqual(["default-10"]);
        expect(second.data.next).toBe("");
      } finally {
        await paging.sandbox.stop();
      }
    });

    it("rejects a garbled page token with 400109", async () => {
      await api.post("/bots", botBody(uniqueId()));
      await api.post("/bots", botBody(uniqueId()));
      const first = await api.get("/bots", { params: { limit: 1 } });
      const next: string = first.data.next;
      expect(next).not.toBe("");
      for (const garbled of [next.slice(0, -1) + (next.endsWith("A") ? "B" : "A"), "garbage", "a.b.c"]) {
        expectSendbirdError(await api.get("/bots", { params: { token: garbled } }), 400, 400109);
      }
    });

    it.each(["0", "101", "-1", "abc", "2.5", ""])("rejects limit=%j with 400111", async (limit) => {
      expectSendbirdError(await api.get(`/bots?limit=${limit}`), 400, 400111);
    });

    describe("page token expiry", () => {
      /** A sandbox holding three bots, and a function that fetches the second page with a token. */
      async function pagedSandbox(options: Partial<SendbirdSandboxOptions> = {}) {
        const paging = await startSandbox(options);
        for (const id of ["p1", "p2", "p3"]) await paging.api.post("/bots", botBody(id));
        const firstPageToken = async (): Promise<string> =>
          (await paging.api.get("/bots", { params: { limit: 1 } })).data.next;
        const secondPage = (token: string) => paging.api.get("/bots", { params: { limit: 1, token } });
        return { ...paging, firstPageToken, secondPage };
      }

      it("expires a page token after pageTokenTtlMs", async () => {
        const paging = await pagedSandbox({ pageTokenTtlMs: 200 });
        try {
          const token = await paging.firstPageToken();
          expect((await paging.secondPage(token)).data.bots[0].bot.bot_userid).toBe("p2");
          await sleep(250);
          expectSendbirdError(await paging.secondPage(token), 400, 400109);
          expect((await paging.secondPage(await paging.firstPageToken())).status).toBe(200);
        } finally {
          await paging.sandbox.stop();
        }
      });

      it("keeps page tokens for 60 s by default, across creates and deletes", async () => {
        const token: string = (await api.get("/bots", { params: { limit: 1 } })).data.next;
        expect(token).not.toBe("");
        const id = uniqueId();
        await api.post("/bots", botBody(id));
        await api.delete(botPath(id));
        expect((await api.get("/bots", { params: { limit: 1, token } })).status).toBe(200);
      });

      it("with pageTokensExpireOnChange, a create or delete expires tokens; updates do not", async () => {
        const paging = await pagedSandbox({ pageTokensExpireOnChange: true });
        try {
          let token = await paging.firstPageToken();
          await paging.api.put(botPath("p1"), { bot_nickname: "renamed" });
          expect((await paging.secondPage(token)).status).toBe(200);

          await paging.api.post("/bots", botBody("p4"));
          expectSendbirdError(await paging.secondPage(token), 400, 400109);

          token = await paging.firstPageToken();
          expectSendbirdError(await paging.api.delete(botPath("absent")), 400, 400201); // no change
          expect((await paging.secondPage(token)).status).toBe(200);
          await paging.api.delete(botPath("p4"));
          expectSendbirdError(await paging.secondPage(token), 400, 400109);
        } finally {
          await paging.sandbox.stop();
        }
      });

      it("refuses a pageTokenTtlMs that is not > 0", async () => {
        for (const pageTokenTtlMs of [0, -1, NaN]) {
          await expect(startSendbirdSandbox({ apiToken: newToken(), pageTokenTtlMs })).rejects.toThrow(
            /pageTokenTtlMs/,
          );
        }
      });
    });
  });

  describe("update", () => {
    it("leaves omitted fields unchanged and keeps the bot token", async () => {
      const id = uniqueId();
      const created: SendbirdBotRecord = (
        await api.post("/bots", botBody(id, { show_member: true, channel_invitation_preference: 1 }))
      ).data;

      const updated = await api.put(botPath(id), { bot_callback_url: "https://example.com/new" });
      expect(updated.status).toBe(200);
      expect(updated.data).toEqual({ ...created, bot_callback_url: "https://example.com/new" });

      const empty = await api.put(botPath(id), {});
      expect(empty.data).toEqual(updated.data);

      const all = await api.put(botPath(id), {
        bot_userid: id, // equal to the path: allowed
        bot_nickname: "N",
        bot_profile_url: "https://example.com/p.png",
        is_privacy_mode: true,
        enable_mark_as_read: false,
        show_member: false,
        channel_invitation_preference: 0,
      });
      expect(all.status).toBe(200);
      expect(all.data).toEqual({
        ...created,
        bot: { ...created.bot, bot_nickname: "N", bot_profile_url: "https://example.com/p.png" },
        bot_callback_url: "https://example.com/new",
        is_privacy_mode: true,
        enable_mark_as_read: false,
        show_member: false,
        channel_invitation_preference: 0,
      });
      expect(sandbox.bot(id)?.bot.bot_token).toBe(created.bot.bot_token);
    });

    it.each([
      ["a new bot_type", { bot_type: "other" }, 400111],
      ["the same bot_type", { bot_type: "helper" }, 400111],
      ["another bot_userid", { bot_userid: "someone-else" }, 400111],
      ["a number nickname", { bot_nickname: 5 }, 400100],
      ["a string is_privacy_mode", { is_privacy_mode: "yes" }, 400104],
      ["channel_invitation_preference 3", { channel_invitation_preference: 3 }, 400111],
      ["an 81-character nickname", { bot_nickname: "n".repeat(81) }, 400110],
      ["a 1025-character callback URL", { bot_callback_url: "u".repeat(1025) }, 400110],
    ])("rejects %s with %i and changes nothing", async (_, body, code) => {
      const id = uniqueId();
      const created = (await api.post("/bots", botBody(id))).data;
      expectSendbirdError(await api.put(botPath(id), { show_member: true, ...body }), 400, code);
      expect(sandbox.bot(id)).toEqual(created);
    });
  });

  describe("faults", () => {
    /** Injects `fault` for the next create (POST /v3/bots). */
    const onCreate = (fault: Fault) => sandbox.faults.inject({ fault, method: "POST", path: "/v3/bots" });

    it("adds latency, then handles the request normally", async () => {
      sandbox.faults.inject({ fault: { kind: "latency", ms: 400 }, method: "GET", path: "/v3/bots" });
      const started = Date.now();
      const response = await api.get("/bots");
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
      expect(sandbox.faults.pending()).toBe(0);
    });

    it("answers an injected 503 without touching state", async () => {
      const id = uniqueId();
      sandbox.faults.inject({ fault: { kind: "status", status: 503, retryAfterSeconds: 2 }, method: "POST" });
      const response = await api.post("/bots", botBody(id));
      expectSendbirdError(response, 503, 500901);
      expect(response.headers["retry-after"]).toBe("2");
      expect(sandbox.bot(id)).toBeUndefined();
      expect(sandbox.requests.at(-1)).toMatchObject({ method: "POST", path: "/v3/bots", status: 503 });
      expect((await api.post("/bots", botBody(id))).status).toBe(200);
    });

    it("sends no Retry-After on a non-429 status fault without retryAfterSeconds", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 500, code: 500901 } });
      const response = await api.get("/bots");
      expectSendbirdError(response, 500, 500901);
      expect(response.headers["retry-after"]).toBeUndefined();
    });

    it("answers an injected 429 with the rate-limit headers", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 429, retryAfterSeconds: 3 } });
      const response = await api.get("/bots");
      expectSendbirdError(response, 429, 500910);
      expect(response.data.message).toBe("Too many requests.");
      expect(response.headers["x-ratelimit-retryafter"]).toBe("3");
      expect(response.headers["x-ratelimit-limit"]).toBe("10;w=1");
      expect(response.headers["x-ratelimit-remaining"]).toBe("0");

      sandbox.faults.inject({ fault: { kind: "status", status: 429 }, method: "DELETE" });
      const defaulted = await api.delete(botPath("anything"));
      expect(defaulted.headers["x-ratelimit-retryafter"]).toBe("1");
      expect(defaulted.headers["x-ratelimit-limit"]).toBe("5;w=1");
    });

    it("drops the connection: the client sees a socket error and nothing is stored", async () => {
      const id = uniqueId();
      onCreate({ kind: "drop" });
      await expect(api.post("/bots", botBody(id))).rejects.toMatchObject({ code: "ECONNRESET" });
      expect(sandbox.bot(id)).toBeUndefined();
      const record = sandbox.requests.at(-1);
      expect(record).toMatchObject({ method: "POST", path: "/v3/bots" });
      expect(record?.status).toBeUndefined();
    });

    it("loses the response: the client sees a socket error but the bot IS stored", async () => {
      const id = uniqueId();
      onCreate({ kind: "lose-response" });
      await expect(api.post("/bots", botBody(id))).rejects.toMatchObject({ code: "ECONNRESET" });
      expect(sandbox.bot(id)).toBeDefined();
      expect(sandbox.requests.at(-1)?.status).toBeUndefined();
      // A naive retry of the create now collides with the bot the lost request created.
      expectSendbirdError(await api.post("/bots", botBody(id)), 400, 400202);
    });

    it("commits, then answers the injected status: the bot IS stored and the log shows that status", async () => {
      const id = uniqueId();
      onCreate({ kind: "commit-then-status", status: 500 });
      const response = await api.post("/bots", botBody(id));
      expectSendbirdError(response, 500, 500901);
      expect(JSON.stringify(response.data)).not.toContain(id); // not the real answer
      expect(sandbox.bot(id)).toBeDefined();
      expect(sandbox.requests.at(-1)).toMatchObject({
        method: "POST",
        path: "/v3/bots",
        body: { bot_userid: id },
        status: 500,
      });
      // A naive retry of the create now collides with the bot the failed-looking request created.
      expectSendbirdError(await api.post("/bots", botBody(id)), 400, 400202);

      sandbox.faults.inject({
        fault: { kind: "commit-then-status", status: 503, code: 403100 },
        method: "DELETE",
      });
      expectSendbirdError(await api.delete(botPath(id)), 503, 403100);
      expect(sandbox.bot(id)).toBeUndefined();
      expect(sandbox.requests.at(-1)?.status).toBe(503);
    });

    it("commits, then answers an injected 429 with the rate-limit headers", async () => {
      const id = uniqueId();
      sandbox.faults.inject({ fault: { kind: "commit-then-status", status: 429 }, method: "POST" });
      const response = await api.post("/bots", botBody(id));
      expectSendbirdError(response, 429, 500910);
      expect(response.headers["x-ratelimit-retryafter"]).toBe("1");
      expect(response.headers["x-ratelimit-limit"]).toBe("5;w=1");
      expect(sandbox.bot(id)).toBeDefined();
    });

    it("resets the connection, then commits delayMs later as if the request arrived then", async () => {
      const id = uniqueId();
      onCreate({ kind: "reset-then-commit", delayMs: 300 });
      await expect(api.post("/bots", botBody(id))).rejects.toMatchObject({ code: "ECONNRESET" });
      const resetAt = Date.now();
      const record = sandbox.requests.at(-1);
      expect(record).toMatchObject({ method: "POST", path: "/v3/bots", body: { bot_userid: id } });
      expect(record?.status).toBeUndefined();

      // A client that looks right after the reset does not find the bot yet...
      expectSendbirdError(await api.get(botPath(id)), 400, 400201);
      expect(sandbox.bot(id)).toBeUndefined();
      // ...and finds it once the delayed commit has run.
      await waitUntil(() => sandbox.bot(id) !== undefined);
      expect(Date.now() - resetAt).toBeGreaterThanOrEqual(200);
      expect((await api.get(botPath(id))).status).toBe(200);
      expect(record?.status).toBeUndefined(); // the client never saw an answer
    });

    it("commits right after the reset when reset-then-commit has no delayMs", async () => {
      const id = uniqueId();
      sandbox.faults.inject({ fault: { kind: "reset-then-commit" }, method: "POST" });
      await expect(api.post("/bots", botBody(id))).rejects.toMatchObject({ code: "ECONNRESET" });
      await waitUntil(() => sandbox.bot(id) !== undefined, 500);
    });

    it("answers a foreign 404 HTML page, with no vendor code, without touching state", async () => {
      const id = uniqueId();
      onCreate({ kind: "foreign" });
      const response = await api.post("/bots", botBody(id));
      expect(response.status).toBe(404);
      expect(response.headers["content-type"]).toBe("text/html");
      expect(typeof response.data).toBe("string");
      expect(response.data).toMatch(/^<html>[\s\S]*404 Not Found[\s\S]*<\/html>\s*$/);
      expect(response.headers["x-ratelimit-limit"]).toBeUndefined();
      expect(sandbox.bot(id)).toBeUndefined();
      expect(sandbox.requests.at(-1)).toMatchObject({
        path: "/v3/bots",
        body: { bot_userid: id },
        status: 404,
      });
    });

    it("answers a foreign status, content type and body as given", async () => {
      const id = uniqueId();
      await api.post("/bots", botBody(id));
      const before = sandbox.bots();
      sandbox.faults.inject({
        fault: { kind: "foreign", status: 502, contentType: "text/plain", body: "upstream said no" },
      });
      const response = await api.delete(botPath(id));
      expect(response.status).toBe(502);
      expect(response.headers["content-type"]).toBe("text/plain");
      expect(response.data).toBe("upstream said no");
      expect(sandbox.bots()).toEqual(before);

      sandbox.faults.inject({ fault: { kind: "foreign", status: 503 } });
      expect((await api.get("/bots")).data).toContain("503 Service Unavailable");
    });

    it("applies a rule `times` times, to matching requests only, in insertion order", async () => {
      const id = uniqueId();
      await api.post("/bots", botBody(id));
      sandbox.faults.inject({
        fault: { kind: "status", status: 502 },
        method: "GET",
        path: `/v3${botPath(id)}`,
        times: 2,
      });
      sandbox.faults.inject({ fault: { kind: "status", status: 504 }, path: /^\/v3\/bots\/[^/]+$/ });
      expect(sandbox.faults.pending()).toBe(2);

      expect((await api.get("/bots")).status).toBe(200); // neither rule matches the list path
      expect((await api.get(botPath(id))).status).toBe(502);
      expect((await api.get(botPath(id))).status).toBe(502);
      expect(sandbox.faults.pending()).toBe(1);
      expect((await api.get(botPath(id))).status).toBe(504);
      expect(sandbox.faults.pending()).toBe(0);
      expect((await api.get(botPath(id))).status).toBe(200);
    });

    it("applies faults before auth", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 503 } });
      expect((await clientFor(sandbox, undefined).get("/bots")).status).toBe(503);
    });

    it("rejects malformed rules", () => {
      expect(() => sandbox.faults.inject({ fault: { kind: "latency", ms: -1 } })).toThrow();
      expect(() => sandbox.faults.inject({ fault: { kind: "drop" }, times: 0 })).toThrow();
      expect(() => sandbox.faults.inject({ fault: { kind: "nope" } as never })).toThrow();
      expect(sandbox.faults.pending()).toBe(0);
    });

    it.each([
      { kind: "commit-then-status", status: 99 },
      { kind: "commit-then-status", status: "500" },
      { kind: "commit-then-status", status: 500, code: 1.5 },
      { kind: "reset-then-commit", delayMs: -1 },
      { kind: "reset-then-commit", delayMs: "5" },
      { kind: "reset-then-commit", delayMs: Infinity },
      { kind: "foreign", status: 700 },
      { kind: "foreign", contentType: 1 },
      { kind: "foreign", body: { html: true } },
    ])("rejects the malformed fault %j", (fault) => {
      expect(() => sandbox.faults.inject({ fault: fault as never })).toThrow(fault.kind);
      expect(sandbox.faults.pending()).toBe(0);
    });

    it("can be controlled over HTTP, with the same token, without being logged", async () => {
      const control = axios.create({
        baseURL: sandbox.url.replace(/\/v3$/, "/__sandbox"),
        headers: { "Api-Token": apiToken },
        validateStatus: () => true,
      });
      const logged = sandbox.requests.length;

      const unauthorized = await axios.post(
        `${sandbox.url.replace(/\/v3$/, "")}/__sandbox/faults`,
        { fault: { kind: "drop" } },
        { validateStatus: () => true },
      );
      expectSendbirdError(unauthorized, 400, 400401);

      const injected = await control.post("/faults", {
        fault: { kind: "status", status: 503 },
        pathRegex: "^/v3/bots",
        times: 2,
      });
      expect(injected.status).toBe(200);
      expect(injected.data).toEqual({ pending: 1 });
      expect((await control.post("/faults", { fault: { kind: "status" } })).status).toBe(400);
      expect((await control.post("/faults", { fault: { kind: "drop" }, pathRegex: "(" })).status).toBe(400);
      expect((await control.get("/faults")).data).toEqual({ pending: 1 });
      expect((await control.get("/bots")).status).toBe(200); // control paths are exempt from faults

      expect((await api.get("/bots")).status).toBe(503);
      expect((await control.delete("/faults")).status).toBe(200);
      expect(sandbox.faults.pending()).toBe(0);
      expect((await api.get("/bots")).status).toBe(200);

      await control.post("/faults", {
        fault: { kind: "status", status: 500 },
        path: "/v3/bots",
        method: "get",
      });
      expect((await api.get("/bots")).status).toBe(500);

      expect(sandbox.requests.length - logged).toBe(3); // the three API calls above
      expect(sandbox.requests.every((request) => !request.path.startsWith("/__sandbox"))).toBe(true);
    });

    it("takes the new fault kinds over HTTP", async () => {
      const control = controlFor(sandbox, apiToken);
      const id = uniqueId();
      for (const fault of [
        { kind: "foreign", status: 404, body: "<html>nope</html>" },
        { kind: "commit-then-status", status: 500 },
        { kind: "reset-then-commit", delayMs: 0 },
      ]) {
        expect((await control.post("/faults", { fault, method: "POST" })).status).toBe(200);
      }
      expect((await control.post("/faults", { fault: { kind: "foreign", status: "404" } })).status).toBe(400);

      expect((await api.post("/bots", botBody(id))).data).toBe("<html>nope</html>");
      expect(sandbox.bot(id)).toBeUndefined();
      expect((await api.post("/bots", botBody(id))).status).toBe(500);
      expect(sandbox.bot(id)).toBeDefined();
      await expect(api.post("/bots", botBody(uniqueId()))).rejects.toMatchObject({ code: "ECONNRESET" });
    });

    it("lists stored bots over HTTP", async () => {
      await api.post("/bots", botBody(uniqueId()));
      const response = await axios.get(`${sandbox.url.replace(/\/v3$/, "")}/__sandbox/bots`, {
        headers: { "Api-Token": apiToken },
      });
      expect(response.data).toEqual({ bots: sandbox.bots() });
    });
  });

  describe("request log", () => {
    it("records method, raw path, query, headers, body and final status in order", async () => {
      const start = sandbox.requests.length;
      await api.get("/bots", { params: { limit: 2 } });
      await api.put(botPath("no such bot"), { bot_nickname: "x" });
      expect(sandbox.requests.slice(start)).toEqual([
        expect.objectContaining({ method: "GET", path: "/v3/bots", query: { limit: "2" }, status: 200 }),
        expect.objectContaining({
          method: "PUT",
          path: "/v3/bots/no%20such%20bot",
          query: {},
          body: { bot_nickname: "x" },
          status: 400,
        }),
      ]);
      expect(sandbox.requests.at(-1)?.headers["content-type"]).toContain("application/json");
    });
  });
});

describe("Sendbird sandbox rate limiting", () => {
  it("answers 429 over the limit with the documented headers, per method class, and recovers", async () => {
    const { sandbox, api } = await startSandbox({ rateLimit: { getPerSecond: 3, mutatePerSecond: 2 } });
    try {
      // A burst of 10 lasts far less than a second, so at most one window boundary falls inside
      // it and some window must see more than 3 calls.
      const burst: AxiosResponse[] = [];
      for (let i = 0; i < 10; i++) burst.push(await api.get("/bots"));

      const ok = burst.find((response) => response.status === 200);
      expect(ok?.headers["x-ratelimit-limit"]).toBe("3;w=1");
      expect(Number(ok?.headers["x-ratelimit-remaining"])).toBeGreaterThanOrEqual(0);

      const limited = burst.find((response) => response.status === 429);
      expect(limited).toBeDefined();
      expect(sandbox.rateLimited()).toBe(burst.filter((response) => response.status === 429).length);
      expectSendbirdError(limited!, 429, 500910);
      expect(limited!.data.message).toBe("Too many requests.");
      expect(limited!.headers["x-ratelimit-limit"]).toBe("3;w=1");
      expect(limited!.headers["x-ratelimit-remaining"]).toBe("0");
      const retryAfter = Number(limited!.headers["x-ratelimit-retryafter"]);
      expect(retryAfter).toBe(1); // one-second windows: a client honouring the header waits at most ~1 s

      // Mutations are counted separately from GETs.
      const mutation = await api.delete(botPath("absent"));
      expect(mutation.status).toBe(400);
      expect(mutation.headers["x-ratelimit-limit"]).toBe("2;w=1");

      await sleep(retryAfter * 1000);
      const recovered = await api.get("/bots");
      expect(recovered.status).toBe(200);
      expect(recovered.headers["x-ratelimit-remaining"]).toBe("2");
    } finally {
      await sandbox.stop();
    }
  }, 15_000);

  it("does not count or limit requests that fail auth", async () => {
    const { sandbox } = await startSandbox({ rateLimit: { getPerSecond: 1, mutatePerSecond: 1 } });
    try {
      const anonymous = clientFor(sandbox, undefined);
      for (let i = 0; i < 3; i++) {
        const response = await anonymous.get("/bots");
        expect(response.status).toBe(400);
        expect(response.headers["x-ratelimit-limit"]).toBeUndefined();
      }
    } finally {
      await sandbox.stop();
    }
  });

  it("applies the free-trial limits by default", async () => {
    const apiToken = newToken();
    const sandbox = await startSendbirdSandbox({ apiToken });
    try {
      const response = await clientFor(sandbox, apiToken).get("/bots");
      expect(response.headers["x-ratelimit-limit"]).toBe("10;w=1");
      expect(sandbox.rateLimited()).toBe(0);
    } finally {
      await sandbox.stop();
    }
  });

  it("counts the limiter's refusals but not injected 429s, and takes a new limit at run time", async () => {
    const { sandbox, api } = await startSandbox();
    try {
      sandbox.faults.inject({ fault: { kind: "status", status: 429 } });
      expect((await api.get("/bots")).status).toBe(429);
      expect(sandbox.rateLimited()).toBe(0);

      // A limit of 0 refuses every call of its class, whatever the window: deterministic.
      sandbox.setRateLimit({ getPerSecond: 0, mutatePerSecond: 50 });
      const refused = await api.get("/bots");
      expectSendbirdError(refused, 429, 500910);
      expect(refused.headers["x-ratelimit-limit"]).toBe("0;w=1");
      expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
      expect(refused.headers["x-ratelimit-retryafter"]).toMatch(/^[1-9]\d*$/);
      expect(sandbox.rateLimited()).toBe(1);
      const mutation = await api.delete(botPath("absent"));
      expect(mutation.status).toBe(400);
      expect(mutation.headers["x-ratelimit-limit"]).toBe("50;w=1");

      sandbox.setRateLimit(false);
      const free = await api.get("/bots");
      expect(free.status).toBe(200);
      expect(free.headers["x-ratelimit-limit"]).toBeUndefined();
      expect(sandbox.rateLimited()).toBe(1);

      for (const bad of [
        { getPerSecond: -1, mutatePerSecond: 1 },
        { getPerSecond: 1, mutatePerSecond: 1.5 },
      ]) {
        expect(() => sandbox.setRateLimit(bad)).toThrow(/rateLimit\./);
      }
      expect((await api.get("/bots")).headers["x-ratelimit-limit"]).toBeUndefined(); // unchanged
    } finally {
      await sandbox.stop();
    }
  });
});

describe("Sendbird sandbox latency", () => {
  it("delays every API request by latencyMs, changeable at run time; control requests are not delayed", async () => {
    const { sandbox, api, apiToken } = await startSandbox({ latencyMs: 300 });
    try {
      await expectLatency(
        sandbox,
        { api: () => api.get("/bots"), control: () => controlFor(sandbox, apiToken).get("/faults") },
        { slowMs: 290, fastMs: 250 },
      );
      expect(() => sandbox.setLatency(Infinity)).toThrow(/Latency/);
    } finally {
      await sandbox.stop();
    }
  });

  it("refuses a negative latencyMs at start", async () => {
    await expect(startSendbirdSandbox({ apiToken: newToken(), latencyMs: -5 })).rejects.toThrow(/Latency/);
  });
});

describe("Sendbird sandbox state file", () => {
  const temporary = useStateDirectory();

  it("reloads bots in a second instance, and rewrites the file on every mutation", async () => {
    const { stateFile } = temporary;
    const first = await startSandbox({ stateFile });
    let created: SendbirdBotRecord;
    try {
      expect(fs.existsSync(stateFile)).toBe(false); // a missing file means "no bots"
      created = (await first.api.post("/bots", botBody("persisted one"))).data;
      await first.api.post("/bots", botBody("persisted two"));
      expect(fs.existsSync(stateFile)).toBe(true);
    } finally {
      await first.sandbox.stop();
    }
    // The version-1 format release 0.1.0 reads has channel_urls; a file it wrote may list channels.
    const written = JSON.parse(fs.readFileSync(stateFile, "utf8"));
    expect(written.bots.map((entry: { channel_urls: unknown }) => entry.channel_urls)).toEqual([[], []]);
    written.bots[0].channel_urls = ["c1", "c2"];
    fs.writeFileSync(stateFile, JSON.stringify(written));

    const second = await startSandbox({ stateFile });
    try {
      expect(second.sandbox.bots().map((bot) => bot.bot.bot_userid)).toEqual([
        "persisted one",
        "persisted two",
      ]);
      expect(second.sandbox.bot("persisted one")).toEqual(created);
      expect((await second.api.get(botPath("persisted one"))).data).toEqual(created);

      await second.api.delete(botPath("persisted two"));
      await second.api.put(botPath("persisted one"), { bot_nickname: "changed" });
      const onDisk = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(onDisk.bots).toHaveLength(1);
      expect(onDisk.bots[0].resource.bot.bot_nickname).toBe("changed");
      expect(fs.readdirSync(temporary.directory)).toEqual(["state.json"]); // no temporary files left behind
    } finally {
      await second.sandbox.stop();
    }
  });

  it("refuses to start on a state file it cannot read", () =>
    expectUnreadableStateFilesRefused(temporary.stateFile, (stateFile) =>
      startSendbirdSandbox({ apiToken: newToken(), stateFile }),
    ));
});

describe("Sendbird sandbox CLI", () => {
  const runCli = useSandboxCli({ SENDBIRD_API_TOKEN: undefined });

  it("starts, prints one JSON line, serves requests and exits 0 on SIGTERM", async () => {
    const apiToken = newToken();
    const run = runCli(["sendbird", "--port", "0", "--no-rate-limit"], { SENDBIRD_API_TOKEN: apiToken });
    const announcement = JSON.parse(await run.firstLine);
    expect(announcement).toEqual({
      platform: "sendbird",
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v3$/),
    });

    const created = await axios.post(`${announcement.url}/bots`, botBody("from-cli"), {
      headers: { "Api-Token": apiToken },
    });
    expect(created.status).toBe(200);

    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const { stdout, stderr } = run.output();
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stdout + stderr).not.toContain(apiToken);
  }, 20_000);

  it("persists to --state-file", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "sendbird-cli-state-"));
    try {
      const stateFile = path.join(directory, "state.json");
      const apiToken = newToken();
      const run = runCli(["sendbird", "--state-file", stateFile], { SENDBIRD_API_TOKEN: apiToken });
      const { url } = JSON.parse(await run.firstLine);
      await axios.post(`${url}/bots`, botBody("cli-persisted"), { headers: { "Api-Token": apiToken } });
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(state.bots[0].resource.bot.bot_userid).toBe("cli-persisted");
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }, 20_000);

  it("refuses to start without SENDBIRD_API_TOKEN", async () => {
    await expectCliExit(runCli(["sendbird"], {}), 1, "SENDBIRD_API_TOKEN");
  }, 20_000);

  it("rejects unknown arguments with exit code 2", async () => {
    await expectCliExit(runCli(["sendbird", "--bogus"], { SENDBIRD_API_TOKEN: newToken() }), 2, "usage:");
  }, 20_000);

  it("applies --bad-token-status, --rate-limit, --page-token-ttl-ms and --latency-ms", async () => {
    const apiToken = newToken();
    const run = runCli(
      [
        "sendbird",
        ...["--bad-token-status", "401", "--rate-limit", "7,3"],
        ...["--page-token-ttl-ms", "150", "--latency-ms", "100"],
      ],
      { SENDBIRD_API_TOKEN: apiToken },
    );
    try {
      const { url } = JSON.parse(await run.firstLine);
      const api = axios.create({
        baseURL: url,
        headers: { "Api-Token": apiToken },
        validateStatus: () => true,
      });

      const refused = await axios.get(`${url}/bots`, { validateStatus: () => true });
      expectSendbirdError(refused, 401, 400401);

      for (const id of ["cli-1", "cli-2"]) {
        const created = await api.post("/bots", botBody(id));
        expect(created.status).toBe(200);
        expect(created.headers["x-ratelimit-limit"]).toBe("3;w=1");
      }
      const started = Date.now();
      const firstPage = await api.get("/bots", { params: { limit: 1 } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(firstPage.headers["x-ratelimit-limit"]).toBe("7;w=1");

      await sleep(200);
      const expired = await api.get("/bots", { params: { limit: 1, token: firstPage.data.next } });
      expectSendbirdError(expired, 400, 400109);
    } finally {
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
    }
  }, 20_000);

  it("documents the new flags in its usage text and exits 2 on a bad value", async () => {
    await expectCliExit(
      runCli(["sendbird", "--latency-ms", "-5"], { SENDBIRD_API_TOKEN: newToken() }),
      2,
      "--latency-ms must be an integer >= 0",
      ...["--bad-token-status 400|401", "--latency-ms N", "--rate-limit GET,MUTATE", "--page-token-ttl-ms N"],
    );
  }, 20_000);

  it("parses the new flags", () => {
    expect(
      parseArguments([
        "sendbird",
        ...["--bad-token-status", "401", "--rate-limit", "0,12"],
        ...["--page-token-ttl-ms", "5000", "--latency-ms", "0"],
        ...["--page-tokens-expire-on-change", "--update-resets-omitted-fields"],
      ]),
    ).toEqual({
      platform: "sendbird",
      port: 0,
      badTokenStatus: 401,
      rateLimit: { getPerSecond: 0, mutatePerSecond: 12 },
      pageTokenTtlMs: 5000,
      pageTokensExpireOnChange: true,
      updateResetsOmittedFields: true,
      latencyMs: 0,
    });
    expect(parseArguments(["sendbird", "--no-rate-limit"])).toEqual({
      platform: "sendbird",
      port: 0,
      rateLimit: false,
    });
    expect(parseArguments(["sendbird"])).toEqual({ platform: "sendbird", port: 0 });
  });

  it.each([
    [["--bad-token-status", "403"], /--bad-token-status must be 400 or 401/],
    [["--bad-token-status"], /--bad-token-status needs a value/],
    [["--latency-ms", "1.5"], /--latency-ms must be an integer >= 0/],
    [["--page-token-ttl-ms", "0"], /--page-token-ttl-ms must be an integer >= 1/],
    [["--rate-limit", "10"], /--rate-limit must be GET_PER_SECOND,MUTATE_PER_SECOND/],
    [["--rate-limit", "1,x"], /--rate-limit must be an integer >= 0/],
    [["--rate-limit", "1,1", "--no-rate-limit"], /not both/],
    [["--port", "70000"], /--port must be 0..65535/],
  ])("refuses %j", (flags, message) => {
    expect(() => parseArguments(["sendbird", ...flags])).toThrow(message);
  });
});
