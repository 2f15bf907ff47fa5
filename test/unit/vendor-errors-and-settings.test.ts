/**
 * The DeadSimpleChat and Whats91 clients' pure parts: reading each documented error body, the
 * advice given for errors a user can fix (and none for the others), and the settings' config keys,
 * environment variables and defaults (the public surface).
 */
import * as dsc from "../../provider/deadsimplechat/api";
import { DEADSIMPLECHAT_ANSWERS } from "../../sandbox/fixtures/deadsimplechat";
import * as w91 from "../../provider/whats91/api";
import { ApiError } from "../../provider/core/errors";
import {
  configure,
  readFixedRates,
  requireSetting,
  resetConfiguration,
} from "../../provider/core/credentials";

afterEach(() => resetConfiguration());

describe("DeadSimpleChat error bodies", () => {
  test.each([
    [{ message: "Invalid API Key" }, "Invalid API Key"],
    [{ error: "Invalid API Key" }, "Invalid API Key"],
    [
      { success: false, message: "invalid request", error: '"name" is required' },
      'invalid request: "name" is required',
    ],
    [
      { success: false, message: "Validation error", details: [{ message: "a" }, { message: "b" }] },
      "Validation error: a: b",
    ],
    [{ message: "", error: "only this" }, "only this"],
  ])("%j reads as %j", (body, message) => {
    expect(dsc.parseError(body)).toEqual({ message });
  });

  test.each([[{}], [{ message: "" }], ["<html>"], [null], [{ message: 5 }]])(
    "%j carries no message",
    (body) => {
      expect(dsc.parseError(body)).toEqual({});
    },
  );

  test.each([
    [401, "Invalid API Key", dsc.KEY_ADVICE],
    [401, "Invalid API Key or Unauthorized Access", dsc.KEY_ADVICE],
    [400, "Please specify API Key", dsc.KEY_ADVICE],
    [401, "bot not found, or customer does not have permission to modify the bot", undefined],
    [400, "Invalid API Key", undefined],
    [401, "Please specify API Key", undefined],
    [400, "Validation error", undefined],
    [401, undefined, undefined],
  ])("advice for HTTP %d %j", (status, message, advice) => {
    expect(dsc.advise({ status, message })).toBe(advice);
  });

  test("a name conflict is recognised by its message, only with HTTP 400", () => {
    const err = (status: number, vendorMessage: string) =>
      new ApiError({
        platform: "DeadSimpleChat",
        method: "PUT",
        path: "/bot/x",
        status,
        vendorMessage,
        attempts: 1,
      });
    // The update page's body, verbatim, and the create-side variant its heading suggests.
    expect(dsc.isNameConflict(err(400, DEADSIMPLECHAT_ANSWERS.nameConflict.body.message))).toBe(true);
    expect(dsc.isNameConflict(err(400, "Bot name conflict"))).toBe(true);
    expect(dsc.isNameConflict(err(400, "bot of the same name exists, please choose another"))).toBe(true);
    // Validation errors that merely quote such words are not conflicts.
    expect(dsc.isNameConflict(err(400, 'Validation error: "description" contains "same name"'))).toBe(false);
    expect(dsc.isNameConflict(err(400, "invalid request: name conflict with reserved word"))).toBe(false);
    expect(dsc.isNameConflict(err(401, DEADSIMPLECHAT_ANSWERS.nameConflict.body.message))).toBe(false);
    expect(dsc.isNameConflict(err(401, "Bot name conflict"))).toBe(false);
    expect(dsc.isNameConflict(err(400, "Validation error"))).toBe(false);
    expect(dsc.isNameConflict(new Error("Bot name conflict"))).toBe(false);
  });
});

describe("Whats91 error bodies", () => {
  test("code, message and request id come from the envelope", () => {
    const body = {
      success: false,
      error: { code: "SENDER_NOT_ALLOWED", message: "no" },
      metadata: { apiVersion: "v2", requestId: "r-1" },
    };
    expect(w91.parseError(body)).toEqual({ code: "SENDER_NOT_ALLOWED", message: "no", requestId: "r-1" });
    expect(w91.parseError("<html>")).toEqual({});
    expect(w91.parseError({ error: { code: 5 } })).toEqual({});
  });

  const token =
    "Whats91 rejected the API token (invalid, expired or revoked): create one under Developer -> " +
    "API Tokens in the Whats91 dashboard and set it with `pulumi config set --secret whats91:apiToken` " +
    "(or WHATS91_API_TOKEN)";
  test.each([
    ["MISSING_AUTH_TOKEN", token],
    ["INVALID_AUTH_TOKEN", token],
    [
      "SENDER_NOT_ALLOWED",
      "the API token is bound to another sender number: set senderId (or whats91:senderId / " +
        "WHATS91_SENDER_ID) to the token's own number, or use a global token",
    ],
    [
      "FEATURE_NOT_AVAILABLE",
      "the Whats91 subscription does not include chatbots: upgrade the plan in the Whats91 dashboard",
    ],
    [
      "WHATSAPP_SETUP_INCOMPLETE",
      "Whats91 could not resolve the sender: check senderId (digits with country code, no +; a global " +
        "token needs it, from the resource, whats91:senderId or WHATS91_SENDER_ID) and that the number's " +
        "WhatsApp setup is complete in the Whats91 dashboard",
    ],
  ])("advice for %s, whole", (code, advice) => {
    expect(w91.advise({ status: 400, code })).toBe(advice);
  });

  test.each([["VALIDATION_FAILED"], ["CHATBOT_NOT_FOUND"], [undefined]])("no advice for %s", (code) => {
    expect(w91.advise({ status: 400, code })).toBeUndefined();
  });

  test.each([
    [1, "ACTIVE"],
    ["1", "ACTIVE"],
    ["ACTIVE", "ACTIVE"],
    [0, "INACTIVE"],
    ["0", "INACTIVE"],
    ["INACTIVE", "INACTIVE"],
    [2, undefined],
    [null, undefined],
  ])("status %j is %s", (status, name) => {
    expect(w91.statusName(status)).toBe(name);
  });
});

describe("settings: config keys, environment variables and defaults", () => {
  const withConfig = (values: Record<string, string>) => configure({ config: { get: (k) => values[k] } });

  test.each([
    ["deadsimplechat", dsc.SETTINGS.apiKey, "deadsimplechat:apiKey", "DEADSIMPLECHAT_API_KEY", true],
    ["deadsimplechat", dsc.SETTINGS.apiUrl, "deadsimplechat:apiUrl", "DEADSIMPLECHAT_API_URL", false],
    ["whats91", w91.SETTINGS.apiToken, "whats91:apiToken", "WHATS91_API_TOKEN", true],
    ["whats91", w91.SETTINGS.senderId, "whats91:senderId", "WHATS91_SENDER_ID", false],
    ["whats91", w91.SETTINGS.apiUrl, "whats91:apiUrl", "WHATS91_API_URL", false],
  ])("%s: %j is read as %s, then %s", (namespace, spec, key, env, secret) => {
    const missing = () => requireSetting(namespace, spec);
    expect(missing).toThrow(
      `${key} is not set: run \`pulumi config set${secret ? " --secret" : ""} ${key} <value>\``,
    );
    expect(missing).toThrow(`set the ${env} environment variable`);
    process.env[env] = "from-env";
    try {
      expect(requireSetting(namespace, spec)).toBe("from-env");
      withConfig({ [key]: "from-config" });
      expect(requireSetting(namespace, spec)).toBe("from-config");
    } finally {
      delete process.env[env];
    }
  });

  test("pace settings", () => {
    withConfig({ "deadsimplechat:readsPerSecond": "7", "whats91:writesPerSecond": "9" });
    process.env.DEADSIMPLECHAT_WRITES_PER_SECOND = "3.5";
    process.env.WHATS91_READS_PER_SECOND = "4";
    try {
      expect(readFixedRates(dsc.NAMESPACE, dsc.SETTINGS)).toEqual({
        readsPerSecond: 7,
        writesPerSecond: 3.5,
      });
      expect(readFixedRates(w91.NAMESPACE, w91.SETTINGS)).toEqual({ readsPerSecond: 4, writesPerSecond: 9 });
    } finally {
      delete process.env.DEADSIMPLECHAT_WRITES_PER_SECOND;
      delete process.env.WHATS91_READS_PER_SECOND;
    }
  });

  test("documented production URLs are the defaults", () => {
    expect(dsc.DEFAULT_API_URL).toBe("https://api.deadsimplechat.com/consumer/api/v2");
    expect(w91.DEFAULT_API_URL).toBe("https://graph.whats91.com/api/v2");
    expect([dsc.NAMESPACE, w91.NAMESPACE]).toEqual(["deadsimplechat", "whats91"]);
  });
});
