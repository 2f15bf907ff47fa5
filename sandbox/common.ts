/**
 * What the vendor emulators have in common beyond the HTTP server (sandbox/http.ts): the options
 * and members every sandbox has, its switchable rate limit, its state file and checks of options.
 */
import {
  FixedWindowRateLimiter,
  readFileIfExists,
  writeFileAtomically,
  type FaultInjector,
  type RateLimitDecision,
  type RecordedRequest,
  type SandboxServer,
} from "./http";

/** Options every sandbox takes. */
export interface SandboxOptionsBase {
  /** Default 0 (ephemeral); the host is always 127.0.0.1. */
  port?: number;
  /**
   * If set: load the stored resources from this JSON file at start (if it exists) and rewrite it
   * after every change.
   */
  stateFile?: string;
  /** Milliseconds every API request waits before being handled (for benchmarks); default 0. */
  latencyMs?: number;
}

/** The API, request log, faults, rate limit, latency and lifetime of a running sandbox. */
export interface SandboxBase<RateLimit> {
  /** Base URL of the API, with its path prefix, e.g. "http://127.0.0.1:41234/v3". */
  readonly url: string;
  readonly faults: FaultInjector;
  /**
   * Every API request received, in order (control requests to /__sandbox excluded), the vendor's
   * secrets logged as "[REDACTED]".
   */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** How many requests the rate limiter refused with 429 (injected faults not counted). */
  rateLimited(): number;
  /** Replaces the rate limit (with fresh windows); false disables it. */
  setRateLimit(rateLimit: RateLimit | false): void;
  /** Changes `latencyMs` for requests that arrive from now on. */
  setLatency(ms: number): void;
  /** Stops the server; a `reset-then-commit` request still waiting for its delay is dropped. */
  stop(): Promise<void>;
}

/**
 * A sandbox's rate limit: the fixed-window limiter `build` makes of the vendor's `rateLimit` option
 * (none for false), replaceable at run time, and the count of the requests it refused.
 */
export class SandboxRateLimit<RateLimit, Class extends string> {
  private limiter: FixedWindowRateLimiter<Class> | undefined;
  private refused = 0;

  /** `rateLimit` undefined means `defaultRateLimit`; `build` throws on a limit it cannot take. */
  constructor(
    private readonly build: (rateLimit: RateLimit) => FixedWindowRateLimiter<Class>,
    rateLimit: RateLimit | false | undefined,
    defaultRateLimit: RateLimit,
  ) {
    this.set(rateLimit === undefined ? defaultRateLimit : rateLimit);
  }

  /** Replaces the limit (with fresh windows); a limit `build` refuses leaves the old one in place. */
  set(rateLimit: RateLimit | false): void {
    this.limiter = rateLimit === false ? undefined : this.build(rateLimit);
  }

  /** Counts one call of this class; undefined when there is no limit. A refusal is counted. */
  take(requestClass: Class): RateLimitDecision | undefined {
    const decision = this.limiter?.take(requestClass);
    if (decision !== undefined && !decision.allowed) this.refused += 1;
    return decision;
  }

  /** The calls allowed per window for this class; undefined when there is no limit. */
  limitOf(requestClass: Class): number | undefined {
    return this.limiter?.limitOf(requestClass);
  }

  /** How many calls `take` refused. */
  rateLimited(): number {
    return this.refused;
  }
}

/** Throws unless every named limit (e.g. `{requestsPerSecond}`) is an integer >= 0. */
export function checkRateLimitCounts(limits: Record<string, number>): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new Error(`rateLimit.${name} must be an integer >= 0.`);
    }
  }
}

/** Calls allowed per one-second window, all endpoints together (an integer >= 0). */
type RequestsPerSecond = { requestsPerSecond: number };

/** The rate limit of a sandbox that limits all its endpoints together to `requestsPerSecond`. */
export function perSecondRateLimit(
  rateLimit: RequestsPerSecond | false | undefined,
  defaultRateLimit: RequestsPerSecond,
): SandboxRateLimit<RequestsPerSecond, "all"> {
  const build = ({ requestsPerSecond }: RequestsPerSecond) => {
    checkRateLimitCounts({ requestsPerSecond });
    return new FixedWindowRateLimiter({ all: requestsPerSecond }, 1000);
  };
  return new SandboxRateLimit(build, rateLimit, defaultRateLimit);
}

/**
 * The members of `SandboxBase` for a sandbox whose API is under `apiPath` on `server`, limited by
 * `rateLimit`. A sandbox that rewrites its log or applies its latency itself replaces `requests`
 * or `setLatency`.
 */
export function sandboxBase<RateLimit, Class extends string>(
  server: SandboxServer,
  apiPath: string,
  rateLimit: SandboxRateLimit<RateLimit, Class>,
): SandboxBase<RateLimit> {
  return {
    url: `${server.origin}${apiPath}`,
    faults: server.faults,
    requests: server.requests,
    rateLimited: () => rateLimit.rateLimited(),
    setRateLimit: (limit) => rateLimit.set(limit),
    setLatency: (ms) => server.setLatency(ms),
    stop: () => server.stop(),
  };
}

/**
 * A sandbox's state file, if it has one. `loaded` is what the file held at start: undefined when it
 * does not exist (or there is no file); a file that is not JSON with `version` 1 which `isValid`
 * accepts is refused, naming the vendor. `save` rewrites it (atomically, mode 0600).
 */
export function openStateFile<State extends { version: 1 }>(
  file: string | undefined,
  vendor: string,
  isValid: (state: Partial<State>) => boolean,
): { loaded: State | undefined; save(state: State): void } {
  return {
    loaded: file === undefined ? undefined : readStateFile(file, vendor, isValid),
    save: (state) => {
      if (file !== undefined) writeFileAtomically(file, JSON.stringify(state, null, 2) + "\n");
    },
  };
}

function readStateFile<State extends { version: 1 }>(
  file: string,
  vendor: string,
  isValid: (state: Partial<State>) => boolean,
): State | undefined {
  const text = readFileIfExists(file);
  if (text === undefined) return undefined;
  const invalid = () =>
    new Error(`${vendor} sandbox state file ${file} is not in the expected format (version 1).`);
  let state: Partial<State> | null;
  try {
    state = JSON.parse(text) as Partial<State> | null;
  } catch {
    throw invalid();
  }
  if (state?.version !== 1 || !isValid(state)) throw invalid();
  return state as State;
}

/** Throws "<what> must be a non-empty string." unless `value` is one. */
export function requireNonEmptyString(value: unknown, what: string): void {
  if (typeof value !== "string" || value.length === 0) throw new Error(`${what} must be a non-empty string.`);
}
