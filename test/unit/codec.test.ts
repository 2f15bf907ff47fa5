import * as t from "io-ts";
import * as pulumi from "@pulumi/pulumi";
import { isRight } from "fp-ts/Either";
import {
  boundedString,
  containsUnknown,
  decodeOrThrow,
  fieldErrors,
  httpsUrl,
  httpUrl,
  oneOf,
} from "../../provider/core/codec";

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
        { path: "name", reason: 'expected a string of at most 5 characters, got "toolong"' },
        { path: "response.buttons.1.label", reason: "expected string, got 3" },
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
