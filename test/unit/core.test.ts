import { encodePath, retryAfterMs } from "../../provider/core/http";
import { ApiError, redact } from "../../provider/core/errors";
import { configure, readSetting, requireSetting, resetConfiguration } from "../../provider/core/credentials";

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
