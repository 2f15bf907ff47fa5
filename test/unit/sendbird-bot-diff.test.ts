import * as pulumi from "@pulumi/pulumi";
import { botHandlers } from "../../provider/sendbird/bot";

// Inputs after check (defaults filled) and the state a create would have stored for them.
const inputs = {
  botUserid: "helper_bot",
  botNickname: "Helper",
  botProfileUrl: "",
  botType: "support",
  botCallbackUrl: "https://example.com/callback",
  isPrivacyMode: false,
  enableMarkAsRead: true,
  showMember: false,
  channelInvitationPreference: 0,
  adopt: false,
};
const state = {
  ...inputs,
  botToken: "0123456789abcdef0123456789abcdef01234567",
  botMetadata: {},
  createdAt: 1686141160,
  __stateVersion: 1,
  __provider: "old shim text",
};

const diff = (news: Record<string, unknown>, olds: Record<string, unknown> = state) =>
  botHandlers.diff("helper_bot", olds, { ...news, __provider: "new shim text" });

describe("sendbird.Bot diff", () => {
  test("no change: output-only keys, __provider and the state version are not compared", async () => {
    expect(await diff(inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["botNickname", "Helper 2"],
    ["botProfileUrl", "https://example.com/a.png"],
    ["botCallbackUrl", "https://example.com/other"],
    ["isPrivacyMode", true],
    ["enableMarkAsRead", false],
    ["showMember", true],
    ["channelInvitationPreference", 1],
  ])("%s changes in place", async (key, value) => {
    expect(await diff({ ...inputs, [key]: value })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("botType replaces, deleting first because botUserid would collide", async () => {
    expect(await diff({ ...inputs, botType: "sales" })).toEqual({
      changes: true,
      replaces: ["botType"],
      deleteBeforeReplace: true,
    });
  });

  test("botUserid replaces, creating first (no collision)", async () => {
    expect(await diff({ ...inputs, botUserid: "helper_bot_2" })).toEqual({
      changes: true,
      replaces: ["botUserid"],
      deleteBeforeReplace: false,
    });
  });

  test("adopt is never sent, but changing it is an update, so the output never goes stale", async () => {
    expect(await diff({ ...inputs, adopt: true })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("an unknown in-place field is a change, an unknown force-new field a replacement", async () => {
    const unknown = pulumi.runtime.unknownValue;
    expect(await diff({ ...inputs, botNickname: unknown })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await diff({ ...inputs, botUserid: unknown })).toEqual({
      changes: true,
      replaces: ["botUserid"],
      deleteBeforeReplace: false,
    });
  });

  test("state refreshed from Sendbird differs only in what Sendbird owns: no change", async () => {
    // Everything but the owned inputs differs from the state a create stored.
    const refreshed = {
      ...inputs,
      botToken: "fedcba9876543210fedcba9876543210fedcba98",
      botMetadata: { team: "support", region: "eu" },
      createdAt: 1700000000,
      __provider: "shim text of an older release",
    };
    expect(refreshed).not.toEqual(state);
    expect(await diff(inputs, refreshed)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("state of a newer release is refused, naming both versions", async () => {
    await expect(diff(inputs, { ...state, __stateVersion: 2 })).rejects.toThrow(
      /written by a newer pulumi-chatbots \(state version 2\); the installed pulumi-chatbots \d+\.\d+\.\d+\S* reads state up to version 1/,
    );
  });
});
