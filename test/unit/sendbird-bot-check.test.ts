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
    ["botUserid", "   ", "botUserid: expected an identifier of 1 to 80 characters, not blank"],
    ["botUserid", "u".repeat(81), "botUserid: expected an identifier of 1 to 80 characters"],
    [
      "botUserid",
      "..",
      'botUserid: expected an identifier of 1 to 80 characters, not blank, not "." or ".."',
    ],
    ["botUserid", ".", 'not "." or ".."'],
    ["botUserid", "bot\u0000", "without control characters"],
    ["botUserid", "bot\nname", "without control characters"],
    ["botNickname", "n".repeat(81), "botNickname: expected a string of 1 to 80 characters"],
    ["botNickname", 42, "botNickname: expected a string of 1 to 80 characters, not blank"],
    ["botCallbackUrl", " https://example.com/cb ", "without spaces or control characters"],
    ["botCallbackUrl", "https://example.com/c\tb", "without spaces or control characters"],
    ["botCallbackUrl", "http:example.com", "written out in full (scheme://host/...)"],
    [
      "botProfileUrl",
      "avatar.png",
      "botProfileUrl: expected an absolute http(s) URL of at most 2048 characters",
    ],
    ["botType", "t".repeat(129), "botType: expected a string of 1 to 128 characters"],
    ["botType", " \t ", "botType: expected a string of 1 to 128 characters, not blank"],
    ["botCallbackUrl", "", "botCallbackUrl: expected an absolute http(s) URL of at most 1024 characters"],
    [
      "botCallbackUrl",
      `https://x.example/${"p".repeat(1010)}`,
      "botCallbackUrl: expected an absolute http(s) URL",
    ],
    ["isPrivacyMode", undefined, "isPrivacyMode is required"],
    ["botNickname", undefined, "botNickname is required"],
    ["botProfileUrl", undefined, "botProfileUrl is required"],
    ["botType", undefined, "botType is required"],
    ["botCallbackUrl", undefined, "botCallbackUrl is required"],
    ["botNickname", null, "botNickname is required"],
    ["isPrivacyMode", "yes", "isPrivacyMode: expected boolean"],
    ["channelInvitationPreference", 2, "channelInvitationPreference: expected one of 0, 1"],
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

  test.each(["constructor", "toString", "hasOwnProperty", "__proto__"])(
    "an unknown property named like an Object member (%s) is reported, not dropped",
    async (key) => {
      // JSON.parse makes even "__proto__" an own key, as the engine's inputs are.
      const r = await check({ ...valid, ...JSON.parse(`{"${key}": "x"}`) });
      expect(r.failures).toEqual([expect.objectContaining({ property: key })]);
    },
  );

  test("80 emoji make an 80-character nickname (code points, as Sendbird counts), 81 do not", async () => {
    expect((await check({ ...valid, botNickname: "\u{1F916}".repeat(80) })).failures).toBeUndefined();
    expect((await check({ ...valid, botNickname: "\u{1F916}".repeat(81) })).failures).toEqual([
      expect.objectContaining({ property: "botNickname" }),
    ]);
  });

  test("a failure never quotes the value: a secret callback URL is not printed", async () => {
    const secret = "https://hooks.example.com/s3cr3t-t0ken-value\tx";
    const r = await check({ ...valid, botCallbackUrl: secret, botNickname: { token: "s3cr3t-t0ken-value" } });
    expect(r.failures).toHaveLength(2);
    expect(JSON.stringify(r.failures)).not.toContain("s3cr3t");
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

  test("property: any non-blank nickname of 1..80 characters (full Unicode) passes, anything longer fails naming the field", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", minLength: 1, maxLength: 120 }), async (nickname) => {
        const r = await check({ ...valid, botNickname: nickname });
        const ok = [...nickname].length <= 80 && nickname.trim().length > 0;
        if (ok) expect(r.failures).toBeUndefined();
        else expect(r.failures).toEqual([expect.objectContaining({ property: "botNickname" })]);
      }),
    );
  });

  test("property: any botUserid (full Unicode) passes exactly when it can travel as one URL path segment", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: "binary", maxLength: 90 }), fc.constantFrom(".", "..", "a\u0000", " ")),
        async (id) => {
          const r = await check({ ...valid, botUserid: id });
          const ok =
            [...id].length >= 1 &&
            [...id].length <= 80 &&
            id.trim() !== "" &&
            id !== "." &&
            id !== ".." &&
            !/[\u0000-\u001f\u007f-\u009f]/.test(id); // eslint-disable-line no-control-regex
          expect(r.failures === undefined).toBe(ok);
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
    );
    const keys = Object.keys(valid).concat(["enableMarkAsRead", "showMember", "channelInvitationPreference"]);
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
      "enableMarkAsRead",
      "showMember",
      "channelInvitationPreference",
      "adopt",
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
