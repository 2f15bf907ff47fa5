import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { botHandlers, checkBot, TRIGGER_VISIBILITY_RULE } from "../../provider/deadsimplechat/bot";
import { botChatRoomHandlers } from "../../provider/deadsimplechat/botChatRoom";

// A valid deadsimplechat.Bot with only the required inputs, as a program would declare it.
const valid = { name: "Helper", webhookUrl: "https://example.com/hook" };

const check = (news: Record<string, unknown>) => botHandlers.check({}, news);
const unknown = pulumi.runtime.unknownValue;

// Every input of deadsimplechat.Bot, in schema order.
const KEYS = [
  "name",
  "description",
  "trigger",
  "messageVisibility",
  "isAllowedInAllChatRooms",
  "messageHistoryLimit",
  "webhookUrl",
  "metadata",
  "enabled",
  "adopt",
];

describe("deadsimplechat.Bot check: defaults", () => {
  test("fills the documented defaults and keeps __provider", async () => {
    const r = await check({ ...valid, __provider: "shim" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({
      ...valid,
      isAllowedInAllChatRooms: false,
      enabled: true,
      adopt: false,
      __provider: "shim",
    });
  });

  test("fields without a documented default stay absent (not managed), not filled in", async () => {
    const r = await check(valid);
    for (const key of ["trigger", "messageVisibility", "messageHistoryLimit", "description", "metadata"]) {
      expect(Object.keys(r.inputs)).not.toContain(key);
    }
  });

  test("null counts as absent: the default is filled in", async () => {
    const r = await check({ ...valid, isAllowedInAllChatRooms: null, enabled: null, adopt: null });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ isAllowedInAllChatRooms: false, enabled: true, adopt: false });
  });

  test("declared values win over the defaults", async () => {
    const r = await check({ ...valid, isAllowedInAllChatRooms: true, enabled: false, adopt: true });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ isAllowedInAllChatRooms: true, enabled: false, adopt: true });
  });

  test("a full, valid declaration passes unchanged (metadata aside)", async () => {
    const declared = {
      ...valid,
      description: "Answers questions",
      trigger: "mention",
      messageVisibility: "private",
      isAllowedInAllChatRooms: true,
      messageHistoryLimit: 20,
      metadata: '{"team":"support"}',
      enabled: false,
      adopt: true,
    };
    const r = await check(declared);
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual(declared);
  });

  test("the output-only keys the resource class passes as undefined are not reported", async () => {
    const r = await check({ ...valid, botId: undefined, customer: undefined, created: undefined });
    expect(r.failures).toBeUndefined();
  });

  test("checkBot and the handler agree", async () => {
    const news = { ...valid, messageVisibility: "private" };
    expect(await check(news)).toEqual(checkBot(news));
  });
});

describe("deadsimplechat.Bot check: field rules", () => {
  const NOT_BLANK =
    "name: expected a string that is not blank, without control characters, well-formed Unicode (no lone surrogates)";
  const INTEGER = "messageHistoryLimit: expected an integer >= 0";
  const URL = "webhookUrl: expected an absolute http(s) URL of at most 2048 characters";
  const JSON_DOC = "metadata: expected a JSON object or JSON text, at most 10000 characters once serialised";

  test.each([
    ["name", undefined, "name is required"],
    ["name", null, "name is required"],
    ["name", "", NOT_BLANK],
    ["name", "   ", NOT_BLANK],
    ["name", "\u00a0\u2003", NOT_BLANK],
    ["name", "bot\nname", NOT_BLANK],
    ["name", "bot\tname", NOT_BLANK],
    ["name", "bot\u0000", NOT_BLANK],
    ["name", "bot\u007f", NOT_BLANK],
    ["name", "bot\u0085", NOT_BLANK],
    ["name", 42, NOT_BLANK],
    ["name", ["Helper"], NOT_BLANK],
    ["description", "d".repeat(1001), "description: expected a string of at most 1000 characters"],
    ["description", "\u{1F916}".repeat(1001), "description: expected a string of at most 1000 characters"],
    ["description", 7, "description: expected a string of at most 1000 characters"],
    ["trigger", "always", 'trigger: expected one of "message", "mention"'],
    ["trigger", "Mention", 'trigger: expected one of "message", "mention"'],
    ["trigger", "", 'trigger: expected one of "message", "mention"'],
    ["trigger", 1, 'trigger: expected one of "message", "mention"'],
    ["messageVisibility", "secret", 'messageVisibility: expected one of "public", "private"'],
    ["messageVisibility", "PUBLIC", 'messageVisibility: expected one of "public", "private"'],
    ["messageVisibility", true, 'messageVisibility: expected one of "public", "private"'],
    ["isAllowedInAllChatRooms", "true", "isAllowedInAllChatRooms: expected boolean"],
    ["isAllowedInAllChatRooms", 0, "isAllowedInAllChatRooms: expected boolean"],
    ["messageHistoryLimit", -1, INTEGER],
    ["messageHistoryLimit", 1.5, INTEGER],
    ["messageHistoryLimit", "3", INTEGER],
    ["messageHistoryLimit", Number.NaN, INTEGER],
    ["messageHistoryLimit", Number.POSITIVE_INFINITY, INTEGER],
    ["messageHistoryLimit", true, INTEGER],
    ["webhookUrl", undefined, "webhookUrl is required"],
    ["webhookUrl", null, "webhookUrl is required"],
    ["webhookUrl", "", URL],
    ["webhookUrl", "http:example.com", "written out in full (scheme://host/...)"],
    ["webhookUrl", " https://x/cb ", "without spaces or control characters"],
    ["webhookUrl", "https://example.com/c\tb", "without spaces or control characters"],
    ["webhookUrl", "https://example.com/cb\n", URL],
    ["webhookUrl", "ftp://example.com/hook", URL],
    ["webhookUrl", "/hook", URL],
    ["webhookUrl", `https://example.com/${"p".repeat(2029)}`, URL],
    ["metadata", "{not json", JSON_DOC],
    ["metadata", "", JSON_DOC],
    ["metadata", "{'a': 1}", JSON_DOC],
    ["metadata", '{"a": 1,}', JSON_DOC],
    ["metadata", ["a", "b"], JSON_DOC],
    ["metadata", 3, JSON_DOC],
    ["metadata", true, JSON_DOC],
    ["metadata", { big: "x".repeat(9993) }, JSON_DOC],
    ["enabled", "false", "enabled: expected boolean"],
    ["adopt", 1, "adopt: expected boolean"],
  ])("%s = %j fails: %s", async (property, value, reason) => {
    const r = await check({ ...valid, [property]: value });
    expect(r.failures).toHaveLength(1);
    expect(r.failures?.[0].property).toBe(property);
    expect(r.failures?.[0].reason).toContain(reason);
  });

  test.each([
    ["name", "Hëlper \u{1F916}"],
    ["name", "n".repeat(5000)],
    ["name", " padded "],
    ["description", ""],
    ["description", "d".repeat(1000)],
    ["description", "\u{1F916}".repeat(1000)],
    ["trigger", "message"],
    ["trigger", "mention"],
    ["messageVisibility", "public"],
    ["messageHistoryLimit", 0],
    ["messageHistoryLimit", 50],
    ["messageHistoryLimit", 1_000_000],
    ["webhookUrl", "http://127.0.0.1:8080/x"],
    ["webhookUrl", "https://example.com/hook?token=abc&x=1"],
    ["webhookUrl", `https://example.com/${"p".repeat(2028)}`],
  ])("%s = %j passes, as declared", async (property, value) => {
    const r = await check({ ...valid, [property]: value });
    expect(r.failures).toBeUndefined();
    expect(r.inputs[property]).toBe(value);
  });

  test("description counts code points, as DeadSimpleChat counts characters: an emoji is one", async () => {
    // 1,000 emoji are 2,000 UTF-16 units.
    expect("\u{1F916}".repeat(1000).length).toBe(2000);
    expect((await check({ ...valid, description: "\u{1F916}".repeat(1000) })).failures).toBeUndefined();
  });

  test("reports every bad field at once", async () => {
    const r = await check({
      name: " ",
      webhookUrl: "nope",
      messageHistoryLimit: -1,
      metadata: "{",
      enabled: "yes",
    });
    expect(r.failures?.map((f) => f.property).sort()).toEqual([
      "enabled",
      "messageHistoryLimit",
      "metadata",
      "name",
      "webhookUrl",
    ]);
  });

  test("with nothing declared, both required fields are reported", async () => {
    const r = await check({});
    expect(r.failures).toEqual([
      { property: "name", reason: "name is required" },
      { property: "webhookUrl", reason: "webhookUrl is required" },
    ]);
  });
});

describe("deadsimplechat.Bot check: metadata", () => {
  const metadataOf = async (metadata: unknown) => {
    const r = await check({ ...valid, metadata });
    expect(r.failures).toBeUndefined();
    return r.inputs.metadata;
  };

  test.each([
    [{}, "{}"],
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}'],
    [{ list: ["b", "a", "c"] }, '{"list":["b","a","c"]}'],
    [{ text: "ünïcødé \u{1F916}" }, '{"text":"ünïcødé \u{1F916}"}'],
  ])("a plain object %j is stored as canonical JSON text %s", async (value, text) => {
    expect(await metadataOf(value)).toBe(text);
  });

  test.each([
    ['{"b":1,"a":2}', '{"a":2,"b":1}'],
    [' {\n  "b" : 1 ,\n  "a" : 2\n} ', '{"a":2,"b":1}'],
    ['{"z":{"y":{"x":1,"w":2}},"a":[{"d":1,"c":2}]}', '{"a":[{"c":2,"d":1}],"z":{"y":{"w":2,"x":1}}}'],
    ["{}", "{}"],
  ])("JSON text %j is stored canonically as %s", async (value, text) => {
    expect(await metadataOf(value)).toBe(text);
  });

  test("an object and JSON text of the same document, whatever the key order, give the same metadata", async () => {
    const a = await metadataOf({ team: "support", tier: { level: 3, sla: "24h" } });
    const b = await metadataOf('{ "tier": { "sla": "24h", "level": 3 }, "team": "support" }');
    expect(a).toBe(b);
  });

  test("an array is refused as a value (metadata is a plain object or JSON text)", async () => {
    const r = await check({ ...valid, metadata: [{ a: 1 }] });
    expect(r.failures).toEqual([expect.objectContaining({ property: "metadata" })]);
  });

  test("JSON text is taken as any JSON document, an array's text included (the codec only asks for JSON)", async () => {
    expect(await metadataOf("[2, 1]")).toBe("[2,1]");
  });

  test("the 10,000-character limit applies to the serialised (canonical) form, counting code points", async () => {
    // {"k":"<n characters>"} serialises to n + 8 characters.
    expect(await metadataOf({ k: "x".repeat(9992) })).toHaveLength(10_000);
    expect((await check({ ...valid, metadata: { k: "x".repeat(9993) } })).failures).toEqual([
      expect.objectContaining({ property: "metadata" }),
    ]);
    // Emoji count one each, although they are two UTF-16 units.
    expect(await metadataOf({ k: "\u{1F916}".repeat(9992) })).toBeDefined();
    expect((await check({ ...valid, metadata: { k: "\u{1F916}".repeat(9993) } })).failures).toEqual([
      expect.objectContaining({ property: "metadata" }),
    ]);
    // Whitespace in JSON text is not part of the serialised form.
    const spaced = `{ "k" :${" ".repeat(5000)}"${"x".repeat(9992)}" }`;
    expect(spaced.length).toBeGreaterThan(10_000);
    expect(await metadataOf(spaced)).toHaveLength(10_000);
    expect((await check({ ...valid, metadata: `{"k":"${"x".repeat(9993)}"}` })).failures).toEqual([
      expect.objectContaining({ property: "metadata" }),
    ]);
  });

  test("property: any small JSON object passes, as canonical text of the same document, equal to its JSON text's", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
        async (doc) => {
          const fromObject = await metadataOf(doc);
          const fromText = await metadataOf(JSON.stringify(doc, null, 2));
          expect(fromObject).toBe(fromText);
          expect(JSON.parse(String(fromObject))).toEqual(JSON.parse(JSON.stringify(doc)));
        },
      ),
    );
  });
});

describe("deadsimplechat.Bot check: trigger and messageVisibility", () => {
  test('trigger "message" with messageVisibility "private" fails naming both fields, with DeadSimpleChat\'s explanation', async () => {
    const r = await check({ ...valid, trigger: "message", messageVisibility: "private" });
    expect(r.failures).toHaveLength(2);
    expect(r.failures?.map((f) => f.property)).toEqual(["trigger", "messageVisibility"]);
    for (const f of r.failures ?? []) {
      expect(f.reason).toBe(
        `trigger must be "mention" when messageVisibility is "private". DeadSimpleChat: ${TRIGGER_VISIBILITY_RULE}`,
      );
    }
    // DeadSimpleChat's words, as its page gives them.
    expect(TRIGGER_VISIBILITY_RULE).toBe(
      "Bots cannot be configured to trigger on every message when message visibility is set to private. " +
        'Either change the bot trigger to "mention" or set the message visibility to "public".',
    );
  });

  test('messageVisibility "private" with trigger omitted fails too, naming both and asking for an explicit trigger', async () => {
    for (const trigger of [undefined, null]) {
      const r = await check({ ...valid, trigger, messageVisibility: "private" });
      expect(r.failures?.map((f) => f.property)).toEqual(["trigger", "messageVisibility"]);
      for (const f of r.failures ?? []) {
        expect(f.reason).toContain(TRIGGER_VISIBILITY_RULE);
        expect(f.reason).toContain("set it explicitly");
      }
    }
  });

  test('the explicit "message" case does not claim the trigger was left out', async () => {
    const r = await check({ ...valid, trigger: "message", messageVisibility: "private" });
    expect(r.failures?.[0].reason).not.toContain("set it explicitly");
  });

  // Every combination: it fails exactly for "private" with a trigger that is not (or may not be) "mention".
  const triggers = ["message", "mention", undefined, unknown];
  const visibilities = ["public", "private", undefined, unknown];
  const combos = triggers.flatMap((trigger) =>
    visibilities.map((messageVisibility) => [
      trigger,
      messageVisibility,
      messageVisibility === "private" && (trigger === "message" || trigger === undefined),
    ]),
  );
  test.each(combos)(
    "trigger %j, messageVisibility %j: fails %s",
    async (trigger, messageVisibility, fails) => {
      const r = await check({ ...valid, trigger, messageVisibility });
      if (fails) expect(r.failures?.map((f) => f.property)).toEqual(["trigger", "messageVisibility"]);
      else expect(r.failures).toBeUndefined();
    },
  );

  test('"private" with "mention" passes and keeps both', async () => {
    const r = await check({ ...valid, trigger: "mention", messageVisibility: "private" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ trigger: "mention", messageVisibility: "private" });
  });

  test("a preview-time unknown trigger passes with private visibility: it is checked again at up", async () => {
    const r = await check({ ...valid, trigger: unknown, messageVisibility: "private" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs.trigger).toBe(unknown);
  });

  test("the cross-field failures come after other fields' failures, which are all kept", async () => {
    const r = await check({ webhookUrl: valid.webhookUrl, trigger: "message", messageVisibility: "private" });
    expect(r.failures?.map((f) => f.property)).toEqual(["name", "trigger", "messageVisibility"]);
  });

  test("an invalid trigger or visibility is reported on its own, without the cross-field rule", async () => {
    const badTrigger = await check({ ...valid, trigger: "always", messageVisibility: "private" });
    expect(badTrigger.failures).toEqual([expect.objectContaining({ property: "trigger" })]);
    expect(badTrigger.failures?.[0].reason).not.toContain(TRIGGER_VISIBILITY_RULE);
    const badVisibility = await check({ ...valid, trigger: "message", messageVisibility: "hidden" });
    expect(badVisibility.failures).toEqual([expect.objectContaining({ property: "messageVisibility" })]);
  });
});

describe("deadsimplechat.Bot check: unknown properties and preview-time unknowns", () => {
  test("refuses an unknown property, naming the ones that exist", async () => {
    const r = await check({ ...valid, visibility: "public" });
    expect(r.failures).toEqual([
      {
        property: "visibility",
        reason: `unknown property "visibility"; the properties are: ${KEYS.join(", ")}`,
      },
    ]);
  });

  test("the API's spelling webhookURL is an unknown property, and webhookUrl is then missing", async () => {
    const r = await check({ name: "Helper", webhookURL: "https://example.com/hook" });
    expect(r.failures?.map((f) => f.property).sort()).toEqual(["webhookURL", "webhookUrl"]);
  });

  test.each(["botId", "customer", "created"])("the output %s is not an input", async (key) => {
    const r = await check({ ...valid, [key]: "x" });
    expect(r.failures).toEqual([expect.objectContaining({ property: key })]);
  });

  test.each(KEYS)("an unknown %s passes untouched", async (key) => {
    const r = await check({ ...valid, [key]: unknown });
    expect(r.failures).toBeUndefined();
    expect(r.inputs[key]).toBe(unknown);
  });

  test("unknowns everywhere pass untouched, a metadata object holding one is left as it is", async () => {
    const metadata = { b: unknown, a: 1 };
    const news = Object.fromEntries(KEYS.map((k) => [k, unknown]));
    const r = await check({ ...news, metadata });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ ...news, metadata });
  });
});

describe("deadsimplechat.Bot check: properties", () => {
  test("property: no failure reason ever contains the value that failed", async () => {
    const marker = "zq7Secret";
    const values = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }).map((s) => `${marker}${s}`),
      fc.string({ unit: "binary", maxLength: 20 }).map((s) => `${s}${marker}\u0000`),
      fc.string({ unit: "binary", maxLength: 20 }).map((s) => ({ [marker]: s })),
      fc.string({ unit: "binary", maxLength: 20 }).map((s) => `{"${marker}": "${s}"`),
      fc.constant({ [marker]: "x".repeat(10_001) }),
      fc.constant(`https://example.com/${marker}\t`),
      fc.constant(`http:${marker}.example.com`),
      fc.array(fc.constant(marker)),
    );
    const extras = fc.record(
      {
        trigger: fc.constantFrom("message", "mention", undefined),
        messageVisibility: fc.constantFrom("public", "private", undefined),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...KEYS), values, { minKeys: 1, maxKeys: 4 }),
        extras,
        async (bad, extra) => {
          const r = await check({ ...valid, ...extra, ...bad });
          expect(JSON.stringify(r.failures ?? [])).not.toContain(marker);
        },
      ),
    );
  });

  test("property: arbitrary input never throws, and every failure names a property it was given or requires", async () => {
    const keys = [...KEYS, "extra"];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ stringUnit: "binary" })),
        async (news) => {
          const r = await check(news);
          for (const f of r.failures ?? []) {
            expect(keys).toContain(f.property);
            expect(f.reason.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  test("property: any name passes exactly when it is not blank and has no control characters", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom(" ", "\t", "a\u0085")),
        async (name) => {
          const r = await check({ ...valid, name });
          // eslint-disable-next-line no-control-regex
          const ok = name.trim() !== "" && !/[\u0000-\u001f\u007f-\u009f]/.test(name);
          expect(r.failures === undefined).toBe(ok);
        },
      ),
    );
  });

  test("property: messageHistoryLimit passes exactly for integers >= 0", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer(), fc.double()), async (limit) => {
        const r = await check({ ...valid, messageHistoryLimit: limit });
        expect(r.failures === undefined).toBe(Number.isInteger(limit) && limit >= 0);
      }),
    );
  });
});

describe("deadsimplechat.BotChatRoom check", () => {
  const room = { botId: "65f0c0ffee0123456789abcd", roomId: "x8z343Tlt" };
  const checkRoom = (news: Record<string, unknown>) => botChatRoomHandlers.check({}, news);
  const RULE =
    'expected an identifier of 1 to 100 characters, not blank, not "." or "..", without control characters, ' +
    "well-formed Unicode (no lone surrogates)";

  test("valid inputs pass as declared, keeping __provider", async () => {
    const r = await checkRoom({ ...room, __provider: "shim" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ ...room, __provider: "shim" });
  });

  test.each([
    ["botId", undefined, "botId is required"],
    ["botId", null, "botId is required"],
    ["roomId", undefined, "roomId is required"],
    ["botId", "", `botId: ${RULE}`],
    ["botId", "  ", `botId: ${RULE}`],
    ["botId", ".", `botId: ${RULE}`],
    ["botId", "..", `botId: ${RULE}`],
    ["botId", "b\u0000", `botId: ${RULE}`],
    ["botId", "b".repeat(101), `botId: ${RULE}`],
    ["botId", 42, `botId: ${RULE}`],
    ["roomId", ".", `roomId: ${RULE}`],
    ["roomId", "..", `roomId: ${RULE}`],
    ["roomId", "room\n1", `roomId: ${RULE}`],
    ["roomId", "room\u007f", `roomId: ${RULE}`],
    ["roomId", "room\u009f", `roomId: ${RULE}`],
    ["roomId", "\t", `roomId: ${RULE}`],
  ])("%s = %j fails: %s", async (property, value, reason) => {
    const r = await checkRoom({ ...room, [property]: value });
    expect(r.failures).toEqual([{ property, reason }]);
  });

  test.each([
    ["botId", "..."],
    ["botId", "b".repeat(100)],
    ["roomId", "room/with?odd#chars"],
    ["roomId", "\u{1F916}".repeat(100)],
  ])("%s = %j passes", async (property, value) => {
    const r = await checkRoom({ ...room, [property]: value });
    expect(r.failures).toBeUndefined();
    expect(r.inputs[property]).toBe(value);
  });

  test("refuses an unknown property, naming the ones that exist", async () => {
    const r = await checkRoom({ ...room, chatRoomId: "x" });
    expect(r.failures).toEqual([
      { property: "chatRoomId", reason: 'unknown property "chatRoomId"; the properties are: botId, roomId' },
    ]);
  });

  test("preview-time unknowns pass untouched (a botId wired from a Bot being created)", async () => {
    const r = await checkRoom({ botId: unknown, roomId: unknown });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ botId: unknown, roomId: unknown });
  });

  test("property: no failure reason ever contains the value that failed", async () => {
    const marker = "zq7Secret";
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("botId", "roomId"),
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 120 }).map((s) => `${marker}${s}\u0001`),
          fc.constant(marker.repeat(20)),
          fc.constant({ [marker]: 1 }),
        ),
        async (key, value) => {
          const r = await checkRoom({ ...room, [key]: value });
          expect(r.failures).toHaveLength(1);
          expect(JSON.stringify(r.failures)).not.toContain(marker);
        },
      ),
    );
  });
});
