/**
 * io-ts helpers: decoding with messages that name the field path, and branded types for the
 * documented constraints (bounded strings, URLs), so a value that passed `check` says so in its type.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import * as pulumi from "@pulumi/pulumi";

/** Narrows `codec` by `ok`; the name doubles as the rule in error messages ("expected <name>"). */
export function refine<A, O, B>(
  codec: t.Type<A, O, unknown>,
  ok: (a: A) => boolean,
  name: string,
): t.Type<t.Branded<A, B>, O, unknown> {
  return new t.Type<t.Branded<A, B>, O, unknown>(
    name,
    (u): u is t.Branded<A, B> => codec.is(u) && ok(u),
    (u, c) => {
      const r = codec.validate(u, c);
      if (isLeft(r)) return t.failure(u, c, `expected ${name}`);
      return ok(r.right) ? t.success(r.right as t.Branded<A, B>) : t.failure(u, c, `expected ${name}`);
    },
    (a) => codec.encode(a),
  );
}

export interface BoundedStringBrand {
  readonly BoundedString: unique symbol;
}
export type BoundedString = t.Branded<string, BoundedStringBrand>;

/** A string of `min`..`max` characters; `nonBlank` also refuses whitespace-only values. */
export function boundedString(max: number, opts: { min?: number; nonBlank?: boolean } = {}) {
  const min = opts.min ?? 0;
  const rule = min > 0 ? `a string of ${min} to ${max} characters` : `a string of at most ${max} characters`;
  return refine<string, string, BoundedStringBrand>(
    t.string,
    (s) => s.length >= min && s.length <= max && (!opts.nonBlank || s.trim().length > 0),
    opts.nonBlank ? `${rule}, not blank` : rule,
  );
}

export interface UrlBrand {
  readonly Url: unique symbol;
}
export type UrlString = t.Branded<string, UrlBrand>;

function parsesAs(s: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(s).protocol);
  } catch {
    return false;
  }
}

/** An absolute http(s) URL of at most `max` characters (`allowEmpty`: "" too). */
export function httpUrl(max: number, opts: { allowEmpty?: boolean } = {}) {
  const rule = `an absolute http(s) URL of at most ${max} characters${opts.allowEmpty ? ", or empty" : ""}`;
  return refine<string, string, UrlBrand>(
    t.string,
    (s) => s.length <= max && ((opts.allowEmpty && s === "") || parsesAs(s, ["http:", "https:"])),
    rule,
  );
}

export interface HttpsUrlBrand {
  readonly HttpsUrl: unique symbol;
}

/** An absolute https URL of at most `max` characters. */
export function httpsUrl(max: number) {
  return refine<string, string, HttpsUrlBrand>(
    t.string,
    (s) => s.length <= max && parsesAs(s, ["https:"]),
    `an absolute https URL of at most ${max} characters`,
  );
}

/** One of the given literal values. */
export function oneOf<V extends string | number | boolean>(values: readonly V[]) {
  const rule = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return new t.Type<V, V, unknown>(
    rule,
    (u): u is V => values.includes(u as V),
    (u, c) => (values.includes(u as V) ? t.success(u as V) : t.failure(u, c, `expected ${rule}`)),
    t.identity,
  );
}

/** True if the value is, or contains, a preview-time unknown (pulumi/pulumi#6310). */
export function containsUnknown(value: unknown): boolean {
  if (value === pulumi.runtime.unknownValue) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. "bot.bot_userid" or "response.buttons.0.label". */
  path: string;
  reason: string;
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v);
  if (text === undefined) return typeof v;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Turns io-ts errors into one entry per field, with the path and the rule that failed. */
export function fieldErrors(errors: t.Errors, prefix = "", showValues = true): FieldError[] {
  const seen = new Map<string, FieldError>();
  for (const e of errors) {
    const keys: string[] = [];
    e.context.forEach((entry, i) => {
      if (i === 0) return;
      const parent = e.context[i - 1].type as t.Any & { _tag?: string };
      // Union and intersection members are numbered; those numbers are not part of the data path.
      if (parent._tag === "UnionType" || parent._tag === "IntersectionType") return;
      if (entry.key !== "") keys.push(entry.key);
    });
    const path = [prefix, ...keys].filter((k) => k !== "").join(".");
    const last = e.context[e.context.length - 1];
    const reason = e.message ?? `expected ${last.type.name}`;
    const key = path || "(value)";
    // A failing union reports each member; the first reason is the clearest.
    const shown = showValues ? `${reason}, got ${describeValue(e.value)}` : reason;
    if (!seen.has(key)) seen.set(key, { path: key, reason: shown });
  }
  return [...seen.values()];
}

/**
 * Decodes or throws one readable error listing every bad field. Used on vendor responses, which may
 * hold secrets (bot tokens), so the offending values are not quoted.
 */
export function decodeOrThrow<A, O>(codec: t.Type<A, O, unknown>, value: unknown, what: string): A {
  const r = codec.decode(value);
  if (isLeft(r)) {
    const list = fieldErrors(r.left, "", false)
      .map((f) => `${f.path}: ${f.reason}`)
      .join("; ");
    throw new Error(`unexpected ${what}: ${list}`);
  }
  return r.right;
}
