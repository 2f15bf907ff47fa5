/**
 * A cached access token (OAuth client credentials, JWT bearer grants): fetched once, shared by
 * every request of the provider process until shortly before it expires, and fetched anew when the
 * vendor refuses it. Tokens are secrets: `secrets()` lists every one obtained, for redaction.
 */

export interface IssuedToken {
  value: string;
  /** Lifetime the vendor gave (`expires_in`), in seconds. */
  expiresInSeconds: number;
}

/** Renew this long before the vendor's expiry: a request sent just before it may arrive after. */
export const DEFAULT_RENEW_MARGIN_MS = 60_000;

// Tokens kept for redaction: a token may still appear in a late error after it was replaced.
const MAX_REMEMBERED = 20;

export class CachedToken {
  private current?: { value: string; renewAt: number };
  private pending?: Promise<string>;
  private readonly seen: string[] = [];

  constructor(
    private readonly fetch: () => Promise<IssuedToken>,
    private readonly marginMs = DEFAULT_RENEW_MARGIN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current token, or a new one when there is none or it expires within the margin. */
  get(): Promise<string> {
    const current = this.current;
    if (current && this.now() < current.renewAt) return Promise.resolve(current.value);
    // Concurrent callers share one fetch: a burst of requests must not ask for N tokens.
    if (!this.pending) {
      const pending = this.fetchOne().finally(() => {
        if (this.pending === pending) this.pending = undefined;
      });
      this.pending = pending;
    }
    return this.pending;
  }

  /**
   * The vendor refused `value` (HTTP 401): forget it, so the next `get` fetches anew. A token that
   * was already replaced is ignored, so N requests refused together cause one fetch, not N.
   */
  rejected(value: string | undefined): void {
    if (value !== undefined && this.current?.value === value) this.current = undefined;
  }

  /** Every token obtained so far (most recent ones), for redaction. */
  secrets(): string[] {
    return [...this.seen];
  }

  private async fetchOne(): Promise<string> {
    // Measured from before the request: the vendor's clock started no later than this.
    const started = this.now();
    const issued = await this.fetch();
    this.seen.push(issued.value);
    if (this.seen.length > MAX_REMEMBERED) this.seen.shift();
    const lifetimeMs = Math.max(0, issued.expiresInSeconds * 1000);
    // A short-lived token is still used for half its life rather than fetched for every request.
    const margin = Math.min(this.marginMs, lifetimeMs / 2);
    this.current = { value: issued.value, renewAt: started + lifetimeMs - margin };
    return issued.value;
  }
}
