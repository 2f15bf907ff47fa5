/**
 * Typed errors shared by every platform. Messages are built by us (never by echoing an axios error,
 * whose config carries request headers) and pass through `redact` before they leave the provider.
 */

import axios from "axios";

const REDACTED = "[REDACTED]";
// Very short values would redact ordinary words; credentials are never that short.
const MIN_SECRET_LENGTH = 6;

/**
 * The forms a credential takes on the wire, any of which a vendor (or a proxy) may echo back in an
 * error: as written (and trimmed, as a header value); as a path segment (encodeURIComponent); as
 * the HTTP client encodes a query (axios keeps `$ : ,` and writes a space as `+`), and that decoded
 * again; as a form body (URLSearchParams); HTML-escaped; inside JSON text (quotes and backslashes
 * escaped, also `/`, `& < >` or non-ASCII characters as some encoders do); and inside base64 (HTTP
 * Basic credentials "user:secret").
 */
export function wireForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  // Some encoders also escape "/" (PHP), or "&", "<" and ">" (Go's encoding/json).
  const goJson = json.replace(/[&<>]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const jsonForms = [json, json.replace(/\//g, "\\/"), goJson];
  const html = secret.replace(/[&<>"']/g, (c) => `&${HTML_ENTITIES[c]};`);
  const forms = [
    secret,
    // As an HTTP header value: the receiver drops spaces and tabs around it.
    secret.trim(),
    // A query decoded with decodeURIComponent, which leaves a "+" for a space.
    secret.replace(/ /g, "+"),
    // In an HTML error page.
    html,
    ...jsonForms,
    // JSON written in ASCII only (\u00e9 for é).
    ...jsonForms.map((j) =>
      j.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    ),
    ...base64Forms(secret),
  ];
  // The URL encoders throw on a lone surrogate, which no encoded form can then hold.
  try {
    forms.push(
      encodeURIComponent(secret),
      axios.getUri({ url: "/", params: { k: secret } }).replace(/^\/\?k=/, ""),
      new URLSearchParams({ k: secret }).toString().slice("k=".length),
    );
  } catch {
    // nothing more to add
  }
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * The base64 text that encodes `secret` wherever it starts in the encoded bytes: one run of
 * characters per alignment (byte offset mod 3), without the characters that mix in bytes around it.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const whole = Math.floor(padded.length / 3) * 3;
    // Skip the group that holds the padding bytes, keep only whole groups of the secret's bytes.
    const text = padded
      .subarray(0, whole)
      .toString("base64")
      .slice(offset === 0 ? 0 : 4);
    if (text.length >= 8) forms.push(text);
  }
  return forms;
}

const HTML_ENTITIES: Record<string, string> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" };

/** A pattern for `form` in which hex escapes match in either case (%2F or %2f, \u00e9 or \u00E9). */
function formPattern(form: string): string {
  const anyCase = (hex: string) => [...hex].map((d) => `[${d.toLowerCase()}${d.toUpperCase()}]`).join("");
  return form
    .split(/(%[0-9A-F]{2}|\\u[0-9a-f]{4})/)
    .map((part, i) => {
      if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      return part.startsWith("%") ? `%${anyCase(part.slice(1))}` : `\\\\u${anyCase(part.slice(2))}`;
    })
    .join("");
}

/** Replaces every occurrence of each secret, in every form it travels in (`wireForms`), in `text`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  const patterns: string[] = [];
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    patterns.push(...wireForms(secret).map(formPattern));
  }
  if (patterns.length === 0) return text;
  // Longest first, so a form that contains another is replaced whole.
  patterns.sort((a, b) => b.length - a.length);
  return text.replace(new RegExp(patterns.join("|"), "g"), REDACTED);
}

/**
 * `err` with `redactText` applied to its message, stack and every other string it carries (the
 * vendor's code and request id, a ResourceInitError's reasons), so no property leaks what the
 * message no longer shows.
 */
export function redactError<E>(err: E, redactText: (text: string) => string): E {
  if (!(err instanceof Error)) return err;
  const fields = err as unknown as Record<string, unknown>;
  for (const key of new Set(["message", "stack", ...Object.keys(err)])) {
    const value = fields[key];
    if (typeof value === "string") fields[key] = redactText(value);
    else if (Array.isArray(value))
      fields[key] = value.map((v) => (typeof v === "string" ? redactText(v) : v));
  }
  return err;
}

export interface ApiErrorDetails {
  platform: string;
  method: string;
  /** Path relative to the platform's base URL, already redacted. */
  path: string;
  /** HTTP status, or undefined when no response arrived. */
  status?: number;
  /** The vendor's own error code (Sendbird: 400201; LINE WORKS: "NOT_FOUND"). */
  vendorCode?: string | number;
  vendorMessage?: string;
  requestId?: string;
  /** How many attempts were made before giving up. */
  attempts: number;
}

/** A vendor API call that failed: the vendor answered with an error, or never answered. */
export class ApiError extends Error {
  readonly platform: string;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly vendorCode?: string | number;
  readonly vendorMessage?: string;
  readonly requestId?: string;
  readonly attempts: number;

  constructor(details: ApiErrorDetails, message?: string) {
    super(message ?? ApiError.describe(details));
    this.name = "ApiError";
    this.platform = details.platform;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.vendorCode = details.vendorCode;
    this.vendorMessage = details.vendorMessage;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
  }

  static describe(d: ApiErrorDetails): string {
    const parts = [`${d.platform} API ${d.method} ${d.path} failed`];
    if (d.status !== undefined) parts.push(`with HTTP ${d.status}`);
    if (d.vendorCode !== undefined) parts.push(`code ${d.vendorCode}`);
    let text = parts.join(" ");
    if (d.vendorMessage) text += `: ${d.vendorMessage}`;
    if (d.requestId) text += ` (request id ${d.requestId})`;
    if (d.attempts > 1) text += ` after ${d.attempts} attempts`;
    return text;
  }
}

/**
 * The request may or may not have been applied by the vendor (timeout, connection reset, 5xx after
 * the body was sent). Callers of non-idempotent requests must reconcile before trying again.
 */
export class AmbiguousRequestError extends ApiError {
  constructor(details: ApiErrorDetails, cause: string) {
    super(details, `${ApiError.describe(details)}: ${cause}; the request may or may not have been applied`);
    this.name = "AmbiguousRequestError";
  }
}

/** A credential or setting the provider needs is missing or malformed. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** Inputs that the vendor cannot accept, found before any call was made. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/**
 * An update of a resource the vendor no longer has: `diff` cannot know it, so the plan said update;
 * the user refreshes (which drops it) and runs up again (which makes it anew).
 */
export function goneBeforeUpdate(
  what: string,
  cause = "deleted outside Pulumi",
  again = "create it again",
): InputError {
  return new InputError(
    `${what} no longer exists (${cause}): run \`pulumi refresh\` to drop it from the stack, ` +
      `then \`pulumi up\` to ${again}`,
  );
}

/**
 * The vendor answered with success, but the body is not what its documentation describes. After a
 * create this means the resource exists: callers must not treat it as "nothing happened".
 */
export class UnexpectedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnexpectedResponseError";
  }
}

/**
 * A create that reached the vendor but did not finish (the answer was lost or unreadable, a lookup
 * failed). Pulumi's dynamic-provider host turns an error carrying `id` into ErrorResourceInitFailed,
 * so the engine records the resource with these properties instead of losing track of it; the next
 * `pulumi up` runs `update` on it, which completes the outputs.
 */
export class ResourceInitError extends Error {
  reasons: string[];

  constructor(
    readonly id: string,
    public properties: Record<string, unknown>,
    cause: Error,
    what: string,
  ) {
    super(
      `${cause.message}. ${what} may exist: Pulumi keeps it in the stack so it is not lost; ` +
        "`pulumi up` finishes it, or `pulumi refresh` drops it if it does not exist",
    );
    this.name = "ResourceInitError";
    // The engine prints the reasons, not the message: they carry the whole explanation.
    this.reasons = [this.message];
  }
}

/** State written by a newer release than the one running (after a downgrade of the package). */
export class StateVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateVersionError";
  }
}
