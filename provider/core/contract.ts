/**
 * The state contract: how every resource turns what was declared and what the vendor answered into
 * what Pulumi stores, so that the preview is what `up` does. Platforms get it by using these helpers.
 *
 * 1. Each owned field has a `same` rule (default: structural equality). Where a vendor canonicalises
 *    a value (trims, folds case, reorders a set), the rule compares semantically, so the vendor's
 *    form never shows as a change; `check` canonicalises or rejects what the rule cannot cover.
 * 2. `diff` reports the fields whose declared value is not `same` as the state's (`changedFields`),
 *    and `update` sends exactly those, never another: a field the user did not change, or hides
 *    with `ignoreChanges`, is not rewritten, even where the vendor now holds something else.
 * 3. If an update resets fields its body omitted (APIs whose docs leave this open), `applyUpdate`
 *    sees it by comparing them with their live values from just before, and restores those live
 *    values, not the declared ones.
 * 4. After a create or update, each sent field is compared with the vendor's answer (`settle`):
 *    where the vendor agrees the declared value is stored; where it does not, the vendor's value is
 *    stored and a warning names the field, so the next preview shows the difference honestly.
 * 5. Fields not sent keep their state values: only `read` (refresh) brings in changes made outside
 *    Pulumi, and it too keeps the state's value wherever the vendor's is the `same`.
 */
import { containsUnknown } from "./codec";
import { warn } from "./log";

export type Props = Record<string, unknown>;

/** True when two values of a field mean the same to the vendor. */
export type Same = (a: unknown, b: unknown) => boolean;

/** Per-field `same` rules; fields without one use `deepEqual`. */
export type FieldRules = Readonly<Record<string, Same>>;

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
    const ao = a as Props;
    const bo = b as Props;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    return [...keys].every((k) => deepEqual(ao[k], bo[k]));
  }
  return false;
}

export function sameValue(rules: FieldRules | undefined, field: string, a: unknown, b: unknown): boolean {
  return (rules?.[field] ?? deepEqual)(a, b);
}

/** The fields whose new value is not the `same` as the old one; a preview-time unknown counts as changed. */
export function changedFields(
  fields: readonly string[],
  olds: Props,
  news: Props,
  rules?: FieldRules,
): string[] {
  return fields.filter((f) => containsUnknown(news[f]) || !sameValue(rules, f, olds[f], news[f]));
}

/**
 * Field values to store after the vendor answered: `expected` where the answer lacks the field or
 * agrees with it, the answer's value otherwise. `differing` lists the fields taken from the answer.
 */
export function settle(
  fields: readonly string[],
  expected: Props,
  answer: Props,
  rules?: FieldRules,
): { values: Props; differing: string[] } {
  const values: Props = {};
  const differing: string[] = [];
  for (const f of fields) {
    const returned = answer[f];
    if (returned === undefined || sameValue(rules, f, expected[f], returned)) values[f] = expected[f];
    else {
      values[f] = returned;
      differing.push(f);
    }
  }
  return { values, differing };
}

/** The given keys of `props` that hold a value. */
export function pick(props: Props, keys: readonly string[]): Props {
  return Object.fromEntries(keys.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
}

/*
 * Resources whose managed fields are the declared ones (deadsimplechat.Bot, lineworks.Bot): an
 * optional field left out of the program is left to the vendor, and the state forgets it.
 */

/** The fields of `fields` that `props` declares. */
export function declaredFields<F extends string>(fields: readonly F[], props: Props): F[] {
  return fields.filter((f) => props[f] !== undefined);
}

/**
 * What `read` stores for those fields: the state's, and the vendor's values where they are not the
 * `same` (rule 5). With no state (`noState`: `get`, an import) every field the vendor returns is taken.
 */
export function readDeclared(
  fields: readonly string[],
  previous: Props,
  answer: Props,
  rules: FieldRules | undefined,
  noState: boolean,
): Props {
  const taken = noState ? fields : declaredFields(fields, previous);
  return { ...pick(previous, fields), ...settle(taken, previous, answer, rules).values };
}

/**
 * What `update` sends for those fields: the changed ones still declared (a field no longer declared
 * is no longer managed: nothing to send), and `kept(values)`, the state of every field: the given
 * values over the state's values of the fields that did not change.
 */
export function declaredUpdate(
  fields: readonly string[],
  previous: Props,
  news: Props,
  changed: readonly string[],
): { declared: Props; toSend: string[]; kept(values: Props): Props } {
  const declared = pick(news, fields);
  const unchanged = fields.filter((f) => !changed.includes(f));
  return {
    declared,
    toSend: changed.filter((f) => declared[f] !== undefined),
    kept: (values) => ({ ...pick(previous, unchanged), ...values }),
  };
}

/** Warns that the vendor stored fields otherwise than they were sent (never quoting values: they may be secret). */
export async function warnDiffering(vendor: string, what: string, fields: readonly string[]): Promise<void> {
  if (fields.length === 0) return;
  await warn(
    `${vendor} stored ${fields.join(", ")} of ${what} differently from what was sent; the state holds ` +
      `${vendor}'s value${fields.length > 1 ? "s" : ""}, so the next preview shows the difference`,
  );
}

export interface UpdatePlan {
  /** The fields `diff` reported as changed: the only ones whose declared value is sent. */
  changed: readonly string[];
  /** Every field the vendor's update can set. */
  updatable: readonly string[];
  declared: Props;
  /** Live values from a read just before the update. */
  before: Props;
  rules?: FieldRules;
  /** Sends one update with exactly these field values; resolves to the vendor's answer, by field. */
  send(values: Props): Promise<Props>;
  /** Names the resource in errors, e.g. `Sendbird bot "helper"`. */
  what: string;
}

const MAX_UPDATE_ROUNDS = 3;

/**
 * Sends the changed fields. If the answer shows that the vendor reset fields the body omitted, sends
 * again with those fields at their live values from before, until nothing was reset (rule 3).
 */
export async function applyUpdate(plan: UpdatePlan): Promise<Props> {
  const sent: Props = {};
  for (const f of plan.changed) sent[f] = plan.declared[f];
  for (let round = 1; ; round++) {
    const answer = await plan.send({ ...sent });
    const reset = plan.updatable.filter(
      (f) =>
        !plan.changed.includes(f) &&
        plan.before[f] !== undefined &&
        answer[f] !== undefined &&
        !sameValue(plan.rules, f, plan.before[f], answer[f]),
    );
    if (reset.length === 0) return answer;
    if (round === MAX_UPDATE_ROUNDS) {
      throw new Error(
        `updating ${plan.what} keeps changing ${reset.join(", ")}, which were not part of the change; ` +
          "run `pulumi refresh` to see the vendor's values",
      );
    }
    for (const f of reset) sent[f] = plan.before[f];
  }
}
