import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { botHandlers } from "../../provider/lineworks/bot";
import { botDomainHandlers } from "../../provider/lineworks/botDomain";

const valid = {
  botName: "Support Bot",
  photoUrl: "https://example.com/bot.png",
  description: "Answers questions",
  administrators: ["admin@example.com"],
};

const check = (news: Record<string, unknown>) => botHandlers.check({}, news);
const checkDomain = (news: Record<string, unknown>) => botDomainHandlers.check({}, news);

const DEFAULTS = {
  subadministrators: [],
  allowDomains: [],
  enableCallback: false,
  callbackEvents: [],
  enableGroupJoin: false,
  i18nBotNames: [],
  i18nDescriptions: [],
  i18nPhotoUrls: [],
};

describe("lineworks.Bot check", () => {
  test("fills the defaults a bot created without them has; callbackUrl and defaultRichmenuId stay unmanaged", async () => {
    const r = await check({ ...valid, __provider: "shim" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ ...valid, ...DEFAULTS, __provider: "shim" });
  });

  test("accepts every documented field at its limits", async () => {
    const r = await check({
      botName: "b".repeat(100),
      photoUrl: `https://example.com/${"p".repeat(1000 - 20)}`,
      description: "d".repeat(100),
      administrators: ["a1", "a2", "a3"],
      subadministrators: ["s1", "s2", "s3"],
      allowDomains: [10000001, 10000002, Number.MAX_SAFE_INTEGER],
      enableCallback: true,
      callbackEvents: ["text", "location", "sticker", "image", "file", "audio", "video"],
      callbackUrl: "https://example.com/callback",
      enableGroupJoin: true,
      defaultRichmenuId: "richmenu-1",
      i18nBotNames: ["ko_KR", "ja_JP", "en_US", "zh_CN", "zh_TW"].map((language) => ({
        language,
        botName: "n".repeat(100),
      })),
      i18nDescriptions: [{ language: "ja_JP", description: "説明".repeat(50) }],
      i18nPhotoUrls: [{ language: "en_US", photoUrl: "https://example.com/en.png" }],
      adoptBotId: "2000001",
    });
    expect(r.failures).toBeUndefined();
  });

  test.each([
    ["Support\nBot", "Support Bot"],
    ["Support\r\nBot", "Support Bot"],
    ["Support\rBot", "Support Bot"],
    ["a\n\nb", "a  b"],
    // 99 characters and a CRLF: 100 once the CRLF is one space.
    [`${"x".repeat(99)}\r\n`, `${"x".repeat(99)} `],
  ])("botName %j is normalised to %j (LINE WORKS stores a line break as a space)", async (name, stored) => {
    const r = await check({ ...valid, botName: name, i18nBotNames: [{ language: "en_US", botName: name }] });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({
      botName: stored,
      i18nBotNames: [{ language: "en_US", botName: stored }],
    });
  });

  test.each([
    ["botName", undefined, "botName is required"],
    ["botName", "", "botName: expected a string of 1 to 100 characters, not blank"],
    ["botName", "\n", "not blank"],
    ["botName", "b".repeat(101), "botName: expected a string of 1 to 100 characters"],
    ["photoUrl", undefined, "photoUrl is required"],
    [
      "photoUrl",
      "http://example.com/bot.png",
      "photoUrl: expected an absolute https URL of at most 1000 characters",
    ],
    ["photoUrl", `https://example.com/${"p".repeat(1000)}`, "at most 1000 characters"],
    ["photoUrl", "https://127.0.0.1/bot.png", "on a public host"],
    ["photoUrl", "https://example.com/a b.png", "without spaces or control characters"],
    ["description", undefined, "description is required"],
    ["description", "d".repeat(101), "description: expected a string of 1 to 100 characters"],
    ["description", "  ", "not blank"],
    ["administrators", undefined, "administrators is required"],
    ["administrators", [], "administrators: expected a list of 1 to 3 user ids, each at most once"],
    ["administrators", ["a", "b", "c", "d"], "administrators: expected a list of 1 to 3 user ids"],
    ["administrators", ["a", "a"], "each at most once"],
    ["administrators", "admin@example.com", "administrators: expected a list of 1 to 3 user ids"],
    ["administrators", [" "], "administrators.0: expected a string that is not blank"],
    ["subadministrators", ["a", "b", "c", "d"], "subadministrators: expected a list of at most 3 user ids"],
    ["subadministrators", ["s", "s"], "each at most once"],
    ["allowDomains", [1, 1], "allowDomains: expected a list of domain ids, each at most once"],
    ["allowDomains", [1.5], "allowDomains.0: expected an integer from 1 to"],
    ["allowDomains", [0], "allowDomains.0: expected an integer from 1"],
    ["allowDomains", ["10000001"], "allowDomains.0: expected an integer"],
    ["enableCallback", "true", "enableCallback: expected boolean"],
    [
      "callbackEvents",
      ["text", "text"],
      "callbackEvents: expected a list of callback events, each at most once",
    ],
    ["callbackEvents", ["message"], 'callbackEvents.0: expected one of "text", "location", "sticker"'],
    [
      "callbackUrl",
      "http://example.com/cb",
      "callbackUrl: expected an absolute https URL of at most 1000 characters",
    ],
    ["callbackUrl", "https://localhost/cb", "on a public host"],
    ["callbackUrl", `https://example.com/${"c".repeat(1000)}`, 'or "" for none'],
    ["enableGroupJoin", 1, "enableGroupJoin: expected boolean"],
    ["defaultRichmenuId", "", "defaultRichmenuId: expected a string that is not blank"],
    [
      "i18nBotNames",
      [{ language: "fr_FR", botName: "x" }],
      'i18nBotNames.0.language: expected one of "ko_KR"',
    ],
    [
      "i18nBotNames",
      [
        { language: "ja_JP", botName: "x" },
        { language: "ja_JP", botName: "y" },
      ],
      "i18nBotNames: expected a list of {language, botName} objects, each language (ko_KR, ja_JP, en_US, zh_CN, zh_TW) at most once",
    ],
    [
      "i18nBotNames",
      [{ language: "ja_JP", botName: "b".repeat(101) }],
      "i18nBotNames.0.botName: expected a string of 1 to 100",
    ],
    ["i18nBotNames", [{ language: "ja_JP" }], "i18nBotNames.0.botName"],
    ["i18nBotNames", [{ language: "ja_JP", botName: "x", extra: 1 }], 'unknown property "extra"'],
    [
      "i18nDescriptions",
      [{ language: "ko_KR", description: "d".repeat(101) }],
      "i18nDescriptions.0.description",
    ],
    ["i18nDescriptions", [{ language: "ko_KR", botName: "x" }], "i18nDescriptions.0"],
    [
      "i18nPhotoUrls",
      [{ language: "zh_CN", photoUrl: "http://example.com/x.png" }],
      "i18nPhotoUrls.0.photoUrl: expected an absolute https URL",
    ],
    [
      "i18nPhotoUrls",
      { language: "zh_CN", photoUrl: "https://example.com/x.png" },
      "i18nPhotoUrls: expected a list",
    ],
    ["adoptBotId", "abc", "adoptBotId: expected a bot id: a positive integer, or its digits as a string"],
    ["adoptBotId", 0, "adoptBotId: expected a bot id"],
    ["adoptBotId", 1.5, "adoptBotId: expected a bot id"],
    ["adoptBotId", "0123", "adoptBotId: expected a bot id"],
  ])("%s = %j fails: %s", async (property, value, reason) => {
    const r = await check({ ...valid, [property]: value });
    expect(r.failures).toHaveLength(1);
    expect(r.failures?.[0].property).toBe(property);
    expect(r.failures?.[0].reason).toContain(reason);
  });

  test('callbackUrl "" (no callbacks, as documented) passes', async () => {
    expect((await check({ ...valid, callbackUrl: "" })).failures).toBeUndefined();
  });

  test("adoptBotId as a number is kept as its digits", async () => {
    expect((await check({ ...valid, adoptBotId: 2000001 })).inputs).toMatchObject({ adoptBotId: "2000001" });
  });

  test("refuses unknown properties, naming the ones that exist (channelEvents is not managed)", async () => {
    const r = await check({ ...valid, channelEvents: ["message"] });
    expect(r.failures).toEqual([
      {
        property: "channelEvents",
        reason: expect.stringContaining(
          'unknown property "channelEvents"; the properties are: botName, photoUrl',
        ),
      },
    ]);
  });

  test("100 emoji make a 100-character name (code points), 101 do not", async () => {
    expect((await check({ ...valid, botName: "\u{1F916}".repeat(100) })).failures).toBeUndefined();
    expect((await check({ ...valid, botName: "\u{1F916}".repeat(101) })).failures).toEqual([
      expect.objectContaining({ property: "botName" }),
    ]);
  });

  test("reports every bad field at once", async () => {
    const r = await check({
      ...valid,
      botName: "",
      photoUrl: "nope",
      enableGroupJoin: "yes",
      administrators: [],
    });
    expect(r.failures?.map((f) => f.property).sort()).toEqual([
      "administrators",
      "botName",
      "enableGroupJoin",
      "photoUrl",
    ]);
  });

  test("lets preview-time unknowns through untouched, in a field or inside a list", async () => {
    const unknown = pulumi.runtime.unknownValue;
    const r = await check({
      ...valid,
      botName: unknown,
      administrators: ["admin@example.com", unknown],
      allowDomains: unknown,
      i18nBotNames: [{ language: "ja_JP", botName: unknown }],
      adoptBotId: unknown,
    });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ botName: unknown, allowDomains: unknown, adoptBotId: unknown });
  });

  test("property: any name of up to 100 characters once line breaks are spaces passes, anything longer fails naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom("a", "\n", "\r", " ", "\u{1F916}", "é"), maxLength: 120 }),
        async (name) => {
          const r = await check({ ...valid, botName: name });
          const stored = name.replace(/\r\n|\r|\n/g, " ");
          const ok = [...stored].length >= 1 && [...stored].length <= 100 && stored.trim().length > 0;
          if (ok) {
            expect(r.failures).toBeUndefined();
            expect(r.inputs).toMatchObject({ botName: stored });
          } else expect(r.failures).toEqual([expect.objectContaining({ property: "botName" })]);
        },
      ),
    );
  });

  test("property: no failure reason ever contains the value that failed", async () => {
    const marker = "zq7Secret";
    const values = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }).map((s) => `${marker}${s}`),
      fc.string({ unit: "binary", maxLength: 20 }).map((s) => ({ [marker]: s })),
      fc.array(fc.constant(marker)),
      fc.array(fc.record({ language: fc.constant(marker), botName: fc.constant(marker) })),
      fc.array(
        fc.record({ language: fc.constant("ja_JP"), photoUrl: fc.constant(`http://${marker}.example`) }),
      ),
    );
    const keys = [
      ...Object.keys(valid),
      ...Object.keys(DEFAULTS),
      "callbackUrl",
      "defaultRichmenuId",
      "adoptBotId",
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), values, async (key, value) => {
        const r = await check({ ...valid, [key]: value });
        expect(JSON.stringify(r.failures ?? [])).not.toContain(marker);
      }),
    );
  });

  test("property: arbitrary input never throws, and every failure names a property it was given or requires", async () => {
    const keys = [
      ...Object.keys(valid),
      ...Object.keys(DEFAULTS),
      "callbackUrl",
      "defaultRichmenuId",
      "adoptBotId",
      "extra",
    ];
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
});

describe("lineworks.BotDomain check", () => {
  test("fills the documented defaults (visible and allowToSelectedMember false) and adopt false", async () => {
    const r = await checkDomain({ botId: "2000001", domainId: 10000001 });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({
      botId: "2000001",
      domainId: 10000001,
      visible: false,
      allowToSelectedMember: false,
      adopt: false,
    });
  });

  test("a numeric botId is kept as its digits", async () => {
    expect((await checkDomain({ botId: 2000001, domainId: 1 })).inputs).toMatchObject({ botId: "2000001" });
  });

  test.each([
    ["botId", undefined, "botId is required"],
    ["botId", "bot-1", "botId: expected a bot id: a positive integer, or its digits as a string"],
    ["botId", "", "botId: expected a bot id"],
    ["domainId", undefined, "domainId is required"],
    ["domainId", "10000001", "domainId: expected an integer from 1 to"],
    ["domainId", 0, "domainId: expected an integer from 1"],
    ["domainId", 1.5, "domainId: expected an integer"],
    ["visible", "yes", "visible: expected boolean"],
    ["allowToSelectedMember", 1, "allowToSelectedMember: expected boolean"],
    ["adopt", "true", "adopt: expected boolean"],
    ["members", ["u1"], 'unknown property "members"'],
  ])("%s = %j fails: %s", async (property, value, reason) => {
    const r = await checkDomain({ botId: "2000001", domainId: 10000001, [property]: value });
    expect(r.failures).toHaveLength(1);
    expect(r.failures?.[0].property).toBe(property);
    expect(r.failures?.[0].reason).toContain(reason);
  });

  test("an unknown botId (a bot being created) passes preview", async () => {
    const unknown = pulumi.runtime.unknownValue;
    const r = await checkDomain({ botId: unknown, domainId: 10000001 });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({ botId: unknown });
  });

  test("property: no failure reason ever contains the value that failed", async () => {
    const marker = "zq7Secret";
    const values = fc.oneof(
      fc.string({ unit: "binary", maxLength: 100 }).map((s) => `${marker}${s}`),
      fc.array(fc.constant(marker)),
      fc.constant({ [marker]: marker }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("botId", "domainId", "visible", "allowToSelectedMember", "adopt"),
        values,
        async (key, value) => {
          const r = await checkDomain({ botId: "2000001", domainId: 10000001, [key]: value });
          expect(r.failures).toHaveLength(1);
          expect(JSON.stringify(r.failures)).not.toContain(marker);
        },
      ),
    );
  });
});
