/**
 * The HTTP client against servers that misbehave on purpose (issue 17, items 4 to 6), each a small
 * server on 127.0.0.1 started here: a rate-limit header advertising one request in three years, a
 * 200 that trickles its body, answers and listings too large to hold. Each must end promptly with a
 * clear error (or, for the header, a warning), never stall or exhaust the provider process.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiClient, ApiClientOptions } from "../../provider/core/http";
import { AmbiguousRequestError, ApiError } from "../../provider/core/errors";
import { handlersOf } from "../../provider/core/definition";
import { withPolicies } from "../../provider/core/policies";
import { resetConfiguration } from "../../provider/core/credentials";
import { sendbirdApi } from "../../provider/sendbird/api";
import { definition as sendbirdBotDefinition } from "../../provider/sendbird/bot";
import { definition as deadSimpleChatBotDefinition } from "../../provider/deadsimplechat/bot";
import { LineWorksApi } from "../../provider/lineworks/api";
import { Whats91Api } from "../../provider/whats91/api";
import { CoalescedReads } from "../../provider/core/coalesce";
import { sendbirdBotArgs } from "../fixtures";
import { failure, testPolicies } from "./handler-kit";

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

interface Loopback {
  url: string;
  /** Requests seen, as "METHOD /path". */
  seen: string[];
  /** Connections the client has closed (or that ended). */
  closed(): number;
  stop(): Promise<void>;
}

const servers: Loopback[] = [];

async function serve(handler: Handler): Promise<Loopback> {
  const seen: string[] = [];
  let closed = 0;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url?.split("?")[0]}`);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handler(req, Buffer.concat(chunks).toString(), res));
  });
  server.on("connection", (socket) => socket.on("close", () => closed++));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const loopback: Loopback = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    closed: () => closed,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(loopback);
  return loopback;
}

/** Waits (a bounded while) until `done` holds. */
async function eventually(done: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(done()).toBe(true);
}

const client = (url: string, extra: Partial<ApiClientOptions> = {}) =>
  new ApiClient({
    platform: "Test",
    baseUrl: `${url}/v1`,
    headers: { "Content-Type": "application/json" },
    secrets: [],
    baseUrlSetting: "test:apiUrl",
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });

/**
 * Writes a JSON string of `total` bytes in 64 KiB chunks, as fast as the client reads them; with
 * `wrap`, as the value of a "padding" field of that object (a valid answer, only too large).
 */
function bigJson(res: http.ServerResponse, total: number, status = 200, wrap?: object): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  res.write(wrap ? `${JSON.stringify(wrap).slice(0, -1)},"padding":"` : '"');
  const write = (): void => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", write);
    }
    if (!res.destroyed) res.end(wrap ? '"}' : '"');
  };
  write();
}

const MiB = 1024 * 1024;
let warnings: string[];
const savedEnv = { ...process.env };
/** Where the handlers, and the clients these tests call directly (`withPolicies`), put warnings. */
const policies = testPolicies({ warn: (message) => void warnings.push(message) });
const sendbirdBot = handlersOf(sendbirdBotDefinition, policies);
const deadSimpleChatBot = handlersOf(deadSimpleChatBotDefinition, policies);

beforeEach(() => {
  warnings = [];
});
afterEach(async () => {
  process.env = { ...savedEnv };
  resetConfiguration();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe("a rate-limit header advertising an absurdly low limit", () => {
  test("Sendbird: two reads complete promptly, and a warning names the header and the setting", async () => {
    const vendor = await serve((_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "X-RateLimit-Limit": "1;w=100000000" });
      res.end(JSON.stringify({ bot: { bot_userid: "helper_bot" } }));
    });
    process.env.SENDBIRD_API_URL = `${vendor.url}/v3`;
    process.env.SENDBIRD_API_TOKEN = randomBytes(20).toString("hex");
    delete process.env.SENDBIRD_READS_PER_SECOND;
    const started = Date.now();
    await withPolicies(policies, () => sendbirdApi().getBot("helper_bot"));
    await withPolicies(policies, () => sendbirdApi().getBot("helper_bot"));
    // At the floor (0.8 reads a second) the second read waits 1.25 s; the header alone would mean 3 years.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(vendor.seen).toEqual(["GET /v3/bots/helper_bot", "GET /v3/bots/helper_bot"]);
    expect(sendbirdApi().pace("read")).toBe(0.8);
    expect(warnings).toEqual([
      'pulumi-chatbots: Sendbird advertised a rate limit of "1;w=100000000" in its X-RateLimit-Limit header, ' +
        "below the provider's floor of 0.8 reads a second (a tenth of the starting pace): the advertised limit " +
        "was ignored, and reads go at 0.8 a second. To choose the pace, set sendbird:readsPerSecond " +
        "(or SENDBIRD_READS_PER_SECOND).",
    ]);
    expect(warnings[0]).not.toContain(process.env.SENDBIRD_API_TOKEN);
  }, 20_000);
});

describe("an answer that trickles in", () => {
  /** Answers 200 and sends one byte every 2 s, never finishing: never silent for the 30 s idle timeout. */
  const trickle: Handler = (_req, _body, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.write("[");
    const timer = setInterval(() => res.write(" "), 2_000);
    res.on("close", () => clearInterval(timer));
  };

  test("a read is abandoned at the attempt's deadline, its connection closed, and retried", async () => {
    const vendor = await serve(trickle);
    const started = Date.now();
    const err = await failure(
      client(vendor.url, { deadlineMs: 1_000, retry: { maxAttempts: 2, baseDelayMs: 1 } }).request({
        method: "GET",
        path: "/slow",
      }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toBe(
      `Test API GET /slow failed after 2 attempts: network error timeout reaching ${vendor.url}/v1`,
    );
    expect(vendor.seen).toEqual(["GET /v1/slow", "GET /v1/slow"]);
    // The abort destroys the socket: the server sees both connections end.
    await eventually(() => vendor.closed() === 2);
  }, 20_000);

  test("a create is abandoned once, as an outcome that may or may not have been applied", async () => {
    const vendor = await serve(trickle);
    const err = await failure(
      client(vendor.url, { deadlineMs: 1_000 }).request({ method: "POST", path: "/slow", body: {} }),
    );
    expect(err).toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toBe(
      `Test API POST /slow failed: network error timeout reaching ${vendor.url}/v1; ` +
        "the request may or may not have been applied",
    );
    expect(vendor.seen).toEqual(["POST /v1/slow"]);
    await eventually(() => vendor.closed() === 1);
  }, 20_000);

  test("the deadline's timer does not outlive the attempt", async () => {
    const vendor = await serve((_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{}");
    });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const c = client(vendor.url, { deadlineMs: 600_000 });
    const before = timers();
    await c.request({ method: "GET", path: "/quick" });
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe("an answer larger than the cap", () => {
  test("a read fails at once, with one attempt, naming the limit, the method and the path", async () => {
    const vendor = await serve((_req, _body, res) => bigJson(res, 64 * MiB));
    const err = await failure(
      client(vendor.url, { maxResponseBytes: MiB }).request({ method: "GET", path: "/bots" }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toBe(
      "Test API GET /bots failed with HTTP 200: the answer is larger than 1 MiB, the most the provider reads",
    );
    expect(vendor.seen).toEqual(["GET /v1/bots"]);
    // Reading stopped at the cap: the connection is closed long before the 64 MiB are sent.
    await eventually(() => vendor.closed() === 1);
  }, 20_000);

  test("the answer to a non-idempotent write is an outcome that may or may not have been applied", async () => {
    const vendor = await serve((_req, _body, res) => bigJson(res, 4 * MiB, 201));
    const c = client(vendor.url, { maxResponseBytes: MiB });
    const err = await failure(c.request({ method: "POST", path: "/bots", body: {} }));
    expect(err).toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toBe(
      "Test API POST /bots failed with HTTP 201: the answer is larger than 1 MiB, the most the provider reads; " +
        "the request may or may not have been applied",
    );
    // An idempotent write is a plain failure, not retried either.
    const put = await failure(c.request({ method: "PUT", path: "/bots/1", body: {} }));
    expect(put).not.toBeInstanceOf(AmbiguousRequestError);
    expect(put.message).toBe(
      "Test API PUT /bots/1 failed with HTTP 201: the answer is larger than 1 MiB, the most the provider reads",
    );
    expect(vendor.seen).toEqual(["POST /v1/bots", "PUT /v1/bots/1"]);
  }, 20_000);

  test("a request body over its cap is not sent", async () => {
    const vendor = await serve((_req, _body, res) => res.end("{}"));
    const err = await failure(
      client(vendor.url, { maxRequestBytes: MiB }).request({
        method: "POST",
        path: "/bots",
        body: { description: "a".repeat(2 * MiB) },
      }),
    );
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toBe(
      "Test API POST /bots failed: the request body is larger than 1 MiB, the most the provider sends",
    );
    expect(vendor.seen).toEqual([]);
  });

  test("through the handlers: a DeadSimpleChat listing over 32 MiB fails the read with the limit", async () => {
    const vendor = await serve((_req, _body, res) => bigJson(res, 40 * MiB));
    process.env.DEADSIMPLECHAT_API_URL = vendor.url;
    process.env.DEADSIMPLECHAT_API_KEY = randomBytes(16).toString("hex");
    const err = await failure(deadSimpleChatBot.read("653d69f2357917b517297b8d", {}));
    expect(err.message).toBe(
      "DeadSimpleChat API GET /bots failed with HTTP 200: the answer is larger than 32 MiB, the most the provider reads",
    );
    expect(vendor.seen).toEqual(["GET /bots"]);
  }, 30_000);

  test("through the handlers: a Sendbird create whose answer is too large is looked up, not sent again", async () => {
    let posted: Record<string, unknown> | undefined;
    /** The bot as Sendbird shows it: what was posted. */
    const shown = () => {
      const { bot_userid, bot_nickname, bot_profile_url, bot_type, ...rest } = posted ?? {};
      return { bot: { bot_userid, bot_nickname, bot_profile_url, bot_type }, ...rest };
    };
    const vendor = await serve((req, body, res) => {
      if (req.method === "POST") {
        posted = JSON.parse(body) as Record<string, unknown>;
        return bigJson(res, 40 * MiB, 200, shown());
      }
      if (!posted) {
        res.writeHead(400, { "Content-Type": "application/json" });
        return void res.end(JSON.stringify({ error: true, code: 400201, message: "not found" }));
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(shown()));
    });
    process.env.SENDBIRD_API_URL = `${vendor.url}/v3`;
    process.env.SENDBIRD_API_TOKEN = randomBytes(20).toString("hex");
    const checked = await sendbirdBot.check({}, { ...sendbirdBotArgs });
    expect(checked.failures ?? []).toEqual([]);
    const created = await sendbirdBot.create(checked.inputs);
    expect(created.id).toBe("helper_bot");
    // The create went out once; what it made was found by a lookup instead of reading its answer.
    expect(vendor.seen.filter((r) => r.startsWith("POST"))).toEqual(["POST /v3/bots"]);
    expect(vendor.seen).toContain("GET /v3/bots/helper_bot");
  }, 30_000);
});

describe("listings too long to hold", () => {
  /** A LINE WORKS client of the test's server, with the given item cap. */
  const lineworks = (url: string, maxListItems?: number) =>
    new LineWorksApi(client(url, { maxListItems }), `${url}/v1`, new CoalescedReads(0));

  test("LINE WORKS: pages with fresh cursors stop at the item cap, with an error naming the listing and the cap", async () => {
    let page = 0;
    const vendor = await serve((_req, _body, res) => {
      page++;
      const domains = [1, 2, 3].map((i) => ({ domainId: page * 10 + i }));
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ domains, responseMetaData: { nextCursor: `cursor-${page}` } }));
    });
    const err = await failure(lineworks(vendor.url, 5).listDomains("42"));
    expect(err.message).toBe(
      "LINE WORKS list-bot-domains has more than 5 items, the most the provider reads of one listing: " +
        "the vendor holds more than the provider reads, or its listing does not end",
    );
    expect(vendor.seen).toHaveLength(2);
  });

  test("LINE WORKS: one page of 200,000 domains is read without overflowing the stack", async () => {
    const domains = JSON.stringify({
      domains: Array.from({ length: 200_000 }, (_, i) => ({ domainId: 1_000_000 + i })),
    });
    const vendor = await serve((_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(domains);
    });
    const listed = await lineworks(vendor.url, 250_000).listDomains("42");
    expect(listed).toHaveLength(200_000);
    expect(listed?.[199_999]).toEqual({ domainId: 1_199_999 });
  }, 30_000);

  /** Whats91 pages of `size` chatbots, each saying more follow. */
  const whats91Pages = (size: number) =>
    serve((_req, _body, res) => {
      const chatbots = Array.from({ length: size }, (_, i) => ({ chatbotUid: `c${i}` }));
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ success: true, data: { chatbots, pagination: { hasMore: size < 1_000 } } }));
    });

  test("Whats91: one page of 200,000 chatbots is read without overflowing the stack", async () => {
    const vendor = await whats91Pages(200_000);
    const listed = await new Whats91Api(client(vendor.url, { maxListItems: 250_000 }), vendor.url).list(
      undefined,
      {},
    );
    expect(listed).toHaveLength(200_000);
  }, 30_000);

  test("Whats91: pages that go on stop at the item cap", async () => {
    const vendor = await whats91Pages(4);
    const err = await failure(
      new Whats91Api(client(vendor.url, { maxListItems: 10 }), vendor.url).list(undefined, {}),
    );
    expect(err.message).toBe(
      "Whats91 list-chatbots has more than 10 items, the most the provider reads of one listing: " +
        "the vendor holds more than the provider reads, or its listing does not end",
    );
    expect(vendor.seen).toHaveLength(3);
  });
});

describe("found by review: what a hostile vendor can still put in an answer", () => {
  test("LINE WORKS: a nextCursor of megabytes is refused at once, not kept and sent back", async () => {
    const vendor = await serve((_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ domains: [], responseMetaData: { nextCursor: `c${"x".repeat(MiB)}` } }));
    });
    const err = await failure(
      new LineWorksApi(client(vendor.url), `${vendor.url}/v1`, new CoalescedReads(0)).listDomains("42"),
    );
    expect(err.message).toBe(
      "LINE WORKS list /bots/42/domains answered a nextCursor of more than 4096 characters, more than " +
        "the provider sends back: its listing cannot be read",
    );
    expect(vendor.seen).toHaveLength(1);
  });

  test("a vendor's message is shown escaped and cut: no terminal escape, no megabytes", async () => {
    const vendor = await serve((_req, _body, res) => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          code: "\u001b[31mBAD",
          message: `\u001b[2J\u001b[31mPWNED\n${"x".repeat(2 * MiB)}`,
        }),
      );
    });
    const parseError = (b: unknown) => b as { code: string; message: string };
    const err = await failure(client(vendor.url, { parseError }).request({ method: "GET", path: "/bots" }));
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.vendorMessage?.startsWith("\\u001b[2J\\u001b[31mPWNED\\n")).toBe(true);
    expect(api.vendorMessage?.length).toBeLessThanOrEqual(501);
    expect(api.vendorCode).toBe("\\u001b[31mBAD");
    expect(err.message).not.toContain("\u001b");
    expect(err.message.length).toBeLessThan(1_000);
  });

  test.each(["0", "-1", "NaN", "Infinity", "1e308", "1;w=0", `${"9".repeat(400)};w=x`])(
    "a limit header %j that is not a rate leaves the pace as it was, with one warning",
    async (value) => {
      const vendor = await serve((_req, _body, res) => {
        res.writeHead(200, { "Content-Type": "application/json", "X-Limit": value });
        res.end("{}");
      });
      const paced = client(vendor.url, {
        pace: { defaults: { readsPerSecond: 1000, writesPerSecond: 1000 }, limitHeader: "X-Limit" },
        baseUrl: `${vendor.url}/v${randomBytes(4).toString("hex")}`,
      });
      await withPolicies(policies, () => paced.request({ method: "GET", path: "/a" }));
      await withPolicies(policies, () => paced.request({ method: "GET", path: "/a" }));
      expect(paced.rate("read")).toBe(1000);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^pulumi-chatbots: Test sent ".*" in its X-Limit header, which is not a rate limit \("N" or "N;w=SECONDS", N above 0\): it was ignored, and the pace stays at 1000 a second\.$/,
      );
      expect(warnings[0].length).toBeLessThan(300);
    },
  );
});
