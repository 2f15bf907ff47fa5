/**
 * Inputs built to get past `check` or to break it (issue 17, items 7 to 10): URLs a vendor would
 * fetch from inside its own network, lone surrogates, inputs nested deep enough to overflow the
 * stack, property names holding terminal escapes, and JSON keys named "__proto__".
 */
import * as fc from "fast-check";
import * as t from "io-ts";
import * as pulumi from "@pulumi/pulumi";
import { isLeft, isRight } from "fp-ts/Either";
import {
  boundedString,
  canonicalJson,
  closedObject,
  containsUnknown,
  fieldErrors,
  httpsUrl,
  httpUrl,
  MAX_DEPTH,
  NAME_SHOWN,
  nestedDeeperThan,
  nonBlankString,
  pathId,
  publicHttpsUrl,
  shownName,
} from "../../provider/core/codec";
import { checkInputs } from "../../provider/core/check";
import { InputError } from "../../provider/core/errors";
import { encodePath } from "../../provider/core/http";
import { failuresNamingNoValue, jsonValues } from "../../provider/core/host";
import { botHandlers as sendbirdBot } from "../../provider/sendbird/bot";
import { botHandlers as deadSimpleChatBot } from "../../provider/deadsimplechat/bot";
import { botChatRoomHandlers } from "../../provider/deadsimplechat/botChatRoom";
import { botHandlers as lineWorksBot } from "../../provider/lineworks/bot";
import { chatbotHandlers } from "../../provider/whats91/chatbot";
import { sendbirdBotArgs } from "../fixtures";

type Props = Record<string, unknown>;

const PUBLIC_RULE =
  "expected an absolute https URL of at most 2048 characters on a public host (not localhost, an internal or " +
  "single-label name, or a private, reserved or special-use IP address), without user name or password, " +
  "written out in full (scheme://host/...), without spaces or control characters, well-formed Unicode (no lone surrogates)";

const whats91 = { name: "Greeter", trigger: { type: "contains", keywords: ["hi"] } };
const media = (url: string) => ({ ...whats91, response: { type: "media", media: { type: "IMAGE", url } } });
const lineWorks = {
  botName: "Support Bot",
  photoUrl: "https://example.com/bot.png",
  description: "Answers questions",
  administrators: ["admin@example.com"],
};

/** Characters a terminal acts on or hides: none may reach a failure reason or property raw. */
const UNSAFE = /[\p{C}\p{Zl}\p{Zp}]/u;

describe("item 7: a public https URL is on a public host, without credentials", () => {
  const refused = [
    // IPv6 forms of private, loopback, link-local, reserved and multicast addresses
    "https://[::7f00:1]/x.png", // IPv4-compatible ::127.0.0.1
    "https://[::ffff:0:7f00:1]/x.png", // IPv4-translated (RFC 6145)
    "https://[::ffff:127.0.0.1]/x.png", // IPv4-mapped, parsed as [::ffff:7f00:1]
    "https://[::ffff:8.8.8.8]/x.png", // IPv4-mapped: refused whole, whatever it embeds
    "https://[64:ff9b::a9fe:a9fe]/x.png", // NAT64 of 169.254.169.254
    "https://[64:ff9b:1::a9fe:a9fe]/x.png", // local-use NAT64 (RFC 8215)
    "https://[2002:a9fe:a9fe::1]/x.png", // 6to4 of 169.254.169.254
    "https://[2001:0:a9fe:a9fe::1]/x.png", // Teredo
    "https://[2001:db8::1]/x.png", // documentation
    "https://[fec0::1]/x.png", // site-local
    "https://[ff02::1]/x.png", // multicast
    "https://[fd00::1]/x.png",
    "https://[fe80::1]/x.png",
    "https://[::1]/x.png",
    "https://[::]/x.png",
    // reserved, multicast and broadcast IPv4, and forms URL parsing turns into loopback
    "https://224.0.0.1/x.png",
    "https://240.0.0.1/x.png",
    "https://255.255.255.255/x.png",
    "https://198.18.0.1/x.png",
    "https://192.0.2.1/x.png",
    "https://0x7f.1/x.png",
    "https://127.1/x.png",
    "https://169.254.169.254/latest/meta-data",
    // internal, special-use and single-label names, empty labels
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://intranet/x.png",
    "https://intranet./x.png",
    "https://nas.lan/x.png",
    "https://router.home.arpa/x.png",
    "https://1.0.0.127.in-addr.arpa/x.png",
    "https://files.corp/x.png",
    "https://wiki.intranet/x.png",
    "https://db.private/x.png",
    "https://host.localdomain/x.png",
    "https://app.test/x.png",
    "https://app.invalid/x.png",
    "https://www.example/x.png",
    "https://abc.onion/x.png",
    "https://x.alt/x.png",
    "https://printer.local/x.png",
    "https://a.localhost/x.png",
    "https://localhost/x.png",
    "https://example.com../x.png",
    "https://cdn..example.com/x.png",
    // credentials in the URL
    "https://user:pass@cdn.example.com/x.png",
    "https://user@cdn.example.com/x.png",
    "https://@cdn.example.com/x.png",
  ];
  const passing = [
    "https://example.com/x.png",
    "https://example.org/x.png",
    "https://cdn.example.co.jp/a",
    "https://[2606:4700::1111]/x",
    "https://8.8.8.8/x",
    "https://example.com./x.png", // one trailing dot: the absolute form of a public name
    "https://cdn.example.com/a@b.png", // an "@" in the path is not user info
    "https://cdn.example.com/x.png?by=a@b#c@d",
    "https://localhost.example.com/x.png",
    "https://internal.example.com/x.png",
  ];

  test.each(refused)("%s is refused, with the rule that says why", (url) => {
    const r = publicHttpsUrl(2048).decode(url);
    expect(isLeft(r)).toBe(true);
    if (isLeft(r)) expect(fieldErrors(r.left, "url")).toEqual([{ path: "url", reason: PUBLIC_RULE }]);
  });

  test.each(passing)("%s passes", (url) => {
    expect(publicHttpsUrl(2048).decode(url)).toEqual({ _tag: "Right", right: url });
  });

  test.each(refused)("whats91 media url %s is refused by check, naming the field", async (url) => {
    const r = await chatbotHandlers.check({}, media(url));
    expect(r.failures).toEqual([{ property: "response", reason: `response.media.url: ${PUBLIC_RULE}` }]);
  });

  test.each(refused)("lineworks photoUrl %s is refused by check, naming the field", async (url) => {
    const r = await lineWorksBot.check({}, { ...lineWorks, photoUrl: url });
    expect(r.failures).toEqual([
      { property: "photoUrl", reason: `photoUrl: ${PUBLIC_RULE.replace("2048", "1000")}` },
    ]);
  });

  test.each(passing)("whats91 media url and lineworks photoUrl %s pass check", async (url) => {
    expect((await chatbotHandlers.check({}, media(url))).failures).toBeUndefined();
    expect((await lineWorksBot.check({}, { ...lineWorks, photoUrl: url })).failures).toBeUndefined();
  });
});

describe("item 8: strings are well-formed Unicode (no lone surrogates)", () => {
  const codecs: Array<[string, t.Decoder<unknown, unknown>]> = [
    ["boundedString", boundedString(100)],
    ["boundedString nonBlank", boundedString(100, { min: 1, nonBlank: true })],
    ["nonBlankString", nonBlankString()],
    ["pathId", pathId(100)],
  ];
  const urlCodecs: Array<[string, t.Decoder<unknown, unknown>]> = [
    ["httpUrl", httpUrl(2048)],
    ["httpUrl allowEmpty", httpUrl(2048, { allowEmpty: true })],
    ["httpsUrl", httpsUrl(2048)],
    ["publicHttpsUrl", publicHttpsUrl(2048)],
  ];
  const lone = ["\uD800", "bot\uDBFF", "\uDC00bot", "a\uDC00\uD800b", "\uD83E"];

  test.each(codecs)("%s refuses lone surrogates and says so", (_name, codec) => {
    for (const s of lone) {
      const r = codec.decode(s);
      if (!isLeft(r)) throw new Error(`expected ${JSON.stringify(s)} to be refused`);
      expect(fieldErrors(r.left)[0].reason).toContain("well-formed Unicode (no lone surrogates)");
    }
    // A surrogate pair is one character (U+1F916), not a lone surrogate.
    expect(isRight(codec.decode("bot \uD83E\uDD16"))).toBe(true);
  });

  test.each(urlCodecs)("%s refuses a lone surrogate anywhere in the URL and says so", (_name, codec) => {
    for (const s of lone) {
      const r = codec.decode(`https://example.com/${s}`);
      if (!isLeft(r)) throw new Error(`expected ${JSON.stringify(s)} to be refused`);
      expect(fieldErrors(r.left)[0].reason).toContain("well-formed Unicode (no lone surrogates)");
    }
    expect(isRight(codec.decode("https://example.com/\uD83E\uDD16"))).toBe(true);
  });

  test("sendbird.Bot: a botUserid with a lone surrogate fails check (it could be created, never deleted)", async () => {
    const r = await sendbirdBot.check({}, { ...sendbirdBotArgs, botUserid: "\uD800" });
    expect(r.failures).toEqual([
      {
        property: "botUserid",
        reason:
          'botUserid: expected an identifier of 1 to 80 characters, not blank, not "." or "..", without ' +
          "control characters, well-formed Unicode (no lone surrogates)",
      },
    ]);
  });

  test("deadsimplechat.BotChatRoom: path ids with a lone surrogate fail check", async () => {
    const r = await botChatRoomHandlers.check({}, { botId: "b\uDC00", roomId: "\uD800r" });
    expect(r.failures?.map((f) => f.property)).toEqual(["botId", "roomId"]);
  });

  test("strings sent in JSON bodies (names, texts, keywords) refuse lone surrogates", async () => {
    expect(
      (await sendbirdBot.check({}, { ...sendbirdBotArgs, botNickname: "Helper\uD800" })).failures,
    ).toHaveLength(1);
    expect(
      (await deadSimpleChatBot.check({}, { name: "\uDFFF", webhookUrl: "https://example.com/h" })).failures,
    ).toHaveLength(1);
    expect((await lineWorksBot.check({}, { ...lineWorks, description: "a\uD800" })).failures).toHaveLength(1);
    const keyword = { ...whats91, trigger: { type: "contains", keywords: ["hi\uDC00"] } };
    expect(
      (await chatbotHandlers.check({}, { ...keyword, response: { type: "text", text: "ok" } })).failures,
    ).toHaveLength(1);
  });

  test("property: a string with a lone surrogate is refused by every string codec", () => {
    // The "binary" unit never yields surrogate halves, so the inserted one stays unpaired.
    const withLone = fc
      .tuple(
        fc.string({ unit: "binary", maxLength: 30 }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string({ unit: "binary", maxLength: 30 }),
      )
      .map(([a, unit, b]) => `${a}${String.fromCharCode(unit)}${b}`);
    fc.assert(
      fc.property(withLone, (s) => {
        for (const [, codec] of codecs) expect(isLeft(codec.decode(`x${s}`))).toBe(true);
        for (const [, codec] of urlCodecs)
          expect(isLeft(codec.decode(`https://example.com/${s}`))).toBe(true);
      }),
    );
  });
});

/** `{a: {a: ... {}}}` `depth` levels deep, built without recursion. */
function nestedObject(depth: number): unknown {
  let v: unknown = {};
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

function nestedArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

/** JSON text of nestedObject(depth) and nestedArray(depth) (JSON.stringify would overflow). */
const nestedObjectText = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;
const nestedArrayText = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe(`item 9: inputs nested more than ${MAX_DEPTH} levels deep`, () => {
  const schema = { doc: { codec: t.unknown }, name: { codec: nonBlankString() } };
  const TOO_DEEP = `nested more than ${MAX_DEPTH} levels deep`;

  test.each([10_000, 100_000])(
    "depth %d fails naming the field and the rule, no RangeError",
    async (depth) => {
      for (const [deep, text] of [
        [nestedObject(depth), nestedObjectText(depth)],
        [nestedArray(depth), nestedArrayText(depth)],
      ]) {
        expect(checkInputs(schema, { doc: deep, name: "n" }).failures).toEqual([
          { property: "doc", reason: `doc: ${TOO_DEEP}` },
        ]);
        // DeadSimpleChat metadata, as an object and as JSON text, through the handler the host runs.
        for (const metadata of [deep, text]) {
          const r = await deadSimpleChatBot.check(
            {},
            { name: "n", webhookUrl: "https://example.com/h", metadata },
          );
          expect(r.failures).toEqual([{ property: "metadata", reason: `metadata: ${TOO_DEEP}` }]);
        }
        const r = await chatbotHandlers.check({}, { ...whats91, response: deep });
        expect(r.failures).toEqual([{ property: "response", reason: `response: ${TOO_DEEP}` }]);
        // A preview unknown deep inside does not let the value skip the rule.
        expect(checkInputs(schema, { doc: [deep, pulumi.runtime.unknownValue] }).failures).toEqual([
          { property: "doc", reason: `doc: ${TOO_DEEP}` },
        ]);
      }
    },
  );

  test(`${MAX_DEPTH} levels pass, ${MAX_DEPTH + 1} fail`, () => {
    expect(checkInputs(schema, { doc: nestedObject(MAX_DEPTH) }).failures).toBeUndefined();
    expect(checkInputs(schema, { doc: nestedArray(MAX_DEPTH + 1) }).failures).toEqual([
      { property: "doc", reason: `doc: ${TOO_DEEP}` },
    ]);
  });

  test("the walks hold at any depth and on a cycle", () => {
    const cyclic: Props = {};
    cyclic.self = cyclic;
    expect(nestedDeeperThan(cyclic, MAX_DEPTH)).toBe(true);
    expect(containsUnknown(nestedArray(100_000))).toBe(false);
    const withUnknown = [nestedObject(100_000), [pulumi.runtime.unknownValue]];
    expect(containsUnknown(withUnknown)).toBe(true);
  });
});

describe("item 9: unknown property names are shown escaped and shortened", () => {
  const schema = { name: { codec: nonBlankString() } };

  test("an ANSI escape and a 100 KB name reach neither the reason nor the property raw or whole", () => {
    const names = ["\u001b[31mred\u001b[0m", "n".repeat(100_000), "\u202Eevil\u200B", "a\u2028b"];
    const r = checkInputs(schema, Object.fromEntries(names.map((k) => [k, 1])));
    expect(r.failures).toEqual([
      {
        property: "\\u001b[31mred\\u001b[0m",
        reason: 'unknown property "\\u001b[31mred\\u001b[0m"; the properties are: name',
      },
      {
        property: `${"n".repeat(NAME_SHOWN)}…`,
        reason: `unknown property "${"n".repeat(NAME_SHOWN)}…"; the properties are: name`,
      },
      {
        property: "\\u202eevil\\u200b",
        reason: 'unknown property "\\u202eevil\\u200b"; the properties are: name',
      },
      { property: "a\\u2028b", reason: 'unknown property "a\\u2028b"; the properties are: name' },
    ]);
    // What the engine gets (host.ts) holds them escaped too.
    for (const f of failuresNamingNoValue(r).failures ?? []) expect(f.reason).not.toMatch(UNSAFE);
  });

  test("a nested unknown property (closedObject) is escaped in the path and the message", () => {
    const codec = closedObject("a thing", { a: t.string }, {});
    const r = codec.decode({ a: "x", ["\u001b]0;title\u0007" + "z".repeat(200)]: 1 });
    if (!isLeft(r)) throw new Error("expected failure");
    const shown = "\\u001b]0;title\\u0007" + "z".repeat(NAME_SHOWN - 20) + "…";
    expect(fieldErrors(r.left, "thing")).toEqual([
      { path: `thing.${shown}`, reason: `unknown property "${shown}"; the properties are: a` },
    ]);
  });

  test("whats91: a misspelt nested property with an escape is shown escaped", async () => {
    const r = await chatbotHandlers.check(
      {},
      { ...whats91, response: { type: "text", text: "t", "\u001bx": 1 } },
    );
    expect(r.failures).toEqual([
      {
        property: "response",
        reason: 'response.\\u001bx: unknown property "\\u001bx"; the properties are: type, text',
      },
    ]);
  });

  test("property: an unknown name reaches the failure only escaped (JSON-style), at most NAME_SHOWN characters", () => {
    const name = fc.oneof(
      fc.string({ unit: "binary", maxLength: 120 }),
      fc.string({
        unit: fc.constantFrom("\u001b", "[", "3", "m", '"', "\\", "\u009b", "\u202e", " ", "a", "\u{F0000}"),
      }),
    );
    fc.assert(
      fc.property(
        name.filter((k) => k !== "name" && k !== "__provider"),
        (k) => {
          const [failure] = checkInputs(schema, { name: "ok", [k]: 1 }).failures ?? [];
          const shown = /^unknown property "(.*)"; the properties are: name$/s.exec(failure.reason)?.[1];
          if (shown === undefined) throw new Error(`unexpected reason ${failure.reason}`);
          expect(failure.property).toBe(shown);
          expect(shown).not.toMatch(UNSAFE);
          const cut = shown.endsWith("…") && JSON.parse(`"${shown}"`) !== k;
          const body = cut ? shown.slice(0, -1) : shown;
          expect([...body].length).toBeLessThanOrEqual(NAME_SHOWN);
          // Unescaped as a JSON string, what is shown is the name, or its beginning when cut.
          const unescaped = JSON.parse(`"${body}"`) as string;
          if (cut) expect(k.startsWith(unescaped) && unescaped.length < k.length).toBe(true);
          else expect(unescaped).toBe(k);
        },
      ),
    );
  });

  test("shownName leaves an ordinary name as it is", () => {
    expect(shownName("botNickname")).toBe("botNickname");
    expect(shownName("café \u{1F916}")).toBe("café \u{1F916}");
  });
});

describe('item 10: a JSON key "__proto__" stays a plain property', () => {
  const hostile = () =>
    JSON.parse('{"__proto__": {"polluted": "yes"}, "k": [{"__proto__": {"x": 1}}]}') as Props;

  test("jsonValues keeps it as an own data property of a plain object", () => {
    const out = jsonValues({ metadata: hostile() }).metadata as Props;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__", "k"]);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: "yes" });
    expect(out.polluted).toBeUndefined();
    const item = (out.k as Props[])[0];
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(item, "__proto__")?.value).toEqual({ x: 1 });
    expect(({} as Props).polluted).toBeUndefined();
  });

  test("canonicalJson keeps the key (Object.fromEntries defines it as data)", () => {
    expect(canonicalJson(hostile())).toBe('{"__proto__":{"polluted":"yes"},"k":[{"__proto__":{"x":1}}]}');
  });
});

describe("item 8: an id no check saw (get, import)", () => {
  test("a lone surrogate in a path id fails naming the rule, not with URIError", () => {
    expect(() => encodePath`/bots/${"bot\uD800"}`).toThrow(
      new InputError("an id sent in a request path must be well-formed Unicode (no lone surrogates)"),
    );
    expect(encodePath`/bots/${"bot 😀/1"}`).toBe("/bots/bot%20%F0%9F%98%80%2F1");
  });

  test("reading a Sendbird bot imported under such an id fails with that error", async () => {
    const saved = { ...process.env };
    // Nothing is sent: the path is refused before any request (port 9 would refuse it anyway).
    process.env.SENDBIRD_API_TOKEN = `t${Math.random().toString(36).slice(2)}`;
    process.env.SENDBIRD_API_URL = "http://127.0.0.1:9/v3";
    try {
      await expect(sendbirdBot.read("bot\uD800", {})).rejects.toThrow("well-formed Unicode");
    } finally {
      process.env = saved;
    }
  });
});
