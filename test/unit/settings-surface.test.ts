/**
 * The settings are public surface (README, users' stacks and CI): every config key, its
 * environment variable and whether it is secret, pinned for all four platforms. They are made by
 * core/credentials.ts platformSettings, so a change to its naming shows here.
 */
import * as dsc from "../../provider/deadsimplechat/api";
import * as lineworks from "../../provider/lineworks/auth";
import * as sendbird from "../../provider/sendbird/api";
import * as whats91 from "../../provider/whats91/api";

const listed = (
  namespace: string,
  settings: Record<string, { key: string; env: string; secret?: boolean }>,
) =>
  Object.values(settings)
    .map((s) => `${namespace}:${s.key} ${s.env}${s.secret ? " secret" : ""}`)
    .sort();

test("every platform's config keys and environment variables", () => {
  expect([
    ...listed(sendbird.NAMESPACE, sendbird.SETTINGS),
    ...listed(dsc.NAMESPACE, dsc.SETTINGS),
    ...listed(lineworks.NAMESPACE, lineworks.SETTINGS),
    ...listed(whats91.NAMESPACE, whats91.SETTINGS),
  ]).toEqual([
    "sendbird:apiToken SENDBIRD_API_TOKEN secret",
    "sendbird:apiUrl SENDBIRD_API_URL",
    "sendbird:appId SENDBIRD_APP_ID",
    "sendbird:readsPerSecond SENDBIRD_READS_PER_SECOND",
    "sendbird:writesPerSecond SENDBIRD_WRITES_PER_SECOND",
    "deadsimplechat:apiKey DEADSIMPLECHAT_API_KEY secret",
    "deadsimplechat:apiUrl DEADSIMPLECHAT_API_URL",
    "deadsimplechat:readsPerSecond DEADSIMPLECHAT_READS_PER_SECOND",
    "deadsimplechat:writesPerSecond DEADSIMPLECHAT_WRITES_PER_SECOND",
    "lineworks:accessToken LINEWORKS_ACCESS_TOKEN secret",
    "lineworks:apiUrl LINEWORKS_API_URL",
    "lineworks:authUrl LINEWORKS_AUTH_URL",
    "lineworks:clientId LINEWORKS_CLIENT_ID",
    "lineworks:clientSecret LINEWORKS_CLIENT_SECRET secret",
    "lineworks:privateKey LINEWORKS_PRIVATE_KEY secret",
    "lineworks:readsPerSecond LINEWORKS_READS_PER_SECOND",
    "lineworks:serviceAccount LINEWORKS_SERVICE_ACCOUNT",
    "lineworks:writesPerSecond LINEWORKS_WRITES_PER_SECOND",
    "whats91:apiToken WHATS91_API_TOKEN secret",
    "whats91:apiUrl WHATS91_API_URL",
    "whats91:readsPerSecond WHATS91_READS_PER_SECOND",
    "whats91:senderId WHATS91_SENDER_ID",
    "whats91:writesPerSecond WHATS91_WRITES_PER_SECOND",
  ]);
});
