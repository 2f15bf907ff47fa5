/**
 * The one HTTP client every platform uses: base URL and credentials, timeouts, request pacing,
 * retries with exponential backoff and jitter that honour the vendor's rate-limit headers, typed
 * errors and redaction. Vendor specifics (error body shape, retry headers) come in as options.
 */
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { AmbiguousRequestError, ApiError, ApiErrorDetails, redact } from "./errors";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RetryPolicy {
  /** Total tries, the first included. */
  maxAttempts: number;
  /** Backoff before try n+1 is a random value in [0, min(maxDelayMs, baseDelayMs * 2^n)]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server may ask for a longer wait than maxDelayMs (Retry-After); this caps what we honour. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export interface VendorError {
  code?: string | number;
  message?: string;
}

export interface ApiClientOptions {
  platform: string;
  /** Full base URL including the version path, e.g. https://api-APP.sendbird.com/v3. */
  baseUrl: string;
  /** Sent with every request (authentication, content type). */
  headers: Record<string, string>;
  /** Values that must never appear in an error message (tokens, keys). */
  secrets: string[];
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Vendor headers, in seconds, that say when to retry; checked with the standard Retry-After. */
  retryAfterHeaders?: string[];
  requestIdHeader?: string;
  /** Extracts the vendor's code and message from an error body. */
  parseError?: (body: unknown) => VendorError;
  /** Requests per second, per method class, that this client allows itself. */
  pace?: { readsPerSecond: number; writesPerSecond: number };
}

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the base URL; callers encode path values with `encodePath`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface ApiResponse {
  status: number;
  data: unknown;
}

/** Encodes each value for use as one path segment. */
export function encodePath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce(
    (acc, s, i) => acc + s + (i < values.length ? encodeURIComponent(String(values[i])) : ""),
    "",
  );
}

// Network failures where the request certainly never reached the server: safe to send again.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(["GET", "PUT", "PATCH", "DELETE"]);

/** Spaces requests of one class evenly so a burst of resources does not trip the vendor's limit. */
class Pacer {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async wait(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Seconds (or an HTTP date for Retry-After) to milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, unknown>, names: string[]): number | undefined {
  let best: number | undefined;
  for (const name of ["retry-after", ...names.map((n) => n.toLowerCase())]) {
    const raw = headers[name];
    if (typeof raw !== "string" && typeof raw !== "number") continue;
    const text = String(raw).trim();
    let ms: number | undefined;
    if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
    else if (name === "retry-after" && !Number.isNaN(Date.parse(text)))
      ms = Math.max(0, Date.parse(text) - Date.now());
    if (ms !== undefined) best = Math.max(best ?? 0, ms);
  }
  return best;
}

export class ApiClient {
  private readonly http: AxiosInstance;
  private readonly retry: RetryPolicy;
  private readonly pacers?: { read: Pacer; write: Pacer };

  constructor(private readonly opts: ApiClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.http = axios.create({
      baseURL: opts.baseUrl.replace(/\/+$/, ""),
      timeout: opts.timeoutMs ?? 30_000,
      headers: opts.headers,
      // Every status is handled below, so axios never throws for one.
      validateStatus: () => true,
      maxRedirects: 0,
    });
    if (opts.pace) {
      this.pacers = {
        read: new Pacer(opts.pace.readsPerSecond),
        write: new Pacer(opts.pace.writesPerSecond),
      };
    }
  }

  get platform(): string {
    return this.opts.platform;
  }

  /** Redacts this client's secrets from any text. */
  redact(text: string): string {
    return redact(text, this.opts.secrets);
  }

  /** Sends the request, retrying what is safe to retry; throws ApiError for any non-2xx outcome. */
  async request(req: ApiRequest): Promise<ApiResponse> {
    const idempotent = IDEMPOTENT.has(req.method);
    for (let attempt = 1; ; attempt++) {
      const details: ApiErrorDetails = {
        platform: this.opts.platform,
        method: req.method,
        path: this.redact(req.path),
        attempts: attempt,
      };
      const last = attempt >= this.retry.maxAttempts;
      await this.pacers?.[req.method === "GET" ? "read" : "write"].wait();

      let res: AxiosResponse;
      try {
        res = await this.http.request({
          method: req.method,
          url: req.path,
          params: req.query,
          data: req.body,
        });
      } catch (err) {
        const code = networkErrorCode(err);
        const notSent = NOT_SENT_CODES.has(code);
        // Name the endpoint: a wrong base URL is the usual cause, and it holds no credential.
        const cause = `network error ${code} reaching ${this.redact(this.opts.baseUrl)}`;
        if (!notSent && !idempotent) throw new AmbiguousRequestError(details, cause);
        if (last) throw new ApiError(details, `${ApiError.describe(details)}: ${cause}`);
        await sleep(this.backoff(attempt));
        continue;
      }

      if (res.status >= 200 && res.status < 300) return { status: res.status, data: res.data };

      const vendor = this.opts.parseError?.(res.data) ?? {};
      const failed: ApiErrorDetails = {
        ...details,
        status: res.status,
        vendorCode: vendor.code,
        vendorMessage: vendor.message === undefined ? undefined : this.redact(vendor.message),
        requestId: this.requestId(res),
      };
      // 429 means the server refused the request without acting on it: always safe to resend.
      const retryable = res.status === 429 || (res.status >= 500 && idempotent);
      if (res.status >= 500 && !idempotent) throw new AmbiguousRequestError(failed, `server error`);
      if (!retryable || last) throw new ApiError(failed);
      const asked = retryAfterMs(res.headers as Record<string, unknown>, this.opts.retryAfterHeaders ?? []);
      await sleep(this.delayFor(attempt, asked));
    }
  }

  private requestId(res: AxiosResponse): string | undefined {
    const name = this.opts.requestIdHeader?.toLowerCase();
    const value = name ? res.headers[name] : undefined;
    return typeof value === "string" ? value : undefined;
  }

  /** Full jitter: spreads retries of many resources so they do not hit the vendor in lockstep. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.random() * ceiling;
  }

  private delayFor(attempt: number, askedMs: number | undefined): number {
    if (askedMs === undefined) return this.backoff(attempt);
    // Honour the server's wait, plus a little jitter so parallel clients do not return together.
    return Math.min(this.retry.maxRetryAfterMs, askedMs) + Math.random() * this.retry.baseDelayMs;
  }
}

function networkErrorCode(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.code === "ECONNABORTED" || err.code === "ETIMEDOUT") return "timeout";
    return err.code ?? "unknown";
  }
  return err instanceof Error ? err.name : "unknown";
}
