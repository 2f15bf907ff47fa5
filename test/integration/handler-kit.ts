/** Shared by the handler tests (handlers against a sandbox over HTTP). */

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
