/**
 * The one HTTP client every platform uses: base URL and credentials, timeouts and a deadline per
 * attempt, caps on the size of answers, bodies and listings, request pacing,
 * retries with exponential backoff and jitter that honour the vendor's rate-limit headers, typed
 * errors and redaction. Vendor specifics (error body shape, retry headers) come in as options.
 */
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { isWellFormed, shownText } from "./codec";
import { AmbiguousRequestError, ApiError, ApiErrorDetails, InputError, redact, redactError } from "./errors";
import type { SettingSpec } from "./credentials";
import { warn } from "./log";
import { policies, type RetryPolicy } from "./policies";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

// The retry policy is one of the provider's policies (core/policies.ts); exported here as before.
export { DEFAULT_RETRY, type RetryPolicy } from "./policies";

export interface VendorError {
  code?: string | number;
  message?: string;
  /** The request id, where the vendor puts it in the error body (Whats91's `metadata.requestId`). */
  requestId?: string;
}

export interface ApiClientOptions {
  platform: string;
  /** Full base URL including the version path, e.g. https://api-APP.sendbird.com/v3. */
  baseUrl: string;
  /** Sent with every request (authentication, content type). */
  headers: Record<string, string>;
  /**
   * Query parameters sent with every request (DeadSimpleChat's `auth` key). Never part of an error
   * message: errors name the path only, and list the value among `secrets` if it is one.
   */
  query?: Record<string, string>;
  /** Values that must never appear in an error message (tokens, keys). */
  secrets: string[];
  /** Idle timeout: the longest the server may stay silent within one attempt; default 30 s. */
  timeoutMs?: number;
  /**
   * The longest one attempt may take in all, from connecting to the answer's last byte: a server
   * that sends a byte now and then never trips the idle timeout. Default 10 s above timeoutMs.
   */
  deadlineMs?: number;
  /** The most bytes of one answer the client reads; a longer answer fails at once. */
  maxResponseBytes?: number;
  /** The most bytes of one request body the client sends. */
  maxRequestBytes?: number;
  /** The most items one listing collects (see `collect`). */
  maxListItems?: number;
  /** Overrides the retry policy of the calls this client serves (core/policies.ts). */
  retry?: Partial<RetryPolicy>;
  /** Vendor headers, in seconds, that say when to retry; checked with the standard Retry-After. */
  retryAfterHeaders?: string[];
  /**
   * Like `retryAfterHeaders`, but read after a 429 only: for headers a vendor sends with every
   * answer (LINE WORKS `rateLimit-reset`, seconds until its window resets), meaningless on a 5xx.
   */
  rateLimitResetHeaders?: string[];
  requestIdHeader?: string;
  /** Extracts the vendor's code and message from an error body. */
  parseError?: (body: unknown) => VendorError;
  /** A sentence of advice for a vendor error the user can fix (a rejected token), appended to the message. */
  advise?: (error: VendorError & { status: number }) => string | undefined;
  /** The setting that holds the base URL, named when an answer shows it is not the vendor's API. */
  baseUrlSetting: string;
  pace?: PaceOptions;
  /** Credentials obtained at run time (an OAuth access token), sent in addition to `headers`. */
  auth?: RequestAuth;
  /**
   * Errors besides 429 that the vendor answers without acting on the request, so resending after
   * a backoff is safe for any method (LINE WORKS: 409 CONFLICT, another change of the bot running).
   */
  retryable?: (status: number, vendor: VendorError) => boolean;
}

/**
 * Credentials obtained per request rather than fixed (an access token that expires). On a 401 the
 * client calls `rejected` with the headers it sent and tries once more with fresh ones.
 */
export interface RequestAuth {
  /** The headers that authenticate the next request (fetching a token when there is none). */
  headers(): Promise<Record<string, string>>;
  /** The vendor refused these headers: forget them, so the next `headers()` is fresh. */
  rejected(headers: Record<string, string>): void;
  /** Credentials obtained so far, redacted from errors like `secrets`. */
  secrets(): string[];
}

export interface Rates {
  readsPerSecond: number;
  writesPerSecond: number;
}

/**
 * How many requests per second, per method class, this client allows itself. Pacing is shared by
 * every client of one platform and base URL in the provider process (all resources of a stack, and
 * any token rotation), since the vendor counts per application, not per token.
 */
export interface PaceOptions {
  /** Where to start: a margin under the vendor's lowest documented plan. */
  defaults: Rates;
  /** Rates the user set: kept as they are, never adapted. */
  fixed?: Partial<Rates>;
  /**
   * The header in which the vendor advertises its limit, "N" or "N;w=SECONDS" (Sendbird
   * `X-RateLimit-Limit`). The rate of a class without a fixed setting follows it, with a margin.
   */
  limitHeader?: string;
  /** The window of a limit advertised without ";w=", in seconds (LINE WORKS counts per minute); default 1. */
  limitWindowSeconds?: number;
  /**
   * For vendors that limit each API operation separately (LINE WORKS): names the operation of a
   * request, and each operation gets its own pacer at its method class's rate, so a burst of one
   * operation does not slow the others, and an advertised limit applies to its own operation.
   */
  operation?: (req: ApiRequest) => string;
  /**
   * For a vendor that documents no limit and no split between reads and writes (DeadSimpleChat,
   * Whats91): unless the user fixed a rate, every request draws on one budget that starts at
   * `startPerSecond` and adapts to the vendor's 429s (AdaptivePacer), never below the sum of
   * `defaults`. A rate the user fixed turns it off: the classes are then paced as fixed, the other
   * at its default.
   */
  undocumented?: { startPerSecond: number };
  /** The platform's pace settings, named in the warning when an advertised limit is not followed. */
  settings?: { namespace: string; specs: { readsPerSecond: SettingSpec; writesPerSecond: SettingSpec } };
}

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the base URL; callers encode path values with `encodePath`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * A POST that sets a state rather than making something (DeadSimpleChat's enable/disable): safe
   * to send again after a lost answer, so it is retried like a PUT.
   */
  idempotent?: boolean;
}

export interface ApiResponse {
  status: number;
  data: unknown;
}

/**
 * Encodes each value for use as one path segment. An id that is not well-formed Unicode (an id
 * given to `get` or `import`, which no check sees) fails with an error that says so, where
 * encodeURIComponent would throw a bare "URI malformed".
 */
export function encodePath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  const segment = (value: string | number) => {
    if (!isWellFormed(String(value)))
      throw new InputError("an id sent in a request path must be well-formed Unicode (no lone surrogates)");
    return encodeURIComponent(String(value));
  };
  return strings.reduce((acc, s, i) => acc + s + (i < values.length ? segment(values[i]) : ""), "");
}

// Network failures where the request certainly never reached the server: safe to send again.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(["GET", "PUT", "PATCH", "DELETE"]);

/**
 * Spaces requests of one class evenly so a burst of resources does not trip the vendor's limit.
 * Waiters queue, and each one's slot is computed when its turn comes, so a rate learned from the
 * vendor's answers applies at once to every request still waiting, not only to later ones.
 */
export class Pacer {
  private static readonly NAP_MS = 100;
  /** Distinct notes kept per pacer: a header whose value changes with every answer must not flood the log. */
  private static readonly MAX_NOTES = 8;
  private last = -Infinity;
  private queue: Promise<void> = Promise.resolve();
  private readonly notes = new Set<string>();
  constructor(private perSecond: number) {}
  get rate(): number {
    return this.perSecond;
  }
  /** Sets the rate as it is: a rate the user fixed. */
  setRate(perSecond: number): void {
    if (perSecond > 0 && Number.isFinite(perSecond)) this.perSecond = perSecond;
  }
  /**
   * Follows a rate learned from the vendor's answers, held within `bounds`; says which bound held
   * it, if one did (a rate that is not positive and finite is ignored, as by setRate).
   */
  learn(perSecond: number, bounds: RateBounds): "floor" | "ceiling" | undefined {
    if (!(perSecond > 0 && Number.isFinite(perSecond))) return undefined;
    const held = perSecond < bounds.floor ? "floor" : perSecond > bounds.ceiling ? "ceiling" : undefined;
    this.setRate(held === "floor" ? bounds.floor : held === "ceiling" ? bounds.ceiling : perSecond);
    return held;
  }
  /** True the first time this pacer sees `note`: a warning about it is said once, not per request. */
  firstNote(note: string): boolean {
    if (this.notes.has(note) || this.notes.size >= Pacer.MAX_NOTES) return false;
    this.notes.add(note);
    return true;
  }
  /** An answer came that did not refuse for load (an adaptive pacer climbs on these). */
  succeeded(): void {}
  /**
   * A 429 or 503 for a request sent at `sentAt` (Date.now()), asking to wait `retryAfterMs` if it
   * said (the caller caps it): no request of this pacer goes before that wait is over (an adaptive
   * pacer also slows down).
   */
  throttled(_sentAt: number, retryAfterMs: number | undefined): void {
    if (retryAfterMs !== undefined) this.holdFor(retryAfterMs);
  }
  private holdEnds = -Infinity;
  private holdMs = 0;
  /**
   * The next slot is `ms` from now at the earliest. A hold is not extended, and after it ends none
   * starts for as long again: a vendor that refuses everything then makes each request wait its
   * own Retry-After (the retry loop), not every request wait for every other's in turn.
   */
  protected holdFor(ms: number): void {
    const now = Date.now();
    if (!(ms > 0 && Number.isFinite(ms)) || now < this.holdEnds + this.holdMs) return;
    this.holdEnds = now + ms;
    this.holdMs = ms;
    this.last = Math.max(this.last, this.holdEnds - 1000 / this.perSecond);
  }
  wait(): Promise<void> {
    const turn = this.queue.then(async () => {
      let waited = false;
      for (;;) {
        const now = Date.now();
        const due = this.last + 1000 / this.perSecond;
        if (due <= now) {
          // The slot, not the wake-up time: timer lateness must not accumulate into a slower pace.
          this.last = waited ? due : now;
          return;
        }
        waited = true;
        // Short naps, the slot computed again after each: an answer may raise the pace meanwhile
        // (an advertised limit), and a request must not keep the slot the default pace gave it.
        await sleep(Math.min(due - now, Pacer.NAP_MS));
      }
    });
    this.queue = turn;
    return turn;
  }
}

/**
 * The pace of a vendor that documents no limit: one budget for all of its requests, which starts
 * high enough not to hold back a stack (`start`), and learns the limit from the vendor's 429s:
 * - On a 429 or 503 it slows at once to what the vendor took in the last second (less
 *   ADAPTIVE_MARGIN), or to half its pace if that is less, and no request goes before the vendor's
 *   Retry-After (Pacer.holdFor). Refusals of requests sent before that slowdown were caused by the
 *   old pace: they slow it no more.
 * - After CLIMB_EVERY_MS with no 429 it climbs by a tenth, back up to `start` at most: a limit that
 *   was a passing one is left behind, and one that holds costs a 429 now and then.
 * Never below `floor`.
 */
export class AdaptivePacer extends Pacer {
  static readonly CLIMB_EVERY_MS = 10_000;
  private static readonly WINDOW_MS = 1_000;
  /** When the vendor answered (not 429), within the last WINDOW_MS. */
  private readonly answered: number[] = [];
  private lastChange = Date.now();
  constructor(
    private readonly start: number,
    private readonly floor: number,
  ) {
    super(start);
  }
  override succeeded(): void {
    const now = Date.now();
    this.answered.push(now);
    while (this.answered.length > 0 && this.answered[0] <= now - AdaptivePacer.WINDOW_MS)
      this.answered.shift();
    if (this.rate < this.start && now - this.lastChange >= AdaptivePacer.CLIMB_EVERY_MS) {
      this.setRate(Math.min(this.start, this.rate * 1.1));
      this.lastChange = now;
    }
  }
  override throttled(sentAt: number, retryAfterMs: number | undefined): void {
    const now = Date.now();
    if (sentAt >= this.lastChange) {
      const taken = this.answered.filter((t) => t > now - AdaptivePacer.WINDOW_MS).length;
      const learned = taken > 0 ? taken * ADAPTIVE_MARGIN : Infinity;
      this.setRate(Math.max(this.floor, Math.min(this.rate / 2, learned)));
      this.lastChange = now;
    }
    // Without a Retry-After, a second: the window most limits count in.
    this.holdFor(retryAfterMs ?? AdaptivePacer.WINDOW_MS);
  }
}

/** How much of a vendor's message or code is read (redacted, then shown cut to a few hundred characters). */
const VENDOR_TEXT_READ = 10_000;

/** Share of an advertised limit that adaptive pacing uses: headroom for clock skew and jitter. */
export const ADAPTIVE_MARGIN = 0.95;

/** The range within which a rate learned from a vendor's header is followed. */
export interface RateBounds {
  floor: number;
  ceiling: number;
}

/**
 * The bounds of a learned rate, from the class's starting rate, which sits just under the vendor's
 * lowest documented plan (Sendbird's free trial, LINE WORKS's Free plan). The floor, a tenth of it,
 * admits every stricter limit the vendors document (LINE WORKS's fixed 10 a minute is a sixth of
 * its Free plan's 60), while a broken or hostile header advertising one request a day slows the
 * pace tenfold at most instead of stalling every request of the process (pacers are shared). The
 * ceiling, a hundred times it, is above the largest plans (Sendbird's 600 GET/s is 75 times its
 * starting 8; LINE WORKS's 240 a minute 8 times its 0.5/s), so no header switches pacing off.
 */
/**
 * The lowest pace of a vendor without a documented limit: the sum of its class defaults, the modest
 * budget it had before its pace adapted. 429s (a vendor's hiccup, or a proxy's) never slow a stack
 * below what it had then.
 */
function undocumentedFloor(defaults: Rates): number {
  return defaults.readsPerSecond + defaults.writesPerSecond;
}

export function learnedBounds(startingRate: number): RateBounds {
  return { floor: startingRate / 10, ceiling: startingRate * 100 };
}

const MiB = 1024 * 1024;
/**
 * One answer is one bot or one page of a listing, but DeadSimpleChat lists every bot in one answer:
 * 32 MiB holds DEFAULT_MAX_LIST_ITEMS bots of some 300 bytes, and bounds what a hostile or broken
 * server can make the process hold (an answer is buffered, then parsed).
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * MiB;
/** A request body is one bot's settings: a few KiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * MiB;
/** Far more bots (or domains of one bot) than an account holds; less than overwhelms the process. */
export const DEFAULT_MAX_LIST_ITEMS = 100_000;
/** What one attempt may take beyond the idle timeout before it is abandoned. */
const DEADLINE_ALLOWANCE_MS = 10_000;

/** A byte count in MiB, as error messages give it. */
function mib(bytes: number): string {
  return `${Number((bytes / MiB).toPrecision(3))} MiB`;
}

/**
 * Reads "N" or "N;w=SECONDS" as requests per second; undefined when absent or unreadable. A limit
 * without ";w=" counts per `windowSeconds`.
 */
export function advertisedRate(value: unknown, windowSeconds = 1): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:;\s*w\s*=\s*(\d+(?:\.\d+)?)\s*)?$/.exec(String(value));
  if (!m) return undefined;
  const rate = Number(m[1]) / Number(m[2] ?? windowSeconds);
  return rate > 0 && Number.isFinite(rate) ? rate : undefined;
}

type MethodClass = "read" | "write";

// Pacers outlive clients: keyed by platform and base URL, shared by every token used against it.
const pacers = new Map<string, Pacer>();

function pacerFor(key: string, rate: number, make = () => new Pacer(rate)): Pacer {
  let pacer = pacers.get(key);
  if (!pacer) pacers.set(key, (pacer = make()));
  return pacer;
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
  private readonly pacers?: Record<MethodClass, Pacer>;
  /** Per-operation pacers (PaceOptions.operation), by class and operation. */
  private readonly operationPacers = new Map<string, Pacer>();
  private readonly paceKey: string;
  private readonly deadlineMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxRequestBytes: number;
  private readonly maxListItems: number;

  constructor(private readonly opts: ApiClientOptions) {
    const timeout = opts.timeoutMs ?? 30_000;
    this.deadlineMs = opts.deadlineMs ?? timeout + DEADLINE_ALLOWANCE_MS;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.maxListItems = opts.maxListItems ?? DEFAULT_MAX_LIST_ITEMS;
    this.http = axios.create({
      baseURL: opts.baseUrl.replace(/\/+$/, ""),
      // The node adapter's timeout is the socket's idle timeout; `deadlineMs` bounds the whole attempt.
      timeout,
      headers: opts.headers,
      // Every status is handled below, so axios never throws for one.
      validateStatus: () => true,
      maxRedirects: 0,
      // Counted as the answer arrives (decompressed): reading stops, and the socket is closed, at the cap.
      maxContentLength: this.maxResponseBytes,
      maxBodyLength: this.maxRequestBytes,
    });
    const pace = opts.pace;
    this.paceKey = `${opts.platform} ${this.http.defaults.baseURL}`;
    if (pace?.undocumented && !pace.fixed?.readsPerSecond && !pace.fixed?.writesPerSecond) {
      // One budget for reads and writes, learnt from the vendor's 429s.
      const { startPerSecond } = pace.undocumented;
      const budget = pacerFor(
        `${this.paceKey} all`,
        startPerSecond,
        () => new AdaptivePacer(startPerSecond, undocumentedFloor(pace.defaults)),
      );
      this.pacers = { read: budget, write: budget };
    } else if (pace) {
      const key = this.paceKey;
      const rate = (c: keyof Rates) => pace.fixed?.[c] ?? pace.defaults[c];
      this.pacers = {
        read: pacerFor(`${key} read`, rate("readsPerSecond")),
        write: pacerFor(`${key} write`, rate("writesPerSecond")),
      };
      // A setting changed between runs of one process (tests, long-lived hosts) takes effect.
      if (pace.fixed?.readsPerSecond) this.pacers.read.setRate(pace.fixed.readsPerSecond);
      if (pace.fixed?.writesPerSecond) this.pacers.write.setRate(pace.fixed.writesPerSecond);
    }
  }

  /**
   * The current pace of a method class, in requests per second (undefined without pacing). With
   * per-operation pacing, that of `operation` once it was used, else the class's starting rate.
   */
  rate(methodClass: MethodClass, operation?: string): number | undefined {
    if (operation !== undefined) {
      const pacer = this.operationPacers.get(`${methodClass} ${operation}`);
      if (pacer) return pacer.rate;
    }
    return this.pacers?.[methodClass].rate;
  }

  /** The pacer of a request: its class's, or with per-operation pacing its operation's. */
  private pacerFor(req: ApiRequest, methodClass: MethodClass): Pacer | undefined {
    const pace = this.opts.pace;
    if (!pace || !this.pacers) return undefined;
    if (!pace.operation) return this.pacers[methodClass];
    const key = `${methodClass} ${pace.operation(req)}`;
    let pacer = this.operationPacers.get(key);
    if (!pacer) {
      // Shared by every client of this platform and base URL, like the class pacers.
      pacer = pacerFor(`${this.paceKey} ${key}`, this.pacers[methodClass].rate);
      const fixed = pace.fixed?.[methodClass === "read" ? "readsPerSecond" : "writesPerSecond"];
      if (fixed) pacer.setRate(fixed);
      this.operationPacers.set(key, pacer);
    }
    return pacer;
  }

  /**
   * Follows the limit the vendor advertises, for a class whose rate the user did not fix, within
   * `learnedBounds`; a limit outside them is not followed, and a warning says so.
   */
  private adapt(
    req: ApiRequest,
    methodClass: MethodClass,
    headers: Record<string, unknown>,
    pacer: Pacer | undefined,
  ): void {
    const pace = this.opts.pace;
    if (!pace?.limitHeader || !pacer) return;
    const setting = methodClass === "read" ? "readsPerSecond" : "writesPerSecond";
    if (pace.fixed?.[setting]) return;
    const value = headers[pace.limitHeader.toLowerCase()];
    const advertised = advertisedRate(value, pace.limitWindowSeconds);
    if (advertised === undefined) {
      // Sent but unreadable ("0", "NaN", "1;w=0"): the pace stays as it is, and the user is told.
      if (value !== undefined && value !== "" && pacer.firstNote(String(value)))
        warn(this.unreadableLimit(req, String(value), pacer.rate)).catch(() => undefined);
      return;
    }
    const bounds = learnedBounds(pace.defaults[setting]);
    const held = pacer.learn(advertised * ADAPTIVE_MARGIN, bounds);
    if (!held || !pacer.firstNote(String(value))) return;
    // A warning must never fail the request that brought the header.
    warn(this.ignoredLimit(req, methodClass, String(value), held, pacer.rate)).catch(() => undefined);
  }

  /** The warning for a limit header that is not a rate: platform, header, value (escaped, shortened). */
  private unreadableLimit(req: ApiRequest, value: string, rate: number): string {
    const pace = this.opts.pace as PaceOptions;
    const operation = pace.operation ? ` for ${pace.operation(req)}` : "";
    return this.redact(
      `${this.opts.platform} sent "${shownText(this.redact(value), 40)}" in its ${pace.limitHeader} header${operation}, ` +
        `which is not a rate limit ("N" or "N;w=SECONDS", N above 0): it was ignored, and the pace ` +
        `stays at ${Number(rate.toPrecision(3))} a second.`,
    );
  }

  /** The warning for an advertised limit outside the bounds: platform, header, value (shortened), setting. */
  private ignoredLimit(
    req: ApiRequest,
    methodClass: MethodClass,
    value: string,
    held: "floor" | "ceiling",
    rate: number,
  ): string {
    const pace = this.opts.pace as PaceOptions;
    const what = methodClass === "read" ? "reads" : "writes";
    const setting = methodClass === "read" ? "readsPerSecond" : "writesPerSecond";
    const spec = pace.settings?.specs[setting];
    const name = spec
      ? `${pace.settings?.namespace}:${spec.key} (or ${spec.env})`
      : `the ${this.opts.platform} ${setting} setting`;
    // A hostile header may be huge; what it holds is digits (advertisedRate read it), never a credential.
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    const operation = pace.operation ? ` for ${pace.operation(req)}` : "";
    const perSecond = Number(rate.toPrecision(3));
    const bound =
      held === "floor"
        ? `below the provider's floor of ${perSecond} ${what} a second (a tenth of the starting pace)`
        : `above the provider's ceiling of ${perSecond} ${what} a second (a hundred times the starting pace)`;
    return this.redact(
      `${this.opts.platform} advertised a rate limit of "${shown}" in its ${pace.limitHeader} header` +
        `${operation}, ${bound}: the advertised limit was ignored, and ${what} go at ${perSecond} a second. ` +
        `To choose the pace, set ${name}.`,
    );
  }

  /**
   * Appends one page of a listing to `into`, item by item (spreading a page of some 130,000 items
   * into push() overflows the stack). A listing longer than `maxListItems` fails before it is kept:
   * more than the provider holds in memory, or a vendor whose pages do not end.
   */
  collect<T>(into: T[], page: readonly T[], listing: string): void {
    if (into.length + page.length > this.maxListItems) {
      throw new Error(
        `${listing} has more than ${this.maxListItems} items, the most the provider reads of one listing: ` +
          "the vendor holds more than the provider reads, or its listing does not end",
      );
    }
    for (const item of page) into.push(item);
  }

  /**
   * Runs `action`; any error it throws leaves with this client's secrets redacted from its message,
   * stack and every other text it carries (a ResourceInitError's reasons, the vendor's code), so no
   * credential reaches the engine's output.
   */
  async redacting<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (err) {
      throw redactError(err, (text) => this.redact(text));
    }
  }

  private redactOptional(text: string | undefined): string | undefined {
    return text === undefined ? undefined : shownText(this.redact(text.slice(0, VENDOR_TEXT_READ)), 100);
  }

  /**
   * A text of the vendor's answer as an error carries it: redacted, control characters escaped,
   * at most `max` characters. Only its start is redacted and shown: a secret cut at the end of
   * what is read lies beyond what is shown.
   */
  private vendorText(text: string, max: number): string {
    return shownText(this.redact(text.slice(0, VENDOR_TEXT_READ)), max, { quotes: false });
  }

  /** Read per call: a client is kept per settings and serves calls of any policies. */
  private get retry(): RetryPolicy {
    return { ...policies().retry, ...this.opts.retry };
  }

  get platform(): string {
    return this.opts.platform;
  }

  /** Redacts this client's secrets, and credentials obtained at run time, from any text. */
  redact(text: string): string {
    return redact(text, [...this.opts.secrets, ...(this.opts.auth?.secrets() ?? [])]);
  }

  /** Sends the request, retrying what is safe to retry; throws ApiError for any non-2xx outcome. */
  async request(req: ApiRequest): Promise<ApiResponse> {
    const idempotent = req.idempotent === true || IDEMPOTENT.has(req.method);
    const methodClass: MethodClass = req.method === "GET" ? "read" : "write";
    const pacer = this.pacerFor(req, methodClass);
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const details: ApiErrorDetails = {
        platform: this.opts.platform,
        method: req.method,
        path: this.redact(req.path),
        attempts: attempt,
      };
      const last = attempt >= this.retry.maxAttempts;
      await pacer?.wait();
      const sentAt = Date.now();
      const authHeaders = await this.opts.auth?.headers();

      let res: AxiosResponse;
      // The idle timeout fires only on silence: a server trickling bytes is cut off here. Aborting
      // destroys the request and its socket; the timer is cleared after the attempt, and unref'd so
      // it never keeps the process alive.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), this.deadlineMs);
      timer.unref();
      try {
        res = await this.http.request({
          method: req.method,
          url: req.path,
          params: { ...this.opts.query, ...req.query },
          data: req.body,
          headers: authHeaders,
          signal: deadline.signal,
        });
      } catch (err) {
        clearTimeout(timer);
        // Too large is final: the same request gets the same answer (or sends the same body).
        const exceeded = exceededLimit(err);
        if (exceeded === "request") {
          const cause = `the request body is larger than ${mib(this.maxRequestBytes)}, the most the provider sends`;
          throw new ApiError(details, `${ApiError.describe(details)}: ${cause}`);
        }
        if (exceeded === "response") {
          // The request was sent and perhaps acted on: only its answer is refused. Its status says
          // an answer came (a lookup does not wait for a passing outage: the same answer comes again).
          const answered = { ...details, status: answeredStatus(err) };
          const cause = `the answer is larger than ${mib(this.maxResponseBytes)}, the most the provider reads`;
          if (!idempotent) throw new AmbiguousRequestError(answered, cause);
          throw new ApiError(answered, `${ApiError.describe(answered)}: ${cause}`);
        }
        const code = deadline.signal.aborted ? "timeout" : networkErrorCode(err);
        const notSent = NOT_SENT_CODES.has(code);
        // Name the endpoint: a wrong base URL is the usual cause, and it holds no credential.
        const cause = `network error ${code} reaching ${this.redact(this.opts.baseUrl)}`;
        if (!notSent && !idempotent) throw new AmbiguousRequestError(details, cause);
        if (last) throw new ApiError(details, `${ApiError.describe(details)}: ${cause}`);
        await sleep(this.backoff(attempt));
        continue;
      }
      clearTimeout(timer);

      this.adapt(req, methodClass, res.headers as Record<string, unknown>, pacer);
      // A 429 refuses for load, and so, where a vendor documents no limit, may a 503.
      if (res.status === 429 || res.status === 503) {
        const asked = this.askedWait(res);
        pacer?.throttled(
          sentAt,
          asked === undefined ? undefined : Math.min(asked, this.retry.maxRetryAfterMs),
        );
      } else pacer?.succeeded();
      if (res.status >= 200 && res.status < 300) return { status: res.status, data: res.data };
      // A refused token was not acted on: try once more with fresh credentials (it may have expired).
      if (res.status === 401 && this.opts.auth && authHeaders && !reauthenticated) {
        reauthenticated = true;
        this.opts.auth.rejected(authHeaders);
        continue;
      }

      const vendor = this.opts.parseError?.(res.data) ?? {};
      const failed: ApiErrorDetails = {
        ...details,
        status: res.status,
        // Every part of a vendor's answer may echo the request (credentials included), hold
        // terminal escapes or run to megabytes: redacted, escaped and cut before it is shown.
        vendorCode: typeof vendor.code === "string" ? this.vendorText(vendor.code, 100) : vendor.code,
        vendorMessage: vendor.message === undefined ? undefined : this.vendorText(vendor.message, 500),
        requestId: this.redactOptional(vendor.requestId ?? this.requestId(res)),
      };
      // 429 means the server refused the request without acting on it: always safe to resend.
      const refused = res.status === 429 || (this.opts.retryable?.(res.status, vendor) ?? false);
      const retryable = refused || (res.status >= 500 && idempotent);
      if (res.status >= 500 && !idempotent) throw new AmbiguousRequestError(failed, `server error`);
      if (!retryable || last) throw new ApiError(failed, this.explain(failed));
      await sleep(this.delayFor(attempt, this.askedWait(res)));
    }
  }

  /**
   * The message of a final error: the vendor's own words, plus advice where the cause is the user's
   * to fix. A 404 without the vendor's error code did not come from the vendor's API at all (a wrong
   * base URL, a proxy's page): say so and name the setting, so it is never mistaken for "gone".
   */
  private explain(failed: ApiErrorDetails): string {
    const text = ApiError.describe(failed);
    if (failed.status === 404 && failed.vendorCode === undefined) {
      return (
        `${text}: the answer did not come from the ${this.opts.platform} API; check the base URL ` +
        `${this.redact(this.http.defaults.baseURL ?? "")} (${this.opts.baseUrlSetting})`
      );
    }
    const advice = this.opts.advise?.({
      status: failed.status ?? 0,
      code: failed.vendorCode,
      message: failed.vendorMessage,
    });
    // The vendor's words may end a sentence already: one full stop, not two.
    return advice ? `${/[.!?]$/.test(text) ? text : `${text}.`} ${advice}` : text;
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

  /** The wait the server asked for; only a 429 or a 5xx asks (other refusals just back off). */
  private askedWait(res: AxiosResponse): number | undefined {
    const headers = res.headers as Record<string, unknown>;
    if (res.status === 429) {
      const names = [...(this.opts.retryAfterHeaders ?? []), ...(this.opts.rateLimitResetHeaders ?? [])];
      return retryAfterMs(headers, names);
    }
    return res.status >= 500 ? retryAfterMs(headers, this.opts.retryAfterHeaders ?? []) : undefined;
  }

  private delayFor(attempt: number, askedMs: number | undefined): number {
    if (askedMs === undefined) return this.backoff(attempt);
    // Honour the server's wait, plus a little jitter so parallel clients do not return together.
    return Math.min(this.retry.maxRetryAfterMs, askedMs) + Math.random() * this.retry.baseDelayMs;
  }
}

/** Which size cap of the client an axios error is about, if any. */
function exceededLimit(err: unknown): "request" | "response" | undefined {
  if (!axios.isAxiosError(err)) return undefined;
  if (err.code === "ERR_BAD_RESPONSE" && /maxContentLength/.test(err.message)) return "response";
  if (err.code === "ERR_BAD_REQUEST" && /maxBodyLength/.test(err.message)) return "request";
  return undefined;
}

/** The HTTP status of an answer whose body was refused, if its head arrived. */
function answeredStatus(err: unknown): number | undefined {
  const status = (err as { request?: { res?: { statusCode?: unknown } } }).request?.res?.statusCode;
  return typeof status === "number" ? status : undefined;
}

function networkErrorCode(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.code === "ECONNABORTED" || err.code === "ETIMEDOUT") return "timeout";
    return err.code ?? "unknown";
  }
  return err instanceof Error ? err.name : "unknown";
}
