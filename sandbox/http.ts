/**
 * Shared plumbing for the vendor emulators ("sandboxes"): an HTTP server on loopback, request
 * body handling, JSON responses, fault injection, a per-request latency, a fixed-window rate
 * limiter and a request log.
 *
 * Nothing in here knows about a particular vendor. A vendor emulator supplies a request handler
 * and a few callbacks that render its own error bodies; see `startSandboxServer`.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { noteAnswerWithoutBasis, type Basis } from "./documented";

/** Largest request body accepted by default (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Path prefix of the out-of-process control endpoints (fault injection, state inspection). */
export const CONTROL_PATH_PREFIX = "/__sandbox";

// ---------------------------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------------------------

/** One request as the emulator received it, body already read (but not parsed). */
export interface SandboxRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** URL path as sent on the wire, without the query; still percent-encoded. */
  path: string;
  /** Query parameters; when a name repeats, the first value wins. */
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined with ", ". Values are NOT redacted. */
  headers: Record<string, string>;
  /** The raw body; empty when there is none or when it exceeded the size cap. */
  rawBody: Buffer;
  /** True when the body was larger than the cap (the excess was read and discarded). */
  bodyTooLarge: boolean;
}

/** What a handler answers; the server serialises `body` as JSON, unless `text` is given. */
export interface SandboxResponse {
  status: number;
  /** Serialised with JSON.stringify; `undefined` sends `{}`. Ignored when `text` is given. */
  body?: unknown;
  /** A body that is not JSON (e.g. a web framework's stock HTML error page), sent as is. */
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
  /** Why the sandbox answers so (see documented.ts); every error answer gives one. */
  basis?: Basis;
}

/** One entry of the request log. */
export interface RecordedRequest {
  method: string;
  /** URL path as sent on the wire (percent-encoded), without the query. */
  path: string;
  /** Query parameters (first value wins); secret parameter values replaced by "[REDACTED]". */
  query: Record<string, string>;
  /** Header names lower-cased; secret header values replaced by "[REDACTED]". */
  headers: Record<string, string>;
  /** Parsed JSON body if it parsed, otherwise the body text; absent when there was no body. */
  body?: unknown;
  /**
   * The HTTP status the client saw (after any fault); undefined when the connection was dropped
   * or reset, or the response lost.
   */
  status?: number;
  /** Why the sandbox answered so, for error answers (see documented.ts). */
  basis?: Basis;
}

export const REDACTED = "[REDACTED]";

/** Sends a handler's answer: `text` as is when given, otherwise `body` as JSON. */
export function sendResponse(res: http.ServerResponse, response: SandboxResponse): void {
  if (response.text !== undefined) {
    sendText(res, response.status, response.text.contentType, response.text.content, response.headers);
  } else {
    sendJson(res, response);
  }
}

/** Sends `body` as JSON with the given status and extra headers. */
export function sendJson(res: http.ServerResponse, response: SandboxResponse): void {
  const text = JSON.stringify(response.body === undefined ? {} : response.body);
  sendText(res, response.status, "application/json; charset=utf-8", text, response.headers);
}

/** Sends `text` as the whole body, with the given status, Content-Type and extra headers. */
export function sendText(
  res: http.ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** The response with a `Retry-After` header of `seconds` added, if `seconds` is given. */
export function withRetryAfter(response: SandboxResponse, seconds: number | undefined): SandboxResponse {
  if (seconds !== undefined) response.headers = { ...response.headers, "Retry-After": String(seconds) };
  return response;
}

/** 405 naming the allowed methods in `Allow` and in the body, e.g. `{"error": "Use GET or POST."}`. */
export function methodNotAllowed(methods: readonly string[]): SandboxResponse {
  const allow = methods.join(", ");
  const listed = methods.length > 1 ? `${methods.slice(0, -1).join(", ")} or ${methods.at(-1)}` : allow;
  return {
    status: 405,
    body: { error: `Use ${listed}.` },
    headers: { Allow: allow },
    basis: { assumed: "method not allowed" },
  };
}

/** Control endpoints: per path (e.g. "/__sandbox/bots"), the handler of each allowed method. */
export type ControlRoutes = Record<string, Partial<Record<string, (req: SandboxRequest) => SandboxResponse>>>;

/**
 * A `handleControl` for these routes: a listed path and method runs its handler, another method on
 * a listed path gets `methodNotAllowed`, and any other path undefined.
 */
export function controlRoutes(routes: ControlRoutes): (req: SandboxRequest) => SandboxResponse | undefined {
  return (req) => {
    if (!Object.hasOwn(routes, req.path)) return undefined;
    const methods = routes[req.path];
    const handler = Object.hasOwn(methods, req.method) ? methods[req.method] : undefined;
    return handler === undefined ? methodNotAllowed(Object.keys(methods)) : handler(req);
  };
}

/** Result of `parseJsonObjectBody`: the object, or why the body is unacceptable. */
export type JsonBodyResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; problem: "content-type" | "too-large" | "invalid-json" | "not-object"; message: string };

/**
 * Checks that a request carries a JSON object: `Content-Type: application/json` (a `charset`
 * parameter is allowed only if it names UTF-8), a body within the size cap, valid JSON, and an
 * object at the top level (not an array, string or null).
 */
export function parseJsonObjectBody(req: SandboxRequest): JsonBodyResult {
  if (!isJsonContentType(req.headers["content-type"])) {
    return { ok: false, problem: "content-type", message: "Content-Type must be application/json." };
  }
  if (req.bodyTooLarge) {
    return { ok: false, problem: "too-large", message: "The request body is too large." };
  }
  let value: unknown;
  try {
    value = JSON.parse(req.rawBody.toString("utf8"));
  } catch {
    return { ok: false, problem: "invalid-json", message: "The request body is not valid JSON." };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, problem: "not-object", message: "The request body must be a JSON object." };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [mediaType, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (mediaType !== "application/json") return false;
  // Vendors document both "charset=utf8" and "charset=utf-8"; anything else is not JSON we can read.
  return parameters.every((parameter) => {
    const [name, value] = parameter.split("=").map((part) => part.trim());
    return name !== "charset" || value === "utf-8" || value === "utf8" || value === '"utf-8"';
  });
}

// ---------------------------------------------------------------------------------------------
// Fault injection
// ---------------------------------------------------------------------------------------------

export type Fault =
  /** Wait `ms`, then handle the request normally. */
  | { kind: "latency"; ms: number }
  /** Answer with this status and the vendor's error body, without touching state. */
  | StatusFault
  /** Destroy the socket without processing the request. */
  | { kind: "drop" }
  /** Process the request fully (state changes), then destroy the socket instead of answering. */
  | { kind: "lose-response" }
  /** Process the request fully (state changes), then wait `ms` before answering: a slow answer. */
  | { kind: "slow-answer"; ms: number }
  | CommitThenStatusFault
  | ResetThenCommitFault
  | ForeignFault;

export interface StatusFault {
  kind: "status";
  status: number;
  retryAfterSeconds?: number;
  code?: number;
}

/**
 * Process the request fully (state changes), then answer with this status and the vendor's error
 * body (as a `status` fault renders it) instead of the real answer.
 */
export interface CommitThenStatusFault {
  kind: "commit-then-status";
  status: number;
  code?: number;
}

/**
 * Reset the connection as soon as the body has been read, then process the request `delayMs`
 * (default 0) later, as if it had arrived then; its answer goes nowhere. A commit still pending
 * when the server stops is dropped, so nothing changes after `stop()`.
 */
export interface ResetThenCommitFault {
  kind: "reset-then-commit";
  delayMs?: number;
}

/**
 * An answer that is not the vendor's at all (e.g. a proxy in front of a wrong base URL): `status`
 * (default 404) with `body` (default a small HTML page naming the status) as `contentType`
 * (default "text/html"). State is untouched.
 */
export interface ForeignFault {
  kind: "foreign";
  status?: number;
  contentType?: string;
  body?: string;
}

export interface FaultRule {
  fault: Fault;
  /** HTTP method to match (case-insensitive); any method when absent. */
  method?: string;
  /** URL path (as sent, without the query); a string must match exactly. Any path when absent. */
  path?: string | RegExp;
  /** How many matching requests the rule applies to; default 1. `Infinity` = until cleared. */
  times?: number;
}

export interface FaultInjector {
  inject(rule: FaultRule): void;
  clear(): void;
  /** Number of rules still waiting to fire. */
  pending(): number;
}

/** Holds fault rules; the server asks it, per request, which fault (if any) applies. */
export class RuleBasedFaultInjector implements FaultInjector {
  private readonly rules: Array<{ rule: FaultRule; remaining: number }> = [];

  inject(rule: FaultRule): void {
    validateFault(rule.fault);
    const times = rule.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
      throw new Error(`Fault rule "times" must be a positive integer, got ${String(rule.times)}.`);
    }
    this.rules.push({ rule, remaining: times });
  }

  clear(): void {
    this.rules.length = 0;
  }

  pending(): number {
    return this.rules.length;
  }

  /** Finds the first rule matching this request, uses up one of its `times`, returns its fault. */
  take(method: string, path: string): Fault | undefined {
    const index = this.rules.findIndex(({ rule }) => ruleMatches(rule, method, path));
    if (index < 0) return undefined;
    const entry = this.rules[index];
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.rules.splice(index, 1);
    return entry.rule.fault;
  }
}

function ruleMatches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === "string") return rule.path === path;
  rule.path.lastIndex = 0; // a RegExp with the g or y flag would otherwise remember its last match
  return rule.path.test(path);
}

function validateFault(fault: Fault): void {
  switch (fault.kind) {
    case "latency":
    case "slow-answer":
      if (!isDuration(fault.ms)) throw new Error(`${fault.kind} fault needs ms >= 0.`);
      return;
    case "status":
    case "commit-then-status":
      if (!isHttpStatus(fault.status)) {
        throw new Error(`${fault.kind} fault needs an integer HTTP status between 100 and 599.`);
      }
      if (
        fault.kind === "status" &&
        fault.retryAfterSeconds !== undefined &&
        !(fault.retryAfterSeconds >= 0)
      ) {
        throw new Error("Status fault retryAfterSeconds must be >= 0.");
      }
      if (fault.code !== undefined && !Number.isInteger(fault.code)) {
        throw new Error(`${fault.kind} fault code must be an integer.`);
      }
      return;
    case "reset-then-commit":
      if (fault.delayMs !== undefined && !isDuration(fault.delayMs)) {
        throw new Error("reset-then-commit fault delayMs must be >= 0.");
      }
      return;
    case "foreign":
      if (fault.status !== undefined && !isHttpStatus(fault.status)) {
        throw new Error("foreign fault status must be an integer HTTP status between 100 and 599.");
      }
      if (fault.contentType !== undefined && typeof fault.contentType !== "string") {
        throw new Error("foreign fault contentType must be a string.");
      }
      if (fault.body !== undefined && typeof fault.body !== "string") {
        throw new Error("foreign fault body must be a string.");
      }
      return;
    case "drop":
    case "lose-response":
      return;
    default:
      throw new Error(`Unknown fault kind ${JSON.stringify((fault as { kind: unknown }).kind)}.`);
  }
}

function isHttpStatus(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

/** A finite number of milliseconds, >= 0 (rejects strings, NaN and Infinity). */
function isDuration(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** The reason phrase of an HTTP status, e.g. "Service Unavailable"; "Error" for an unknown one. */
export function reasonPhrase(status: number): string {
  return http.STATUS_CODES[status] ?? "Error";
}

/** The reason phrase as an error code, e.g. 503: "SERVICE_UNAVAILABLE"; "ERROR" for an unknown status. */
export function reasonCode(status: number): string {
  return reasonPhrase(status)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "_");
}

/** The body of a `foreign` fault that gives none: a web server's stock error page. */
function foreignPage(status: number): string {
  const title = `${status} ${reasonPhrase(status)}`;
  return `<html>\n<head><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n</body>\n</html>\n`;
}

/**
 * Reads a fault rule from JSON (the body of `POST /__sandbox/faults`). JSON has no RegExp, so a
 * regular expression comes as the string `pathRegex` instead of `path`. Throws with a readable
 * message on bad input.
 */
export function parseFaultRule(json: Record<string, unknown>): FaultRule {
  const { fault, method, path, pathRegex, times } = json;
  if (fault === null || typeof fault !== "object" || Array.isArray(fault)) {
    throw new Error('"fault" must be an object such as {"kind": "drop"}.');
  }
  if (method !== undefined && typeof method !== "string") throw new Error('"method" must be a string.');
  if (path !== undefined && typeof path !== "string") throw new Error('"path" must be a string.');
  if (pathRegex !== undefined && typeof pathRegex !== "string") {
    throw new Error('"pathRegex" must be a string.');
  }
  if (path !== undefined && pathRegex !== undefined) throw new Error('Give "path" or "pathRegex", not both.');
  if (times !== undefined && typeof times !== "number") throw new Error('"times" must be a number.');
  const rule: FaultRule = { fault: fault as Fault };
  if (method !== undefined) rule.method = method;
  if (path !== undefined) rule.path = path;
  if (pathRegex !== undefined) {
    try {
      rule.path = new RegExp(pathRegex);
    } catch {
      throw new Error('"pathRegex" is not a valid regular expression.');
    }
  }
  if (times !== undefined) rule.times = times;
  return rule;
}

// ---------------------------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------------------------

export interface RateLimitDecision {
  allowed: boolean;
  /** Calls allowed per window for this class. */
  limit: number;
  /** Calls left in the current window after this one (0 when refused). */
  remaining: number;
  /** Milliseconds until the current window ends. */
  resetInMs: number;
}

/**
 * Fixed-window rate limiter with one counter per class of request (e.g. "read" vs "write").
 * Windows are aligned to multiples of `windowMs` since the epoch, so a client that waits until
 * the end of the window is always let through again.
 */
export class FixedWindowRateLimiter<Class extends string> {
  private readonly windows = new Map<Class, { start: number; count: number }>();

  constructor(
    private readonly limits: Record<Class, number>,
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  limitOf(requestClass: Class): number {
    return this.limits[requestClass];
  }

  /** Counts one call of this class and says whether it is within the limit. */
  take(requestClass: Class): RateLimitDecision {
    const now = this.now();
    const start = now - (now % this.windowMs);
    let window = this.windows.get(requestClass);
    if (window === undefined || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(requestClass, window);
    }
    window.count += 1;
    const limit = this.limits[requestClass];
    return {
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      resetInMs: start + this.windowMs - now,
    };
  }
}

/** Whole seconds (at least 1) until the window of a refused call ends: a 429's retry-after value. */
export function secondsUntilReset(decision: Pick<RateLimitDecision, "resetInMs">): number {
  return Math.max(1, Math.ceil(decision.resetInMs / 1000));
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export interface SandboxServerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free ephemeral port. */
  port?: number;
  maxBodyBytes?: number;
  /** Milliseconds every API request waits before anything else happens to it; default 0. */
  latencyMs?: number;
  /** Header names (any case) whose values are replaced by "[REDACTED]" in the request log. */
  secretHeaders: string[];
  /**
   * Query parameter names whose values are replaced by "[REDACTED]" in the request log (for
   * vendors that take a key in the URL). Matched in any case, so a misspelt `AUTH=` is hidden too.
   */
  secretQueryParams?: string[];
  /**
   * Secrets scrubbed from the request log wherever they occur, whatever carries them: the path
   * (also percent-encoded), query names and values, header values and the body (strings and keys
   * of a JSON body, or its text). Each occurrence becomes "[REDACTED]". Asked once per request, so
   * the list may change (e.g. after a key rotation).
   */
  secretValues?: () => readonly string[];
  /** The vendor API: auth, rate limiting, routing, validation. */
  handle(req: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;
  /** Renders a `status` (or `commit-then-status`) fault in the vendor's error format. */
  renderStatusFault(fault: StatusFault, req: SandboxRequest): SandboxResponse;
  /** Renders an unexpected exception thrown by `handle` in the vendor's error format. */
  renderInternalError(error: unknown): SandboxResponse;
  /** Authorises a control request: undefined when allowed, otherwise the refusal to send. */
  authorizeControl(req: SandboxRequest): SandboxResponse | undefined;
  /**
   * Vendor-specific control endpoints under /__sandbox (besides /__sandbox/faults, which the
   * server handles itself). Return undefined for an unknown path.
   */
  handleControl?(req: SandboxRequest): SandboxResponse | undefined;
}

export interface SandboxServer {
  /** "http://127.0.0.1:PORT", no trailing slash. */
  readonly origin: string;
  readonly port: number;
  readonly faults: FaultInjector;
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Changes `latencyMs` for requests that arrive from now on. */
  setLatency(ms: number): void;
  /**
   * Closes the server; delayed `reset-then-commit` commits still pending are dropped. Calling it
   * again returns the same promise.
   */
  stop(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that runs every request through this pipeline:
 *  1. control requests (/__sandbox/...) are authorised and answered; they are not logged,
 *     delayed, rate limited or subject to faults;
 *  2. the request is appended to the log and the first matching fault rule, if any, is taken;
 *  3. the request waits `latencyMs` (plus the `ms` of a `latency` fault);
 *  4. the fault fires: `drop` ends the request before its body is read; after the body is read,
 *     `reset-then-commit` resets and hands the request to `handle` later, `status` and `foreign`
 *     answer without calling `handle`; `lose-response` and `commit-then-status` let `handle` run
 *     and then drop or replace its answer;
 *  5. otherwise the vendor's `handle` produces the response.
 */
export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const secretHeaders = new Set(options.secretHeaders.map((name) => name.toLowerCase()));
  const secretQueryParams = new Set((options.secretQueryParams ?? []).map((name) => name.toLowerCase()));
  const faults = new RuleBasedFaultInjector();
  const requests: RecordedRequest[] = [];
  let latencyMs = checkedLatency(options.latencyMs ?? 0);
  /** Timers of `reset-then-commit` requests not processed yet; cleared (dropped) by stop(). */
  const pendingCommits = new Set<NodeJS.Timeout>();
  let stopped = false;
  let stopping: Promise<void> | undefined;

  async function runHandler(request: SandboxRequest): Promise<SandboxResponse> {
    try {
      return await options.handle(request);
    } catch (error) {
      return { ...options.renderInternalError(error), basis: { assumed: "internal error" } };
    }
  }

  function commitLater(request: SandboxRequest, delayMs: number): void {
    if (stopped) return; // stopped while the body was being read: dropped like a pending commit
    const timer = setTimeout(() => {
      pendingCommits.delete(timer);
      // The client is gone: the answer is discarded, and so is any failure producing it.
      runHandler(request).catch(() => undefined);
    }, delayMs);
    pendingCommits.add(timer);
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { path, query } = splitUrl(req.url ?? "/");
    const method = (req.method ?? "GET").toUpperCase();
    const headers = flattenHeaders(req.headers);
    const isControl = path === CONTROL_PATH_PREFIX || path.startsWith(`${CONTROL_PATH_PREFIX}/`);

    if (isControl) {
      const body = await readBody(req, maxBodyBytes);
      sendResponse(res, answerControl({ method, path, query, headers, ...body }));
      return;
    }

    const secrets = (options.secretValues?.() ?? []).filter((secret) => secret.length > 0);
    const record: RecordedRequest = scrub(
      {
        method,
        path: scrub(path, [...secrets, ...secrets.map(encodeURIComponent)]),
        query: redactValues(query, secretQueryParams),
        headers: redactValues(headers, secretHeaders),
      },
      secrets,
    );
    requests.push(record);

    const fault = faults.take(method, path);
    const delay = latencyMs + (fault?.kind === "latency" ? fault.ms : 0);
    if (delay > 0) await sleep(delay);
    if (stopped || fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }

    const body = await readBody(req, maxBodyBytes);
    const request: SandboxRequest = { method, path, query, headers, ...body };
    const loggedBody = bodyForLog(body.rawBody, body.bodyTooLarge, maxBodyBytes);
    if (loggedBody !== undefined) record.body = scrub(loggedBody, secrets);

    if (fault?.kind === "reset-then-commit") {
      req.socket.destroy();
      commitLater(request, fault.delayMs ?? 0);
      return;
    }
    if (fault?.kind === "foreign") {
      const status = fault.status ?? 404;
      record.status = status;
      record.basis = { fault: "foreign" };
      sendText(res, status, fault.contentType ?? "text/html", fault.body ?? foreignPage(status));
      return;
    }

    let response: SandboxResponse;
    if (fault?.kind === "status") {
      response = { ...options.renderStatusFault(fault, request), basis: { fault: "status" } };
    } else {
      response = await runHandler(request);
      if (fault?.kind === "lose-response") {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "slow-answer") await sleep(fault.ms);
      if (fault?.kind === "commit-then-status") {
        response = {
          ...options.renderStatusFault({ kind: "status", status: fault.status, code: fault.code }, request),
          basis: { fault: "commit-then-status" },
        };
      }
    }
    record.status = response.status; // before sending, so the log is complete when the client sees it
    if (response.basis !== undefined) record.basis = response.basis;
    else if (response.status >= 400) noteAnswerWithoutBasis(method, record.path, response.status);
    sendResponse(res, response);
  }

  const faultControl = controlRoutes({
    [`${CONTROL_PATH_PREFIX}/faults`]: {
      GET: () => ({ status: 200, body: { pending: faults.pending() } }),
      POST: (req) => {
        const parsed = parseJsonObjectBody(req);
        if (!parsed.ok) return { status: 400, body: { error: parsed.message } };
        try {
          faults.inject(parseFaultRule(parsed.value));
        } catch (error) {
          return { status: 400, body: { error: (error as Error).message } };
        }
        return { status: 200, body: { pending: faults.pending() } };
      },
      DELETE: () => {
        faults.clear();
        return { status: 200, body: {} };
      },
    },
  });

  function answerControl(req: SandboxRequest): SandboxResponse {
    const refusal = options.authorizeControl(req);
    if (refusal !== undefined) return refusal;
    const answer = faultControl(req) ?? options.handleControl?.(req);
    return answer ?? { status: 404, body: { error: `Unknown sandbox control path ${req.path}.` } };
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch(() => {
      // Only I/O failures (client went away mid-body) end up here; nothing left to answer.
      req.socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    setLatency: (ms) => {
      latencyMs = checkedLatency(ms);
    },
    stop: () => {
      stopped = true;
      for (const timer of pendingCommits) clearTimeout(timer);
      pendingCommits.clear();
      // A second stop() (e.g. a test's own plus its afterEach) gets the first one's promise.
      stopping ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

function checkedLatency(ms: number): number {
  return checkedDuration(ms, "Latency");
}

/** `ms` if it is a finite number of milliseconds >= 0; otherwise throws, naming it `what`. */
export function checkedDuration(ms: number, what: string): number {
  if (!isDuration(ms)) {
    throw new Error(`${what} must be a finite number of milliseconds >= 0, got ${String(ms)}.`);
  }
  return ms;
}

function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const questionMark = url.indexOf("?");
  const path = questionMark < 0 ? url : url.slice(0, questionMark);
  const query: Record<string, string> = {};
  if (questionMark >= 0) {
    for (const [name, value] of new URLSearchParams(url.slice(questionMark + 1))) {
      if (!(name in query)) query[name] = value;
    }
  }
  return { path, query };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** A copy of `values` with the value of every name in `secretNames` (lower-case) redacted. */
function redactValues(values: Record<string, string>, secretNames: Set<string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    redacted[name] = secretNames.has(name.toLowerCase()) ? REDACTED : value;
  }
  return redacted;
}

/** A copy of `value` with every occurrence of a secret in its strings (and object keys) redacted. */
function scrub<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === "string") {
    return secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value as string) as T;
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [scrub(name, secrets), scrub(item, secrets)]),
    ) as T;
  }
  return value;
}

/** Reads the whole body; past `maxBytes` it keeps reading (so the client can finish) but discards. */
function readBody(
  req: http.IncomingMessage,
  maxBytes: number,
): Promise<{ rawBody: Buffer; bodyTooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    // The client may have hung up already (e.g. during an injected latency).
    if (req.destroyed) return reject(new Error("request aborted"));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on("end", () => {
      const bodyTooLarge = size > maxBytes;
      resolve({ rawBody: bodyTooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), bodyTooLarge });
    });
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted")); // no-op if already resolved
    });
  });
}

function bodyForLog(rawBody: Buffer, bodyTooLarge: boolean, maxBytes: number): unknown {
  if (bodyTooLarge) return `[body larger than ${maxBytes} bytes, not kept]`;
  if (rawBody.length === 0) return undefined;
  const text = rawBody.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the vendor emulators
// ---------------------------------------------------------------------------------------------

/**
 * The SHA-256 digest of a secret (API token, private key). Emulators keep digests only, so they
 * hold no copy of a secret that could leak into an answer, the request log or a state file.
 */
export function secretDigest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/**
 * Whether `candidate` is one of the secrets whose digests are given. Digests are compared, so each
 * comparison takes the same time whatever the candidate's length, and every digest is compared
 * (no early exit), so the time does not tell which one matched.
 */
export function matchesAnyDigest(candidate: string | undefined, digests: readonly Buffer[]): boolean {
  if (candidate === undefined) return false;
  const digest = secretDigest(candidate);
  let matched = false;
  for (const expected of digests) matched = timingSafeEqual(digest, expected) || matched;
  return matched;
}

/**
 * Splits a raw URL path ("/a/b%20c") into percent-decoded segments (["a", "b c"]); undefined if it
 * is malformed: an empty segment (a trailing slash, "//") or a bad percent-escape.
 */
export function decodePathSegments(rawPath: string): string[] | undefined {
  const segments = rawPath.split("/").slice(1);
  if (segments.some((segment) => segment.length === 0)) return undefined;
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

/**
 * The percent-decoded segments of a raw URL path that follow `prefix` (e.g. ["api", "v2"]), or
 * undefined if the path is malformed (see `decodePathSegments`) or not under `prefix`.
 * silent, for every emulator: paths are case-sensitive, and empty segments (a trailing slash, "//")
 * match nothing.
 */
export function pathSegmentsUnder(rawPath: string, prefix: readonly string[]): string[] | undefined {
  const segments = decodePathSegments(rawPath);
  if (segments === undefined || prefix.some((segment, i) => segments[i] !== segment)) return undefined;
  return segments.slice(prefix.length);
}

/** The file's text, or undefined if it does not exist; other read errors are thrown. */
export function readFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Writes a temporary file next to the target and renames it over, so readers never see half a
 * file. The file is created with mode 0600: emulator state may hold bot tokens.
 */
export function writeFileAtomically(file: string, content: string): void {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    // A first run's state file may live in a directory nobody has made yet.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, content, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
