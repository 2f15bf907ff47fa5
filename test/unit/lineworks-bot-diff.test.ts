import * as pulumi from "@pulumi/pulumi";
import { botHandlers } from "../../provider/lineworks/bot";
import { botDomainHandlers } from "../../provider/lineworks/botDomain";

// Inputs after check (defaults filled) and the state a create would have stored for them.
const inputs = {
  botName: "Support Bot",
  photoUrl: "https://example.com/bot.png",
  description: "Answers questions",
  administrators: ["admin@example.com", "lead@example.com"],
  subadministrators: ["sub1@example.com", "sub2@example.com"],
  allowDomains: [10000001, 10000002, 10000003],
  enableCallback: true,
  callbackEvents: ["text", "image", "file"],
  callbackUrl: "https://example.com/callback",
  enableGroupJoin: false,
  i18nBotNames: [
    { language: "ja_JP", botName: "サポート" },
    { language: "en_US", botName: "Support" },
  ],
  i18nDescriptions: [],
  i18nPhotoUrls: [{ language: "ko_KR", photoUrl: "https://example.com/ko.png" }],
};
const state = {
  ...inputs,
  botId: "2000001",
  createdTime: "2026-01-01T09:00:00+09:00",
  modifiedTime: "2026-01-01T09:00:00+09:00",
  __stateVersion: 1,
  __provider: "old shim text",
};

const diff = (news: Record<string, unknown>, olds: Record<string, unknown> = state) =>
  botHandlers.diff("2000001", olds, { ...news, __provider: "new shim text" });
const NONE = { changes: false, replaces: [], deleteBeforeReplace: false };
const IN_PLACE = { changes: true, replaces: [], deleteBeforeReplace: false };

describe("lineworks.Bot diff", () => {
  test("no change: output-only keys, __provider and the state version are not compared", async () => {
    expect(await diff(inputs)).toEqual(NONE);
  });

  test.each([
    ["administrators", ["lead@example.com", "admin@example.com"]],
    ["subadministrators", ["sub2@example.com", "sub1@example.com"]],
    ["allowDomains", [10000003, 10000001, 10000002]],
    ["callbackEvents", ["file", "text", "image"]],
    [
      "i18nBotNames",
      [
        { language: "en_US", botName: "Support" },
        { language: "ja_JP", botName: "サポート" },
      ],
    ],
    [
      "i18nBotNames",
      [
        { botName: "Support", language: "en_US" },
        { botName: "サポート", language: "ja_JP" },
      ],
    ],
  ])("the order of set %s never makes a change", async (key, value) => {
    expect(await diff({ ...inputs, [key]: value })).toEqual(NONE);
  });

  test.each([
    ["botName", "Helper"],
    ["photoUrl", "https://example.com/other.png"],
    ["description", "Other"],
    ["administrators", ["admin@example.com"]],
    ["administrators", ["admin@example.com", "other@example.com"]],
    ["subadministrators", []],
    ["allowDomains", [10000001, 10000002]],
    ["enableCallback", false],
    ["callbackEvents", ["text", "image", "video"]],
    ["callbackUrl", "https://example.com/other"],
    ["callbackUrl", undefined],
    ["enableGroupJoin", true],
    ["defaultRichmenuId", "menu-1"],
    ["i18nBotNames", [{ language: "ja_JP", botName: "サポート" }]],
    [
      "i18nBotNames",
      [
        { language: "ja_JP", botName: "サポート2" },
        { language: "en_US", botName: "Support" },
      ],
    ],
    ["i18nDescriptions", [{ language: "en_US", description: "x" }]],
    ["i18nPhotoUrls", []],
    ["adoptBotId", "2000001"],
  ])("%s = %j changes in place, never replaces", async (key, value) => {
    expect(await diff({ ...inputs, [key]: value })).toEqual(IN_PLACE);
  });

  test("an unknown value is a change, even in a set", async () => {
    const unknown = pulumi.runtime.unknownValue;
    expect(await diff({ ...inputs, botName: unknown })).toEqual(IN_PLACE);
    expect(await diff({ ...inputs, administrators: [unknown, "lead@example.com"] })).toEqual(IN_PLACE);
    expect(await diff({ ...inputs, allowDomains: unknown })).toEqual(IN_PLACE);
  });

  test("state refreshed from LINE WORKS differs only in what LINE WORKS owns: no change", async () => {
    const refreshed = {
      ...state,
      modifiedTime: "2026-06-01T09:00:00+09:00",
      __provider: "shim text of an older release",
    };
    expect(await diff(inputs, refreshed)).toEqual(NONE);
  });

  test("state of a newer release is refused", async () => {
    await expect(diff(inputs, { ...state, __stateVersion: 2 })).rejects.toThrow(/state version 2/);
  });
});

describe("lineworks.BotDomain diff", () => {
  const domainInputs = {
    botId: "2000001",
    domainId: 10000001,
    visible: true,
    allowToSelectedMember: false,
    adopt: false,
  };
  const domainState = { ...domainInputs, __stateVersion: 1, __provider: "old shim text" };
  const diffDomain = (news: Record<string, unknown>) =>
    botDomainHandlers.diff("2000001/10000001", domainState, { ...news, __provider: "new" });

  test("no change", async () => {
    expect(await diffDomain(domainInputs)).toEqual(NONE);
  });

  test.each([
    ["botId", "2000002"],
    ["domainId", 10000002],
  ])("%s replaces, creating first (no unique key collides)", async (key, value) => {
    expect(await diffDomain({ ...domainInputs, [key]: value })).toEqual({
      changes: true,
      replaces: [key],
      deleteBeforeReplace: false,
    });
  });

  test.each([
    ["visible", false],
    ["allowToSelectedMember", true],
    ["adopt", true],
  ])("%s changes in place", async (key, value) => {
    expect(await diffDomain({ ...domainInputs, [key]: value })).toEqual(IN_PLACE);
  });

  test("an unknown botId is a replacement (a bot being replaced), not hidden as unchanged", async () => {
    expect(await diffDomain({ ...domainInputs, botId: pulumi.runtime.unknownValue })).toEqual({
      changes: true,
      replaces: ["botId"],
      deleteBeforeReplace: false,
    });
  });
});
