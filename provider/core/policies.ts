/**
 * The policies of a provider: how patient, how insistent, and where warnings go. Production has one
 * set (`productionPolicies`); a test builds handlers with its own (`handlersOf(definition,
 * policies)`) instead of changing module state.
 *
 * The handlers run each call within their policies' scope (`underPolicies`), and the core code that
 * applies a policy (warn, createReconciled, the HTTP client, the LINE WORKS token cache) reads the
 * policies of the call in progress (`policies()`). The scope, not a parameter, carries them: the
 * hooks that warn and the clients that retry are each platform's code, and clients are kept for the
 * life of the process per settings, so a client serves calls of whatever policies make them.
 * Outside any handler (scripts, direct calls) the production policies apply; `withPolicies` runs
 * code under others.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { showWarning } from "./engineLog";
import type { ResourceHandlers } from "./shim";
import { CachedToken, type IssuedToken } from "./token";

export interface RetryPolicy {
  /** Total tries, the first included. */
  maxAttempts: number;
  /** Backoff before try n+1 is a random value in [0, min(maxDelayMs, baseDelayMs * 2^n)]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server may ask for a longer wait than maxDelayMs (Retry-After); this caps what we honour. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

interface TokenEntry {
  token: CachedToken;
  /** How the next fetch gets the token: with the latest credentials seen for its key. */
  fetch: () => Promise<IssuedToken>;
}

/**
 * Access tokens by key (a token endpoint, app and account), each shared by every call made under
 * the policies that hold the cache. A token is fetched the way the latest caller gave: the latest
 * credentials sign the next request.
 */
export class TokenCache {
  private readonly entries = new Map<string, TokenEntry>();

  token(key: string, fetch: () => Promise<IssuedToken>): CachedToken {
    let entry = this.entries.get(key);
    if (!entry) {
      const created: TokenEntry = { fetch, token: new CachedToken(() => created.fetch()) };
      this.entries.set(key, (entry = created));
    }
    entry.fetch = fetch;
    return entry.token;
  }
}

export interface Policies {
  /** Shows a warning (the whole text, "pulumi-chatbots: ..."); in production, the engine's log. */
  warn(text: string): void | Promise<void>;
  /**
   * Pauses between lookups after a create whose outcome is unknown, when a lookup fails for a
   * passing reason (core/create.ts); one more lookup follows the last pause.
   */
  lookupPausesMs: readonly number[];
  /** How the HTTP client retries; a client's own `retry` option overrides it (core/http.ts). */
  retry: Readonly<RetryPolicy>;
  /** Access tokens obtained so far (LINE WORKS: one per app for every resource of the process). */
  tokens: TokenCache;
}

/**
 * The policies of the provider process. Giving up a lookup would leave a stored resource
 * unrecorded (an orphan, and a duplicate on the next `up`), so about two minutes of outage are
 * ridden out. Frozen: a test that wants others builds its own (`newPolicies`).
 */
export const productionPolicies: Readonly<Policies> = Object.freeze({
  warn: showWarning,
  lookupPausesMs: Object.freeze([2_000, 5_000, 10_000, 20_000, 30_000, 30_000]),
  retry: DEFAULT_RETRY,
  tokens: new TokenCache(),
});

/** Production policies with `changes`, and a token cache of their own unless `changes` gives one. */
export function newPolicies(changes: Partial<Policies> = {}): Policies {
  return { ...productionPolicies, tokens: new TokenCache(), ...changes };
}

const scope = new AsyncLocalStorage<Policies>();

/** The policies of the call in progress: its handlers', else production's. */
export function policies(): Policies {
  return scope.getStore() ?? productionPolicies;
}

/** Runs `action` (and everything it starts) under `given`. */
export function withPolicies<R>(given: Policies, action: () => R): R {
  return scope.run(given, action);
}

/** Handlers that run every call under `given`. */
export function underPolicies(given: Policies, h: ResourceHandlers): ResourceHandlers {
  return {
    check: (olds, news) => withPolicies(given, () => h.check(olds, news)),
    diff: (id, olds, news) => withPolicies(given, () => h.diff(id, olds, news)),
    create: (inputs) => withPolicies(given, () => h.create(inputs)),
    read: (id, props) => withPolicies(given, () => h.read(id, props)),
    update: (id, olds, news) => withPolicies(given, () => h.update(id, olds, news)),
    delete: (id, props) => withPolicies(given, () => h.delete(id, props)),
  };
}
