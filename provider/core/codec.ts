/**
 * io-ts helpers: decoding with messages that name the field path, and branded types for the
 * documented constraints (bounded strings, URLs), so a value that passed `check` says so in its type.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
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

/**
 * A lone surrogate (with the `u` flag a surrogate pair is one code point, so only unpaired halves
 * match). It cannot be encoded as UTF-8: a JSON body carries it as U+FFFD, so the vendor would store
 * another value than declared, and encodeURIComponent throws on it, so a resource whose id holds
 * one could never be read or deleted.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when `s` is well-formed Unicode (String.prototype.isWellFormed, not in the ES2022 lib). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Said in the rule of every string codec below. */
const WELL_FORMED = "well-formed Unicode (no lone surrogates)";

/** At most this many characters of a name that is not ours (an unknown property) appear in a message. */
export const NAME_SHOWN = 40;

const SHORT_ESCAPES = new Map([
  ["\b", "\\b"],
  ["\t", "\\t"],
  ["\n", "\\n"],
  ["\f", "\\f"],
  ["\r", "\\r"],
]);

/**
 * A name that is not ours (a property the user or a vendor wrote) as a message may show it:
 * control, format (bidi overrides, zero-width), unassigned, private-use and separator characters
 * other than the space escaped as in JSON (ESC is `\u001b`), `"` and `\` escaped, and cut after
 * {@link NAME_SHOWN} characters with an ellipsis. A terminal shows it as text and nothing else.
 */
export function shownName(name: string): string {
  return shownText(name, NAME_SHOWN);
}

/**
 * Text that is not ours as a message may show it: escaped like `shownName` and cut after `max`
 * characters. `quotes: false` leaves `"` and `\` as they are (a vendor's message quoting a field).
 */
export function shownText(text: string, max: number, opts: { quotes?: boolean } = {}): string {
  const quotes = opts.quotes ?? true;
  let out = "";
  let shown = 0;
  for (const ch of text) {
    let piece = ch;
    if (quotes && (ch === '"' || ch === "\\")) piece = `\\${ch}`;
    else if (SHORT_ESCAPES.has(ch)) piece = SHORT_ESCAPES.get(ch)!;
    else if (ch !== " " && /[\p{C}\p{Z}]/u.test(ch)) {
      piece = [...Array(ch.length).keys()]
        .map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`)
        .join("");
    }
    const width = piece === ch ? 1 : piece.length;
    if (shown + width > max) return `${out}…`;
    out += piece;
    shown += width;
  }
  return out;
}

/** Inputs nested deeper than this are refused before any recursive walk (see nestedDeeperThan). */
export const MAX_DEPTH = 64;

/**
 * True when `value` holds objects or arrays nested more than `max` levels deep (a scalar is level
 * 0, `{}` level 1). Iterative, and it stops at the first path past `max`, so any depth (or a cycle)
 * is answered without a stack overflow: the recursive walks that follow (io-ts, canonicalJson,
 * containsUnknown, the host's serialisation) only ever see values at most `max` deep.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The rule a too deeply nested input breaks, as check and jsonDocument word it. */
export const TOO_DEEP = `nested more than ${MAX_DEPTH} levels deep`;

export interface BoundedStringBrand {
  readonly BoundedString: unique symbol;
}

/** A string of `min`..`max` characters; `nonBlank` also refuses whitespace-only values. */
export function boundedString(max: number, opts: { min?: number; nonBlank?: boolean } = {}) {
  const min = opts.min ?? 0;
  const rule = min > 0 ? `a string of ${min} to ${max} characters` : `a string of at most ${max} characters`;
  return refine<string, string, BoundedStringBrand>(
    t.string,
    (s) =>
      charLength(s) >= min &&
      charLength(s) <= max &&
      (!opts.nonBlank || s.trim().length > 0) &&
      isWellFormed(s),
    `${opts.nonBlank ? `${rule}, not blank` : rule}, ${WELL_FORMED}`,
  );
}

/** A string that is not blank and has no control characters, of any length (no limit is documented). */
export function nonBlankString() {
  return refine<string, string, BoundedStringBrand>(
    t.string,
    (s) => s.trim().length > 0 && !CONTROL.test(s) && isWellFormed(s),
    `a string that is not blank, without control characters, ${WELL_FORMED}`,
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

/** The canonical form of JSON text, or undefined when it is not JSON (or nested past MAX_DEPTH). */
export function canonicalJsonText(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return nestedDeeperThan(value, MAX_DEPTH) ? undefined : canonicalJson(value);
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
      // JSON.parse takes any depth; canonicalJson would overflow the stack on it.
      if (typeof u === "string" && deepJsonText(u)) return t.failure(u, c, TOO_DEEP);
      if (typeof u === "string") text = canonicalJsonText(u);
      else if (u !== null && typeof u === "object" && !Array.isArray(u)) text = canonicalJson(u);
      return text !== undefined && charLength(text) <= max
        ? t.success(text)
        : t.failure(u, c, `expected ${rule}`);
    },
    t.identity,
  );
}

/** True for JSON text whose value is nested more than MAX_DEPTH levels deep. */
function deepJsonText(text: string): boolean {
  try {
    return nestedDeeperThan(JSON.parse(text), MAX_DEPTH);
  } catch {
    return false;
  }
}

export interface PathIdBrand {
  readonly PathId: unique symbol;
}

/**
 * An identifier the vendor uses as a URL path segment (Sendbird `bot_userid`). "." and ".." would
 * be resolved away by any URL handling on the way, and control characters, NUL or a lone surrogate
 * cannot travel intact: a resource created under such an id could never be read or deleted again.
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
      !CONTROL.test(s) &&
      isWellFormed(s),
    `an identifier of 1 to ${max} characters, not blank, not "." or "..", without control characters, ${WELL_FORMED}`,
  );
}

export interface UrlBrand {
  readonly Url: unique symbol;
}

/**
 * True for a URL written out in full with one of `protocols`: "scheme://host...", no whitespace,
 * control characters or backslashes anywhere. The WHATWG parser would repair "http:example.com",
 * " https://x/cb " or a tab inside, but the vendor receives (and stores) the text as written, so
 * such values are refused rather than sent as something other than what `new URL` understood.
 */
function isFullUrl(s: string, protocols: string[]): boolean {
  if (/\s|\\/.test(s) || CONTROL.test(s) || !isWellFormed(s)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^/?#]/i.exec(s);
  if (!scheme || !protocols.includes(`${scheme[1].toLowerCase()}:`)) return false;
  try {
    return new URL(s).hostname !== "";
  } catch {
    return false;
  }
}

const URL_FORM = `written out in full (scheme://host/...), without spaces or control characters, ${WELL_FORMED}`;

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

/**
 * Top-level domains under which no name is a host on the internet: a name ending in one is
 * refused. Special-use names: localhost, test, invalid, example (RFC 6761; the
 * example.com/.net/.org domains are real, public and allowed), local (mDNS, RFC 6762), onion (RFC
 * 7686), alt (RFC 9476), arpa (infrastructure: home.arpa of RFC 8375, in-addr.arpa, ip6.arpa).
 * Private use: internal (reserved by ICANN for private networks, e.g. metadata.google.internal);
 * corp, home and mail, which ICANN will never delegate (name collision); and the suffixes routers and
 * intranets commonly use: lan, intranet, private, localdomain.
 */
const INTERNAL_TLDS = new Set([
  "localhost",
  "test",
  "invalid",
  "example",
  "local",
  "onion",
  "alt",
  "arpa",
  "internal",
  "corp",
  "home",
  "mail",
  "lan",
  "intranet",
  "private",
  "localdomain",
]);

/** 2000::/3, the only IPv6 block IANA allocates for global unicast. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/**
 * True for a host that a vendor fetching the URL from the internet can reach, judged on the host as
 * `new URL` parsed it (so 0x7f.1 is already 127.0.0.1, and [::ffff:127.0.0.1] is [::ffff:7f00:1]).
 * An IP address is public only in ipaddr.js's "unicast" range: loopback, private, link-local,
 * carrier-grade NAT, multicast, broadcast, reserved, documentation and benchmarking ranges are not,
 * nor IPv6 outside 2000::/3 (which takes care of IPv4-compatible ::a.b.c.d, site-local fec0::/10,
 * unique-local, link-local and multicast). IPv6 addresses that embed an IPv4 address (IPv4-mapped
 * ::ffff:0:0/96 and ::ffff:0:0:0/96, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo
 * 2001::/32) are refused whole, whatever they embed: where they lead depends on translators in the
 * fetching network, and a public IPv4 address can be written as itself. A name needs two labels or
 * more, none empty (one trailing dot, the absolute form, is allowed), and a top-level domain not in
 * INTERNAL_TLDS. What a public name resolves to is not checked (no DNS lookup in `check`).
 */
export function isPublicHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) {
    const inner = host.slice(1, -1);
    if (!ipaddr.IPv6.isValid(inner)) return false;
    const address = ipaddr.IPv6.parse(inner);
    return address.range() === "unicast" && address.match(GLOBAL_UNICAST_V6);
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host).range() === "unicast";
  const labels = (host.endsWith(".") ? host.slice(0, -1) : host).split(".");
  return labels.length >= 2 && !labels.includes("") && !INTERNAL_TLDS.has(labels[labels.length - 1]);
}

/** True when the URL text carries a user name or password (anything before an "@" in its authority). */
function hasUserInfo(s: string): boolean {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(s)?.[1] ?? "";
  return authority.includes("@");
}

/** An absolute https URL of at most `max` characters on a public host (what a vendor can fetch). */
export function publicHttpsUrl(max: number) {
  return refine<string, string, HttpsUrlBrand>(
    t.string,
    (s) =>
      charLength(s) <= max &&
      isFullUrl(s, ["https:"]) &&
      !hasUserInfo(s) &&
      isPublicHost(new URL(s).hostname),
    `an absolute https URL of at most ${max} characters on a public host (not localhost, an internal or ` +
      "single-label name, or a private, reserved or special-use IP address), without user name or " +
      `password, ${URL_FORM}`,
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
            // fieldErrors shows the key in the path escaped and shortened, as here.
            context: [...c, { key: k, type: t.never, actual: undefined }],
            message: `unknown property "${shownName(k)}"; the properties are: ${[...known].join(", ")}`,
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
export function oneOf<const V extends string | number | boolean>(values: readonly V[]) {
  const rule = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return new t.Type<V, V, unknown>(
    rule,
    (u): u is V => values.includes(u as V),
    (u, c) => (values.includes(u as V) ? t.success(u as V) : t.failure(u, c, `expected ${rule}`)),
    t.identity,
  );
}

/**
 * True if the value is, or contains, a preview-time unknown (pulumi/pulumi#6310). Iterative: it
 * holds at any depth (check refuses deep inputs before, but diff and the contract call it too).
 */
export function containsUnknown(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === pulumi.runtime.unknownValue) return true;
    if (v !== null && typeof v === "object") for (const child of Object.values(v)) stack.push(child);
  }
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
 * hold tokens. Keys in the path are shown through `shownName` (an unknown property's name is the
 * user's or the vendor's text); entries are told apart by the keys as they are.
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
    const raw = JSON.stringify([prefix, ...keys]);
    const path = [prefix, ...keys.map(shownName)].filter((k) => k !== "").join(".");
    const last = e.context[e.context.length - 1];
    // A failing union reports each member; the first reason is the clearest.
    if (!seen.has(raw))
      seen.set(raw, { path: path || "(value)", reason: e.message ?? `expected ${last.type.name}` });
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
