import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  ADAPTIVE_MARGIN,
  AdaptivePacer,
  advertisedRate,
  ApiClient,
  ApiClientOptions,
  encodePath,
  Pacer,
  retryAfterMs,
} from "../../provider/core/http";
import {
  AmbiguousRequestError,
  ApiError,
  ConfigurationError,
  InputError,
  redact,
  ResourceInitError,
  StateVersionError,
  UnexpectedResponseError,
} from "../../provider/core/errors";
import {
  configure,
  readRateSetting,
  readSetting,
  requireSetting,
  resetConfiguration,
} from "../../provider/core/credentials";

describe("redact", () => {
  test("removes every occurrence of each secret, plain and URL-encoded", () => {
    const secret = "s3cr3t/t0ken+value";
    const text = `token ${secret} in url ?t=${encodeURIComponent(secret)} and again ${secret}`;
    const out = redact(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(3);
  });

  test("ignores absent and trivially short values", () => {
    expect(redact("a b c", [undefined, "", "b"])).toBe("a b c");
  });
});

describe("retryAfterMs", () => {
  test("reads Retry-After seconds and the vendor's own header, taking the longer wait", () => {
    expect(retryAfterMs({ "retry-after": "2" }, [])).toBe(2000);
    expect(retryAfterMs({ "x-ratelimit-retryafter": "3" }, ["X-RateLimit-RetryAfter"])).toBe(3000);
    expect(retryAfterMs({ "retry-after": "1", "ratelimit-reset": "4" }, ["rateLimit-reset"])).toBe(4000);
  });

  test("reads an HTTP date", () => {
    const ms = retryAfterMs({ "retry-after": new Date(Date.now() + 5000).toUTCString() }, []);
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThanOrEqual(5000);
  });

  test("is undefined when no usable header is present", () => {
    expect(retryAfterMs({ "retry-after": "soon" }, [])).toBeUndefined();
    expect(retryAfterMs({}, ["X-RateLimit-RetryAfter"])).toBeUndefined();
  });
});

test("encodePath encodes each value as one segment", () => {
  expect(encodePath`/bots/${"a b/c?d"}/channels/${"sendbird_group_channel_1"}`).toBe(
    "/bots/a%20b%2Fc%3Fd/channels/sendbird_group_channel_1",
  );
});

test("ApiError says what failed, with the vendor's code and request id", () => {
  const err = new ApiError({
    platform: "Sendbird",
    method: "GET",
    path: "/bots/x",
    status: 400,
    vendorCode: 400201,
    vendorMessage: "Bot not found.",
    requestId: "req-1",
    attempts: 1,
  });
  expect(err.message).toBe(
    "Sendbird API GET /bots/x failed with HTTP 400 code 400201: Bot not found. (request id req-1)",
  );
});

describe("credentials", () => {
  const spec = { key: "apiToken", env: "CHATBOTS_TEST_TOKEN", secret: true };
  afterEach(() => {
    resetConfiguration();
    delete process.env.CHATBOTS_TEST_TOKEN;
  });

  test("stack config wins over the environment, which is read at call time", () => {
    process.env.CHATBOTS_TEST_TOKEN = "from-env";
    expect(readSetting("sendbird", spec)).toBe("from-env");
    configure({ config: { get: (key) => (key === "sendbird:apiToken" ? "from-config" : undefined) } });
    expect(readSetting("sendbird", spec)).toBe("from-config");
  });

  test("a missing credential names both the config key and the variable", () => {
    expect(() => requireSetting("sendbird", spec)).toThrow(
      "sendbird:apiToken is not set: run `pulumi config set --secret sendbird:apiToken <value>` or set the CHATBOTS_TEST_TOKEN environment variable",
    );
  });
});

describe("error types say what they are", () => {
  const details = { platform: "V", method: "POST", path: "/bots", attempts: 2 };
  test.each([
    [new ApiError(details), "ApiError", "V API POST /bots failed after 2 attempts"],
    [
      new AmbiguousRequestError(details, "timeout"),
      "AmbiguousRequestError",
      "V API POST /bots failed after 2 attempts: timeout; the request may or may not have been applied",
    ],
    [new ConfigurationError("c"), "ConfigurationError", "c"],
    [new InputError("i"), "InputError", "i"],
    [new UnexpectedResponseError("u"), "UnexpectedResponseError", "u"],
    [new StateVersionError("s"), "StateVersionError", "s"],
    [
      new ResourceInitError("b", {}, new Error("lost"), 'bot "b"'),
      "ResourceInitError",
      'lost. bot "b" may exist: Pulumi keeps it in the stack so it is not lost; `pulumi up` finishes it, or `pulumi refresh` drops it if it does not exist',
    ],
  ])("%s", (err, name, message) => {
    expect(err.name).toBe(name);
    expect(err.message).toBe(message);
  });

  test("redact leaves values of up to 5 characters alone and removes those of 6", () => {
    expect(redact("abcde abcdef", ["abcde"])).toBe("abcde abcdef");
    expect(redact("abcde abcdef", ["abcdef"])).toBe("abcde [REDACTED]");
  });
});

describe("settings", () => {
  const spec = { key: "writesPerSecond", env: "CHATBOTS_TEST_RATE" };
  afterEach(() => {
    resetConfiguration();
    delete process.env.CHATBOTS_TEST_RATE;
  });

  test("an empty config value or variable counts as unset", () => {
    configure({ config: { get: () => "" } });
    process.env.CHATBOTS_TEST_RATE = "";
    expect(readSetting("sendbird", spec)).toBeUndefined();
    process.env.CHATBOTS_TEST_RATE = "3";
    expect(readSetting("sendbird", spec)).toBe("3");
  });

  test.each([
    ["2.5", 2.5],
    [undefined, undefined],
  ])("readRateSetting(%j) = %j", (value, rate) => {
    if (value !== undefined) process.env.CHATBOTS_TEST_RATE = value;
    expect(readRateSetting("sendbird", spec)).toBe(rate);
  });

  test.each(["0", "-1", "fast", "Infinity"])("readRateSetting refuses %j, naming the setting", (value) => {
    process.env.CHATBOTS_TEST_RATE = value;
    expect(() => readRateSetting("sendbird", spec)).toThrow(
      "sendbird:writesPerSecond (or CHATBOTS_TEST_RATE) must be a positive number of requests per second",
    );
  });

  test("a missing non-secret setting suggests plain `pulumi config set`", () => {
    expect(() => requireSetting("sendbird", spec)).toThrow(
      "run `pulumi config set sendbird:writesPerSecond <value>`",
    );
  });
});

describe("retryAfterMs edge cases", () => {
  test("numbers, padded text and fractions are read; other types and garbage are not", () => {
    expect(retryAfterMs({ "retry-after": 2 }, [])).toBe(2000);
    expect(retryAfterMs({ "retry-after": " 1.5 " }, [])).toBe(1500);
    expect(retryAfterMs({ "retry-after": ["2"] }, [])).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "2s" }, [])).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "x2" }, [])).toBeUndefined();
    expect(retryAfterMs({ "retry-after": "2.x5" }, [])).toBeUndefined();
    // Only Retry-After may be an HTTP date; a vendor's seconds header may not.
    expect(retryAfterMs({ "x-wait": new Date(Date.now() + 5000).toUTCString() }, ["X-Wait"])).toBeUndefined();
  });
});

describe("Pacer", () => {
  test("ignores rates that are not positive and finite", () => {
    const pacer = new Pacer(4);
    for (const bad of [0, -1, Infinity, NaN]) pacer.setRate(bad);
    expect(pacer.rate).toBe(4);
    pacer.setRate(9.5);
    expect(pacer.rate).toBe(9.5);
  });

  describe("with a fake clock", () => {
    beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
    afterEach(() => jest.useRealTimers());

    /** Resolves the pacer's next slot, advancing the clock; the virtual ms it took. */
    async function slotAfter(pacer: Pacer, during?: () => void): Promise<number> {
      const start = Date.now();
      let done = false;
      void pacer.wait().then(() => (done = true));
      for (let ms = 0; ms < 10_000; ms += 10) {
        await jest.advanceTimersByTimeAsync(0); // let a due slot resolve before the clock moves
        if (done) break;
        if (ms === 50) during?.();
        await jest.advanceTimersByTimeAsync(10);
      }
      return Date.now() - start;
    }

    test("keeps the pace: the second request waits one interval", async () => {
      const pacer = new Pacer(2);
      expect(await slotAfter(pacer)).toBe(0);
      expect(await slotAfter(pacer)).toBeGreaterThanOrEqual(500);
      expect(await slotAfter(pacer)).toBeLessThan(520);
    });

    test("a pace raised while a request waits shortens its wait (an answer advertised a higher limit)", async () => {
      const pacer = new Pacer(0.5);
      await slotAfter(pacer);
      // At 0.5/s the next slot is 2 s away; 50 ms in, the pace becomes 10/s: its slot is 100 ms.
      const waited = await slotAfter(pacer, () => pacer.setRate(10));
      expect(waited).toBeLessThanOrEqual(200);
    });

    test("a 429's Retry-After holds the next request back", async () => {
      const pacer = new Pacer(100);
      await slotAfter(pacer);
      pacer.throttled(Date.now(), 1_500);
      expect(await slotAfter(pacer)).toBeGreaterThanOrEqual(1_500);
      expect(pacer.rate).toBe(100); // a pacer with a known limit keeps its pace
    });

    describe("AdaptivePacer (a vendor that documents no limit)", () => {
      /** `n` answers spread over the last `withinMs`. */
      function answered(pacer: AdaptivePacer, n: number, withinMs: number): void {
        for (let i = 0; i < n; i++) {
          jest.setSystemTime(Date.now() + withinMs / n);
          pacer.succeeded();
        }
      }

      test("starts at its start; a 429 slows it to what the vendor took in the last second, less the margin", () => {
        const pacer = new AdaptivePacer(100, 4);
        expect(pacer.rate).toBe(100);
        answered(pacer, 30, 3_000); // 10 a second
        pacer.throttled(Date.now(), undefined);
        expect(pacer.rate).toBeCloseTo(10 * ADAPTIVE_MARGIN);
      });

      test("to half its pace where that is less, and never below its floor", () => {
        const pacer = new AdaptivePacer(20, 4);
        answered(pacer, 18, 1_000);
        pacer.throttled(Date.now(), undefined);
        expect(pacer.rate).toBe(10);
        jest.setSystemTime(Date.now() + 1);
        pacer.throttled(Date.now(), undefined); // nothing answered since: half again
        expect(pacer.rate).toBe(5);
        jest.setSystemTime(Date.now() + 1);
        pacer.throttled(Date.now(), undefined);
        expect(pacer.rate).toBe(4);
      });

      test("429s of requests sent before it slowed down slow it no more", () => {
        const pacer = new AdaptivePacer(100, 1);
        answered(pacer, 5, 1_000);
        const burst = Date.now() - 50;
        pacer.throttled(burst, 1_000);
        const slowed = pacer.rate;
        for (let i = 0; i < 4; i++) pacer.throttled(burst, 1_000);
        expect(pacer.rate).toBe(slowed);
        expect(slowed).toBeCloseTo(5 * ADAPTIVE_MARGIN);
      });

      test("a 429 holds every request back for its Retry-After, a second without one; holds never chain", async () => {
        const pacer = new AdaptivePacer(100, 1);
        await slotAfter(pacer);
        pacer.throttled(Date.now(), 2_000);
        expect(await slotAfter(pacer)).toBeGreaterThanOrEqual(2_000);
        // Within as long again after a hold, a 429 starts no new one (each request waits its own).
        pacer.throttled(Date.now(), 2_000);
        expect(await slotAfter(pacer)).toBeLessThan(1_000);
        jest.setSystemTime(Date.now() + 2_000);
        pacer.throttled(Date.now(), undefined);
        expect(await slotAfter(pacer)).toBeGreaterThanOrEqual(1_000);
      });

      test("climbs by a tenth after each ten seconds without a 429, up to its start", () => {
        const pacer = new AdaptivePacer(10, 1);
        answered(pacer, 5, 1_000);
        pacer.throttled(Date.now(), undefined);
        expect(pacer.rate).toBeCloseTo(5 * ADAPTIVE_MARGIN);
        answered(pacer, 45, 9_000);
        expect(pacer.rate).toBeCloseTo(5 * ADAPTIVE_MARGIN); // not yet ten seconds
        answered(pacer, 5, 1_000);
        expect(pacer.rate).toBeCloseTo(5 * ADAPTIVE_MARGIN * 1.1);
        answered(pacer, 400, 100_000);
        expect(pacer.rate).toBe(10);
      });
    });
  });
});

/**
 * The ApiClient extensions LINE WORKS needs, against a loopback server whose answers each test
 * scripts: credentials obtained per request, refusals worth retrying, per-operation pacing.
 */
describe("ApiClient: per-request credentials, retryable refusals, per-operation pacing", () => {
  type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
  let server: http.Server;
  let baseUrl: string;
  let answer: (req: http.IncomingMessage) => Answer;
  let seen: Array<{ method?: string; url?: string; authorization?: string; at: number }>;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        at: Date.now(),
      });
      req.resume();
      req.on("end", () => {
        const a = answer(req);
        res.writeHead(a.status, { "Content-Type": "application/json", ...a.headers });
        res.end(a.body === undefined ? "" : JSON.stringify(a.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    seen = [];
  });

  const client = (extra: Partial<ApiClientOptions> = {}) =>
    new ApiClient({
      platform: "Test",
      // A distinct base URL per client keeps the shared pacers of one test from another's.
      baseUrl: `${baseUrl}/${Math.random().toString(36).slice(2)}`,
      headers: {},
      secrets: ["static-secret-value"],
      parseError: (body) => (body as { code?: string; message?: string }) ?? {},
      baseUrlSetting: "test:apiUrl",
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...extra,
    });

  /** Per-request credentials: the current token, switched by `rejected`. */
  function tokenAuth() {
    const state = { token: "token-old-0001", rejected: [] as string[], issued: ["token-old-0001"] };
    return {
      state,
      auth: {
        headers: async () => ({ Authorization: `Bearer ${state.token}` }),
        rejected: (headers: Record<string, string>) => {
          state.rejected.push(headers.Authorization);
          state.token = `token-new-${String(state.issued.length).padStart(4, "0")}`;
          state.issued.push(state.token);
        },
        secrets: () => state.issued,
      },
    };
  }

  test("a 401 makes the client drop the credentials and try once more with fresh ones", async () => {
    const { state, auth } = tokenAuth();
    answer = (req) =>
      req.headers.authorization === "Bearer token-new-0001"
        ? { status: 200, body: { ok: 1 } }
        : { status: 401 };
    const res = await client({ auth }).request({ method: "POST", path: "/things", body: {} });
    expect(res.data).toEqual({ ok: 1 });
    expect(state.rejected).toEqual(["Bearer token-old-0001"]);
    expect(seen.map((r) => r.authorization)).toEqual(["Bearer token-old-0001", "Bearer token-new-0001"]);
  });

  test("only once: a second 401 is the error, and tokens obtained at run time are redacted from it", async () => {
    const { state, auth } = tokenAuth();
    answer = (req) => ({
      status: 401,
      body: { code: "UNAUTHORIZED", message: `refused ${req.headers.authorization} and static-secret-value` },
    });
    const err = await client({ auth, advise: () => "check the token" })
      .request({ method: "GET", path: "/things" })
      .catch((e: Error) => e);
    expect(seen).toHaveLength(2);
    expect(state.rejected).toHaveLength(1);
    expect((err as Error).message).toBe(
      "Test API GET /things failed with HTTP 401 code UNAUTHORIZED: refused Bearer [REDACTED] and [REDACTED] " +
        "after 2 attempts. check the token",
    );
  });

  test("advice after a vendor message that ends its sentence follows one full stop, not two", async () => {
    answer = () => ({ status: 400, body: { code: "BAD", message: 'Invalid value: "Api-Token".' } });
    const err = await client({ advise: () => "Check the token." })
      .request({ method: "GET", path: "/things" })
      .catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'Test API GET /things failed with HTTP 400 code BAD: Invalid value: "Api-Token". Check the token.',
    );
  });

  test("without auth a 401 is final at once (existing behaviour)", async () => {
    answer = () => ({ status: 401 });
    await expect(client().request({ method: "GET", path: "/x" })).rejects.toThrow("HTTP 401");
    expect(seen).toHaveLength(1);
  });

  test("a refusal marked retryable is sent again after a backoff, whatever the method", async () => {
    let n = 0;
    answer = () =>
      ++n <= 2 ? { status: 409, body: { code: "CONFLICT" } } : { status: 201, body: { id: 1 } };
    const retryable = (status: number, vendor: { code?: string | number }) =>
      status === 409 && vendor.code === "CONFLICT";
    const res = await client({ retryable }).request({ method: "POST", path: "/things", body: {} });
    expect(res.status).toBe(201);
    expect(seen).toHaveLength(3);

    seen = [];
    answer = () => ({ status: 409, body: { code: "ALREADY_EXISTS" } });
    await expect(client({ retryable }).request({ method: "POST", path: "/things" })).rejects.toThrow(
      "HTTP 409 code ALREADY_EXISTS",
    );
    expect(seen).toHaveLength(1);
  });

  test("a window-reset header is honoured after a 429 only, not after a refusal retried for another cause", async () => {
    let n = 0;
    // Every answer carries the header, as LINE WORKS' do: 30 s would time the test out.
    answer = () =>
      ++n === 1
        ? { status: 409, body: { code: "CONFLICT" }, headers: { "rateLimit-reset": "30" } }
        : n === 2
          ? { status: 429, headers: { "rateLimit-reset": "0.3" } }
          : { status: 200, body: {}, headers: { "rateLimit-reset": "30" } };
    const started = Date.now();
    await client({
      retryable: (status) => status === 409,
      rateLimitResetHeaders: ["rateLimit-reset"],
    }).request({ method: "GET", path: "/x" });
    expect(seen).toHaveLength(3);
    expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("each operation gets its own pacer at its class's rate; an advertised per-minute limit adapts only its own", async () => {
    // Only reads advertise a limit here.
    answer = (req): Answer => ({
      status: 200,
      body: {},
      headers: req.method === "GET" ? { "rateLimit-limit": "120" } : {},
    });
    // Reads start at 5/s: the advertised 1.9/s is within the learned bounds (0.5 to 500).
    const c = client({
      pace: {
        defaults: { readsPerSecond: 5, writesPerSecond: 40 },
        limitHeader: "rateLimit-limit",
        limitWindowSeconds: 60,
        operation: (req) => `${req.method} ${req.path.replace(/\/\d+/g, "/{id}")}`,
      },
    });
    expect(c.rate("read", "GET /things/{id}")).toBe(5);
    await c.request({ method: "GET", path: "/things/1" });
    // 120 a minute, less the 5% margin.
    expect(c.rate("read", "GET /things/{id}")).toBeCloseTo(1.9, 5);
    expect(c.rate("read", "GET /things")).toBe(5);
    expect(c.rate("read")).toBe(5);
    await c.request({ method: "POST", path: "/things" });
    expect(c.rate("write", "POST /things")).toBe(40);
    // A fixed rate is kept, whatever the vendor advertises.
    const fixed = client({
      pace: {
        defaults: { readsPerSecond: 50, writesPerSecond: 40 },
        fixed: { readsPerSecond: 7 },
        limitHeader: "rateLimit-limit",
        limitWindowSeconds: 60,
        operation: (req) => req.path,
      },
    });
    await fixed.request({ method: "GET", path: "/things/1" });
    expect(fixed.rate("read", "/things/1")).toBe(7);
  });

  test("a vendor without a documented limit: reads and writes share one budget, which a 429 slows and its Retry-After holds", async () => {
    let refuse = 1;
    answer = (req): Answer =>
      req.method === "POST" && refuse-- > 0
        ? { status: 429, body: {}, headers: { "Retry-After": "1" } }
        : { status: 200, body: {} };
    const pace = {
      defaults: { readsPerSecond: 1, writesPerSecond: 3 },
      undocumented: { startPerSecond: 100 },
    };
    const c = client({ pace });
    expect([c.rate("read"), c.rate("write")]).toEqual([100, 100]);
    await c.request({ method: "GET", path: "/things" });
    await c.request({ method: "GET", path: "/things" });
    // The POST's 429 is answered after two reads: the budget falls to what was taken, for both
    // classes, and a GET sent while the POST waits out its Retry-After waits too.
    const post = c.request({ method: "POST", path: "/things" });
    while (seen.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([post, c.request({ method: "GET", path: "/things" })]);
    // Two answers in the last second, less the margin, is below the floor (the defaults' sum, 4).
    expect(c.rate("write")).toBe(4);
    expect(c.rate("read")).toBe(c.rate("write"));
    const refusedAt = seen[2].at;
    expect(seen[3].at - refusedAt).toBeGreaterThanOrEqual(1_000); // the POST again, after Retry-After
    expect(seen[4].at - refusedAt).toBeGreaterThanOrEqual(1_000); // and the GET sent meanwhile
    // A rate the user set replaces the budget: each class at its own pace, fixed or default.
    const fixed = client({ pace: { ...pace, fixed: { writesPerSecond: 7 } } });
    expect([fixed.rate("read"), fixed.rate("write")]).toEqual([1, 7]);
  });

  test.each(["3600", "31 Dec 9999 00:00:00 GMT", "9".repeat(400)])(
    "a Retry-After of %s holds the pace no longer than the retry policy honours",
    async (retryAfter) => {
      let refuse = 1;
      answer = (): Answer =>
        refuse-- > 0
          ? { status: 429, body: {}, headers: { "Retry-After": retryAfter } }
          : { status: 200, body: {} };
      for (const pace of [
        { defaults: { readsPerSecond: 1, writesPerSecond: 3 }, undocumented: { startPerSecond: 100 } },
        { defaults: { readsPerSecond: 100, writesPerSecond: 100 } },
      ]) {
        refuse = 1;
        const c = client({ pace, retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 50 } });
        const started = Date.now();
        await Promise.all([
          c.request({ method: "POST", path: "/things" }),
          new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
            c.request({ method: "GET", path: "/things" }),
          ),
        ]);
        expect(Date.now() - started).toBeLessThan(1_500);
      }
    },
  );

  test("advertisedRate reads a limit per window; an explicit ;w= wins", () => {
    expect(advertisedRate("60", 60)).toBe(1);
    expect(advertisedRate("240", 60)).toBe(4);
    expect(advertisedRate("60;w=30", 60)).toBe(2);
    expect(advertisedRate("10")).toBe(10);
  });
});
