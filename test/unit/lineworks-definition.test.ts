/**
 * lineworks.Bot's and lineworks.BotDomain's definitions: compile-time, their hand-written args
 * interfaces and classes match the field tables (a field misspelt, missing, required in one place
 * only, or typed otherwise than its codec yields fails `tsc`); at run time, what the tables imply
 * for the classes' outputs, the diff and the fields sent to LINE WORKS.
 */
import type { ArgsMatch, Assert, ClassMatch } from "../../provider/core/definition";
import { schemaOf, typeKey } from "../../provider/core/definition";
import * as bot from "../../provider/lineworks/bot";
import * as botDomain from "../../provider/lineworks/botDomain";

export type Checked = [
  Assert<ArgsMatch<bot.BotArgs, typeof bot.definition>>,
  Assert<ClassMatch<bot.Bot, typeof bot.definition>>,
  Assert<ArgsMatch<botDomain.BotDomainArgs, typeof botDomain.definition>>,
  Assert<ClassMatch<botDomain.BotDomain, typeof botDomain.definition>>,
];

const BOT_FIELDS = [
  "botName",
  "photoUrl",
  "description",
  "administrators",
  "subadministrators",
  "allowDomains",
  "enableCallback",
  "callbackEvents",
  "callbackUrl",
  "enableGroupJoin",
  "defaultRichmenuId",
  "i18nBotNames",
  "i18nDescriptions",
  "i18nPhotoUrls",
];

describe("lineworks.Bot definition", () => {
  const schema = schemaOf(bot.definition);

  test("the type token, and the outputs a Bot declares: fields, adoptBotId, then LINE WORKS' own", () => {
    expect(typeKey(bot.definition)).toBe("lineworks:Bot");
    expect(schema.outputNames).toEqual([...BOT_FIELDS, "adoptBotId", "botId", "createdTime", "modifiedTime"]);
    expect(schema.secretOutputs).toEqual([]);
  });

  test("every field but adoptBotId is updated in place; nothing replaces a bot", () => {
    expect(schema.updatable).toEqual(BOT_FIELDS);
    expect(schema.diffSpec.keys).toEqual([...BOT_FIELDS, "adoptBotId"]);
    expect(schema.diffSpec.forceNew).toEqual([]);
    expect(schema.diffSpec.uniqueKey).toBeUndefined();
  });

  test("the lists are compared as sets, and only they", () => {
    expect(Object.keys(schema.rules).sort()).toEqual(
      [
        "administrators",
        "subadministrators",
        "allowDomains",
        "callbackEvents",
        "i18nBotNames",
        "i18nDescriptions",
        "i18nPhotoUrls",
      ].sort(),
    );
  });

  test("each omitted list defaults to an array of its own", () => {
    const defaults = Object.values(bot.definition.fields)
      .map((f) => (f as { default?: unknown }).default)
      .filter(Array.isArray);
    expect(defaults).toHaveLength(6);
    expect(new Set(defaults).size).toBe(defaults.length);
  });
});

describe("lineworks.BotDomain definition", () => {
  const schema = schemaOf(botDomain.definition);

  test("the type token, and the outputs a BotDomain declares: its fields", () => {
    expect(typeKey(botDomain.definition)).toBe("lineworks:BotDomain");
    expect(schema.outputNames).toEqual(["botId", "domainId", "visible", "allowToSelectedMember", "adopt"]);
  });

  test("botId and domainId replace the registration; visible and allowToSelectedMember are PATCHed", () => {
    expect(schema.diffSpec.forceNew).toEqual(["botId", "domainId"]);
    expect(schema.updatable).toEqual(["visible", "allowToSelectedMember"]);
    expect(schema.diffSpec.keys).toEqual(["botId", "domainId", "visible", "allowToSelectedMember", "adopt"]);
  });
});
