/**
 * Typed errors shared by every platform. Messages are built by us (never by echoing an axios error,
 * whose config carries request headers) and pass through `redact` before they leave the provider.
 */

const REDACTED = "[REDACTED]";

/** Replaces every occurrence of each secret (and its URL-encoded form) in `text`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; credentials are never that short.
    if (!secret || secret.length < 6) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
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
