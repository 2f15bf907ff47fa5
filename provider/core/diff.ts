/**
 * `diff` for any resource. Compares only the inputs the resource owns (never `__provider`, never
 * output-only keys): the engine hands us old *outputs* and new *inputs*, so a wholesale comparison
 * would report a change on every run.
 */
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown } from "./codec";

export interface DiffSpec {
  /** Inputs that the resource owns and sends to the vendor. */
  keys: readonly string[];
  /** Inputs the vendor cannot change in place: a change replaces the resource. */
  forceNew?: readonly string[];
  /**
   * The vendor-unique key (Sendbird `botUserid`): when a replacement keeps it, the old resource must
   * go first or the new one would collide with it.
   */
  uniqueKey?: string;
}

/** Structural equality for JSON-like values; a missing value equals null. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (typeof a === "object" && typeof b === "object") {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    return [...keys].every((k) => deepEqual(ao[k], bo[k]));
  }
  return false;
}

/** The owned keys whose value differs between old state and new inputs (unknowns count as changed). */
export function changedKeys(
  keys: readonly string[],
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): string[] {
  return keys.filter((k) => containsUnknown(news[k]) || !deepEqual(olds[k], news[k]));
}

export function diffOwned(
  spec: DiffSpec,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): pulumi.dynamic.DiffResult {
  const changed = changedKeys(spec.keys, olds, news);
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
