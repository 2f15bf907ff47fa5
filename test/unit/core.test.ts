import { encodePath, Pacer, retryAfterMs } from "../../provider/core/http";
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
});
