/**
 * io-ts helpers: decoding with messages that name the field path, and branded types for the
 * documented constraints (bounded strings, URLs), so a value that passed `check` says so in its type.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import * as pulumi from "@pulumi/pulumi";
import { UnexpectedResponseError } from "./errors";

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

/** Length in characters (Unicode code points), as the vendors count: an emoji is one, not two. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** C0 and C1 control characters, DEL and NUL: never meaningful in a name, an id or a URL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

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
    (s) => charLength(s) >= min && charLength(s) <= max && (!opts.nonBlank || s.trim().length > 0),
    opts.nonBlank ? `${rule}, not blank` : rule,
  );
}

/** A string that is not blank and has no control characters, of any length (no limit is documented). */
export function nonBlankString() {
  return refine<string, string, BoundedStringBrand>(
    t.string,
    (s) => s.trim().length > 0 && !CONTROL.test(s),
    "a string that is not blank, without control characters",
  );
}

/** An integer from `min` to `max` (inclusive; no upper bound when `max` is undefined). */
export function integerIn(min: number, max?: number) {
  const rule = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return new t.Type<number, number, unknown>(
    rule,
    (u): u is number =>
      Number.isInteger(u) && (u as number) >= min && (max === undefined || (u as number) <= max),
    (u, c) =>
      Number.isInteger(u) && (u as number) >= min && (max === undefined || (u as number) <= max)
        ? t.success(u as number)
        : t.failure(u, c, `expected ${rule}`),
    t.identity,
  );
}

/** JSON text with object keys sorted at every level, so key order never makes a difference. */
export function canonicalJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, sortKeys(o[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

/** The canonical form of JSON text, or undefined when it is not JSON. */
export function canonicalJsonText(text: string): string | undefined {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * A JSON document given as JSON text or as a plain object, decoded to its canonical text of at most
 * `max` characters: users need not hand-write JSON, and key order never shows as a change.
 */
export function jsonDocument(max: number) {
  const rule = `a JSON object or JSON text, at most ${max} characters once serialised`;
  return new t.Type<string, string, unknown>(
    rule,
    (u): u is string => typeof u === "string" && canonicalJsonText(u) === u && charLength(u) <= max,
    (u, c) => {
      let text: string | undefined;
      if (typeof u === "string") text = canonicalJsonText(u);
      else if (u !== null && typeof u === "object" && !Array.isArray(u)) text = canonicalJson(u);
      return text !== undefined && charLength(text) <= max
        ? t.success(text)
        : t.failure(u, c, `expected ${rule}`);
    },
    t.identity,
  );
}

export interface PathIdBrand {
  readonly PathId: unique symbol;
}

/**
 * An identifier the vendor uses as a URL path segment (Sendbird `bot_userid`). "." and ".." would
 * be resolved away by any URL handling on the way, and control characters or NUL cannot travel
 * intact: a resource created under such an id could never be read or deleted again.
 */
export function pathId(max: number) {
  return refine<string, string, PathIdBrand>(
    t.string,
    (s) =>
      charLength(s) >= 1 &&
      charLength(s) <= max &&
      s.trim().length > 0 &&
      s !== "." &&
      s !== ".." &&
      !CONTROL.test(s),
    `an identifier of 1 to ${max} characters, not blank, not "." or "..", without control characters`,
  );
}

export interface UrlBrand {
  readonly Url: unique symbol;
}
export type UrlString = t.Branded<string, UrlBrand>;

/**
 * True for a URL written out in full with one of `protocols`: "scheme://host...", no whitespace,
 * control characters or backslashes anywhere. The WHATWG parser would repair "http:example.com",
 * " https://x/cb " or a tab inside, but the vendor receives (and stores) the text as written, so
 * such values are refused rather than sent as something other than what `new URL` understood.
 */
function isFullUrl(s: string, protocols: string[]): boolean {
  if (/\s|\\/.test(s) || CONTROL.test(s)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^/?#]/i.exec(s);
  if (!scheme || !protocols.includes(`${scheme[1].toLowerCase()}:`)) return false;
  try {
    return new URL(s).hostname !== "";
  } catch {
    return false;
  }
}

const URL_FORM = "written out in full (scheme://host/...), without spaces or control characters";

/** An absolute http(s) URL of at most `max` characters (`allowEmpty`: "" too). */
export function httpUrl(max: number, opts: { allowEmpty?: boolean } = {}) {
  const rule = `an absolute http(s) URL of at most ${max} characters, ${URL_FORM}${opts.allowEmpty ? ", or empty" : ""}`;
  return refine<string, string, UrlBrand>(
    t.string,
    (s) => (opts.allowEmpty && s === "") || (charLength(s) <= max && isFullUrl(s, ["http:", "https:"])),
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
    (s) => charLength(s) <= max && isFullUrl(s, ["https:"]),
    `an absolute https URL of at most ${max} characters, ${URL_FORM}`,
  );
}

/** Hosts that a vendor fetching a URL from the internet cannot reach: loopback, private, link-local, mDNS. */
function isLocalHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) return true;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1, which URL parsing turns into ::ffff:7f00:1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
    return isLocalHost(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
  if (v4) {
    const [a, b] = v4;
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  // IPv6 loopback, unspecified, unique-local (fc00::/7) and link-local (fe80::/10).
  return (
    host === "::1" || host === "::" || /^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)
  );
}

/** An absolute https URL of at most `max` characters on a public host (what a vendor can fetch). */
export function publicHttpsUrl(max: number) {
  return refine<string, string, HttpsUrlBrand>(
    t.string,
    (s) => charLength(s) <= max && isFullUrl(s, ["https:"]) && !isLocalHost(new URL(s).hostname),
    `an absolute https URL of at most ${max} characters on a public host (not localhost, a private ` +
      `or link-local IP address, or a .local name), ${URL_FORM}`,
  );
}

/**
 * An object with exactly these properties: unknown keys are refused by name (io-ts' own `strict`
 * would drop them silently, and a misspelt optional field would vanish without a word).
 */
export function closedObject<R extends t.Props, O extends t.Props>(
  name: string,
  required: R,
  optionalProps: O,
) {
  const shape = t.intersection([t.type(required), t.partial(optionalProps)]);
  const known = new Set([...Object.keys(required), ...Object.keys(optionalProps)]);
  return new t.Type<t.TypeOf<typeof shape>, t.OutputOf<typeof shape>, unknown>(
    name,
    (u): u is t.TypeOf<typeof shape> => shape.is(u),
    (u, c) => {
      if (u === null || typeof u !== "object" || Array.isArray(u)) return t.failure(u, c, `expected ${name}`);
      const unknownKeys = Object.keys(u).filter(
        (k) => !known.has(k) && (u as Record<string, unknown>)[k] !== undefined,
      );
      if (unknownKeys.length > 0) {
        return t.failures(
          unknownKeys.map((k) => ({
            value: undefined,
            context: [...c, { key: k, type: t.never, actual: undefined }],
            message: `unknown property "${k}"; the properties are: ${[...known].join(", ")}`,
          })),
        );
      }
      // The intersection in the context, so error paths skip its member numbers (fieldErrors).
      return shape.validate(u, [...c, { key: "", type: shape, actual: u }]);
    },
    shape.encode,
  );
}

/**
 * An array whose items decode with `item` (their errors keep their own paths and rules), and which
 * as a whole satisfies `ok` (a count, uniqueness), else fails with `rule`.
 */
export function checkedArray<A, O>(item: t.Type<A, O, unknown>, ok: (items: A[]) => boolean, rule: string) {
  const items = t.array(item);
  return new t.Type<A[], O[], unknown>(
    rule,
    (u): u is A[] => items.is(u) && ok(u),
    (u, c) => {
      const decoded = items.validate(u, c);
      if (isLeft(decoded)) return decoded;
      return ok(decoded.right) ? decoded : t.failure(u, c, `expected ${rule}`);
    },
    items.encode,
  );
}

/**
 * A field of a vendor *response* that may be absent or null: vendors send `null` for "not set",
 * and a create that succeeded must never fail on that. Read it with `?? undefined`.
 */
export function optional<C extends t.Mixed>(codec: C) {
  return t.union([codec, t.null, t.undefined]);
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

/**
 * Turns io-ts errors into one entry per field, with the path and the rule that failed. Values are
 * never quoted: inputs reach `check` with their secret markings stripped, and vendor responses
 * hold tokens.
 */
export function fieldErrors(errors: t.Errors, prefix = ""): FieldError[] {
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
    const key = path || "(value)";
    // A failing union reports each member; the first reason is the clearest.
    if (!seen.has(key)) seen.set(key, { path: key, reason: e.message ?? `expected ${last.type.name}` });
  }
  return [...seen.values()];
}

/** Decodes a vendor response or throws one UnexpectedResponseError listing every bad field. */
export function decodeOrThrow<A, O>(codec: t.Type<A, O, unknown>, value: unknown, what: string): A {
  const r = codec.decode(value);
  if (isLeft(r)) {
    const list = fieldErrors(r.left)
      .map((f) => `${f.path}: ${f.reason}`)
      .join("; ");
    throw new UnexpectedResponseError(`unexpected ${what}: ${list}`);
  }
  return r.right;
}
