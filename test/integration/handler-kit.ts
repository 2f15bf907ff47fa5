/** Shared by the handler tests (handlers against a sandbox over HTTP). */
import { DEFAULT_RETRY, newPolicies, type Policies, type RetryPolicy } from "../../provider/core/policies";

/** Production retries with millisecond backoff (see testPolicies). */
const TEST_RETRY: Readonly<RetryPolicy> = Object.freeze({ ...DEFAULT_RETRY, baseDelayMs: 5, maxDelayMs: 40 });

/**
 * Policies for handler tests (`handlersOf(definition, testPolicies(...))`): production's, except
 * - after a create whose outcome is unknown, a failing lookup is tried again after a few
 *   milliseconds, not about two minutes (tests that make every lookup fail would wait that long; the
 *   tests that a lookup is retried at all are the unit tests of createReconciled);
 * - backoff between retries is milliseconds, not seconds: as many tries, and a vendor's Retry-After
 *   still honoured, but a test of an endpoint that keeps failing does not wait out production's
 *   backoff (the unit tests of the HTTP client test the backoff itself);
 * - a token cache of their own.
 * `changes` sets others (where warnings go, most often).
 */
export function testPolicies(changes: Partial<Policies> = {}): Policies {
  return newPolicies({ lookupPausesMs: [5, 5], retry: TEST_RETRY, ...changes });
}

/**
 * Every error text a test file's `failure` saw: messages and ResourceInitError reasons (what the
 * engine prints). The tests check that no credential is in any of them.
 */
export const errorTexts: string[] = [];

/** The error a promise rejects with (the test fails if it resolves); its texts go to errorTexts. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: Error) => {
      errorTexts.push(e.message, ...((e as { reasons?: string[] }).reasons ?? []));
      return e;
    },
  );
}

/**
 * A sandbox fault that answers `status` with `body` as JSON, whatever the request did not change:
 * an answer the vendor's API could give but the sandbox never does (an odd error, a field null).
 */
export function jsonAnswer(status: number, body: unknown) {
  return { kind: "foreign", status, contentType: "application/json", body: JSON.stringify(body) } as const;
}
