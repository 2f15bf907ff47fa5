/**
 * Creating a resource on an API whose create is not idempotent, without ever making a duplicate or
 * losing track of what was made:
 * - A create whose outcome is unknown (lost answer, timeout, 5xx, an answer that does not decode)
 *   is never blindly sent again: the resource is looked up first, and only sent again if absent.
 * - "Already exists" after such an attempt goes through the same "is this what we sent" check,
 *   since our own earlier attempt may have committed after the lookup missed it.
 * - The lookup after such an attempt rides out a vendor outage (the `lookupPausesMs` policy,
 *   core/policies.ts): it is the only thing that tells a stored create from a lost one.
 * - Once the vendor may hold the resource, any later failure becomes a ResourceInitError carrying
 *   its id and properties, so Pulumi records it instead of orphaning it; where the id is only known
 *   from the vendor's answer, the error says to look for the resource before the next `up`.
 */
import { AmbiguousRequestError, ApiError, ResourceInitError, UnexpectedResponseError } from "./errors";
import type { Props } from "./contract";
import { policies } from "./policies";

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
  /**
   * For vendors whose resources have no unique key (names repeat), where a lookup can only tell
   * ours from the rest by what is new and unclaimed: the gate of every create against the same
   * account in the process. Lookups then wait for the creates in flight to be answered, and hold
   * new ones back while they run, so a lookup never takes a resource whose own create is about to
   * be answered (see CreateGate).
   */
  gate?: CreateGate;
}

/**
 * Sends share the gate; a lookup after a create whose outcome is unknown has it alone. A vendor
 * that cannot tell two creates apart (Whats91, LINE WORKS: names are not unique) is recovered from
 * by listing what appeared since and is not yet claimed by an answered create. Were a create still
 * in flight, the lookup could take that create's resource, which its answer then claims too: two
 * resources of one, and the lost one an orphan. So a lookup starts once every send in flight has
 * settled (and claimed what it made), and sends wait while a lookup runs. Lookups are rare (a lost
 * answer) and short; sends are never serialised among themselves.
 */
export class CreateGate {
  private sending = 0;
  private drained: Array<() => void> = [];
  /** Settles when the lookup running now ends; undefined while none runs. */
  private lookupRunning: Promise<void> | undefined;
  /** The lookups, one after the other. */
  private lookups: Promise<void> = Promise.resolve();

  async send<T>(action: () => Promise<T>): Promise<T> {
    while (this.lookupRunning) await this.lookupRunning;
    this.sending++;
    try {
      return await action();
    } finally {
      if (--this.sending === 0) for (const resume of this.drained.splice(0)) resume();
    }
  }

  lookup<T>(action: () => Promise<T>): Promise<T> {
    const run = this.lookups.then(async () => {
      let end!: () => void;
      this.lookupRunning = new Promise<void>((resolve) => (end = resolve));
      try {
        if (this.sending > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
        return await action();
      } finally {
        this.lookupRunning = undefined;
        end();
      }
    });
    this.lookups = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

const MAX_ROUNDS = 3;

/**
 * A key `recordAs` can set in the properties it records, where nothing else in them shows that the
 * create may not have reached the vendor: `update` then creates the resource if it is absent (as
 * the init error promises), instead of reporting it deleted outside Pulumi. Outputs never carry it:
 * diff ignores it (it is not an input), and read and update return outputs without it.
 */
export const CREATE_UNSETTLED = "__createUnsettled";

/** Errors after which the vendor may hold the resource although we have no usable answer. */
function mayHaveCreated(err: unknown): boolean {
  return err instanceof AmbiguousRequestError || err instanceof UnexpectedResponseError;
}

/** A failure that may pass if the same request is sent later; not a refusal (auth, bad request). */
function mayPass(err: unknown): boolean {
  if (mayHaveCreated(err)) return true;
  if (!(err instanceof ApiError)) return false;
  return err.status === undefined || err.status === 429 || err.status >= 500;
}

/**
 * The lookup after a create whose outcome is unknown: a failure for a passing reason (5xx, 429, a
 * reset, a timeout; each lookup already has the HTTP client's own retries) is tried again after
 * each of the policy's pauses.
 */
async function patientLookup<R>(c: ReconciledCreate<R>): Promise<R | undefined> {
  for (const pauseMs of [...policies().lookupPausesMs, undefined]) {
    try {
      return await gatedLookup(c);
    } catch (err) {
      if (pauseMs === undefined || !mayPass(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  throw new Error("unreachable: the last pause rethrows");
}

const gatedLookup = <R>(c: ReconciledCreate<R>) => (c.gate ? c.gate.lookup(() => c.lookup()) : c.lookup());

export async function createReconciled<R>(c: ReconciledCreate<R>): Promise<R> {
  let uncertain: Error | undefined;
  let refused: Error | undefined; // the vendor's last "already exists", should the lookup never find it
  try {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      try {
        return await (c.gate ? c.gate.send(() => c.send()) : c.send());
      } catch (err) {
        if (mayHaveCreated(err)) uncertain = err as Error;
        else if (!c.isConflict(err)) throw err;
        else if (!uncertain && !c.adopt) throw c.conflictError();
        else refused = err as Error;
      }
      const found = uncertain ? await patientLookup(c) : await gatedLookup(c);
      if (!found) continue; // not there (yet, or deleted meanwhile): sending again is safe
      if (uncertain && c.isOurs(found)) return found;
      uncertain = undefined; // someone else's resource: nothing of ours to record
      if (c.adopt) return await c.adopt(found);
      throw c.conflictError();
    }
    const why = refused
      ? `: the vendor kept refusing it as already there (${refused.message}), yet no lookup found it`
      : "";
    throw uncertain ?? new Error(`creating ${c.what} did not settle after ${MAX_ROUNDS} attempts${why}`);
  } catch (err) {
    if (!uncertain || !(err instanceof Error)) throw err;
    // Why the lookup ran: the create's own failure (a lost or unreadable answer) is otherwise unseen.
    if (err !== uncertain)
      err.message = `${err.message} (a lookup after a create whose outcome is unknown: ${uncertain.message})`;
    const record = c.recordAs();
    if (record) throw new ResourceInitError(record.id, record.properties, err, c.what);
    // The same error (callers may test its class), saying what it may have left behind.
    err.message =
      `${err.message}. ${c.what} may have been created without Pulumi learning its id: look for it ` +
      "at the vendor before the next `pulumi up`, which would create another (adopt or delete it)";
    throw err;
  }
}
