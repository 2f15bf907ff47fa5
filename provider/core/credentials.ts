/**
 * Credentials and endpoint settings. Order: stack config in the platform's namespace (delivered to
 * the provider's `configure`, secrets decrypted), then environment variables read at call time.
 * Neither is ever stored in state or part of a diff.
 */
import { ConfigurationError } from "./errors";

export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface SettingSpec {
  /** Config key without namespace, e.g. "apiToken" for `sendbird:apiToken`. */
  key: string;
  env: string;
  secret?: boolean;
}

/**
 * A platform's settings: its own (e.g. `apiToken`, secret) and the three every platform has
 * (`apiUrl`, `readsPerSecond`, `writesPerSecond`). Each is config key `<namespace>:<key>` or the
 * environment variable `<NAMESPACE>_<KEY>` (apiToken: SENDBIRD_API_TOKEN), so the two never drift.
 */
export function platformSettings<K extends string>(
  namespace: string,
  own: Record<K, { secret?: boolean }>,
): Record<K | "apiUrl" | "readsPerSecond" | "writesPerSecond", SettingSpec> {
  const all = { ...own, apiUrl: {}, readsPerSecond: {}, writesPerSecond: {} } as Record<
    string,
    { secret?: boolean }
  >;
  const env = (key: string) => `${namespace}_${key.replace(/[A-Z]/g, (c) => `_${c}`)}`.toUpperCase();
  return Object.fromEntries(
    Object.entries(all).map(([key, { secret }]) => [key, { key, env: env(key), ...(secret && { secret }) }]),
  ) as Record<K | "apiUrl" | "readsPerSecond" | "writesPerSecond", SettingSpec>;
}

// Set by `configure` in the provider process; handler modules are ordinary cached modules there.
let stackConfig: ConfigSource | undefined;

export function configure(req: { config: ConfigSource }): void {
  stackConfig = req.config;
}

/** Forgets the stack config (tests). */
export function resetConfiguration(): void {
  stackConfig = undefined;
}

export function readSetting(namespace: string, spec: SettingSpec): string | undefined {
  const fromConfig = stackConfig?.get(`${namespace}:${spec.key}`);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = process.env[spec.env];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

export function requireSetting(namespace: string, spec: SettingSpec): string {
  const value = readSetting(namespace, spec);
  if (value !== undefined) return value;
  const set = spec.secret ? "pulumi config set --secret" : "pulumi config set";
  throw new ConfigurationError(
    `${namespace}:${spec.key} is not set: run \`${set} ${namespace}:${spec.key} <value>\` ` +
      `or set the ${spec.env} environment variable`,
  );
}

/**
 * What makes a base URL setting unusable, or undefined when it is fine. Each of these would send
 * requests somewhere other than the URL seems to say: a user name and password go out as HTTP Basic
 * credentials (replacing the vendor's own) and show in messages that name the endpoint; a fragment
 * swallows the request's path; a query takes it in, or adds a second credential; "." and ".."
 * segments move the path. The value itself is never quoted: it may hold a password.
 */
export function baseUrlProblem(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\s\\\u0000-\u001f\u007f]/.test(text))
    return "must not contain spaces, backslashes or control characters";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be an absolute URL (https://host/path)";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  if (!/^https?:\/\/[^/]/i.test(text)) return "must be written out in full (https://host/path)";
  const authority = /^https?:\/\/([^/?#]*)/i.exec(text)?.[1] ?? "";
  if (authority.includes("@") || url.username || url.password)
    return "must not hold a user name or password: give credentials in their own settings";
  if (text.includes("?")) return "must not have a query (?...): request paths are appended to it";
  if (text.includes("#")) return "must not have a fragment (#...): request paths are appended to it";
  const path = text.slice(/^https?:\/\/[^/]*/i.exec(text)?.[0].length ?? 0);
  if (path.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment)))
    return 'must not have "." or ".." path segments';
  return undefined;
}

/**
 * A base URL setting (an API or token endpoint), `fallback` when unset; refused with an error that
 * names the setting and the rule when `baseUrlProblem` finds one.
 */
export function readUrlSetting(namespace: string, spec: SettingSpec, fallback: () => string): string {
  const value = readSetting(namespace, spec);
  if (value === undefined) return fallback();
  const problem = baseUrlProblem(value);
  if (problem) throw new ConfigurationError(`${namespace}:${spec.key} (or ${spec.env}) ${problem}`);
  return value;
}

/** A positive number of requests per second (pacing settings); undefined when not set. */
export function readRateSetting(namespace: string, spec: SettingSpec): number | undefined {
  const raw = readSetting(namespace, spec);
  if (raw === undefined) return undefined;
  const rate = Number(raw);
  if (!(rate > 0 && Number.isFinite(rate))) {
    throw new ConfigurationError(
      `${namespace}:${spec.key} (or ${spec.env}) must be a positive number of requests per second`,
    );
  }
  return rate;
}

/** The pace the user fixed in the platform's settings (a rate left unset is undefined). */
export function readFixedRates(
  namespace: string,
  specs: { readsPerSecond: SettingSpec; writesPerSecond: SettingSpec },
): { readsPerSecond?: number; writesPerSecond?: number } {
  return {
    readsPerSecond: readRateSetting(namespace, specs.readsPerSecond),
    writesPerSecond: readRateSetting(namespace, specs.writesPerSecond),
  };
}

/**
 * One value per distinct settings (endpoint, credential, pace) for the life of the provider
 * process: API clients keep their pacing, token cache and shared listings across calls.
 */
export function perSettings<T>(cache: Map<string, T>, settings: unknown[], make: () => T): T {
  const key = JSON.stringify(settings);
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = make()));
  return value;
}
