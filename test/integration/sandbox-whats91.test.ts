/**
 * The Whats91 sandbox over real HTTP on loopback (fetch): Bearer and body-token auth, sender
 * scoping, the chatbot routes with their documented envelopes and validation, pagination and
 * filters, dashboard drift, faults, rate limiting, persistence and secrecy of the tokens.
 */
import { parseArguments } from "../../sandbox/cli";
import * as fs from "node:fs";
import {
  startWhats91Sandbox,
  whats91Sender,
  WHATS91_API_PATH,
  WHATS91_DEFAULT_SENDER_ID,
  Whats91ErrorCode,
  Whats91Message,
  type Whats91Chatbot,
  type Whats91Sandbox,
  type Whats91SandboxOptions,
  type Whats91Token,
} from "../../sandbox/whats91";
import {
  BearerClient,
  expectBurstLimited,
  expectForeignPage,
  expectLatency,
  expectLoggedSince,
  expectUnreadableStateFilesRefused,
  expectZeroLimitLifted,
  fileMode,
  LeakWatch,
  sleep,
  useStateDirectory,
  waitUntil,
  type Answer,
} from "./sandbox-kit";

/** Every token a test generated, and every answer and sandbox seen: the last test checks none leaked. */
const leaks = new LeakWatch();

/** A fresh token in the shape of a managed Whats91 token. */
const newToken = () => leaks.newSecret("w91_live_");

/** A client for one sandbox and token (undefined: no Authorization header); `leaks` keeps its answers. */
class Client extends BearerClient {
  constructor(baseUrl: string, token: string | undefined) {
    super(baseUrl, token, leaks.answers);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const metadata = () => ({ apiVersion: "v2", requestId: expect.stringMatching(UUID) });

/** Asserts the documented error envelope with this status and code (and message, if given). */
function expectError(answer: Answer, status: number, code: string, message: string | RegExp = /./) {
  expect({ status: answer.status, body: answer.body }).toEqual({
    status,
    body: {
      success: false,
      error: { code, message: typeof message === "string" ? message : expect.stringMatching(message) },
      metadata: metadata(),
    },
  });
  expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
}

// ---- bodies -------------------------------------------------------------------------------------

type Chatbot = Record<string, unknown>;

const textChatbot = (name: string, overrides: Chatbot = {}): Chatbot => ({
  name,
  trigger: { type: "contains", keywords: ["help", "support"] },
  response: { text: "How can we help?" },
  ...overrides,
});

const mediaChatbot = (name: string, overrides: Chatbot = {}): Chatbot => ({
  name,
  trigger: { type: "exact", keywords: ["catalog"] },
  response: {
    text: "Our catalog",
    media: { type: "DOCUMENT", url: "https://cdn.example.com/catalog.pdf", fileName: "catalog.pdf" },
  },
  ...overrides,
});

const buttonsResponse = () => ({
  type: "buttons",
  text: "Pick one",
  footerText: "Whats91",
  buttons: [
    { id: "sales", label: "Sales" },
    { id: "support", label: "Support" },
  ],
});
const ctaResponse = () => ({
  type: "cta",
  text: "Visit us",
  ctaText: "Open site",
  ctaUrl: "https://example.com/",
});
const listResponse = () => ({
  type: "list",
  text: "Menu",
  footerText: "Pick a row",
  sections: [
    {
      title: "Plans",
      rows: [
        { id: "basic", title: "Basic", description: "The small plan" },
        { id: "pro", title: "Pro" },
      ],
    },
  ],
});

const interactiveChatbot = (
  name: string,
  response: Chatbot = buttonsResponse(),
  overrides: Chatbot = {},
) => ({
  name,
  trigger: { type: "starts_with", keywords: ["menu"] },
  response,
  ...overrides,
});

/** The create routes the provider calls (the generic POST /chatbots is not emulated) and a valid chatbot for each. */
const ROUTES = {
  text: { path: "/chatbots/text", chatbot: (name: string) => textChatbot(name) },
  media: { path: "/chatbots/media", chatbot: (name: string) => mediaChatbot(name) },
  interactive: { path: "/chatbots/interactive", chatbot: (name: string) => interactiveChatbot(name) },
} as const;
type RouteName = keyof typeof ROUTES;
const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];

// ---- sandboxes ----------------------------------------------------------------------------------

const SENDER_A = WHATS91_DEFAULT_SENDER_ID;
const SENDER_B = "447700900123";
const SENDER_INCOMPLETE = "4915112345678";
const UNKNOWN_SENDER = "12025550199";

interface Started {
  sandbox: Whats91Sandbox;
  /** Global token. */
  api: Client;
  globalToken: string;
  /** Token bound to SENDER_A (specific_number). */
  tokenA: string;
  /** Token bound to SENDER_B (selected_number). */
  tokenB: string;
}

async function startSandbox(options: Partial<Whats91SandboxOptions> = {}): Promise<Started> {
  const globalToken = newToken();
  const tokenA = newToken();
  const tokenB = newToken();
  const sandbox = await startWhats91Sandbox({
    rateLimit: false,
    senders: [whats91Sender(SENDER_A), whats91Sender(SENDER_B), whats91Sender(SENDER_INCOMPLETE, true)],
    tokens: [
      { token: globalToken, scope: "global" },
      { token: tokenA, scope: "specific_number", senderId: SENDER_A },
      { token: tokenB, scope: "selected_number", senderId: SENDER_B },
    ],
    ...options,
  });
  leaks.watch(sandbox);
  return { sandbox, api: new Client(sandbox.url, globalToken), globalToken, tokenA, tokenB };
}

/** Creates a chatbot for SENDER_A (global token) and returns the answer's `data`; fails unless 200. */
async function create(
  api: Client,
  route: RouteName,
  chatbot: Chatbot,
  senderId: string | undefined = SENDER_A,
) {
  const answer = await api.post(ROUTES[route].path, { ...(senderId && { senderId }), chatbot });
  expect({ status: answer.status, error: answer.body?.error }).toEqual({ status: 200, error: undefined });
  return answer.body.data;
}

const chatbotPath = (uid: string) => `/chatbots/${encodeURIComponent(uid)}`;
const originOf = (sandbox: Whats91Sandbox) => sandbox.url.slice(0, -WHATS91_API_PATH.length);

describe("Whats91 sandbox", () => {
  let started: Started;
  let sandbox: Whats91Sandbox;
  let api: Client;
  let counter = 0;
  /** A chatbot name no other test uses. */
  const uniqueName = (prefix = "bot") => `${prefix} ${++counter}`;
  const asA = () => new Client(sandbox.url, started.tokenA);
  const asB = () => new Client(sandbox.url, started.tokenB);

  beforeAll(async () => {
    started = await startSandbox();
    ({ sandbox, api } = started);
  });
  afterAll(() => sandbox.stop());
  afterEach(() => sandbox.faults.clear());

  /** One request per endpoint, as `client` (which must resolve SENDER_A by itself or via senderId). */
  const ENDPOINTS: Array<[string, (client: Client, uid: string) => Promise<Answer>]> = [
    ["list", (client) => client.get("/chatbots", { senderId: SENDER_A })],
    ["get", (client, uid) => client.get(chatbotPath(uid), { senderId: SENDER_A })],
    ...ROUTE_NAMES.map((route): [string, (client: Client) => Promise<Answer>] => [
      `create ${route}`,
      (client) =>
        client.post(ROUTES[route].path, { senderId: SENDER_A, chatbot: ROUTES[route].chatbot("probe") }),
    ]),
  ];

  describe("auth", () => {
    let uid: string;
    beforeAll(async () => {
      uid = (await create(api, "text", textChatbot(uniqueName("auth")))).chatbot.chatbotUid;
    });

    it("listens on loopback under the documented base path", () => {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/);
      expect(WHATS91_API_PATH).toBe("/api/v2");
    });

    it.each(ENDPOINTS)(
      "%s: no token answers 401 MISSING_AUTH_TOKEN, a wrong one 401 INVALID_AUTH_TOKEN",
      async (_, call) => {
        const before = sandbox.chatbots();
        expectError(
          await call(new Client(sandbox.url, undefined), uid),
          401,
          "MISSING_AUTH_TOKEN",
          Whats91Message.missingAuthToken,
        );
        expectError(
          await call(new Client(sandbox.url, newToken()), uid),
          401,
          "INVALID_AUTH_TOKEN",
          Whats91Message.invalidAuthToken,
        );
        expect(sandbox.chatbots()).toEqual(before);
      },
    );

    it("reads only a Bearer token (scheme in any case); another scheme counts as no token", async () => {
      const list = (authorization: string) =>
        new Client(sandbox.url, undefined).request("GET", "/chatbots", {
          query: { senderId: SENDER_A },
          headers: { Authorization: authorization },
        });
      expect((await list(`bearer ${started.globalToken}`)).status).toBe(200);
      expectError(await list(`Basic ${started.globalToken}`), 401, "MISSING_AUTH_TOKEN");
      expectError(await list("Bearer "), 401, "MISSING_AUTH_TOKEN");
      expectError(await list(started.globalToken), 401, "MISSING_AUTH_TOKEN");
      // A token in the query is not a token (and is not logged).
      const viaQuery = await new Client(sandbox.url, undefined).get("/chatbots", {
        token: started.globalToken,
      });
      expectError(viaQuery, 401, "MISSING_AUTH_TOKEN");
      expect(sandbox.requests.at(-1)?.query).toEqual({ token: "[REDACTED]" });
    });

    it.each(["authToken", "auth_token", "token"])(
      "accepts the compatibility body token %s on every create route",
      async (field) => {
        const anonymous = new Client(sandbox.url, undefined);
        for (const route of ROUTE_NAMES) {
          const name = uniqueName(field);
          const answer = await anonymous.post(ROUTES[route].path, {
            [field]: started.tokenA,
            chatbot: ROUTES[route].chatbot(name),
          });
          expect(answer.status).toBe(200);
          expect(answer.body.data.senderId).toBe(SENDER_A);
        }
        const wrong = await anonymous.post("/chatbots/text", {
          [field]: newToken(),
          chatbot: textChatbot("x"),
        });
        expectError(wrong, 401, "INVALID_AUTH_TOKEN");
        const empty = await anonymous.post("/chatbots/text", { [field]: "", chatbot: textChatbot("x") });
        expectError(empty, 401, "MISSING_AUTH_TOKEN");
      },
    );

    it("lets a Bearer header win over a body token", async () => {
      const withHeader = (token: string, bodyToken: string) =>
        new Client(sandbox.url, token).post("/chatbots/text", {
          authToken: bodyToken,
          chatbot: textChatbot(uniqueName()),
        });
      expect((await withHeader(started.tokenA, newToken())).status).toBe(200);
      expectError(await withHeader(newToken(), started.tokenA), 401, "INVALID_AUTH_TOKEN");
    });

    it("expireToken: that token now gets 401 INVALID_AUTH_TOKEN; addToken accepts a new one", async () => {
      const own = await startSandbox();
      try {
        own.sandbox.expireToken(own.tokenA);
        expectError(
          await new Client(own.sandbox.url, own.tokenA).get("/chatbots"),
          401,
          "INVALID_AUTH_TOKEN",
        );
        expectError(
          await new Client(own.sandbox.url, undefined).post("/chatbots/text", {
            token: own.tokenA,
            chatbot: textChatbot("x"),
          }),
          401,
          "INVALID_AUTH_TOKEN",
        );
        expect((await own.api.get("/chatbots", { senderId: SENDER_A })).status).toBe(200); // others still work

        const added = newToken();
        own.sandbox.addToken({ token: added, scope: "selected_number", senderId: SENDER_B });
        const answer = await new Client(own.sandbox.url, added).get("/chatbots");
        expect(answer.body.data.senderId).toBe(SENDER_B);
        own.sandbox.addToken({ token: own.tokenA, scope: "specific_number", senderId: SENDER_A }); // re-issued
        expect((await new Client(own.sandbox.url, own.tokenA).get("/chatbots")).status).toBe(200);

        expect(() => own.sandbox.expireToken(newToken())).toThrow(/not a token/);
        expect(() => own.sandbox.addToken({ token: "", scope: "global" })).toThrow(/non-empty/);
        expect(() =>
          own.sandbox.addToken({ token: newToken(), scope: "specific_number", senderId: UNKNOWN_SENDER }),
        ).toThrow(/sender/);
      } finally {
        await own.sandbox.stop();
      }
    });

    it("gives every answer, success or error, the envelope metadata with a fresh requestId", async () => {
      const answers = [
        await api.get("/chatbots", { senderId: SENDER_A }),
        await api.get("/chatbots", { senderId: SENDER_A }),
        await new Client(sandbox.url, undefined).get("/chatbots"),
        await api.get("/nothing"),
      ];
      const ids = answers.map((answer) => answer.body.metadata.requestId);
      for (const answer of answers) expect(answer.body.metadata).toEqual(metadata());
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe("sender scoping", () => {
    it("a global token without senderId cannot resolve the sender: 400 WHATSAPP_SETUP_INCOMPLETE (silent)", async () => {
      expectError(
        await api.get("/chatbots"),
        400,
        "WHATSAPP_SETUP_INCOMPLETE",
        Whats91Message.setupIncomplete,
      );
      expectError(await api.get(chatbotPath("bot_x")), 400, "WHATSAPP_SETUP_INCOMPLETE");
      for (const route of ROUTE_NAMES) {
        const answer = await api.post(ROUTES[route].path, { chatbot: ROUTES[route].chatbot("no sender") });
        expectError(answer, 400, "WHATSAPP_SETUP_INCOMPLETE");
      }
      // An empty senderId counts as none, and a POST's senderId is read from the body, not the query.
      expectError(await api.get("/chatbots", { senderId: "" }), 400, "WHATSAPP_SETUP_INCOMPLETE");
      const viaQuery = await api.request("POST", "/chatbots/text", {
        query: { senderId: SENDER_A },
        json: { chatbot: textChatbot("x") },
      });
      expectError(viaQuery, 400, "WHATSAPP_SETUP_INCOMPLETE");
      expect(sandbox.chatbots().some((chatbot) => chatbot.name === "no sender")).toBe(false);
    });

    it("a global token works on any complete sender it names; each sender sees only its own chatbots", async () => {
      const name = uniqueName("scoped");
      const onA = await create(api, "text", textChatbot(name), SENDER_A);
      const onB = await create(api, "text", textChatbot(name), SENDER_B);
      expect(onA.senderId).toBe(SENDER_A);
      expect(onB.senderId).toBe(SENDER_B);
      const namesOn = async (senderId: string) =>
        (await api.get("/chatbots", { senderId, limit: "100" })).body.data.chatbots.map(
          (c: { uid: string }) => c.uid,
        );
      expect(await namesOn(SENDER_A)).toContain(onA.chatbot.chatbotUid);
      expect(await namesOn(SENDER_A)).not.toContain(onB.chatbot.chatbotUid);
      expect(await namesOn(SENDER_B)).toEqual([onB.chatbot.chatbotUid]);
      expect(sandbox.chatbot(onB.chatbot.chatbotUid)?.senderId).toBe(SENDER_B);
      expect(sandbox.chatbots(SENDER_B).map((chatbot) => chatbot.chatbotUid)).toEqual([
        onB.chatbot.chatbotUid,
      ]);

      // Another sender's chatbot looks like an unknown one.
      const foreign = await api.get(chatbotPath(onB.chatbot.chatbotUid), { senderId: SENDER_A });
      expectError(
        foreign,
        404,
        "CHATBOT_NOT_FOUND",
        "Chatbot UID does not belong to the authenticated sender.",
      );
    });

    it("a sender-bound token may omit senderId, may name its own, and gets 403 SENDER_NOT_ALLOWED for another", async () => {
      const own = await asA().post("/chatbots/text", { chatbot: textChatbot(uniqueName()) });
      expect(own.body.data.senderId).toBe(SENDER_A);
      expect((await asA().get("/chatbots", { senderId: SENDER_A })).body.data.senderId).toBe(SENDER_A);
      expect((await asB().get("/chatbots")).body.data.senderId).toBe(SENDER_B);
      for (const other of [SENDER_B, UNKNOWN_SENDER, SENDER_INCOMPLETE]) {
        expectError(
          await asA().get("/chatbots", { senderId: other }),
          403,
          "SENDER_NOT_ALLOWED",
          Whats91Message.senderNotAllowed,
        );
        const created = await asA().post("/chatbots/text", { senderId: other, chatbot: textChatbot("x") });
        expectError(created, 403, "SENDER_NOT_ALLOWED");
      }
      const uid = own.body.data.chatbot.chatbotUid;
      expectError(await asB().get(chatbotPath(uid)), 404, "CHATBOT_NOT_FOUND");
      expect((await asA().get(chatbotPath(uid))).status).toBe(200);
    });

    it("answers 400 WHATSAPP_SETUP_INCOMPLETE for an unknown sender or one whose setup is incomplete", async () => {
      for (const senderId of [UNKNOWN_SENDER, SENDER_INCOMPLETE, `+${SENDER_A}`]) {
        expectError(await api.get("/chatbots", { senderId }), 400, "WHATSAPP_SETUP_INCOMPLETE");
        expectError(
          await api.post("/chatbots/text", { senderId, chatbot: textChatbot("x") }),
          400,
          "WHATSAPP_SETUP_INCOMPLETE",
        );
      }
      const own = await startSandbox();
      try {
        own.sandbox.setSenderSetupIncomplete(SENDER_B, true);
        expectError(
          await new Client(own.sandbox.url, own.tokenB).get("/chatbots"),
          400,
          "WHATSAPP_SETUP_INCOMPLETE",
        );
        own.sandbox.setSenderSetupIncomplete(SENDER_B, false);
        expect((await new Client(own.sandbox.url, own.tokenB).get("/chatbots")).status).toBe(200);
        expect(() => own.sandbox.setSenderSetupIncomplete(UNKNOWN_SENDER, true)).toThrow(/No sender/);
      } finally {
        await own.sandbox.stop();
      }
    });

    it("refuses a senderId that is not a string (silent)", async () => {
      const answer = await api.post("/chatbots/text", {
        senderId: Number(SENDER_A),
        chatbot: textChatbot("x"),
      });
      expectError(answer, 400, "VALIDATION_FAILED", /senderId/);
    });

    it("with globalTokenSenderFallback, a global token without senderId works on the first sender", async () => {
      const own = await startSandbox({ globalTokenSenderFallback: true });
      try {
        const answer = await own.api.post("/chatbots/text", { chatbot: textChatbot("fallback") });
        expect(answer.body.data.senderId).toBe(SENDER_A);
        expect((await own.api.get("/chatbots")).body.data.senderId).toBe(SENDER_A);
        expect((await own.api.get("/chatbots", { senderId: SENDER_B })).body.data.senderId).toBe(SENDER_B);
      } finally {
        await own.sandbox.stop();
      }
    });
  });

  describe("subscription", () => {
    it.each(ENDPOINTS)(
      "%s: without the chatbots feature answers 403 FEATURE_NOT_AVAILABLE, after auth",
      async (_, call) => {
        const uid = sandbox.chatbots(SENDER_A)[0]?.chatbotUid ?? "bot_none";
        const before = sandbox.chatbots();
        sandbox.setChatbotsFeature(false);
        try {
          expectError(await call(api, uid), 403, "FEATURE_NOT_AVAILABLE", Whats91Message.featureNotAvailable);
          expectError(await call(asA(), uid), 403, "FEATURE_NOT_AVAILABLE");
          expectError(await call(new Client(sandbox.url, newToken()), uid), 401, "INVALID_AUTH_TOKEN");
        } finally {
          sandbox.setChatbotsFeature(true);
        }
        expect(sandbox.chatbots()).toEqual(before);
        expect((await call(api, uid)).status).toBe(200);
      },
    );

    it("takes chatbotsFeature: false at start", async () => {
      const own = await startSandbox({ chatbotsFeature: false });
      try {
        expectError(await own.api.get("/chatbots", { senderId: SENDER_A }), 403, "FEATURE_NOT_AVAILABLE");
      } finally {
        await own.sandbox.stop();
      }
    });
  });

  describe("request bodies", () => {
    it.each(ROUTE_NAMES)(
      "%s: a POST that is not JSON answers 415 UNSUPPORTED_CONTENT_TYPE, even without a token",
      async (route) => {
        const body = JSON.stringify({ senderId: SENDER_A, chatbot: ROUTES[route].chatbot("x") });
        for (const client of [api, new Client(sandbox.url, undefined)]) {
          for (const contentType of [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
          ]) {
            const answer = await client.request("POST", ROUTES[route].path, { raw: body, contentType });
            expectError(answer, 415, "UNSUPPORTED_CONTENT_TYPE", Whats91Message.unsupportedContentType);
          }
          // No Content-Type at all.
          const bare = await client.request("POST", ROUTES[route].path, { raw: Buffer.from(body) });
          expect(sandbox.requests.at(-1)?.headers).not.toHaveProperty("content-type");
          expectError(bare, 415, "UNSUPPORTED_CONTENT_TYPE");
        }
        expect(sandbox.chatbots().some((chatbot) => chatbot.name === "x")).toBe(false);
      },
    );

    it("accepts application/json with a UTF-8 charset", async () => {
      const answer = await api.request("POST", "/chatbots/text", {
        raw: JSON.stringify({ senderId: SENDER_A, chatbot: textChatbot(uniqueName("utf8")) }),
        contentType: "application/json; charset=utf-8",
      });
      expect(answer.status).toBe(200);
    });

    it("refuses JSON that does not parse or is not an object with 400 VALIDATION_FAILED (silent)", async () => {
      for (const raw of ["{", "[]", '"text"', "null"]) {
        const answer = await api.request("POST", "/chatbots/text", { raw, contentType: "application/json" });
        expectError(answer, 400, "VALIDATION_FAILED", /JSON/);
      }
    });

    it("refuses a body over 100 KiB with 413 PAYLOAD_TOO_LARGE (silent)", async () => {
      const answer = await api.post("/chatbots/text", {
        senderId: SENDER_A,
        chatbot: textChatbot("big", { response: { text: "x".repeat(101 * 1024) } }),
      });
      expectError(answer, 413, "PAYLOAD_TOO_LARGE");
    });

    it.each(ROUTE_NAMES)("%s: a body without a chatbot object answers 400 MISSING_CHATBOT", async (route) => {
      for (const body of [
        { senderId: SENDER_A },
        { senderId: SENDER_A, chatbot: null },
        { senderId: SENDER_A, chatbot: "bot" },
        { senderId: SENDER_A, chatbot: [] },
        { senderId: SENDER_A, chatBot: {} },
      ]) {
        expectError(
          await api.post(ROUTES[route].path, body),
          400,
          "MISSING_CHATBOT",
          Whats91Message.missingChatbot,
        );
      }
    });
  });

  describe("create validation", () => {
    const tooManyRows = {
      ...listResponse(),
      sections: [
        { title: "a", rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
        { title: "b", rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
      ],
    };
    const text = (overrides: Chatbot) => textChatbot("v", overrides);
    const trigger = (value: unknown) => text({ trigger: value });
    const media = (overrides: Chatbot) => mediaChatbot("v", overrides);
    const interactive = (response: Chatbot) => interactiveChatbot("v", response);
    const buttons = (value: unknown) => interactive({ type: "buttons", text: "x", buttons: value });
    const button = (fields: Chatbot) => buttons([fields]);
    const sections = (value: unknown) => interactive({ type: "list", text: "x", sections: value });
    const cta = (overrides: Chatbot) => interactive({ ...ctaResponse(), ...overrides });
    const image = (url: string, extra: Chatbot = {}) => ({ type: "IMAGE", url, ...extra });
    const CDN = "https://cdn.example.com/a.png";

    /** [label, chatbot, expected message] refused with VALIDATION_FAILED, per route. */
    type Refusal = [label: string, chatbot: Chatbot, message: RegExp];
    const refusals: Record<RouteName, Refusal[]> = {
      text: [
        ["name missing", text({ name: undefined }), /^chatbot\.name is required$/],
        ["name not a string", text({ name: 7 }), /^chatbot\.name must be a string$/],
        ["name blank", text({ name: " " }), /^chatbot\.name must not be empty$/],
        ["trigger missing", trigger(undefined), /^chatbot\.trigger is required$/],
        ["trigger not an object", trigger("help"), /^chatbot\.trigger must be an object$/],
        [
          "trigger.type unknown",
          trigger({ type: "fuzzy", keywords: ["a"] }),
          /^chatbot\.trigger\.type must be one of contains, exact, starts_with, ends_with, contains_whole_word, regex, welcome$/,
        ],
        ["trigger.type in upper case", trigger({ type: "EXACT", keywords: ["a"] }), /trigger\.type must be/],
        [
          "keywords missing",
          trigger({ type: "exact" }),
          /^chatbot\.trigger\.keywords \(or chatbot\.trigger\.keyword\) is required$/,
        ],
        [
          "keywords empty",
          trigger({ type: "exact", keywords: [] }),
          /keywords must hold at least one keyword/,
        ],
        ["keywords not an array", trigger({ keywords: "help" }), /keywords must be an array/],
        ["keyword not a string", trigger({ keywords: ["a", 5] }), /keywords\[1\] must be a string/],
        ["keyword blank", trigger({ keyword: " " }), /trigger\.keyword must not be empty/],
        ["keyword with a comma (silent)", trigger({ keywords: ["a, b"] }), /\[0\] must not contain a comma/],
        ["keywords and keyword (silent)", trigger({ keywords: ["a"], keyword: "b" }), /keyword, not both/],
        [
          "welcome, no keywords (reading welcomeKeywords: required)",
          trigger({ type: "welcome" }),
          /^chatbot\.trigger\.keywords \(or chatbot\.trigger\.keyword\) is required$/,
        ],
        [
          "welcome, keywords empty (reading welcomeKeywords: required)",
          trigger({ type: "welcome", keywords: [] }),
          /keywords must hold at least one keyword/,
        ],
        [
          "regex not compiling (silent)",
          trigger({ type: "regex", keywords: ["(a"] }),
          /valid regular expression/,
        ],
        ["status in lower case (silent)", text({ status: "active" }), /status must be ACTIVE or INACTIVE/],
        ["status unknown", text({ status: "PAUSED" }), /^chatbot\.status must be ACTIVE or INACTIVE$/],
        ["priority a string (silent)", text({ priority: "5" }), /^chatbot\.priority must be a number$/],
        ["priority null (silent)", text({ priority: null }), /^chatbot\.priority must be a number$/],
        ["priority a fraction (silent)", text({ priority: 1.5 }), /^chatbot\.priority must be an integer$/],
        ["response missing", text({ response: undefined }), /^chatbot\.response\.text is required$/],
        ["response text missing", text({ response: { type: "text" } }), /response\.text is required/],
        ["response text blank", text({ response: { text: "" } }), /response\.text must not be empty/],
        ["response a string", text({ response: "hi" }), /^chatbot\.response must be an object$/],
        [
          "a media response",
          text({ response: { type: "media" } }),
          /type must be text on POST \/chatbots\/text/,
        ],
        [
          "a response with buttons (silent)",
          text({ response: { text: "x", buttons: [] } }),
          /buttons is not an/,
        ],
        [
          "unknown chatbot field (silent)",
          text({ description: "d" }),
          /description is not an accepted field/,
        ],
        [
          "unknown trigger field (silent)",
          trigger({ keywords: ["a"], exact: true }),
          /trigger\.exact is not an/,
        ],
      ],
      media: [
        ["trigger missing", media({ trigger: undefined }), /^chatbot\.trigger is required$/],
        [
          "a text response",
          media({ response: { type: "text" } }),
          /type must be media on POST \/chatbots\/media/,
        ],
      ],
      interactive: [
        ["trigger missing", { ...buttons([]), trigger: undefined }, /^chatbot\.trigger is required$/],
        ["type missing", interactive({ text: "x" }), /^chatbot\.response\.type is required$/],
        [
          "type unknown",
          interactive({ type: "image", text: "x" }),
          /^chatbot\.response\.type must be one of text, media, buttons, cta, list$/,
        ],
        [
          "a text response",
          interactive({ type: "text", text: "x" }),
          /^chatbot\.response\.type must be buttons or cta or list on POST \/chatbots\/interactive$/,
        ],
        [
          "text missing",
          interactive({ ...buttonsResponse(), text: undefined }),
          /^chatbot\.response\.text is required$/,
        ],
        ["buttons missing", buttons(undefined), /^chatbot\.response\.buttons is required$/],
        ["buttons not an array", buttons({}), /buttons must be an array/],
        ["no buttons", buttons([]), /buttons must hold at least one button/],
        ["4 buttons", buttons(["a", "b", "c", "d"].map((id) => ({ id, label: id }))), /at most 3 buttons/],
        ["button without id", button({ label: "A" }), /buttons\[0\]\.id is required/],
        ["button without label", button({ id: "a" }), /buttons\[0\]\.label is required/],
        ["button with title, not label", button({ id: "a", title: "A" }), /\[0\]\.title is not an accepted/],
        ["label over 20 (silent)", button({ id: "a", label: "x".repeat(21) }), /label must be at most 20/],
        ["id over 256 (silent)", button({ id: "x".repeat(257), label: "A" }), /id must be at most 256/],
        [
          "button ids repeated (silent)",
          buttons([
            { id: "a", label: "A" },
            { id: "a", label: "B" },
          ]),
          /buttons\[1\]\.id repeats another button's id/,
        ],
        ["cta: ctaText missing", cta({ ctaText: undefined }), /^chatbot\.response\.ctaText is required$/],
        ["cta: ctaUrl missing", cta({ ctaUrl: undefined }), /^chatbot\.response\.ctaUrl is required$/],
        ["cta: ctaUrl over http", cta({ ctaUrl: "http://example.com/" }), /ctaUrl must be an https URL/],
        ["cta: ctaUrl not a URL", cta({ ctaUrl: "example.com" }), /ctaUrl must be an https URL/],
        ["cta: ctaText over 20 (silent)", cta({ ctaText: "x".repeat(21) }), /ctaText must be at most 20/],
        ["cta: footerText (silent)", cta({ footerText: "f" }), /footerText is not an accepted field/],
        ["list: sections missing", sections(undefined), /^chatbot\.response\.sections is required$/],
        ["list: no sections", sections([]), /sections must be a non-empty array/],
        ["list: section without rows", sections([{ title: "s" }]), /sections\[0\]\.rows is required/],
        ["list: no rows", sections([{ rows: [] }]), /sections\[0\]\.rows must be a non-empty array/],
        ["list: row without id", sections([{ rows: [{ title: "t" }] }]), /rows\[0\]\.id is required/],
        ["list: row without title", sections([{ rows: [{ id: "a" }] }]), /rows\[0\]\.title is required/],
        ["list: 11 rows in all (silent)", interactive(tooManyRows), /at most 10 rows in all/],
        [
          "list: row ids repeated (silent)",
          sections([{ rows: [{ id: "a", title: "A" }] }, { rows: [{ id: "a", title: "B" }] }]),
          /repeats another row's id/,
        ],
        [
          "list: rows outside sections (silent)",
          interactive({ ...listResponse(), rows: [{ id: "a", title: "A" }] }),
          /chatbot\.response\.rows is not an accepted field/,
        ],
      ],
    };

    /** [label, media, expected message] refused on the media route with INVALID_CHATBOT_MEDIA. */
    const mediaRefusals: Array<[label: string, media: unknown, message: RegExp]> = [
      ["not an object", CDN, /^chatbot\.response\.media must be an object$/],
      [
        "type unknown",
        { type: "STICKER", url: CDN },
        /media\.type must be one of IMAGE, VIDEO, AUDIO, DOCUMENT$/,
      ],
      ["type in lower case (silent)", { type: "image", url: CDN }, /media\.type must be one of/],
      ["url missing", { type: "IMAGE" }, /^chatbot\.response\.media\.url is required$/],
      ["url a path", image("/tmp/a.png"), /url must be an absolute https URL/],
      ["url base64 data", image("data:image/png;base64,iVBORw0KGgo="), /url must use https/],
      ["url over http", image("http://cdn.example.com/a.png"), /url must use https/],
      [
        "url with credentials (silent)",
        image("https://u:p@cdn.example.com/a.png"),
        /must not carry credentials/,
      ],
      ["metaMediaId", image(CDN, { metaMediaId: "123" }), /media\.metaMediaId: pre-uploaded media/],
      ["mediaId", { type: "IMAGE", mediaId: "123" }, /media\.mediaId: pre-uploaded media/],
      ["a base64 field", image(CDN, { base64: "iVBO" }), /media\.base64 is not accepted/],
      ...[
        "localhost",
        "api.localhost",
        "127.0.0.1",
        "127.8.9.10",
        "2130706433", // 127.0.0.1 in decimal
        "10.0.0.5",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.20",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[fd00::1]",
        "[fe80::1]",
        "printer.local",
        "intranet",
      ].map((host): [string, unknown, RegExp] => [
        `url on ${host}`,
        image(`https://${host}/a.png`),
        /public host/,
      ]),
    ];

    type Case = [label: string, route: RouteName, chatbot: Chatbot, code: string, message: RegExp];
    const cases: Case[] = [
      ...ROUTE_NAMES.flatMap((route) =>
        refusals[route].map(([label, chatbot, message]): Case => [
          label,
          route,
          chatbot,
          "VALIDATION_FAILED",
          message,
        ]),
      ),
      ...mediaRefusals.map(([label, value, message]): Case => [
        `media ${label}`,
        "media",
        media({ response: { media: value } }),
        "INVALID_CHATBOT_MEDIA",
        message,
      ]),
      [
        "media missing",
        "media",
        media({ response: { text: "c" } }),
        "MISSING_CHATBOT_MEDIA",
        /^chatbot\.response\.media is required\.$/,
      ],
      [
        "media missing, no response",
        "media",
        media({ response: undefined }),
        "MISSING_CHATBOT_MEDIA",
        /media is required/,
      ],
    ];

    it.each(cases)("%s (%s route) is refused", async (_, route, chatbot, code, message) => {
      const before = sandbox.chatbots().length;
      const answer = await api.post(ROUTES[route].path, { senderId: SENDER_A, chatbot });
      expectError(answer, 400, code, message);
      expect(sandbox.chatbots()).toHaveLength(before);
    });

    it("accepts the limits exactly: 3 buttons, 20-character labels, 256-character ids, 10 rows, public hosts", async () => {
      const buttons = ["a", "b", "x".repeat(256)].map((id, i) => ({ id, label: `${i}`.repeat(20) }));
      await create(
        api,
        "interactive",
        interactiveChatbot(uniqueName(), { type: "buttons", text: "x", buttons }),
      );
      const tenRows = {
        ...tooManyRows,
        sections: [
          tooManyRows.sections[0],
          { ...tooManyRows.sections[1], rows: tooManyRows.sections[1].rows.slice(1) },
        ],
      };
      await create(api, "interactive", interactiveChatbot(uniqueName(), tenRows));
      await create(
        api,
        "interactive",
        interactiveChatbot(uniqueName(), { ...ctaResponse(), ctaText: "x".repeat(20) }),
      );
      for (const host of ["172.15.0.1", "172.32.0.1", "8.8.8.8", "[2001:db8::1]", "cdn.example.com."]) {
        await create(
          api,
          "media",
          mediaChatbot(uniqueName(), {
            response: { media: { type: "IMAGE", url: `https://${host}/a.png` } },
          }),
        );
      }
      // Every documented trigger type, welcome included, with keywords as every route documents.
      for (const type of ["contains", "exact", "starts_with", "ends_with", "contains_whole_word", "regex"]) {
        await create(api, "text", textChatbot(uniqueName(), { trigger: { type, keywords: ["^hel+o$"] } }));
      }
      await create(
        api,
        "text",
        textChatbot(uniqueName(), { trigger: { type: "welcome", keywords: ["hi"] } }),
      );
      await create(api, "text", textChatbot(uniqueName(), { trigger: { type: "welcome", keyword: "hi" } }));
    });
  });

  describe("create answers", () => {
    it("text route: the documented fields (no uid, triggerType or priority), status as an integer", async () => {
      const name = uniqueName("text");
      const answer = await api.post("/chatbots/text", { senderId: SENDER_A, chatbot: textChatbot(name) });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        success: true,
        message: "Chatbot created",
        data: {
          senderId: SENDER_A,
          chatbot: {
            chatbotUid: expect.stringMatching(/^bot_[0-9a-f]{16}$/),
            name,
            botType: "simple",
            replyTrigger: "help, support",
            replyText: "How can we help?",
            status: 1,
          },
        },
        metadata: metadata(),
      });
      const uid = answer.body.data.chatbot.chatbotUid;
      expect(sandbox.chatbot(uid)).toEqual({
        chatbotUid: uid,
        senderId: SENDER_A,
        name,
        botType: "simple",
        triggerType: "contains",
        keywords: ["help", "support"],
        priority: 0, // silent: the default
        status: "ACTIVE", // documented default
        response: { type: "text", text: "How can we help?" },
        created: expect.any(String),
        route: "text",
      });
    });

    it("media route: triggerType and the media echo; fileName null when absent, replyText '' without caption", async () => {
      const name = uniqueName("media");
      const data = await create(api, "media", mediaChatbot(name));
      expect(data).toEqual({
        senderId: SENDER_A,
        chatbot: {
          chatbotUid: expect.stringMatching(/^bot_/),
          name,
          botType: "media",
          triggerType: "exact",
          replyTrigger: "catalog",
          replyText: "Our catalog",
          status: 1,
          media: { type: "DOCUMENT", url: "https://cdn.example.com/catalog.pdf", fileName: "catalog.pdf" },
        },
      });
      const bare = await create(
        api,
        "media",
        mediaChatbot(uniqueName(), {
          response: { type: "media", media: { type: "IMAGE", url: "https://cdn.example.com/a.png" } },
        }),
      );
      expect(bare.chatbot.media).toEqual({
        type: "IMAGE",
        url: "https://cdn.example.com/a.png",
        fileName: null,
      });
      expect(bare.chatbot.replyText).toBe("");
    });

    it.each([
      ["buttons", buttonsResponse()],
      ["cta", ctaResponse()],
      ["list", listResponse()],
    ])(
      "interactive route (%s): botType advanced, triggerType, no uid; the full config is kept",
      async (_, response) => {
        const name = uniqueName("interactive");
        const data = await create(
          api,
          "interactive",
          interactiveChatbot(name, response, { status: "INACTIVE", priority: 7 }),
        );
        expect(data).toEqual({
          senderId: SENDER_A,
          chatbot: {
            chatbotUid: expect.stringMatching(/^bot_/),
            name,
            botType: "advanced",
            triggerType: "starts_with",
            replyTrigger: "menu",
            replyText: response.text,
            status: 0,
          },
        });
        const stored = sandbox.chatbot(data.chatbot.chatbotUid) as Whats91Chatbot;
        expect(stored).toMatchObject({ response, priority: 7, status: "INACTIVE", route: "interactive" });
      },
    );

    it("clamps priority to 0..255 silently (documented); get shows it, create does not", async () => {
      for (const [given, stored] of [
        [300, 255],
        [-5, 0],
        [255, 255],
        [0, 0],
        [42, 42],
      ]) {
        const data = await create(api, "text", textChatbot(uniqueName(), { priority: given }));
        expect(data.chatbot).not.toHaveProperty("priority");
        const got = await api.get(chatbotPath(data.chatbot.chatbotUid), { senderId: SENDER_A });
        expect(got.body.data.chatbot.priority).toBe(stored);
      }
    });

    // Whether a welcome trigger needs keywords, and keeps them, is the welcomeKeywords reading.
    describe.each([
      ["required", { none: "refused", given: "hi, hello" }],
      ["optional", { none: "", given: "hi, hello" }],
      ["ignored", { none: "", given: "" }],
    ] as const)("welcome triggers under welcomeKeywords %s", (reading, expected) => {
      let own: Started;
      beforeAll(async () => {
        own = await startSandbox({ welcomeKeywords: reading });
      });
      afterAll(() => own.sandbox.stop());

      it(`keywords given: replyTrigger ${JSON.stringify(expected.given)}`, async () => {
        for (const route of ROUTE_NAMES) {
          const chatbot = {
            ...ROUTES[route].chatbot(uniqueName()),
            trigger: { type: "welcome", keywords: ["hi", "hello"] },
          };
          const data = await create(own.api, route, chatbot);
          expect(data.chatbot.replyTrigger).toBe(expected.given);
          const got = await own.api.get(chatbotPath(data.chatbot.chatbotUid), { senderId: SENDER_A });
          expect(got.body.data.chatbot).toMatchObject({
            triggerType: "welcome",
            replyTrigger: expected.given,
          });
        }
      });

      it(`no keywords: ${expected.none === "refused" ? "400 VALIDATION_FAILED" : "replyTrigger ''"}`, async () => {
        for (const route of ROUTE_NAMES) {
          const chatbot = { ...ROUTES[route].chatbot(uniqueName()), trigger: { type: "welcome" } };
          if (expected.none === "refused") {
            const answer = await own.api.post(ROUTES[route].path, { senderId: SENDER_A, chatbot });
            expectError(answer, 400, "VALIDATION_FAILED", /keyword\) is required$/);
            expect(own.sandbox.requests.at(-1)?.basis).toEqual({ documented: "whats91.validationFailed" });
          } else {
            const data = await create(own.api, route, chatbot);
            expect(data.chatbot.replyTrigger).toBe("");
            expect(own.sandbox.chatbot(data.chatbot.chatbotUid)).toMatchObject({ keywords: [] });
          }
        }
      });
    });

    it("names are not unique: the same body twice makes two chatbots", async () => {
      const name = uniqueName("twice");
      const first = await create(api, "text", textChatbot(name));
      const second = await create(api, "text", textChatbot(name));
      expect(second.chatbot.chatbotUid).not.toBe(first.chatbot.chatbotUid);
      expect(second.chatbot).toEqual({ ...first.chatbot, chatbotUid: second.chatbot.chatbotUid });
      expect(sandbox.chatbots().filter((chatbot) => chatbot.name === name)).toHaveLength(2);
    });

    it("with createStatus 201, a create answers 201 (the other plausible reading)", async () => {
      const own = await startSandbox({ createStatus: 201 });
      try {
        const answer = await own.api.post("/chatbots/text", {
          senderId: SENDER_A,
          chatbot: textChatbot("x"),
        });
        expect(answer.status).toBe(201);
        expect(answer.body.message).toBe("Chatbot created");
      } finally {
        await own.sandbox.stop();
      }
    });

    it("with unknownFieldsIgnored, undocumented fields are accepted and not stored; media extras still are not", async () => {
      const own = await startSandbox({ unknownFieldsIgnored: true });
      try {
        const answer = await own.api.post("/chatbots/text", {
          senderId: SENDER_A,
          extra: 1,
          chatbot: textChatbot("lenient", {
            description: "d",
            trigger: { keywords: ["a"], caseSensitive: true },
            response: { text: "x", footerText: "f" },
          }),
        });
        expect(answer.status).toBe(200);
        const stored = own.sandbox.chatbot(answer.body.data.chatbot.chatbotUid);
        expect(stored?.response).toEqual({ type: "text", text: "x" });
        expect(stored).not.toHaveProperty("description");
        const media = await own.api.post("/chatbots/media", {
          senderId: SENDER_A,
          chatbot: mediaChatbot("m", {
            response: { media: { type: "IMAGE", url: "https://cdn.example.com/a.png", path: "/tmp/a" } },
          }),
        });
        expectError(media, 400, "INVALID_CHATBOT_MEDIA");
      } finally {
        await own.sandbox.stop();
      }
    });
  });

  describe("get", () => {
    it("returns the summary fields with the sender's ids", async () => {
      const name = uniqueName("get");
      const data = await create(
        api,
        "interactive",
        interactiveChatbot(name, listResponse(), { priority: 9 }),
      );
      const uid = data.chatbot.chatbotUid;
      const sender = whats91Sender(SENDER_A);
      for (const client of [api, asA()]) {
        const answer = await client.get(
          chatbotPath(uid),
          client === api ? { senderId: SENDER_A } : undefined,
        );
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({
          success: true,
          message: "Chatbot retrieved",
          data: {
            senderId: SENDER_A,
            phoneNumberId: sender.phoneNumberId,
            wabaId: sender.wabaId,
            chatbot: {
              chatbotUid: uid,
              uid,
              name,
              botType: "advanced",
              triggerType: "starts_with",
              replyTrigger: "menu",
              replyText: "Menu",
              status: 1,
              priority: 9,
            },
          },
          metadata: metadata(),
        });
      }
    });

    it("answers 404 CHATBOT_NOT_FOUND with the documented message for an unknown uid", async () => {
      for (const uid of ["bot_0000000000000000", "text", "a b/c"]) {
        expectError(
          await api.get(chatbotPath(uid), { senderId: SENDER_A }),
          404,
          "CHATBOT_NOT_FOUND",
          "Chatbot UID does not belong to the authenticated sender.",
        );
      }
    });
  });

  describe("list", () => {
    let own: Started;
    /** uid by name, for the chatbots of SENDER_A in creation order. */
    const uids: Record<string, string> = {};
    const list = (query: Record<string, string> = {}) =>
      own.api.get("/chatbots", { senderId: SENDER_A, ...query });
    const names = (answer: Answer) =>
      answer.body.data.chatbots.map((chatbot: { name: string }) => chatbot.name);

    beforeAll(async () => {
      // A welcome chatbot without keywords: the "optional" reading allows it.
      own = await startSandbox({ welcomeKeywords: "optional" });
      const bodies: Array<[RouteName, Chatbot]> = [
        ["text", textChatbot("t1", { trigger: { keywords: ["Help", "support"] } })],
        ["text", textChatbot("t2", { trigger: { keywords: ["pricing"] }, status: "INACTIVE" })],
        ["media", mediaChatbot("m1", { trigger: { keywords: ["CATALOG"] } })],
        ["interactive", interactiveChatbot("i1", buttonsResponse(), { trigger: { keywords: ["helpdesk"] } })],
        ["interactive", interactiveChatbot("i2", ctaResponse(), { status: "INACTIVE" })],
        ["text", textChatbot("g1", { trigger: { type: "welcome" } })],
        ["media", mediaChatbot("m2", { status: "INACTIVE", trigger: { keyword: "brochure" } })],
      ];
      for (const [route, chatbot] of bodies) {
        const data = await create(own.api, route, chatbot);
        uids[chatbot.name as string] = data.chatbot.chatbotUid;
      }
      await create(own.api, "text", textChatbot("other sender"), SENDER_B);
    });
    afterAll(() => own.sandbox.stop());

    it("returns every chatbot of the sender on one page by default, with the get items' fields", async () => {
      const answer = await list();
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        success: true,
        message: "Chatbots retrieved",
        data: {
          senderId: SENDER_A,
          chatbots: expect.any(Array),
          pagination: { page: 1, limit: 50, total: 7, hasMore: false },
        },
        metadata: metadata(),
      });
      expect(names(answer)).toEqual(["t1", "t2", "m1", "i1", "i2", "g1", "m2"]);
      for (const item of answer.body.data.chatbots) {
        const got = await own.api.get(chatbotPath(item.uid), { senderId: SENDER_A });
        expect(item).toEqual(got.body.data.chatbot);
      }
      expect(answer.body.data.chatbots[0]).toEqual({
        chatbotUid: uids.t1,
        uid: uids.t1,
        name: "t1",
        botType: "simple",
        triggerType: "contains",
        replyTrigger: "Help, support",
        replyText: "How can we help?",
        status: 1,
        priority: 0,
      });
    });

    it("pages with page and limit: total and hasMore", async () => {
      const pages = [];
      for (const page of ["1", "2", "3", "4"]) pages.push(await list({ page, limit: "3" }));
      expect(pages.map(names)).toEqual([["t1", "t2", "m1"], ["i1", "i2", "g1"], ["m2"], []]);
      expect(pages.map((answer) => answer.body.data.pagination)).toEqual([
        { page: 1, limit: 3, total: 7, hasMore: true },
        { page: 2, limit: 3, total: 7, hasMore: true },
        { page: 3, limit: 3, total: 7, hasMore: false },
        { page: 4, limit: 3, total: 7, hasMore: false },
      ]);
      expect((await list({ limit: "7" })).body.data.pagination).toEqual({
        page: 1,
        limit: 7,
        total: 7,
        hasMore: false,
      });
      expect((await list({ limit: "100" })).status).toBe(200);
    });

    it.each([
      [{ status: "ACTIVE" }, ["t1", "m1", "i1", "g1"]],
      [{ status: "INACTIVE" }, ["t2", "i2", "m2"]],
      [{ type: "simple" }, ["t1", "t2", "g1"]],
      [{ type: "media" }, ["m1", "m2"]],
      [{ type: "advanced" }, ["i1", "i2"]],
      [{ trigger: "help" }, ["t1", "i1"]], // case-insensitive substring of a keyword
      [{ trigger: "CATAL" }, ["m1"]],
      [{ trigger: "help, support" }, []], // over single keywords, not the joined replyTrigger
      [{ trigger: "brochure" }, ["m2"]],
      [{ status: "ACTIVE", type: "advanced", trigger: "desk" }, ["i1"]],
      [{ status: "", type: "", trigger: "" }, ["t1", "t2", "m1", "i1", "i2", "g1", "m2"]], // silent: empty = absent
    ])("filters by %j", async (query, expected) => {
      const answer = await list(query);
      expect(names(answer)).toEqual(expected);
      expect(answer.body.data.pagination.total).toBe(expected.length);
    });

    it("counts total after filtering and pages the filtered list", async () => {
      const answer = await list({ status: "INACTIVE", limit: "2", page: "2" });
      expect(names(answer)).toEqual(["m2"]);
      expect(answer.body.data.pagination).toEqual({ page: 2, limit: 2, total: 3, hasMore: false });
    });

    it.each([
      [{ status: "active" }, /status must be ACTIVE or INACTIVE/],
      [{ type: "text" }, /type must be one of simple, media, advanced/],
      [{ page: "0" }, /page must be a positive integer/],
      [{ page: "-1" }, /page must be a positive integer/],
      [{ page: "1.5" }, /page must be a positive integer/],
      [{ limit: "0" }, /limit must be a positive integer/],
      [{ limit: "ten" }, /limit must be a positive integer/],
      [{ limit: "101" }, /limit must be at most 100/],
    ])("refuses %j with 400 VALIDATION_FAILED (silent)", async (query, message) => {
      expectError(await list(query), 400, "VALIDATION_FAILED", message);
    });

    it("takes pageSizeMax", async () => {
      const small = await startSandbox({ pageSizeMax: 2 });
      try {
        const answer = await small.api.get("/chatbots", { senderId: SENDER_A, limit: "3" });
        expectError(answer, 400, "VALIDATION_FAILED", /limit must be at most 2/);
        // The documented default of 50 is then over the maximum too.
        expectError(await small.api.get("/chatbots", { senderId: SENDER_A }), 400, "VALIDATION_FAILED");
        expect((await small.api.get("/chatbots", { senderId: SENDER_A, limit: "2" })).status).toBe(200);
      } finally {
        await small.sandbox.stop();
      }
    });
  });

  // Every refusal says why it is sent (sandbox/documented.ts): a documented answer of
  // sandbox/fixtures/whats91.ts, a named reading, or an HTTP-level assumption.
  describe("the basis of each refusal", () => {
    const basisOf = () => sandbox.requests.at(-1)?.basis;
    const body = (chatbot: Chatbot) => ({ senderId: SENDER_A, chatbot });

    it.each<[string, () => Promise<Answer>, number, string, object]>([
      [
        "an unknown chatbot",
        () => api.get(chatbotPath("bot_missing"), { senderId: SENDER_A }),
        404,
        "CHATBOT_NOT_FOUND",
        { documented: "whats91.chatbotNotFound" },
      ],
      [
        "no token",
        () => new Client(sandbox.url, undefined).get("/chatbots", { senderId: SENDER_A }),
        401,
        "MISSING_AUTH_TOKEN",
        { documented: "whats91.missingAuthToken" },
      ],
      [
        "a body that is not JSON",
        () => api.request("POST", "/chatbots/text", { raw: "name=x", contentType: "text/plain" }),
        415,
        "UNSUPPORTED_CONTENT_TYPE",
        { documented: "whats91.unsupportedContentType" },
      ],
      [
        "a missing name",
        () => api.post("/chatbots/text", body(textChatbot(uniqueName(), { name: undefined }))),
        400,
        "VALIDATION_FAILED",
        { documented: "whats91.validationFailed" },
      ],
      [
        "a keyword with a comma",
        () =>
          api.post("/chatbots/text", body(textChatbot(uniqueName(), { trigger: { keywords: ["a, b"] } }))),
        400,
        "VALIDATION_FAILED",
        { reading: "whats91.strict" },
      ],
      [
        "an undocumented field",
        () => api.post("/chatbots/text", body(textChatbot(uniqueName(), { colour: "red" }))),
        400,
        "VALIDATION_FAILED",
        { reading: "whats91.unknownFieldsRefused" },
      ],
      [
        "a global token without senderId",
        () => api.get("/chatbots"),
        400,
        "WHATSAPP_SETUP_INCOMPLETE",
        { reading: "whats91.globalTokenNeedsSenderId" },
      ],
      [
        "an unknown sender",
        () => api.get("/chatbots", { senderId: UNKNOWN_SENDER }),
        400,
        "WHATSAPP_SETUP_INCOMPLETE",
        { documented: "whats91.whatsappSetupIncomplete" },
      ],
      [
        "media without media",
        () => api.post("/chatbots/media", body(mediaChatbot(uniqueName(), { response: { text: "x" } }))),
        400,
        "MISSING_CHATBOT_MEDIA",
        { reading: "whats91.mediaErrorsAre400" },
      ],
      [
        "a list limit over the maximum",
        () => api.get("/chatbots", { senderId: SENDER_A, limit: "101" }),
        400,
        "VALIDATION_FAILED",
        { reading: "whats91.pageSizeMax" },
      ],
      [
        "an unknown path",
        () => api.get("/chatbots/a/b"),
        404,
        "NOT_FOUND",
        { assumed: "unknown path or method" },
      ],
    ])("%s", async (_name, send, status, code, basis) => {
      expectError(await send(), status, code);
      expect(basisOf()).toEqual(basis);
    });

    it("the documented CHATBOT_NOT_FOUND is sent verbatim, with a fresh request id", async () => {
      const answer = await api.get(chatbotPath("bot_missing"), { senderId: SENDER_A });
      expectError(
        answer,
        404,
        "CHATBOT_NOT_FOUND",
        "Chatbot UID does not belong to the authenticated sender.",
      );
    });
  });

  describe("routing", () => {
    it.each([
      ["POST", "/chatbots/bot_0000000000000000"], // no update route is documented
      ["DELETE", "/chatbots/bot_0000000000000000"], // no delete route is documented
      ["PUT", "/chatbots/bot_0000000000000000"],
      ["PATCH", "/chatbots/bot_0000000000000000"],
      ["PUT", "/chatbots"],
      ["DELETE", "/chatbots"],
      ["POST", "/chatbots"], // the generic create route: the provider never calls it
      ["POST", "/chatbots/buttons"],
      ["POST", "/chatbots/text/extra"],
      ["GET", "/chatbots/a/b"],
      ["GET", "/chatbots/"],
      ["GET", "/Chatbots"],
      ["GET", "/chatbot"],
      ["GET", ""],
    ])("answers %s %s with 404 NOT_FOUND in the error envelope, before auth", async (method, urlPath) => {
      for (const client of [api, new Client(sandbox.url, undefined)]) {
        expectError(await client.request(method, urlPath), 404, "NOT_FOUND", Whats91Message.notFound);
      }
    });

    it("answers 404 outside the base path", async () => {
      for (const urlPath of ["/api/v1/chatbots", "/chatbots", "/"]) {
        expectError(await new Client(originOf(sandbox), started.globalToken).get(urlPath), 404, "NOT_FOUND");
      }
    });
  });

  describe("dashboard simulation", () => {
    it("edit changes what get and list show (drift): name, status, priority (clamped), keywords, reply text", async () => {
      const data = await create(api, "text", textChatbot(uniqueName("drift")));
      const uid = data.chatbot.chatbotUid;
      sandbox.edit(uid, {
        name: "renamed in dashboard",
        status: "INACTIVE",
        priority: 999,
        keywords: ["hello", "hi"],
        replyText: "Changed",
      });
      const got = (await api.get(chatbotPath(uid), { senderId: SENDER_A })).body.data.chatbot;
      expect(got).toMatchObject({
        name: "renamed in dashboard",
        status: 0,
        priority: 255,
        replyTrigger: "hello, hi",
        replyText: "Changed",
      });
      expect(sandbox.chatbot(uid)).toMatchObject({
        keywords: ["hello", "hi"],
        response: { type: "text", text: "Changed" },
      });
      sandbox.edit(uid, { status: "ACTIVE" });
      expect(sandbox.chatbot(uid)).toMatchObject({ status: "ACTIVE", name: "renamed in dashboard" });

      expect(() => sandbox.edit(uid, { status: "PAUSED" as "ACTIVE" })).toThrow(/edit: status/);
      expect(() => sandbox.edit(uid, { keywords: [] })).toThrow(/edit:/);
      expect(() => sandbox.edit(uid, { priority: 1.5 })).toThrow(/edit:/);
      expect(() => sandbox.edit("bot_none", { name: "x" })).toThrow(/No chatbot/);
      expect(sandbox.chatbot(uid)?.name).toBe("renamed in dashboard"); // a refused edit changes nothing
    });

    it("remove deletes a chatbot: get answers 404 and the list no longer has it", async () => {
      const data = await create(api, "text", textChatbot(uniqueName("removed")));
      const uid = data.chatbot.chatbotUid;
      sandbox.remove(uid);
      expect(sandbox.chatbot(uid)).toBeUndefined();
      expectError(await api.get(chatbotPath(uid), { senderId: SENDER_A }), 404, "CHATBOT_NOT_FOUND");
      const listed = await api.get("/chatbots", { senderId: SENDER_A, limit: "100" });
      expect(listed.body.data.chatbots.map((chatbot: { uid: string }) => chatbot.uid)).not.toContain(uid);
      expect(() => sandbox.remove(uid)).toThrow(/No chatbot/);
    });

    it("snapshots are copies", async () => {
      const data = await create(api, "text", textChatbot(uniqueName()));
      const copy = sandbox.chatbot(data.chatbot.chatbotUid)!;
      copy.keywords.push("tampered");
      expect(sandbox.chatbot(data.chatbot.chatbotUid)?.keywords).toEqual(["help", "support"]);
    });
  });

  describe("faults", () => {
    const createPath = `${WHATS91_API_PATH}/chatbots/text`;
    const createText = (name: string) =>
      api.post("/chatbots/text", { senderId: SENDER_A, chatbot: textChatbot(name) });
    const countNamed = (name: string) => sandbox.chatbots().filter((chatbot) => chatbot.name === name).length;

    it("answers an injected 503 in the error envelope with Retry-After, without touching state", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "status", status: 503, retryAfterSeconds: 2 }, method: "POST" });
      const answer = await createText(name);
      expectError(answer, 503, "SERVICE_UNAVAILABLE", "Service Unavailable.");
      expect(answer.headers["retry-after"]).toBe("2");
      expect(countNamed(name)).toBe(0);
      expect(sandbox.requests.at(-1)).toMatchObject({ method: "POST", path: createPath, status: 503 });
    });

    it("renders injected 401, 404, 429 and 500 with the API's own codes", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 401 } });
      expectError(await api.get("/chatbots", { senderId: SENDER_A }), 401, "INVALID_AUTH_TOKEN");
      sandbox.faults.inject({ fault: { kind: "status", status: 404 } });
      expectError(await api.get(chatbotPath("bot_x"), { senderId: SENDER_A }), 404, "CHATBOT_NOT_FOUND");
      sandbox.faults.inject({ fault: { kind: "status", status: 404 } });
      expectError(await api.get("/chatbots", { senderId: SENDER_A }), 404, "NOT_FOUND");
      sandbox.faults.inject({ fault: { kind: "status", status: 429 } });
      const limited = await api.get("/chatbots", { senderId: SENDER_A });
      expectError(limited, 429, "RATE_LIMITED", Whats91Message.rateLimited);
      expect(limited.headers["retry-after"]).toBe("1");
      expect(sandbox.rateLimited()).toBe(0); // injected, not the limiter's
      sandbox.faults.inject({ fault: { kind: "status", status: 500 } });
      expectError(await api.get("/chatbots", { senderId: SENDER_A }), 500, "INTERNAL_ERROR");
    });

    it("drops the connection: the client sees an error and nothing is stored", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "drop" }, method: "POST", path: createPath });
      await expect(createText(name)).rejects.toThrow();
      expect(countNamed(name)).toBe(0);
      expect(sandbox.requests.at(-1)?.status).toBeUndefined();
    });

    it("loses a create's answer: the chatbot IS stored, and a naive retry makes a duplicate", async () => {
      const name = uniqueName("lost");
      sandbox.faults.inject({ fault: { kind: "lose-response" }, method: "POST", path: createPath });
      await expect(createText(name)).rejects.toThrow();
      expect(countNamed(name)).toBe(1);
      // The way back: look the chatbot up before sending the create again.
      const listed = await api.get("/chatbots", { senderId: SENDER_A, trigger: "support", limit: "100" });
      expect(
        listed.body.data.chatbots.filter((chatbot: { name: string }) => chatbot.name === name),
      ).toHaveLength(1);
      // Names are not unique, so nothing stops a blind retry.
      expect((await createText(name)).status).toBe(200);
      expect(countNamed(name)).toBe(2);
    });

    it("commits, then answers the injected status", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "commit-then-status", status: 502 }, method: "POST" });
      expectError(await createText(name), 502, "BAD_GATEWAY");
      expect(countNamed(name)).toBe(1);
      expect(sandbox.requests.at(-1)?.status).toBe(502);
    });

    it("resets the connection, then commits delayMs later", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "reset-then-commit", delayMs: 200 }, method: "POST" });
      await expect(createText(name)).rejects.toThrow();
      expect(countNamed(name)).toBe(0);
      await waitUntil(() => countNamed(name) === 1);
    });

    it("answers a foreign page without touching state", async () => {
      const name = uniqueName();
      sandbox.faults.inject({ fault: { kind: "foreign", status: 502 }, path: createPath });
      expectForeignPage(await createText(name), 502);
      expect(countNamed(name)).toBe(0);
    });

    it("applies faults before auth, and only to matching requests", async () => {
      sandbox.faults.inject({ fault: { kind: "status", status: 502 }, path: /\/chatbots\/media$/, times: 2 });
      expect((await api.get("/chatbots", { senderId: SENDER_A })).status).toBe(200);
      expect((await new Client(sandbox.url, undefined).post("/chatbots/media", {})).status).toBe(502);
      expect(sandbox.faults.pending()).toBe(1);
    });

    it("can be controlled over HTTP with a Bearer token, without being logged", async () => {
      const logged = sandbox.requests.length;
      const control = new Client(`${originOf(sandbox)}/__sandbox`, started.tokenB);
      expectError(
        await new Client(`${originOf(sandbox)}/__sandbox`, newToken()).get("/faults"),
        401,
        "INVALID_AUTH_TOKEN",
      );
      expectError(
        await new Client(`${originOf(sandbox)}/__sandbox`, undefined).get("/faults"),
        401,
        "MISSING_AUTH_TOKEN",
      );

      const injected = await control.post("/faults", {
        fault: { kind: "status", status: 503 },
        path: `${WHATS91_API_PATH}/chatbots`,
      });
      expect(injected.body).toEqual({ pending: 1 });
      expect((await api.get("/chatbots", { senderId: SENDER_A })).status).toBe(503);

      const state = await control.get("/chatbots");
      expect(state.body).toEqual({ chatbots: sandbox.chatbots() });
      expect((await control.post("/chatbots", {})).status).toBe(405);
      expect((await control.get("/nothing")).status).toBe(404);
      expectLoggedSince(sandbox, logged, 1);
    });
  });

  describe("request log", () => {
    it("records method, raw path, query, body and final status; the Authorization header redacted", async () => {
      const start = sandbox.requests.length;
      await api.get("/chatbots", { senderId: SENDER_A, page: "2" });
      await api.post("/chatbots/text", { senderId: SENDER_A, chatbot: { name: "logged" } });
      expect(sandbox.requests.slice(start)).toEqual([
        expect.objectContaining({
          method: "GET",
          path: `${WHATS91_API_PATH}/chatbots`,
          query: { senderId: SENDER_A, page: "2" },
          headers: expect.objectContaining({ authorization: "[REDACTED]" }),
          status: 200,
        }),
        expect.objectContaining({
          method: "POST",
          path: `${WHATS91_API_PATH}/chatbots/text`,
          body: { senderId: SENDER_A, chatbot: { name: "logged" } },
          status: 400,
        }),
      ]);
    });

    it("redacts body tokens by field name, right or wrong, also in bodies the handler never saw", async () => {
      const start = sandbox.requests.length;
      const wrong = newToken();
      const anonymous = new Client(sandbox.url, undefined);
      await anonymous.post("/chatbots/text", {
        authToken: started.tokenA,
        chatbot: textChatbot(uniqueName()),
      });
      await anonymous.post("/chatbots/text", { auth_token: wrong, chatbot: textChatbot("x") });
      sandbox.faults.inject({ fault: { kind: "status", status: 503 } });
      await anonymous.post("/chatbots/text", { token: newToken(), chatbot: textChatbot("x") });
      sandbox.faults.inject({ fault: { kind: "foreign" } });
      await anonymous.post("/chatbots/text", { nested: { Token: newToken() }, chatbot: textChatbot("x") });
      await anonymous.request("POST", "/chatbots/text", {
        raw: `token=${newToken()}&x=1`,
        contentType: "application/x-www-form-urlencoded",
      });
      const bodies = sandbox.requests.slice(start).map((request) => request.body);
      expect(bodies).toEqual([
        expect.objectContaining({ authToken: "[REDACTED]" }),
        expect.objectContaining({ auth_token: "[REDACTED]" }),
        expect.objectContaining({ token: "[REDACTED]" }),
        expect.objectContaining({ nested: { Token: "[REDACTED]" } }),
        "token=[REDACTED]&x=1",
      ]);
      const log = JSON.stringify(sandbox.requests);
      for (const token of leaks.secrets) expect(log).not.toContain(token);
    });

    it("scrubs a known token wherever a client put it", async () => {
      await api.get(chatbotPath(started.tokenA), { senderId: SENDER_A, note: started.tokenB });
      expect(sandbox.requests.at(-1)).toMatchObject({
        path: `${WHATS91_API_PATH}/chatbots/[REDACTED]`,
        query: { senderId: SENDER_A, note: "[REDACTED]" },
      });
    });
  });
});

describe("Whats91 sandbox rate limiting", () => {
  it("answers 429 RATE_LIMITED over the limit with Retry-After, counts refusals and recovers", async () => {
    const { sandbox, api } = await startSandbox({ rateLimit: { requestsPerSecond: 3 } });
    try {
      const refused = await expectBurstLimited(sandbox, 3, 10, () =>
        api.get("/chatbots", { senderId: SENDER_A }),
      );
      expect(refused.length).toBeGreaterThan(0);
      expectError(refused[0], 429, "RATE_LIMITED", Whats91Message.rateLimited);
      expect(refused[0].headers["retry-after"]).toBe("1");

      await sleep(1000);
      expect((await api.get("/chatbots", { senderId: SENDER_A })).status).toBe(200);
    } finally {
      await sandbox.stop();
    }
  }, 15_000);

  it("applies a default limit of 5 requests per second (silent)", async () => {
    const token = newToken();
    const sandbox = await startWhats91Sandbox({ tokens: [{ token, scope: "global" }] });
    leaks.watch(sandbox);
    try {
      const api = new Client(sandbox.url, token);
      await expectBurstLimited(sandbox, 5, 12, () => api.get("/chatbots", { senderId: SENDER_A }));
    } finally {
      await sandbox.stop();
    }
  });

  it("does not count requests that fail auth or name no endpoint; takes a new limit at run time", async () => {
    const { sandbox, api } = await startSandbox({ rateLimit: { requestsPerSecond: 0 } });
    try {
      expect((await new Client(sandbox.url, newToken()).get("/chatbots")).status).toBe(401);
      expect((await new Client(sandbox.url, undefined).get("/chatbots")).status).toBe(401);
      expect((await api.get("/nothing")).status).toBe(404);
      const plain = await api.request("POST", "/chatbots/text", { raw: "x", contentType: "text/plain" });
      expect(plain.status).toBe(415);
      expect(sandbox.rateLimited()).toBe(0);
      await expectZeroLimitLifted(sandbox, () => api.get("/chatbots", { senderId: SENDER_A }));
    } finally {
      await sandbox.stop();
    }
  });
});

describe("Whats91 sandbox latency", () => {
  it("delays API requests by latencyMs, changeable at run time; control requests are not delayed", async () => {
    const { sandbox, api, globalToken } = await startSandbox({ latencyMs: 250 });
    try {
      await expectLatency(
        sandbox,
        {
          api: () => api.get("/chatbots", { senderId: SENDER_A }),
          control: () => new Client(`${originOf(sandbox)}/__sandbox`, globalToken).get("/faults"),
        },
        { slowMs: 240, fastMs: 240 },
      );
    } finally {
      await sandbox.stop();
    }
  });
});

describe("Whats91 sandbox state file", () => {
  const temporary = useStateDirectory();

  it("reloads the chatbots with their full config, rewriting the file (mode 0600, no token) on every change", async () => {
    const { stateFile } = temporary;
    const first = await startSandbox({ stateFile });
    let uids: string[];
    let snapshot: Whats91Chatbot[];
    try {
      expect(fs.existsSync(stateFile)).toBe(false); // a missing file means "no chatbots"
      const anonymous = new Client(first.sandbox.url, undefined);
      await anonymous.post("/chatbots/interactive", {
        authToken: first.tokenA,
        chatbot: interactiveChatbot("kept", listResponse()),
      });
      await create(first.api, "media", mediaChatbot("also kept"), SENDER_B);
      uids = first.sandbox.chatbots().map((chatbot) => chatbot.chatbotUid);
      snapshot = first.sandbox.chatbots();
      expect(fileMode(stateFile)).toBe(0o600);
      const text = fs.readFileSync(stateFile, "utf8");
      for (const token of [first.globalToken, first.tokenA, first.tokenB]) expect(text).not.toContain(token);
      expect(text).not.toMatch(/authToken|auth_token|"token"/);
    } finally {
      await first.sandbox.stop();
    }

    const second = await startSandbox({ stateFile });
    try {
      expect(second.sandbox.chatbots()).toEqual(snapshot);
      const got = await second.api.get(chatbotPath(uids[0]), { senderId: SENDER_A });
      expect(got.body.data.chatbot).toMatchObject({ name: "kept", replyText: "Menu" });

      second.sandbox.edit(uids[0], { name: "edited" });
      second.sandbox.remove(uids[1]);
      await create(second.api, "text", textChatbot("third"));
      const onDisk = JSON.parse(fs.readFileSync(stateFile, "utf8"));
      expect(onDisk.version).toBe(1);
      expect(onDisk.chatbots).toEqual(second.sandbox.chatbots());
      expect(onDisk.chatbots.map((chatbot: Whats91Chatbot) => chatbot.name)).toEqual(["edited", "third"]);
      expect(onDisk.chatbots[0].response).toEqual(listResponse()); // what no API answer shows
      expect(fs.readdirSync(temporary.directory)).toEqual(["state.json"]); // no temporary files left behind
    } finally {
      await second.sandbox.stop();
    }
  });

  it("refuses to start on a state file it cannot read", () =>
    expectUnreadableStateFilesRefused(
      temporary.stateFile,
      (stateFile) => startWhats91Sandbox({ tokens: [{ token: newToken(), scope: "global" }], stateFile }),
      '{"version":1,"chatbots":[{}]}',
    ));
});

describe("Whats91 sandbox options", () => {
  it("has one default sender with ids derived from its number, the same on every run", async () => {
    const token = newToken();
    const sandbox = await startWhats91Sandbox({ tokens: [{ token, scope: "global" }], rateLimit: false });
    leaks.watch(sandbox);
    try {
      const sender = whats91Sender(WHATS91_DEFAULT_SENDER_ID);
      expect(sender.phoneNumberId).toMatch(/^[1-9]\d{14}$/);
      expect(sender.wabaId).toMatch(/^[1-9]\d{14}$/);
      expect(sender.wabaId).not.toBe(sender.phoneNumberId);
      expect(whats91Sender(SENDER_B).phoneNumberId).not.toBe(sender.phoneNumberId);
      const client = new Client(sandbox.url, token);
      const data = await create(client, "text", textChatbot("default"), WHATS91_DEFAULT_SENDER_ID);
      const got = await client.get(chatbotPath(data.chatbot.chatbotUid), {
        senderId: WHATS91_DEFAULT_SENDER_ID,
      });
      expect(got.body.data).toMatchObject({ phoneNumberId: sender.phoneNumberId, wabaId: sender.wabaId });
    } finally {
      await sandbox.stop();
    }
  });

  it.each([
    ["no token", { tokens: [] }, /at least one token/],
    ["an empty token", { tokens: [{ token: "", scope: "global" }] }, /non-empty/],
    ["a token with whitespace", { tokens: [{ token: `${newToken()} x`, scope: "global" }] }, /whitespace/],
    ["an unknown scope", { tokens: [{ token: newToken(), scope: "team" }] }, /scope/],
    [
      "a token bound to an unknown sender",
      { tokens: [{ token: newToken(), scope: "specific_number", senderId: UNKNOWN_SENDER }] },
      /sender/,
    ],
    [
      "a sender id with a plus sign",
      { tokens: [{ token: newToken(), scope: "global" }], senders: [whats91Sender("+15550001111")] },
      /senderId/,
    ],
    [
      "a sender given twice",
      {
        tokens: [{ token: newToken(), scope: "global" }],
        senders: [whats91Sender(SENDER_A), whats91Sender(SENDER_A)],
      },
      /twice/,
    ],
    [
      "a sender without phoneNumberId",
      {
        tokens: [{ token: newToken(), scope: "global" }],
        senders: [{ senderId: SENDER_A, phoneNumberId: "", wabaId: "1" }],
      },
      /phoneNumberId/,
    ],
    ["pageSizeMax 0", { tokens: [{ token: newToken(), scope: "global" }], pageSizeMax: 0 }, /pageSizeMax/],
    [
      "an unknown welcomeKeywords reading",
      { tokens: [{ token: newToken(), scope: "global" }], welcomeKeywords: "refused" },
      /welcomeKeywords/,
    ],
    [
      "a negative rate limit",
      { tokens: [{ token: newToken(), scope: "global" }], rateLimit: { requestsPerSecond: -1 } },
      /requestsPerSecond/,
    ],
  ])("refuses to start with %s", async (_, options, message) => {
    await expect(startWhats91Sandbox(options as Whats91SandboxOptions)).rejects.toThrow(message);
  });

  it("exports every documented error code", () => {
    for (const code of [
      "MISSING_AUTH_TOKEN",
      "INVALID_AUTH_TOKEN",
      "SENDER_NOT_ALLOWED",
      "FEATURE_NOT_AVAILABLE",
      "MISSING_CHATBOT",
      "VALIDATION_FAILED",
      "WHATSAPP_SETUP_INCOMPLETE",
      "CHATBOT_NOT_FOUND",
      "UNSUPPORTED_CONTENT_TYPE",
      "MISSING_CHATBOT_MEDIA",
      "INVALID_CHATBOT_MEDIA",
    ] as const) {
      expect(Whats91ErrorCode[code]).toBe(code);
    }
  });

  it("types a token as global or bound to a sender", () => {
    const tokens: Whats91Token[] = [
      { token: newToken(), scope: "global" },
      { token: newToken(), scope: "selected_number", senderId: SENDER_A },
    ];
    expect(tokens).toHaveLength(2);
  });
});

describe("Whats91 sandbox secrecy", () => {
  // Runs last: every answer received and every request logged by every sandbox above.
  it("never put a token in any response or request log", () => {
    leaks.expectNoLeaks();
  });
});

describe("whats91 sandbox CLI: the readings' flags", () => {
  test("parse into the sandbox options, and a value outside the readings is refused", () => {
    expect(parseArguments(["whats91", "--welcome-keywords", "ignored"])).toMatchObject({
      welcomeKeywords: "ignored",
    });
    expect(() => parseArguments(["whats91", "--welcome-keywords", "maybe"])).toThrow(
      "--welcome-keywords must be required, optional, ignored",
    );
  });
});
