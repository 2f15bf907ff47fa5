/**
 * `diff` for any resource. Compares only the inputs the resource owns (never `__provider`, never
 * output-only keys), each by its field's `same` rule (see contract.ts): the engine hands us old
 * *outputs* and new *inputs*, so a wholesale comparison would report a change on every run.
 */
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown } from "./codec";
import { changedFields, deepEqual, FieldRules } from "./contract";

export interface DiffSpec {
  /**
   * Inputs that the resource owns. Those not sent to the vendor (e.g. `adopt`) are owned too: a
   * change to them is an update that only rewrites the state, so the outputs never go stale.
   */
  keys: readonly string[];
  /** Inputs the vendor cannot change in place: a change replaces the resource. */
  forceNew?: readonly string[];
  /**
   * The vendor-unique key (Sendbird `botUserid`): when a replacement keeps it, the old resource must
   * go first or the new one would collide with it.
   */
  uniqueKey?: string;
  rules?: FieldRules;
}

export function diffOwned(
  spec: DiffSpec,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): pulumi.dynamic.DiffResult {
  const changed = changedFields(spec.keys, olds, news, spec.rules);
  const replaces = changed.filter((k) => spec.forceNew?.includes(k));
  const unique = spec.uniqueKey;
  const keepsUniqueKey =
    unique !== undefined && !containsUnknown(news[unique]) && deepEqual(olds[unique], news[unique]);
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && keepsUniqueKey,
  };
}
