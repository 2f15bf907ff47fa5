import * as t from "io-ts";
import * as pulumi from "@pulumi/pulumi";
import { isRight } from "fp-ts/Either";
import {
  boundedString,
  charLength,
  containsUnknown,
  decodeOrThrow,
  fieldErrors,
  httpsUrl,
  httpUrl,
  oneOf,
  optional,
  pathId,
} from "../../provider/core/codec";
import { UnexpectedResponseError } from "../../provider/core/errors";

describe("branded codecs", () => {
  test.each([
    ["", false],
    [" ", false],
    ["a", true],
    ["x".repeat(80), true],
    ["x".repeat(81), false],
  ])("boundedString(80, non-blank) %j -> %s", (value, ok) => {
    expect(isRight(boundedString(80, { min: 1, nonBlank: true }).decode(value))).toBe(ok);
  });

  test.each([
    ["https://example.com/cb", true],
    ["http://127.0.0.1:8080/x", true],
    ["ftp://example.com", false],
    ["not a url", false],
    ["", false],
    [`https://example.com/${"p".repeat(1024)}`, false],
  ])("httpUrl(1024) %j -> %s", (value, ok) => {
    expect(isRight(httpUrl(1024).decode(value))).toBe(ok);
  });

  test.each([
    " https://example.com/cb ",
    "https://example.com/c\tb",
    "https://example.com/cb\n",
    "https://exa mple.com/",
    "http:example.com",
    "http:/example.com",
    "https:///example.com",
    "https://example.com\\cb",
    "javascript://example.com/%0aalert(1)",
    "https://example.com/\u0000",
    "https://example.com/\u0085",
  ])("httpUrl refuses %j: the vendor would get other text than what a URL parser reads", (value) => {
    expect(isRight(httpUrl(1024).decode(value))).toBe(false);
  });

  test("URL and string lengths count characters (code points), not UTF-16 units", () => {
    const emoji = "\u{1F600}";
    expect(charLength(emoji.repeat(41))).toBe(41);
    expect(isRight(boundedString(80).decode(emoji.repeat(80)))).toBe(true);
    expect(isRight(boundedString(80).decode(emoji.repeat(81)))).toBe(false);
    const url = `https://example.com/${emoji.repeat(1004)}`; // 1,024 characters, 2,028 UTF-16 units
    expect(isRight(httpUrl(1024).decode(url))).toBe(true);
    expect(isRight(httpUrl(1024).decode(url + "x"))).toBe(false);
  });

  test.each([
    ["helper_bot", true],
    ["team/helper bot?\u00fc", true],
    ["u".repeat(80), true],
    ["u".repeat(81), false],
    ["", false],
    [" ", false],
    [".", false],
    ["..", false],
    ["...", true],
    ["a\u0000b", false],
    ["a\tb", false],
    ["a\u007fb", false],
  ])("pathId(80) %j -> %s", (value, ok) => {
    expect(isRight(pathId(80).decode(value))).toBe(ok);
  });

  test("optional accepts the value, null and absence, nothing else", () => {
    const codec = t.partial({ n: optional(t.number) });
    expect(isRight(codec.decode({ n: 1 }))).toBe(true);
    expect(isRight(codec.decode({ n: null }))).toBe(true);
    expect(isRight(codec.decode({}))).toBe(true);
    expect(isRight(codec.decode({ n: "1" }))).toBe(false);
  });

  test("httpUrl allowEmpty accepts only the empty string besides URLs", () => {
    const codec = httpUrl(2048, { allowEmpty: true });
    expect(isRight(codec.decode(""))).toBe(true);
    expect(isRight(codec.decode(" "))).toBe(false);
  });

  test("httpsUrl refuses http", () => {
    expect(isRight(httpsUrl(100).decode("https://a.example"))).toBe(true);
    expect(isRight(httpsUrl(100).decode("http://a.example"))).toBe(false);
  });

  test("oneOf accepts only its literals", () => {
    const codec = oneOf([0, 1]);
    expect(isRight(codec.decode(0))).toBe(true);
    expect(isRight(codec.decode(1))).toBe(true);
    expect(isRight(codec.decode(2))).toBe(false);
    expect(isRight(codec.decode("1"))).toBe(false);
  });
});

describe("fieldErrors", () => {
  const Payload = t.type({
    name: boundedString(5),
    response: t.type({ buttons: t.array(t.type({ label: t.string })) }),
    kind: t.union([t.literal("a"), t.literal("b")]),
  });

  test("names the path and the rule of each bad field", () => {
    const r = Payload.decode({
      name: "toolong",
      response: { buttons: [{ label: "ok" }, { label: 3 }] },
      kind: "c",
    });
    if (isRight(r)) throw new Error("expected failure");
    const errors = fieldErrors(r.left);
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          path: "name",
          reason: "expected a string of at most 5 characters, well-formed Unicode (no lone surrogates)",
        },
        { path: "response.buttons.1.label", reason: "expected string" },
        expect.objectContaining({ path: "kind" }),
      ]),
    );
    // A failing union is reported once, not once per member.
    expect(errors.filter((e) => e.path === "kind")).toHaveLength(1);
  });

  test("a prefix names the property the value came from", () => {
    const r = boundedString(2).decode("abc");
    if (isRight(r)) throw new Error("expected failure");
    expect(fieldErrors(r.left, "botNickname")[0].path).toBe("botNickname");
  });

  test("decodeOrThrow never quotes the offending values (responses can hold tokens)", () => {
    const secret = "tok_" + "s".repeat(30);
    expect(() =>
      decodeOrThrow(t.type({ bot: t.type({ bot_userid: t.string }) }), { bot: secret }, "response"),
    ).toThrow(UnexpectedResponseError);
    expect(() =>
      decodeOrThrow(t.type({ bot: t.type({ bot_userid: t.string }) }), { bot: secret }, "response"),
    ).toThrow(/unexpected response: bot: expected/);
    try {
      decodeOrThrow(t.type({ bot: t.type({ bot_userid: t.string }) }), { bot: secret }, "response");
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });
});

describe("containsUnknown", () => {
  test.each([
    [pulumi.runtime.unknownValue, true],
    [{ a: [1, { b: pulumi.runtime.unknownValue }] }, true],
    [{ a: [1, { b: "x" }] }, false],
    ["04da6b54", false],
    [null, false],
  ])("%j -> %s", (value, expected) => {
    expect(containsUnknown(value)).toBe(expected);
  });
});
