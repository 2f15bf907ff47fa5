/**
 * Creating a resource on an API whose create is not idempotent, without ever making a duplicate or
 * losing track of what was made:
 * - A create whose outcome is unknown (lost answer, timeout, 5xx, an answer that does not decode)
 *   is never blindly sent again: the resource is looked up first, and only sent again if absent.
 * - "Already exists" after such an attempt goes through the same "is this what we sent" check,
 *   since our own earlier attempt may have committed after the lookup missed it.
 * - Once the vendor may hold the resource, any later failure becomes a ResourceInitError carrying
 *   its id and properties, so Pulumi records it instead of orphaning it.
 */
import { AmbiguousRequestError, ResourceInitError, UnexpectedResponseError } from "./errors";
import type { Props } from "./contract";

export interface ReconciledCreate<R> {
  /** Names the resource in messages, e.g. `Sendbird bot "helper"`. */
  what: string;
  /** Sends the create request once. */
  send(): Promise<R>;
  /** Finds the resource this create would have made (by its unique key), or undefined. */
  lookup(): Promise<R | undefined>;
  /** True when `found` is exactly what was sent, so it can only be the answer to our own create. */
  isOurs(found: R): boolean;
  /** The vendor refused because the unique key is taken (Sendbird 400202). */
  isConflict(err: unknown): boolean;
  /** Takes over a resource that exists and is not ours; absent unless the user asked to adopt. */
  adopt?(found: R): Promise<R>;
  /** The error for a taken unique key without `adopt`, saying how to adopt. */
  conflictError(): Error;
  /**
   * How Pulumi records the resource if the create fails after the vendor may have stored it; absent
   * when the id is only known from the vendor's answer and none arrived.
   */
  recordAs(): { id: string; properties: Props } | undefined;
}

const MAX_ROUNDS = 3;

/** Errors after which the vendor may hold the resource although we have no usable answer. */
function mayHaveCreated(err: unknown): boolean {
  return err instanceof AmbiguousRequestError || err instanceof UnexpectedResponseError;
}

export async function createReconciled<R>(c: ReconciledCreate<R>): Promise<R> {
  let uncertain: Error | undefined;
  try {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      try {
        return await c.send();
      } catch (err) {
        if (mayHaveCreated(err)) uncertain = err as Error;
        else if (!c.isConflict(err)) throw err;
        else if (!uncertain && !c.adopt) throw c.conflictError();
      }
      const found = await c.lookup();
      if (!found) continue; // not there (yet, or deleted meanwhile): sending again is safe
      if (uncertain && c.isOurs(found)) return found;
      uncertain = undefined; // someone else's resource: nothing of ours to record
      if (c.adopt) return await c.adopt(found);
      throw c.conflictError();
    }
    throw uncertain ?? new Error(`creating ${c.what} did not settle after ${MAX_ROUNDS} attempts`);
  } catch (err) {
    const record = uncertain ? c.recordAs() : undefined;
    if (record && err instanceof Error)
      throw new ResourceInitError(record.id, record.properties, err, c.what);
    throw err;
  }
}
