import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { botHandlers } from "../../provider/sendbird/bot";
import { sendbirdBotArgs } from "../fixtures";

const valid = sendbirdBotArgs;

const check = (news: Record<string, unknown>) => botHandlers.check({}, news);

describe("sendbird.Bot check", () => {
  test("fills the documented defaults and keeps __provider", async () => {
    const r = await check({ ...valid, __provider: "shim" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({
      ...valid,
      enableMarkAsRead: true,
      showMember: false,
      channelInvitationPreference: 0,
      adopt: false,
      __provider: "shim",
    });
  });

  test.each([
    ["botUserid", undefined, "botUserid is required"],
    ["botUserid", "   ", "botUserid: expected a string of 1 to 80 characters, not blank"],
    ["botUserid", "u".repeat(81), "botUserid: expected a string of 1 to 80 characters"],
    ["botNickname", "n".repeat(81), "botNickname: expected a string of 1 to 80 characters"],
    ["botNickname", 42, "botNickname: expected a string of 1 to 80 characters, not blank, got 42"],
    [
      "botProfileUrl",
      "avatar.png",
      "botProfileUrl: expected an absolute http(s) URL of at most 2048 characters",
    ],
    ["botType", "t".repeat(129), "botType: expected a string of 1 to 128 characters"],
    ["botCallbackUrl", "", "botCallbackUrl: expected an absolute http(s) URL of at most 1024 characters"],
    [
      "botCallbackUrl",
      `https://x.example/${"p".repeat(1010)}`,
      "botCallbackUrl: expected an absolute http(s) URL",
    ],
    ["isPrivacyMode", undefined, "isPrivacyMode is required"],
    ["isPrivacyMode", "yes", "isPrivacyMode: expected boolean"],
    ["channelInvitationPreference", 2, "channelInvitationPreference: expected one of 0, 1, got 2"],
    ["enableMarkAsRead", "true", "enableMarkAsRead: expected boolean"],
  ])("%s = %j fails: %s", async (property, value, reason) => {
    const r = await check({ ...valid, [property]: value });
    expect(r.failures).toHaveLength(1);
    expect(r.failures?.[0].property).toBe(property);
    expect(r.failures?.[0].reason).toContain(reason);
  });

  test("refuses unknown properties, naming the ones that exist", async () => {
    const r = await check({ ...valid, botNickName: "typo" });
    expect(r.failures).toEqual([
      {
        property: "botNickName",
        reason: expect.stringContaining('unknown property "botNickName"; the properties are: botUserid'),
      },
    ]);
  });

  test("reports every bad field at once", async () => {
    const r = await check({ ...valid, botNickname: "", botCallbackUrl: "nope", showMember: 1 });
    expect(r.failures?.map((f) => f.property).sort()).toEqual([
      "botCallbackUrl",
      "botNickname",
      "showMember",
    ]);
  });

  test("lets preview-time unknowns through untouched, whatever the declared type", async () => {
    const unknown = pulumi.runtime.unknownValue;
    const r = await check({
      ...valid,
      botUserid: unknown,
      isPrivacyMode: unknown,
      channelInvitationPreference: unknown,
    });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toMatchObject({
      botUserid: unknown,
      isPrivacyMode: unknown,
      channelInvitationPreference: unknown,
    });
  });

  test("property: any non-blank nickname of 1..80 characters passes, anything longer fails naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 120 }), async (nickname) => {
        const r = await check({ ...valid, botNickname: nickname });
        const ok = nickname.length <= 80 && nickname.trim().length > 0;
        if (ok) expect(r.failures).toBeUndefined();
        else expect(r.failures).toEqual([expect.objectContaining({ property: "botNickname" })]);
      }),
    );
  });

  test("property: arbitrary input never throws, and every failure names a property it was given or requires", async () => {
    const keys = [
      ...Object.keys(valid),
      "enableMarkAsRead",
      "showMember",
      "channelInvitationPreference",
      "adopt",
      "extra",
    ];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), fc.jsonValue()), async (news) => {
        const r = await check(news);
        for (const f of r.failures ?? []) {
          expect(keys).toContain(f.property);
          expect(f.reason.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
