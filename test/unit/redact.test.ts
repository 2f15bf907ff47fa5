/**
 * Redaction's pure parts: the forms a credential takes on the wire, and an error leaving a handler
 * with every text it carries redacted, not only its message (test/integration/redaction.test.ts
 * drives both against servers that echo the request).
 */
import { ApiError, redact, redactError, ResourceInitError, wireForms } from "../../provider/core/errors";

const SECRET = "DSC$Key:with,special chars 9f8e!'()~*/\"\\é";

describe("wireForms", () => {
  test.each([
    ["as written", SECRET],
    ["as a path segment", encodeURIComponent(SECRET)],
    ["as axios encodes a query", "DSC$Key:with,special+chars+9f8e!'()~*%2F%22%5C%C3%A9"],
    ["as a form body", "DSC%24Key%3Awith%2Cspecial+chars+9f8e%21%27%28%29%7E*%2F%22%5C%C3%A9"],
    ["inside JSON", "DSC$Key:with,special chars 9f8e!'()~*/\\\"\\\\é"],
    ["inside JSON, / and non-ASCII escaped", "DSC$Key:with,special chars 9f8e!'()~*\\/\\\"\\\\\\u00e9"],
  ])("%s", (_, form) => {
    expect(redact(`before ${form} after`, [SECRET])).toBe("before [REDACTED] after");
  });

  test.each([
    ["Go's encoding/json (& < > escaped)", "AB&CD<x>-123456", "AB\\u0026CD\\u003cx\\u003e-123456"],
    ["JSON with uppercase \\u escapes", "café-123456", "caf\\u00E9-123456"],
    ["an HTML error page", "AB&CD\"x'-123456", "AB&amp;CD&quot;x&#39;-123456"],
    ["a query decoded again (+ for a space)", "DSC$Key:a b/c1234", "DSC$Key:a+b/c1234"],
  ])("%s", (_, secret, form) => {
    expect(redact(`<${form}>`, [secret])).toBe("<[REDACTED]>");
  });

  test("percent escapes in either case", () => {
    const lower = encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    expect(redact(`x=${lower}`, [SECRET])).toBe("x=[REDACTED]");
  });

  test("inside base64 at any alignment, as HTTP Basic credentials carry it", () => {
    for (const user of ["", "a", "ab", "client"]) {
      const basic = Buffer.from(`${user}:${SECRET}`).toString("base64");
      const out = redact(`Authorization: Basic ${basic}`, [SECRET]);
      expect(out).toContain("[REDACTED]");
      // What is left of the base64 text is the user name and at most a group either side.
      expect(out.replace(/^Authorization: Basic /, "").replace("[REDACTED]", "").length).toBeLessThanOrEqual(
        Math.ceil((user.length + 1) / 3) * 4 + 8,
      );
    }
  });

  test("a header value loses its surrounding spaces on the way", () => {
    expect(redact("token=abcdef123;", [" abcdef123 "])).toBe("token=[REDACTED];");
  });

  test("a lone surrogate cannot be URL-encoded: its other forms are still redacted", () => {
    expect(() => wireForms("abc\uD800defgh")).not.toThrow();
    expect(redact("k=abc\uD800defgh", ["abc\uD800defgh"])).toBe("k=[REDACTED]");
  });
});

describe("redactError", () => {
  const scrub = (text: string) => redact(text, [SECRET]);

  test("message, stack and every text property, arrays included", () => {
    const err = new ApiError({
      platform: "X",
      method: "GET",
      path: "/p",
      status: 400,
      vendorCode: `code ${SECRET}`,
      requestId: `id ${SECRET}`,
      attempts: 1,
    });
    const extra = err as unknown as Record<string, unknown>;
    extra.hint = [`see ${SECRET}`, 3];
    expect(err.message).toContain(SECRET);
    redactError(err, scrub);
    for (const text of [err.message, err.stack ?? "", String(err.vendorCode), String(err.requestId)])
      expect(text).not.toContain(SECRET);
    expect(extra.hint).toEqual(["see [REDACTED]", 3]);
  });

  test("the reasons the engine prints for a create that may have happened", () => {
    const err = new ResourceInitError("id1", {}, new Error(`failed: ${SECRET}`), "The bot");
    redactError(err, scrub);
    expect(err.reasons.join(" ")).not.toContain(SECRET);
    expect(err.reasons[0]).toContain("failed: [REDACTED]");
  });

  test("anything that is not an Error passes as it is", () => {
    expect(redactError(SECRET, scrub)).toBe(SECRET);
  });
});
