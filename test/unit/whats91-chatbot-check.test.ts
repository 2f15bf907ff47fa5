import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { chatbotHandlers, checkChatbot } from "../../provider/whats91/chatbot";

type Props = Record<string, unknown>;

// A valid whats91.Chatbot with only the required inputs, as a program would declare it.
const valid = {
  name: "Greeter",
  trigger: { type: "contains", keywords: ["hi"] },
  response: { type: "text", text: "Hello" },
};

const check = (news: Props, olds: Props = {}) => chatbotHandlers.check(olds, news);
const unknown = pulumi.runtime.unknownValue;

// Every input of whats91.Chatbot, in schema order.
const KEYS = ["senderId", "name", "trigger", "priority", "status", "response", "replaceLeavesOldActive"];
// The inputs Whats91 cannot change: the safety rule watches exactly these.
const FIELDS = ["senderId", "name", "trigger", "priority", "status", "response"];
const TRIGGER_TYPES = ["contains", "exact", "starts_with", "ends_with", "contains_whole_word", "regex"];
const MEDIA_TYPES = ["IMAGE", "VIDEO", "AUDIO", "DOCUMENT"];

const WELL_FORMED = "well-formed Unicode (no lone surrogates)";
const NOT_BLANK = `expected a string that is not blank, without control characters, ${WELL_FORMED}`;
const SENDER = "expected digits with country code, no +";
const TRIGGER_TYPE =
  'expected one of "contains", "exact", "starts_with", "ends_with", "contains_whole_word", "regex", "welcome"';
const TRIGGER_SHAPE = "expected a trigger {type, keywords} or {type, keyword}";
const RESPONSE_TYPE = 'expected one of "text", "media", "buttons", "cta", "list"';
const URL_FORM = `written out in full (scheme://host/...), without spaces or control characters, ${WELL_FORMED}`;
const PUBLIC_URL =
  "expected an absolute https URL of at most 2048 characters on a public host (not localhost, an internal or " +
  "single-label name, or a private, reserved or special-use IP address), without user name or password, " +
  URL_FORM;
const HTTPS_URL = `expected an absolute https URL of at most 2048 characters, ${URL_FORM}`;
const BUTTONS = "expected 1 to 3 buttons with unique ids";
const SECTIONS = "expected 1 or more sections, each with rows, at most 10 rows in all";
const unknownProperty = (key: string, properties: string) =>
  `unknown property "${key}"; the properties are: ${properties}`;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The whole failure reason for `path` (dotted; numeric segments are array indices) and `rule`. */
function reasonAt(path: string, rule: string): RegExp {
  return new RegExp(`^${escape(path)}: ${escape(rule)}$`);
}

/** Exactly one failure, on `property`, at `path` with `rule`. */
async function expectRefused(news: Props, property: string, path: string, rule: string) {
  const r = await check(news);
  expect(r.failures).toEqual([{ property, reason: expect.stringMatching(reasonAt(path, rule)) }]);
}

async function expectPasses(news: Props) {
  const r = await check(news);
  expect(r.failures).toBeUndefined();
  return r.inputs;
}

describe("whats91.Chatbot check: defaults", () => {
  test("fills the documented defaults (status ACTIVE, replaceLeavesOldActive false) and keeps __provider", async () => {
    const r = await check({ ...valid, __provider: "shim" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({
      ...valid,
      status: "ACTIVE",
      replaceLeavesOldActive: false,
      __provider: "shim",
    });
  });

  test("senderId and priority have no default: they stay absent", async () => {
    const inputs = await expectPasses(valid);
    expect(Object.keys(inputs)).not.toContain("senderId");
    expect(Object.keys(inputs)).not.toContain("priority");
  });

  test("null counts as absent: the defaults are filled in", async () => {
    const inputs = await expectPasses({
      ...valid,
      status: null,
      replaceLeavesOldActive: null,
      priority: null,
    });
    expect(inputs).toEqual({ ...valid, status: "ACTIVE", replaceLeavesOldActive: false });
  });

  test("declared values win over the defaults", async () => {
    const inputs = await expectPasses({ ...valid, status: "INACTIVE", replaceLeavesOldActive: true });
    expect(inputs).toMatchObject({ status: "INACTIVE", replaceLeavesOldActive: true });
  });

  test("a full, valid declaration passes unchanged", async () => {
    const declared = {
      senderId: "919876543210",
      name: "Greeter",
      trigger: { type: "exact", keywords: ["hi", "hello"] },
      priority: 10,
      status: "INACTIVE",
      response: {
        type: "buttons",
        text: "Pick one",
        footerText: "Thanks",
        buttons: [{ id: "a", label: "A" }],
      },
      replaceLeavesOldActive: true,
    };
    expect(await expectPasses(declared)).toEqual(declared);
  });

  test("the output-only keys the resource class passes as undefined are not reported", async () => {
    const outputs = {
      chatbotUid: undefined,
      botType: undefined,
      phoneNumberId: undefined,
      wabaId: undefined,
    };
    expect((await check({ ...valid, ...outputs, resolvedSenderId: undefined })).failures).toBeUndefined();
  });

  test.each(["chatbotUid", "botType", "phoneNumberId", "wabaId", "resolvedSenderId"])(
    "the output %s is not an input: refused by name",
    async (key) => {
      const r = await check({ ...valid, [key]: "x" });
      expect(r.failures).toEqual([{ property: key, reason: unknownProperty(key, KEYS.join(", ")) }]);
    },
  );

  test("an unknown top-level property is refused by name, listing the ones that exist", async () => {
    const r = await check({ ...valid, keyword: "hi" });
    expect(r.failures).toEqual([
      { property: "keyword", reason: unknownProperty("keyword", KEYS.join(", ")) },
    ]);
  });

  test("with nothing declared, the three required fields are reported", async () => {
    const r = await check({});
    expect(r.failures).toEqual([
      { property: "name", reason: "name is required" },
      { property: "trigger", reason: "trigger is required" },
      { property: "response", reason: "response is required" },
    ]);
  });

  test("checkChatbot and the handler agree", async () => {
    const news = { ...valid, priority: 3 };
    expect(await check(news)).toEqual(checkChatbot({}, news));
  });
});

describe("whats91.Chatbot check: senderId, name, priority, status, replaceLeavesOldActive", () => {
  test.each([
    ["senderId", "123456", `senderId: ${SENDER}`], // 6 digits
    ["senderId", "1234567890123456", `senderId: ${SENDER}`], // 16 digits
    ["senderId", "+919876543210", `senderId: ${SENDER}`],
    ["senderId", "0919876543210", `senderId: ${SENDER}`],
    ["senderId", "0000000", `senderId: ${SENDER}`],
    ["senderId", " 919876543210", `senderId: ${SENDER}`],
    ["senderId", "919876543210\n", `senderId: ${SENDER}`],
    ["senderId", "91 98765 43210", `senderId: ${SENDER}`],
    ["senderId", "91-9876543210", `senderId: ${SENDER}`],
    ["senderId", "\uff19\uff11\uff19\uff18\uff17\uff16\uff15\uff14\uff13\uff12", `senderId: ${SENDER}`], // full-width digits
    ["senderId", "", `senderId: ${SENDER}`],
    ["senderId", 919876543210, `senderId: ${SENDER}`],
    ["name", undefined, "name is required"],
    ["name", null, "name is required"],
    ["name", "", `name: ${NOT_BLANK}`],
    ["name", "   ", `name: ${NOT_BLANK}`],
    ["name", "\u00a0\u2003", `name: ${NOT_BLANK}`],
    ["name", "bot\nname", `name: ${NOT_BLANK}`],
    ["name", "bot\u0000", `name: ${NOT_BLANK}`],
    ["name", "bot\u0085", `name: ${NOT_BLANK}`],
    ["name", 42, `name: ${NOT_BLANK}`],
    ["priority", 256, "priority: expected an integer from 0 to 255"],
    ["priority", -1, "priority: expected an integer from 0 to 255"],
    ["priority", 1.5, "priority: expected an integer from 0 to 255"],
    ["priority", "3", "priority: expected an integer from 0 to 255"],
    ["priority", Number.NaN, "priority: expected an integer from 0 to 255"],
    ["priority", Number.POSITIVE_INFINITY, "priority: expected an integer from 0 to 255"],
    ["priority", true, "priority: expected an integer from 0 to 255"],
    ["status", "active", 'status: expected one of "ACTIVE", "INACTIVE"'],
    ["status", "PAUSED", 'status: expected one of "ACTIVE", "INACTIVE"'],
    ["status", "", 'status: expected one of "ACTIVE", "INACTIVE"'],
    ["status", 1, 'status: expected one of "ACTIVE", "INACTIVE"'],
    ["status", true, 'status: expected one of "ACTIVE", "INACTIVE"'],
    ["replaceLeavesOldActive", "true", "replaceLeavesOldActive: expected boolean"],
    ["replaceLeavesOldActive", 1, "replaceLeavesOldActive: expected boolean"],
  ])("%s = %j fails: %s", async (property, value, reason) => {
    const r = await check({ ...valid, [property]: value });
    expect(r.failures).toEqual([{ property, reason }]);
  });

  test.each([
    ["senderId", "1234567"], // 7 digits
    ["senderId", "123456789012345"], // 15 digits
    ["senderId", "919876543210"],
    ["senderId", "14155550100"],
    ["name", "Grëeter \u{1F916}"],
    ["name", " padded "],
    ["name", "n".repeat(5000)],
    ["priority", 0],
    ["priority", 1],
    ["priority", 255],
    ["status", "ACTIVE"],
    ["status", "INACTIVE"],
    ["replaceLeavesOldActive", false],
    ["replaceLeavesOldActive", true],
  ])("%s = %j passes, as declared", async (property, value) => {
    expect((await expectPasses({ ...valid, [property]: value }))[property]).toBe(value);
  });
});

describe("whats91.Chatbot check: trigger", () => {
  test.each(TRIGGER_TYPES)('a "%s" trigger with keywords passes as declared', async (type) => {
    const trigger = { type, keywords: ["hi", "hello"] };
    expect((await expectPasses({ ...valid, trigger })).trigger).toEqual(trigger);
  });

  test.each(TRIGGER_TYPES)('a "%s" trigger with `keyword` is normalised to `keywords`', async (type) => {
    const inputs = await expectPasses({ ...valid, trigger: { type, keyword: "hi" } });
    expect(inputs.trigger).toEqual({ type, keywords: ["hi"] });
  });

  // Whats91 documents keywords (or keyword) as required on every create route, welcome included.
  test('a "welcome" trigger takes keywords, and `keyword` is normalised to `keywords`', async () => {
    expect(
      (await expectPasses({ ...valid, trigger: { type: "welcome", keywords: ["hi", "hello"] } })).trigger,
    ).toEqual({
      type: "welcome",
      keywords: ["hi", "hello"],
    });
    expect((await expectPasses({ ...valid, trigger: { type: "welcome", keyword: "hi" } })).trigger).toEqual({
      type: "welcome",
      keywords: ["hi"],
    });
  });

  // Whether Whats91 applies that rule to welcome is not documented: where it does, the create fails.
  test('a "welcome" trigger passes without keywords', async () => {
    expect((await expectPasses({ ...valid, trigger: { type: "welcome" } })).trigger).toEqual({
      type: "welcome",
    });
  });

  test('a "welcome" trigger with an empty keywords list passes, stored without keywords', async () => {
    const inputs = await expectPasses({ ...valid, trigger: { type: "welcome", keywords: [] } });
    expect(inputs.trigger).toEqual({ type: "welcome" });
  });

  test.each([
    [
      { type: "contains", keyword: "hi", keywords: ["hello"] },
      "trigger.keyword",
      "give keywords or keyword, not both",
    ],
    [
      { type: "welcome", keyword: "hi", keywords: ["hi"] },
      "trigger.keyword",
      "give keywords or keyword, not both",
    ],
    [{ type: "welcome", keywords: ["hi", "hi"] }, "trigger.keywords", "keywords must be unique"],
    [{ type: "welcome", keywords: [" "] }, "trigger.keywords.0", NOT_BLANK],
    [{ type: "contains", keywords: ["hi", "hi"] }, "trigger.keywords", "keywords must be unique"],
    [{ type: "exact", keywords: ["a", "b", "a"] }, "trigger.keywords", "keywords must be unique"],
    [{ type: "contains", keywords: ["hi", " "] }, "trigger.keywords.1", NOT_BLANK],
    [{ type: "contains", keywords: [""] }, "trigger.keywords.0", NOT_BLANK],
    [{ type: "contains", keywords: ["a\tb"] }, "trigger.keywords.0", NOT_BLANK],
    [{ type: "contains", keywords: [7] }, "trigger.keywords.0", NOT_BLANK],
    [{ type: "contains", keyword: " " }, "trigger.keyword", NOT_BLANK],
    [{ type: "contains", keyword: "" }, "trigger.keyword", NOT_BLANK],
    [
      { type: "contains", keywords: "hi" },
      "trigger.keywords",
      `expected Array<a string that is not blank, without control characters, ${WELL_FORMED}>`,
    ],
    [
      { type: "contains", keyword: "hi", keywrods: ["x"] },
      "trigger.keywrods",
      unknownProperty("keywrods", "type, keywords, keyword"),
    ],
    [
      { type: "contains", keyword: "hi", caseSensitive: true },
      "trigger.caseSensitive",
      unknownProperty("caseSensitive", "type, keywords, keyword"),
    ],
    [{ keyword: "hi" }, "trigger.type", TRIGGER_TYPE],
    [{ type: "fuzzy", keyword: "hi" }, "trigger.type", TRIGGER_TYPE],
    [{ type: "CONTAINS", keyword: "hi" }, "trigger.type", TRIGGER_TYPE],
    [{ type: "startsWith", keyword: "hi" }, "trigger.type", TRIGGER_TYPE],
    ["hi", "trigger", TRIGGER_SHAPE],
    [["hi"], "trigger", TRIGGER_SHAPE],
    [1, "trigger", TRIGGER_SHAPE],
  ])("trigger %j fails at %s: %s", async (trigger, path, rule) => {
    await expectRefused({ ...valid, trigger }, "trigger", path, rule);
  });

  test.each(TRIGGER_TYPES)('a "%s" trigger without keywords fails, naming its type', async (type) => {
    for (const trigger of [{ type }, { type, keywords: [] }]) {
      await expectRefused(
        { ...valid, trigger },
        "trigger",
        "trigger.keywords",
        `a "${type}" trigger needs at least one keyword`,
      );
    }
  });

  test("only exact duplicates are refused: keywords differing in case are distinct", async () => {
    await expectPasses({ ...valid, trigger: { type: "contains", keywords: ["Hi", "hi"] } });
  });

  test("trigger is required", async () => {
    const r = await check({ name: valid.name, response: valid.response });
    expect(r.failures).toEqual([{ property: "trigger", reason: "trigger is required" }]);
  });
});

describe("whats91.Chatbot check: response kinds", () => {
  const text = { type: "text", text: "Hello" };
  const media = { type: "media", media: { type: "IMAGE", url: "https://cdn.example.com/a.png" } };
  const buttons = { type: "buttons", text: "Pick one", buttons: [{ id: "yes", label: "Yes" }] };
  const cta = { type: "cta", text: "See more", ctaText: "Open", ctaUrl: "https://example.com/more" };
  const list = {
    type: "list",
    text: "Choose",
    sections: [{ title: "Main", rows: [{ id: "r1", title: "Row 1" }] }],
  };

  test.each([
    ["text", text],
    ["media", media],
    ["buttons", buttons],
    ["cta", cta],
    ["list", list],
  ])("a minimal %s response passes as declared", async (_kind, response) => {
    expect((await expectPasses({ ...valid, response })).response).toEqual(response);
  });

  test.each([
    ["text", { ...text }],
    [
      "media",
      { ...media, text: "A caption", media: { ...media.media, type: "DOCUMENT", fileName: "menu.pdf" } },
    ],
    ["buttons", { ...buttons, footerText: "Thanks" }],
    [
      "list",
      {
        ...list,
        footerText: "Thanks",
        sections: [{ title: "Main", rows: [{ id: "r1", title: "R", description: "D" }] }],
      },
    ],
  ])("a %s response with every optional field passes as declared", async (_kind, response) => {
    expect((await expectPasses({ ...valid, response })).response).toEqual(response);
  });

  test.each([
    [{ type: "txt", text: "x" }],
    [{ type: "TEXT", text: "x" }],
    [{ type: "image", media: media.media }],
    [{ type: "template", text: "x" }],
    [{ type: "toString", text: "x" }],
    [{ type: "constructor", text: "x" }],
    [JSON.parse('{"type":"__proto__","text":"x"}')],
    [{ type: 1, text: "x" }],
    [{ text: "x" }],
    ["Hello"],
    [[]],
  ])("response %j fails: the type is refused, naming the five kinds", async (response) => {
    await expectRefused({ ...valid, response }, "response", "response.type", RESPONSE_TYPE);
  });

  test("response is required (null counts as absent)", async () => {
    for (const response of [undefined, null]) {
      const r = await check({ ...valid, response });
      expect(r.failures).toEqual([{ property: "response", reason: "response is required" }]);
    }
  });

  test.each([
    // text
    [{ type: "text" }, "response.text", NOT_BLANK],
    [{ type: "text", text: "  " }, "response.text", NOT_BLANK],
    [{ type: "text", text: "a\u0000" }, "response.text", NOT_BLANK],
    [{ type: "text", text: "Hi", body: "x" }, "response.body", unknownProperty("body", "type, text")],
    [
      { type: "text", text: "Hi", footerText: "x" },
      "response.footerText",
      unknownProperty("footerText", "type, text"),
    ],
    // media
    [{ type: "media" }, "response.media", "expected media {type, url, fileName}"],
    [
      { type: "media", media: "https://cdn.example.com/a.png" },
      "response.media",
      "expected media {type, url, fileName}",
    ],
    [{ type: "media", media: { type: "IMAGE" } }, "response.media.url", PUBLIC_URL],
    [
      { type: "media", media: { url: "https://cdn.example.com/a.png" } },
      "response.media.type",
      'expected one of "IMAGE", "VIDEO", "AUDIO", "DOCUMENT"',
    ],
    [
      { type: "media", media: { ...media.media, type: "GIF" } },
      "response.media.type",
      'expected one of "IMAGE", "VIDEO", "AUDIO", "DOCUMENT"',
    ],
    [
      { type: "media", media: { ...media.media, type: "image" } },
      "response.media.type",
      'expected one of "IMAGE", "VIDEO", "AUDIO", "DOCUMENT"',
    ],
    [{ type: "media", media: { ...media.media, fileName: " " } }, "response.media.fileName", NOT_BLANK],
    [
      { type: "media", media: { ...media.media, metaMediaId: "123" } },
      "response.media.metaMediaId",
      unknownProperty("metaMediaId", "type, url, fileName"),
    ],
    [
      { type: "media", media: { ...media.media, mediaId: "123" } },
      "response.media.mediaId",
      unknownProperty("mediaId", "type, url, fileName"),
    ],
    [
      { type: "media", media: { ...media.media, filename: "a.pdf" } },
      "response.media.filename",
      unknownProperty("filename", "type, url, fileName"),
    ],
    [{ ...media, mediaId: "123" }, "response.mediaId", unknownProperty("mediaId", "type, media, text")],
    [{ ...media, caption: "x" }, "response.caption", unknownProperty("caption", "type, media, text")],
    [{ ...media, text: " " }, "response.text", NOT_BLANK],
    // buttons
    [{ type: "buttons", buttons: buttons.buttons }, "response.text", NOT_BLANK],
    [{ ...buttons, buttons: [] }, "response.buttons", BUTTONS],
    [
      { ...buttons, buttons: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, label: `B${i}` })) },
      "response.buttons",
      BUTTONS,
    ],
    [
      {
        ...buttons,
        buttons: [
          { id: "a", label: "A" },
          { id: "a", label: "B" },
        ],
      },
      "response.buttons",
      BUTTONS,
    ],
    [{ ...buttons, buttons: "yes" }, "response.buttons", BUTTONS],
    [{ type: "buttons", text: "t" }, "response.buttons", BUTTONS],
    [{ ...buttons, footerText: " " }, "response.footerText", NOT_BLANK],
    [
      { ...buttons, fotterText: "Thanks" },
      "response.fotterText",
      unknownProperty("fotterText", "type, text, buttons, footerText"),
    ],
    // cta
    [{ ...cta, ctaText: undefined }, "response.ctaText", NOT_BLANK],
    [{ ...cta, ctaText: "" }, "response.ctaText", NOT_BLANK],
    [{ ...cta, ctaUrl: undefined }, "response.ctaUrl", HTTPS_URL],
    [{ ...cta, ctaUrl: "http://example.com/more" }, "response.ctaUrl", HTTPS_URL],
    [{ ...cta, ctaUrl: "example.com/more" }, "response.ctaUrl", HTTPS_URL],
    [{ ...cta, ctaUrl: "https://example.com/a b" }, "response.ctaUrl", HTTPS_URL],
    [{ ...cta, text: " " }, "response.text", NOT_BLANK],
    [
      { ...cta, ctaURL: "https://example.com" },
      "response.ctaURL",
      unknownProperty("ctaURL", "type, text, ctaText, ctaUrl"),
    ],
    [
      { ...cta, footerText: "x" },
      "response.footerText",
      unknownProperty("footerText", "type, text, ctaText, ctaUrl"),
    ],
    // list
    [{ type: "list", sections: list.sections }, "response.text", NOT_BLANK],
    [{ ...list, sections: [] }, "response.sections", SECTIONS],
    [{ ...list, sections: [{ title: "Empty", rows: [] }] }, "response.sections", SECTIONS],
    [{ ...list, sections: [list.sections[0], { title: "Empty", rows: [] }] }, "response.sections", SECTIONS],
    [{ type: "list", text: "t" }, "response.sections", SECTIONS],
    [{ ...list, footerText: "\n" }, "response.footerText", NOT_BLANK],
    [
      { ...list, buttonText: "Menu" },
      "response.buttonText",
      unknownProperty("buttonText", "type, text, sections, footerText"),
    ],
  ])("response %j fails at %s: %s", async (response, path, rule) => {
    await expectRefused({ ...valid, response }, "response", path, rule);
  });
});

describe("whats91.Chatbot check: media URL", () => {
  const withUrl = (url: string) => ({
    ...valid,
    response: { type: "media", media: { type: "IMAGE", url } },
  });

  test.each(MEDIA_TYPES)("media type %s passes", async (type) => {
    const response = { type: "media", media: { type, url: "https://cdn.example.com/f" } };
    expect((await expectPasses({ ...valid, response })).response).toEqual(response);
  });

  test.each([
    "https://localhost/a.png",
    "https://LOCALHOST/a.png",
    "https://localhost./a.png",
    "https://localhost:8443/a.png",
    "https://sub.localhost/a.png",
    "https://127.0.0.1/a.png",
    "https://127.1.2.3/a.png",
    "https://2130706433/a.png", // 127.0.0.1 written as one number: URL normalises it, and it is refused
    "https://0.0.0.0/a.png",
    "https://10.0.0.1/a.png",
    "https://10.255.255.255/a.png",
    "https://172.16.0.1/a.png",
    "https://172.20.1.1/a.png",
    "https://172.31.255.255/a.png",
    "https://192.168.1.10/a.png",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/a.png",
    "https://100.127.255.255/a.png",
    "https://[::1]/a.png",
    "https://[::]/a.png",
    "https://[fc00::1]/a.png",
    "https://[fd12:3456::1]/a.png",
    "https://[fe80::1]/a.png",
    "https://[2001:db8::1]/a.png", // the IPv6 documentation prefix (RFC 3849): reserved, not public
    "https://printer.local/a.png",
    "https://printer.local./a.png",
    "http://cdn.example.com/a.png",
    "ftp://cdn.example.com/a.png",
    "cdn.example.com/a.png",
    "https:cdn.example.com/a.png",
    "https://cdn.example.com/a b.png",
    " https://cdn.example.com/a.png",
    "https://cdn.example.com/a.png\n",
    "",
    `https://cdn.example.com/${"p".repeat(2025)}`, // 2049 characters
  ])("media url %j is refused", async (url) => {
    await expectRefused(withUrl(url), "response", "response.media.url", PUBLIC_URL);
  });

  test.each([
    "https://cdn.example.com/a.png",
    "https://cdn.example.com:8443/a.png?size=large#x",
    "https://172.15.255.255/a.png",
    "https://172.32.0.1/a.png",
    "https://192.169.0.1/a.png",
    "https://100.63.255.255/a.png",
    "https://100.128.0.1/a.png",
    "https://8.8.8.8/a.png",
    "https://[2606:4700::1111]/a.png",
    "https://localhost.example.com/a.png",
    "https://local.example.com/a.png",
    `https://cdn.example.com/${"p".repeat(2024)}`, // 2048 characters
  ])("media url %j passes", async (url) => {
    const inputs = await expectPasses(withUrl(url));
    expect((inputs.response as { media: { url: string } }).media.url).toBe(url);
  });

  test("fileName is optional, for every media type", async () => {
    for (const type of MEDIA_TYPES) {
      await expectPasses({
        ...valid,
        response: { type: "media", media: { type, url: "https://cdn.example.com/f" } },
      });
      await expectPasses({
        ...valid,
        response: { type: "media", media: { type, url: "https://cdn.example.com/f", fileName: "f.bin" } },
      });
    }
  });

  test("a cta link only needs to be https: the person chatting opens it, not Whats91", async () => {
    const response = { type: "cta", text: "t", ctaText: "Open", ctaUrl: "https://192.168.1.1/admin" };
    await expectPasses({ ...valid, response });
  });
});

describe("whats91.Chatbot check: buttons", () => {
  const withButtons = (buttons: unknown) => ({
    ...valid,
    response: { type: "buttons", text: "Pick", buttons },
  });

  test.each([1, 2, 3])("%i buttons with unique ids pass", async (n) => {
    const list = Array.from({ length: n }, (_, i) => ({ id: `b${i}`, label: `B${i}` }));
    await expectPasses(withButtons(list));
  });

  test.each([
    ["id of 1 character", { id: "a", label: "A" }],
    ["id of 256 characters", { id: "i".repeat(256), label: "A" }],
    ["label of 20 characters", { id: "a", label: "l".repeat(20) }],
    ["label of 20 emoji (an emoji counts one)", { id: "a", label: "\u{1F44D}".repeat(20) }],
    ["label with inner spaces", { id: "a", label: " Yes please " }],
  ])("a button with %s passes", async (_what, button) => {
    await expectPasses(withButtons([button]));
  });

  // These are refused, on response.buttons; what the failure says is the known defect below: the
  // array-level rule replaces the element's own (the id, the label, the unknown property).
  test.each([
    ["an empty id", { id: "", label: "A" }],
    ["an id of 257 characters", { id: "i".repeat(257), label: "A" }],
    ["an empty label", { id: "a", label: "" }],
    ["a blank label", { id: "a", label: "   " }],
    ["a label of 21 characters", { id: "a", label: "l".repeat(21) }],
    ["a label of 21 emoji", { id: "a", label: "\u{1F44D}".repeat(21) }],
    ["no label", { id: "a" }],
    ["a numeric id", { id: 1, label: "A" }],
    ["a misspelt property", { id: "a", lable: "A" }],
    ["an extra property", { id: "a", label: "A", payload: "x" }],
  ])("a button with %s is refused, on response.buttons", async (_what, button) => {
    const r = await check(withButtons([button]));
    expect(r.failures).toEqual([
      { property: "response", reason: expect.stringMatching(/^response\.(?:0\.)?buttons(?:\.|:)/) },
    ]);
  });
});

describe("whats91.Chatbot check: list", () => {
  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ id: `r${from + i}`, title: `Row ${from + i}` }));
  const withSections = (sections: unknown) => ({
    ...valid,
    response: { type: "list", text: "Choose", sections },
  });

  test.each([
    ["one section, one row", [{ title: "A", rows: rows(1) }]],
    ["one section, 10 rows", [{ title: "A", rows: rows(10) }]],
    [
      "10 rows over 2 sections",
      [
        { title: "A", rows: rows(6) },
        { title: "B", rows: rows(4, 6) },
      ],
    ],
    ["10 sections of one row", Array.from({ length: 10 }, (_, i) => ({ title: `S${i}`, rows: rows(1, i) }))],
    ["a row with a description", [{ title: "A", rows: [{ id: "r", title: "R", description: "More" }] }]],
  ])("%s passes", async (_what, sections) => {
    expect((await expectPasses(withSections(sections))).response).toMatchObject({ sections });
  });

  test.each([
    ["11 rows in one section", [{ title: "A", rows: rows(11) }]],
    [
      "11 rows over 2 sections",
      [
        { title: "A", rows: rows(6) },
        { title: "B", rows: rows(5, 6) },
      ],
    ],
    ["no sections", []],
    ["a section without rows", [{ title: "A", rows: [] }]],
  ])("%s is refused, naming the section rule", async (_what, sections) => {
    await expectRefused(withSections(sections), "response", "response.sections", SECTIONS);
  });

  // Refused on response.sections; the failure names the array rule, not the row's (known defect below).
  test.each([
    ["a row without title", [{ title: "A", rows: [{ id: "r" }] }]],
    ["a row without id", [{ title: "A", rows: [{ title: "R" }] }]],
    ["a row with a blank title", [{ title: "A", rows: [{ id: "r", title: " " }] }]],
    ["a row with a blank description", [{ title: "A", rows: [{ id: "r", title: "R", description: "" }] }]],
    ["a row with a misspelt description", [{ title: "A", rows: [{ id: "r", title: "R", descripton: "D" }] }]],
    ["a section without title", [{ rows: rows(1) }]],
    ["a section with an unknown property", [{ title: "A", rows: rows(1), header: "x" }]],
  ])("%s is refused, on response.sections", async (_what, sections) => {
    const r = await check(withSections(sections));
    expect(r.failures).toEqual([
      { property: "response", reason: expect.stringMatching(/^response\.(?:0\.)?sections(?:\.|:)/) },
    ]);
  });
});

describe("whats91.Chatbot check: unknowns at preview", () => {
  test.each(KEYS)("an unknown %s passes untouched", async (key) => {
    const r = await check({ ...valid, [key]: unknown });
    expect(r.failures).toBeUndefined();
    expect(r.inputs[key]).toBe(unknown);
  });

  test("a response whose text is unknown passes untouched (checked again at up)", async () => {
    const response = { type: "buttons", text: unknown, buttons: [{ id: "a", label: "A" }] };
    const r = await check({ ...valid, response });
    expect(r.failures).toBeUndefined();
    expect(r.inputs.response).toEqual(response);
  });
});

describe("whats91.Chatbot check: the safety rule (no change to an existing chatbot)", () => {
  const declared = {
    senderId: "919876543210",
    name: "Greeter",
    trigger: { type: "contains", keywords: ["hi", "hello"] },
    priority: 10,
    status: "ACTIVE",
    response: { type: "text", text: "Hello!" },
  };
  // The old inputs the engine hands to check: what check returned last time.
  let olds: Props;
  beforeAll(async () => {
    olds = (await check({ ...declared, __provider: "old shim" })).inputs;
    expect(olds).toEqual({ ...declared, replaceLeavesOldActive: false, __provider: "old shim" });
  });

  // The reason names no value, the old name included: the engine prints it with the reason.
  const reasonFor = (changed: string, leftBehind: string) =>
    `Whats91 cannot change or delete a chatbot: changing ${changed} means creating a new chatbot, and the ` +
    `current one ${leftBehind}. To proceed, deactivate the current chatbot in the Whats91 ` +
    "dashboard (Chatbots), then set `replaceLeavesOldActive: true` on this resource; or undo the change";
  const ACTIVE = "stays ACTIVE on Whats91, answering the same messages as the new one";

  const CHANGES: Array<[string, unknown]> = [
    ["senderId", "919800000000"],
    ["senderId", undefined],
    ["name", "Greeter 2"],
    ["name", "greeter"],
    ["trigger", { type: "exact", keywords: ["hi", "hello"] }],
    ["trigger", { type: "contains", keywords: ["hello", "hi"] }],
    ["trigger", { type: "contains", keyword: "hi" }],
    ["trigger", { type: "welcome" }],
    ["priority", 11],
    ["priority", undefined],
    ["status", "INACTIVE"],
    ["response", { type: "text", text: "Hello!!" }],
    [
      "response",
      { type: "media", media: { type: "IMAGE", url: "https://cdn.example.com/a.png" }, text: "Hello!" },
    ],
  ];

  test("a new resource (no old inputs): anything valid passes", async () => {
    for (const [field, value] of CHANGES) {
      expect((await check({ ...declared, [field]: value }, {})).failures).toBeUndefined();
    }
  });

  test("identical inputs pass, whatever the __provider text", async () => {
    const r = await check({ ...declared, __provider: "new shim" }, olds);
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ ...declared, replaceLeavesOldActive: false, __provider: "new shim" });
  });

  test("the same trigger written with `keyword` is no change", async () => {
    const single = (await check({ ...declared, trigger: { type: "contains", keywords: ["hi"] } })).inputs;
    expect(
      (await check({ ...declared, trigger: { type: "contains", keyword: "hi" } }, single)).failures,
    ).toBeUndefined();
  });

  test("defaults declared explicitly are no change", async () => {
    const r = await check({ ...declared, status: "ACTIVE", replaceLeavesOldActive: false }, olds);
    expect(r.failures).toBeUndefined();
  });

  test.each(CHANGES)("changing %s to %j fails, once, on that field", async (field, value) => {
    const r = await check({ ...declared, [field]: value }, olds);
    expect(r.failures).toHaveLength(1);
    const [failure] = r.failures ?? [];
    expect(failure.property).toBe(field);
    expect(failure.reason).toContain("Whats91 cannot change or delete a chatbot");
    expect(failure.reason).toContain(`changing ${field} means creating a new chatbot`);
    expect(failure.reason).toContain("the current one stays");
    expect(failure.reason).not.toContain("Greeter"); // no value, old or new: it may be a secret
    expect(failure.reason).toContain("stays ACTIVE");
    expect(failure.reason).toContain("`replaceLeavesOldActive: true`");
    expect(failure.reason).toBe(reasonFor(field, ACTIVE));
  });

  test("declaring an optional field for the first time is a change too", async () => {
    const { senderId: _s, priority: _p, ...rest } = declared;
    const bare = (await check(rest)).inputs;
    const r = await check(declared, bare);
    expect(r.failures?.map((f) => f.property)).toEqual(["senderId", "priority"]);
  });

  test("several changes: one failure per changed field, in field order, each naming them all", async () => {
    const r = await check(
      { ...declared, response: { type: "text", text: "Bye" }, name: "Other", priority: 1 },
      olds,
    );
    const reason = reasonFor("name, priority, response", ACTIVE);
    expect(r.failures).toEqual([
      { property: "name", reason },
      { property: "priority", reason },
      { property: "response", reason },
    ]);
  });

  test("a rename quotes neither the old name nor the new one", async () => {
    const r = await check({ ...declared, name: "Brand new name" }, olds);
    expect(r.failures?.[0].reason).toContain("the current one stays ACTIVE");
    expect(r.failures?.[0].reason).not.toContain("Greeter");
    expect(r.failures?.[0].reason).not.toContain("Brand new name");
  });

  test("an INACTIVE old chatbot is said to stay on Whats91 (INACTIVE), not ACTIVE", async () => {
    const inactive = { ...olds, status: "INACTIVE" };
    const r = await check({ ...declared, status: "INACTIVE", name: "Greeter 2" }, inactive);
    expect(r.failures).toEqual([
      { property: "name", reason: reasonFor("name", "stays on Whats91 (INACTIVE)") },
    ]);
    expect(r.failures?.[0].reason).not.toContain("stays ACTIVE");
    // Re-activating it is a change too, and the old one is the INACTIVE one left behind.
    const back = await check({ ...declared, status: "ACTIVE" }, inactive);
    expect(back.failures).toEqual([
      { property: "status", reason: reasonFor("status", "stays on Whats91 (INACTIVE)") },
    ]);
  });

  test.each(CHANGES)("with replaceLeavesOldActive true, changing %s to %j passes", async (field, value) => {
    const r = await check({ ...declared, [field]: value, replaceLeavesOldActive: true }, olds);
    expect(r.failures).toBeUndefined();
    expect(r.inputs.replaceLeavesOldActive).toBe(true);
  });

  test("the consent is per change: replaceLeavesOldActive true in the olds does not let a new change through", async () => {
    const consented = { ...olds, replaceLeavesOldActive: true };
    const r = await check({ ...declared, name: "Again" }, consented);
    expect(r.failures?.map((f) => f.property)).toEqual(["name"]);
  });

  test("toggling replaceLeavesOldActive alone is no change to the chatbot", async () => {
    expect((await check({ ...declared, replaceLeavesOldActive: true }, olds)).failures).toBeUndefined();
    const consented = { ...olds, replaceLeavesOldActive: true };
    expect((await check({ ...declared, replaceLeavesOldActive: false }, consented)).failures).toBeUndefined();
  });

  test.each(FIELDS)("a preview-time unknown %s passes (checked again at up)", async (field) => {
    const r = await check({ ...declared, [field]: unknown }, olds);
    expect(r.failures).toBeUndefined();
    expect(r.inputs[field]).toBe(unknown);
  });

  test("an unknown inside a field passes: response.text, trigger.keywords", async () => {
    const response = { type: "text", text: unknown };
    expect((await check({ ...declared, response }, olds)).failures).toBeUndefined();
    const trigger = { type: "contains", keywords: ["hi", unknown] };
    expect((await check({ ...declared, trigger }, olds)).failures).toBeUndefined();
  });

  test("an unknown in one field does not hide a real change in another", async () => {
    const r = await check({ ...declared, response: { type: "text", text: unknown }, name: "Other" }, olds);
    expect(r.failures).toEqual([{ property: "name", reason: reasonFor("name", ACTIVE) }]);
  });

  test("invalid inputs report the field rules only; the safety rule waits for valid inputs", async () => {
    const r = await check({ ...declared, name: "Other", priority: 300 }, olds);
    expect(r.failures).toEqual([
      { property: "priority", reason: "priority: expected an integer from 0 to 255" },
    ]);
  });

  test("checkChatbot and the handler agree", async () => {
    const news = { ...declared, name: "Other" };
    expect(await check(news, olds)).toEqual(checkChatbot(olds, news));
  });
});

// ---- properties -------------------------------------------------------------------------------

const MARKER = "zq7Secret";

/** Strings that carry the marker: valid ones (so the safety rule fires) and invalid ones. */
const markerString = fc.oneof(
  fc.stringMatching(/^[a-z ]{0,10}$/).map((s) => `${MARKER} ${s}`), // valid text, name, keyword, label
  fc.string({ unit: "binary", maxLength: 40 }).map((s) => `${MARKER}${s}`),
  fc.string({ unit: "binary", maxLength: 10 }).map((s) => `${s}${MARKER}\u0000`),
  fc.constant(MARKER.repeat(30)), // too long for a label or id
  fc.constant(`https://cdn.example.com/${MARKER}.png`), // a valid URL
  fc.constant(`https://${MARKER}.local/a.png`),
  fc.constant(`https://127.0.0.1/${MARKER}`),
  fc.constant(`http://cdn.example.com/${MARKER}`),
  fc.constant(`https://cdn.example.com/${MARKER}\t`),
  fc.constant(`9198${MARKER}`),
);
const markerOr = <T>(arb: fc.Arbitrary<T>) => fc.oneof(markerString, arb);

// The marker goes into VALUES only, never into property NAMES: an unknown property is refused by
// its name on purpose (`unknown property "fotterText"`), and a property name is not an input value.
const markerTrigger = fc.oneof(
  markerString,
  fc.record(
    {
      type: markerOr(fc.constantFrom(...TRIGGER_TYPES, "welcome")),
      keywords: fc.array(markerString, { maxLength: 4 }),
      keyword: markerString,
    },
    { requiredKeys: ["type"] },
  ),
);
const markerButton = fc.record({ id: markerString, label: markerString }, { requiredKeys: [] });
const markerRow = fc.record(
  { id: markerString, title: markerString, description: markerString },
  { requiredKeys: [] },
);
const markerResponse = fc.oneof(
  markerString,
  fc.record({ type: markerOr(fc.constant("text")), text: markerString }, { requiredKeys: ["type"] }),
  fc.record(
    {
      type: fc.constant("media"),
      text: markerString,
      media: markerOr(
        fc.record(
          { type: markerOr(fc.constantFrom(...MEDIA_TYPES)), url: markerString, fileName: markerString },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("buttons"),
      text: markerString,
      footerText: markerString,
      buttons: markerOr(fc.array(markerButton, { maxLength: 4 })),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    { type: fc.constant("cta"), text: markerString, ctaText: markerString, ctaUrl: markerString },
    { requiredKeys: ["type"] },
  ),
  fc.record(
    {
      type: fc.constant("list"),
      text: markerString,
      footerText: markerString,
      sections: fc.array(
        fc.record({ title: markerString, rows: fc.array(markerRow, { maxLength: 6 }) }, { requiredKeys: [] }),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: ["type"] },
  ),
);
const markerInputs = fc.record(
  {
    senderId: markerString,
    name: markerString,
    trigger: markerTrigger,
    priority: markerOr(fc.integer({ min: -2, max: 300 })),
    status: markerOr(fc.constantFrom("ACTIVE", "INACTIVE")),
    response: markerResponse,
    replaceLeavesOldActive: markerOr(fc.boolean()),
  },
  { requiredKeys: [] },
);
// Marked values that are all valid, so that the safety rule (which only runs on valid inputs) fires.
const validMark = fc.stringMatching(/^[a-z]{0,8}$/).map((s) => `${MARKER} ${s}`);
const validMarkedInputs = fc.record(
  {
    name: validMark,
    trigger: fc.oneof(
      validMark.map((keyword) => ({ type: "exact", keyword })),
      fc
        .uniqueArray(validMark, { minLength: 1, maxLength: 3 })
        .map((keywords) => ({ type: "regex", keywords })),
    ),
    priority: fc.integer({ min: 0, max: 255 }),
    status: fc.constantFrom("ACTIVE", "INACTIVE"),
    response: fc.oneof(
      validMark.map((text) => ({ type: "text", text })),
      validMark.map((text) => ({
        type: "media",
        text,
        media: { type: "DOCUMENT", url: `https://cdn.example.com/${MARKER}`, fileName: text },
      })),
      validMark.map((text) => ({
        type: "buttons",
        text,
        footerText: text,
        buttons: [{ id: text, label: text }],
      })),
      validMark.map((text) => ({
        type: "cta",
        text,
        ctaText: text,
        ctaUrl: `https://example.com/${MARKER}`,
      })),
      validMark.map((text) => ({
        type: "list",
        text,
        sections: [{ title: text, rows: [{ id: text, title: text, description: text }] }],
      })),
    ),
  },
  { requiredKeys: [] },
);

describe("whats91.Chatbot check: properties", () => {
  const oldInputs = {
    name: "Greeter",
    trigger: { type: "contains", keywords: ["hi"] },
    status: "ACTIVE",
    response: { type: "text", text: "Hello" },
    replaceLeavesOldActive: false,
  };

  test("property: no failure reason ever contains an input value, the safety rule's included", async () => {
    // The olds never carry the marker, so the one value the safety rule quotes, the OLD chatbot's
    // name (the chatbot left behind), cannot bring it in; the marker is in every kind of new value,
    // the new name included, which is never quoted. Valid marked values make the safety rule fire.
    let safetyFailures = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(markerInputs, validMarkedInputs),
        fc.constantFrom<Props>({}, oldInputs, { ...oldInputs, status: "INACTIVE" }),
        async (news, olds) => {
          const r = await check({ ...valid, ...news }, olds);
          if (r.failures?.some((f) => f.reason.startsWith("Whats91 cannot change"))) safetyFailures++;
          expect(JSON.stringify(r.failures ?? [])).not.toContain(MARKER);
        },
      ),
      { numRuns: 300 },
    );
    expect(safetyFailures).toBeGreaterThan(0);
  });

  test("property: a safety failure quotes no value, old or new", async () => {
    // Here the marker is also in the OLD name: it appears nowhere in the reason.
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `${MARKER} ${s}`),
        fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `New ${MARKER} ${s}`),
        fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `${MARKER}${s}`),
        async (oldName, newName, text) => {
          const olds = { ...oldInputs, name: oldName };
          const r = await check({ ...valid, name: newName, response: { type: "text", text } }, olds);
          expect(r.failures?.map((f) => f.property)).toEqual(["name", "response"]);
          for (const f of r.failures ?? []) expect(f.reason).not.toContain(MARKER);
        },
      ),
    );
  });

  test("property: arbitrary input never throws, and every failure names a property it was given or requires", async () => {
    const keys = [...KEYS, "extra"];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ stringUnit: "binary" })),
        fc.constantFrom<Props>({}, oldInputs),
        async (news, olds) => {
          const r = await check(news, olds);
          for (const f of r.failures ?? []) {
            expect(keys).toContain(f.property);
            expect(f.reason.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  test("property: senderId passes exactly for 7 to 15 ASCII digits not starting with 0", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.stringMatching(/^[0-9]{0,17}$/),
          fc.stringMatching(/^\+?[0-9 -]{5,17}$/),
          fc.string({ unit: "binary", maxLength: 16 }),
        ),
        async (senderId) => {
          const r = await check({ ...valid, senderId });
          expect(r.failures === undefined).toBe(/^[1-9][0-9]{6,14}$/.test(senderId));
        },
      ),
    );
  });

  test("property: priority passes exactly for integers from 0 to 255", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: -300, max: 600 }), fc.integer(), fc.double()),
        async (priority) => {
          const r = await check({ ...valid, priority });
          expect(r.failures === undefined).toBe(
            Number.isInteger(priority) && priority >= 0 && priority <= 255,
          );
        },
      ),
    );
  });

  test("property: a button label passes exactly when it has 1 to 20 characters (code points) and is not blank", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: "grapheme", maxLength: 24 }), fc.stringMatching(/^ {0,3}$/)),
        async (label) => {
          const r = await check({
            ...valid,
            response: { type: "buttons", text: "t", buttons: [{ id: "a", label }] },
          });
          const length = [...label].length;
          expect(r.failures === undefined).toBe(length >= 1 && length <= 20 && label.trim() !== "");
        },
      ),
    );
  });

  test("property: with old inputs, a valid change fails exactly on the changed fields, and consent lets it all through", async () => {
    const pool = {
      senderId: fc.constantFrom(undefined, "919876543210", "14155550100"),
      name: fc.constantFrom("Greeter", "Other"),
      trigger: fc.constantFrom(
        { type: "contains", keywords: ["hi"] },
        { type: "exact", keywords: ["hi"] },
        { type: "welcome" },
      ),
      priority: fc.constantFrom(undefined, 0, 5),
      status: fc.constantFrom("ACTIVE", "INACTIVE"),
      response: fc.constantFrom<Props>(
        { type: "text", text: "Hello" },
        { type: "cta", text: "Hello", ctaText: "Go", ctaUrl: "https://example.com" },
      ),
    };
    await fc.assert(
      fc.asyncProperty(fc.record(pool), fc.record(pool), async (before, after) => {
        const olds = (await check(before)).inputs;
        const changed = FIELDS.filter(
          (f) => JSON.stringify((before as Props)[f]) !== JSON.stringify((after as Props)[f]),
        );
        const r = await check(after, olds);
        expect((r.failures ?? []).map((f) => f.property)).toEqual(changed);
        for (const f of r.failures ?? []) expect(f.reason).toContain(`changing ${changed.join(", ")} means`);
        expect((await check({ ...after, replaceLeavesOldActive: true }, olds)).failures).toBeUndefined();
      }),
    );
  });
});

// ---- defects found by these tests, now fixed ---------------------------------------------------

describe("whats91.Chatbot check: defects found and fixed", () => {
  // closedObject used to call its io-ts intersection with the caller's context, so the member index
  // ("0" required, "1" optional) showed up in the dotted path.
  test.each([
    [
      { type: "media", media: { type: "IMAGE", url: "http://x.example/a" } },
      `response.media.url: ${PUBLIC_URL}`,
    ],
    [{ type: "text", text: " " }, `response.text: ${NOT_BLANK}`],
    [{ type: "cta", text: "t", ctaText: "Go", ctaUrl: "http://x.example" }, `response.ctaUrl: ${HTTPS_URL}`],
  ])("the failure path carries no intersection index: response %j", async (response, reason) => {
    expect((await check({ ...valid, response })).failures).toEqual([{ property: "response", reason }]);
  });

  test("the failure path of a trigger keyword carries no intersection index", async () => {
    const r = await check({ ...valid, trigger: { type: "contains", keywords: ["hi", " "] } });
    expect(r.failures).toEqual([{ property: "trigger", reason: `trigger.keywords.1: ${NOT_BLANK}` }]);
  });

  // refine() wraps the whole array codec and turns any element failure into its own rule, so a bad
  // label, id or misspelt property inside a button (or a row) is reported as "1 to 3 buttons with
  // unique ids" (or the sections rule), which the user's declaration already satisfies.
  test.each([
    [
      [{ id: "a", label: "l".repeat(21) }],
      `response.buttons.0.label: expected a string of 1 to 20 characters, not blank, ${WELL_FORMED}`,
    ],
    [
      [{ id: "a", lable: "A" }],
      'response.buttons.0.lable: unknown property "lable"; the properties are: id, label',
    ],
  ])("a bad button %j is reported by its own rule", async (buttons, reason) => {
    const r = await check({ ...valid, response: { type: "buttons", text: "t", buttons } });
    expect(r.failures).toEqual([{ property: "response", reason }]);
  });

  test("a row without title is reported by the row's rule", async () => {
    const sections = [{ title: "A", rows: [{ id: "r" }] }];
    const r = await check({ ...valid, response: { type: "list", text: "t", sections } });
    expect(r.failures).toEqual([
      { property: "response", reason: `response.sections.0.rows.0.title: ${NOT_BLANK}` },
    ]);
  });

  // An IPv4-mapped IPv6 address (which URL normalises to hex, "[::ffff:7f00:1]") of a loopback or
  // private host is refused (the rule refuses every IPv4-mapped address; see isPublicHost).
  test.each([
    "https://[::ffff:127.0.0.1]/a.png",
    "https://[::ffff:10.0.0.1]/a.png",
    "https://[::ffff:192.168.1.1]/a.png",
  ])("media url %j (IPv4-mapped loopback or private address) is refused", async (url) => {
    const response = { type: "media", media: { type: "IMAGE", url } };
    await expectRefused({ ...valid, response }, "response", "response.media.url", PUBLIC_URL);
  });

  // An unknown replaceLeavesOldActive (wired from another resource's output) fails a change at
  // preview, though check runs again at up with the real value and would refuse it then if false.
  test("a change with replaceLeavesOldActive unknown passes at preview", async () => {
    const olds = (await check(valid)).inputs;
    const r = await check({ ...valid, name: "Other", replaceLeavesOldActive: unknown }, olds);
    expect(r.failures).toBeUndefined();
  });
});
