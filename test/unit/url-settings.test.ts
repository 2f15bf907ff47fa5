/**
 * Every base URL setting (each platform's apiUrl, LINE WORKS' authUrl) is refused when it holds a
 * user name or password, a query, a fragment or dot segments: each would send requests (and
 * credentials) somewhere other than the URL seems to say. The error names the setting and the rule,
 * and quotes no part of the value, which may hold a password.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { baseUrlProblem, resetConfiguration } from "../../provider/core/credentials";
import { ConfigurationError } from "../../provider/core/errors";
import { deadSimpleChatApi } from "../../provider/deadsimplechat/api";
import { readCredentials } from "../../provider/lineworks/auth";
import { lineworksApi } from "../../provider/lineworks/api";
import { applicationApiUrl, sendbirdApi } from "../../provider/sendbird/api";
import { whats91Api } from "../../provider/whats91/api";

const secret = () => `S${randomBytes(9).toString("hex")}`;

/** The credentials each platform needs before its URL setting is read, made for this run. */
function credentialsEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    SENDBIRD_API_TOKEN: secret(),
    DEADSIMPLECHAT_API_KEY: secret(),
    WHATS91_API_TOKEN: secret(),
    LINEWORKS_CLIENT_ID: secret(),
    LINEWORKS_CLIENT_SECRET: secret(),
    LINEWORKS_SERVICE_ACCOUNT: "svc.serviceaccount@example-tenant",
    LINEWORKS_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

const SETTINGS: [setting: string, env: string, read: () => unknown][] = [
  ["sendbird:apiUrl", "SENDBIRD_API_URL", sendbirdApi],
  ["deadsimplechat:apiUrl", "DEADSIMPLECHAT_API_URL", deadSimpleChatApi],
  ["whats91:apiUrl", "WHATS91_API_URL", whats91Api],
  ["lineworks:apiUrl", "LINEWORKS_API_URL", lineworksApi],
  ["lineworks:authUrl", "LINEWORKS_AUTH_URL", readCredentials],
];

/** Hostile URLs, each with the words of the rule it breaks and the part that must not be quoted. */
const HOSTILE: [url: (hidden: string) => string, rule: string][] = [
  [(h) => `http://admin:${h}@127.0.0.1:9/v3`, "must not hold a user name or password"],
  [(h) => `https://${h}@api.example.com/v3`, "must not hold a user name or password"],
  [(h) => `https://api.example.com/v3?auth=${h}`, "must not have a query"],
  [(h) => `https://api.example.com/v3?${h}=`, "must not have a query"],
  [(h) => `https://api.example.com/v3#${h}`, "must not have a fragment"],
  [() => `https://api.example.com/v3#`, "must not have a fragment"],
  [() => `https://api.example.com/v3?`, "must not have a query"],
  [(h) => `https://api.example.com/${h}/../v3`, 'must not have "." or ".." path segments'],
  [(h) => `https://api.example.com/v3/./${h}`, 'must not have "." or ".." path segments'],
  [(h) => `https://api.example.com/${h}/%2E%2e/v3`, 'must not have "." or ".." path segments'],
  [(h) => `https://api.example.com/v3/${h}/..`, 'must not have "." or ".." path segments'],
  [(h) => `ftp://api.example.com/${h}`, "must be an http or https URL"],
  [(h) => `api.example.com/${h}`, "must be an absolute URL"],
  [(h) => `https://api.example.com/v3 ${h}`, "must not contain spaces"],
  [(h) => `https:\\\\api.example.com\\${h}`, "must not contain spaces, backslashes"],
];

let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  Object.assign(process.env, credentialsEnv());
});
afterEach(() => {
  process.env = saved;
  resetConfiguration();
});

describe.each(SETTINGS)("%s (%s)", (setting, env, read) => {
  test.each(HOSTILE.map(([url, rule]) => [url("HIDDEN"), url, rule] as const))(
    "%s is refused: %s",
    (_, url, rule) => {
      const hidden = secret();
      process.env[env] = url(hidden);
      let error: unknown;
      try {
        read();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      const message = (error as Error).message;
      expect(message).toContain(`${setting} (or ${env}) ${rule}`);
      expect(`${message} ${(error as Error).stack}`).not.toContain(hidden);
    },
  );

  test.each([
    "http://127.0.0.1:8080/v3",
    "https://api.example.com/v3/",
    "https://api.example.com",
    "https://api-1.example.com:8443/consumer/api/v2",
    "https://api.example.com/v3.1/a..b/.well-known",
  ])("%s is accepted", (url) => {
    process.env[env] = url;
    expect(read).not.toThrow();
  });
});

test("an unset URL setting is not judged: the documented default applies", () => {
  for (const [, env] of SETTINGS) delete process.env[env];
  process.env.SENDBIRD_APP_ID = "ABCD-1234";
  for (const [, , read] of SETTINGS) expect(read).not.toThrow();
  expect(baseUrlProblem("https://api-ABCD-1234.sendbird.com/v3")).toBeUndefined();
});

test("Sendbird's URL from the application id: the dashboard's form; an id that is not one is refused", () => {
  expect(applicationApiUrl("ABCD-1234")).toBe("https://api-ABCD-1234.sendbird.com/v3");
  for (const appId of ["evil.example/x-", "a.b", "ab/", "", "ABCD 1234"]) {
    expect(() => applicationApiUrl(appId)).toThrow(
      "sendbird:appId must be the application ID shown in the dashboard (letters, digits and dashes)",
    );
  }
});
