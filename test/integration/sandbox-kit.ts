/**
 * Test plumbing shared by the sandbox integration tests: waiting and timing, a fetch client, the
 * record of every secret a test made and of every place one must never show, state-file
 * directories, the command line, and checks the sandboxes have in common.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { Readable } from "node:stream";
import * as ts from "typescript";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Runs `call` and says how long it took. */
export async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await call();
  return { result, ms: Date.now() - started };
}

/**
 * Sends `count` calls at once. `windows` is the number of one-second rate-limit windows the burst
 * touched, so at most limit × windows of the calls can have been let through.
 */
export async function burst<T>(
  count: number,
  call: () => Promise<T>,
): Promise<{ answers: T[]; windows: number }> {
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: count }, () => call()));
  const windows = Math.floor(Date.now() / 1000) - Math.floor(started / 1000) + 1;
  return { answers, windows };
}

// ---- a fetch client -----------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON, otherwise undefined. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const isJson =
    (response.headers.get("content-type") ?? "").startsWith("application/json") && text.length > 0;
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    text,
    body: isJson ? JSON.parse(text) : undefined,
  };
}

export interface RequestOptions {
  /** Serialised as JSON with Content-Type application/json. */
  json?: unknown;
  /** Sent as is, with `contentType` (if any); fetch gives a string (not bytes) "text/plain" by default. */
  raw?: string | Uint8Array;
  contentType?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Puts a client's credential on a request: in its URL or its headers. */
export type Authorize = (url: URL, headers: Record<string, string>) => void;

/** Sends the key as the query parameter `name` (undefined: no parameter). */
export const queryKey =
  (name: string, key: string | undefined): Authorize =>
  (url) => {
    if (key !== undefined) url.searchParams.set(name, key);
  };

/**
 * A fetch client for one base URL and credential. Never throws on status; every answer is also
 * appended to `answers`, if given (e.g. `LeakWatch.answers`).
 */
export class FetchClient {
  constructor(
    readonly baseUrl: string,
    private readonly authorize: Authorize,
    private readonly answers?: Answer[],
  ) {}

  async request(method: string, urlPath: string, init: RequestOptions = {}): Promise<Answer> {
    const url = new URL(this.baseUrl + urlPath);
    const headers: Record<string, string> = { ...init.headers };
    this.authorize(url, headers);
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
    let body: string | Uint8Array | undefined;
    if (init.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.raw !== undefined) {
      if (init.contentType !== undefined) headers["Content-Type"] = init.contentType;
      body = init.raw;
    }
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const answer = await answerOf(response);
    this.answers?.push(answer);
    return answer;
  }

  get = (urlPath: string, query?: Record<string, string>) => this.request("GET", urlPath, { query });
  post = (urlPath: string, json?: unknown) => this.request("POST", urlPath, { json });
  put = (urlPath: string, json: unknown) => this.request("PUT", urlPath, { json });
  patch = (urlPath: string, json: unknown) => this.request("PATCH", urlPath, { json });
  delete = (urlPath: string) => this.request("DELETE", urlPath);
}

/** A fetch client with one bearer token (undefined: no Authorization header). */
export class BearerClient extends FetchClient {
  constructor(
    baseUrl: string,
    readonly token: string | undefined,
    answers?: Answer[],
  ) {
    super(
      baseUrl,
      (_, headers) => {
        if (token !== undefined) headers.Authorization = `Bearer ${token}`;
      },
      answers,
    );
  }
}

// ---- secrets and where they must never show -----------------------------------------------------

/** 24 random bytes in hexadecimal, after `prefix`. */
export const randomSecret = (prefix = "") => `${prefix}${randomBytes(24).toString("hex")}`;

/**
 * Every secret a test made or received, and every place one must never show: the answers
 * received, the request logs of the sandboxes watched and the files watched.
 */
export class LeakWatch {
  readonly answers: Answer[] = [];
  private readonly sandboxes: Array<{ readonly requests: ReadonlyArray<unknown> }> = [];
  private readonly files: string[] = [];

  constructor(readonly secrets: string[] = []) {}

  /** Records a secret (an empty or undefined one is ignored) and returns it. */
  remember = <T extends string | undefined>(secret: T): T => {
    if (secret !== undefined && secret.length > 0) this.secrets.push(secret);
    return secret;
  };

  /** A new random secret (see `randomSecret`), recorded. */
  newSecret = (prefix = ""): string => this.remember(randomSecret(prefix));

  /** Watches the sandbox's request log and returns the sandbox. */
  watch<S extends { readonly requests: ReadonlyArray<unknown> }>(sandbox: S): S {
    this.sandboxes.push(sandbox);
    return sandbox;
  }

  /** Watches the file (if it still exists at the check) and returns its path. */
  watchFile(file: string): string {
    this.files.push(file);
    return file;
  }

  /** Expects no recorded secret in any answer, watched request log or watched file. */
  expectNoLeaks(): void {
    const answers = JSON.stringify(this.answers);
    const logs = JSON.stringify(this.sandboxes.map((sandbox) => sandbox.requests));
    const files = this.files
      .filter((file) => fs.existsSync(file))
      .map((file) => fs.readFileSync(file, "utf8"));
    for (const secret of this.secrets) {
      expect(answers).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const file of files) expect(file).not.toContain(secret);
    }
  }
}

// ---- state files --------------------------------------------------------------------------------

/** A file's permission bits, e.g. 0o600. */
export const fileMode = (file: string) => fs.statSync(file).mode & 0o777;

/**
 * A fresh temporary directory for each test of the enclosing describe block, removed after the
 * test, and the path of a state file in it (not created).
 */
export function useStateDirectory(): { readonly directory: string; readonly stateFile: string } {
  let directory = "";
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-state-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));
  return {
    get directory() {
      return directory;
    },
    get stateFile() {
      return path.join(directory, "state.json");
    },
  };
}

/**
 * Expects `start` to refuse (naming the "state file") a state file holding JSON that is no state,
 * one holding no JSON at all, and one with each of `malformed` (e.g. a state with a broken entry).
 */
export async function expectUnreadableStateFilesRefused(
  stateFile: string,
  start: (stateFile: string) => Promise<unknown>,
  ...malformed: string[]
): Promise<void> {
  for (const content of ['{"something": "else"}', "not json", ...malformed]) {
    fs.writeFileSync(stateFile, content);
    await expect(start(stateFile)).rejects.toThrow(/state file/);
  }
}

// ---- the command line ---------------------------------------------------------------------------

export interface CliRun {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** The exit code. */
  exited: Promise<number | null>;
  /** The first line printed on stdout; rejects if the process exits before printing one. */
  firstLine: Promise<string>;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
}

/**
 * The real sandbox sources (only those, so other work in progress cannot break them) transpiled
 * into a temporary directory for the enclosing describe block, to run as node scripts:
 * `directory` is set once beforeAll has run.
 */
export function useSandboxBuild(): { directory: string } {
  const build = { directory: "" };
  beforeAll(() => {
    build.directory = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-cli-"));
    const sourceDirectory = path.join(__dirname, "..", "..", "sandbox");
    const sources = fs.readdirSync(sourceDirectory, { recursive: true, encoding: "utf8" });
    for (const file of sources.filter((name) => name.endsWith(".ts"))) {
      const source = fs.readFileSync(path.join(sourceDirectory, file), "utf8");
      fs.mkdirSync(path.dirname(path.join(build.directory, file)), { recursive: true });
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
        fileName: file,
      });
      fs.writeFileSync(path.join(build.directory, file.replace(/\.ts$/, ".js")), outputText);
    }
  });
  afterAll(() => fs.rmSync(build.directory, { recursive: true, force: true }));
  return build;
}

/**
 * The sandbox command line for the enclosing describe block, from `useSandboxBuild`. Returns a
 * function that starts it with `args`, in this process's environment changed by `baseEnv` and then
 * `env` (an undefined value removes a variable).
 */
export function useSandboxCli(
  baseEnv: Record<string, string | undefined>,
): (args: string[], env: Record<string, string | undefined>) => CliRun {
  const build = useSandboxBuild();

  return (args, env) => {
    const child = spawn(process.execPath, [path.join(build.directory, "cli.js"), ...args], {
      env: { ...process.env, ...baseEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const firstLine = new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const newline = stdout.indexOf("\n");
        if (newline >= 0) resolve(stdout.slice(0, newline));
      });
      child.on("exit", () => reject(new Error(`CLI exited before printing a line; stderr: ${stderr}`)));
    });
    firstLine.catch(() => undefined); // runs that are expected to fail never await the line
    return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
  };
}

/** Expects the run to exit with `code`, having printed nothing on stdout and each `stderrParts` on stderr. */
export async function expectCliExit(run: CliRun, code: number, ...stderrParts: string[]): Promise<void> {
  expect(await run.exited).toBe(code);
  const { stdout, stderr } = run.output();
  expect(stdout).toBe("");
  for (const part of stderrParts) expect(stderr).toContain(part);
}

// ---- checks every sandbox passes ----------------------------------------------------------------

/**
 * For a sandbox started with a latency: an API call (answering 200) takes at least `slowMs`, a
 * control call (answering 200) less than `fastMs`; after `setLatency(0)` an API call takes less
 * than `fastMs` too; a negative latency is refused.
 */
export async function expectLatency(
  sandbox: { setLatency(ms: number): void },
  calls: { api: () => Promise<{ status: number }>; control: () => Promise<{ status: number }> },
  { slowMs, fastMs }: { slowMs: number; fastMs: number },
): Promise<void> {
  const slow = await timed(calls.api);
  expect(slow.result.status).toBe(200);
  expect(slow.ms).toBeGreaterThanOrEqual(slowMs);
  const control = await timed(calls.control);
  expect(control.result.status).toBe(200);
  expect(control.ms).toBeLessThan(fastMs);

  sandbox.setLatency(0);
  expect((await timed(calls.api)).ms).toBeLessThan(fastMs);
  expect(() => sandbox.setLatency(-1)).toThrow(/Latency/);
}

/** Expects the log to have grown by `count` API requests since it held `logged`, and no control request. */
export function expectLoggedSince(
  sandbox: { readonly requests: ReadonlyArray<{ path: string }> },
  logged: number,
  count: number,
): void {
  expect(sandbox.requests.length - logged).toBe(count);
  expect(sandbox.requests.every((request) => !request.path.startsWith("/__sandbox"))).toBe(true);
}

/** Expects the stock HTML page of a `foreign` fault with this status (e.g. 502: "502 Bad Gateway"). */
export function expectForeignPage(answer: Answer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toBe("text/html");
  expect(answer.text).toContain(`${status} ${http.STATUS_CODES[status]}`);
}

/**
 * Sends `count` calls at once to a sandbox that allows `perSecond` requests per second: at most
 * that many answer 200 per window the burst touched, every other call is refused with 429, and the
 * sandbox counted each refusal. Returns the refusals.
 */
export async function expectBurstLimited(
  sandbox: { rateLimited(): number },
  perSecond: number,
  count: number,
  call: () => Promise<Answer>,
): Promise<Answer[]> {
  const { answers, windows } = await burst(count, call);
  const allowed = answers.filter((answer) => answer.status === 200);
  const refused = answers.filter((answer) => answer.status === 429);
  expect(allowed.length).toBeLessThanOrEqual(perSecond * windows);
  expect(allowed.length + refused.length).toBe(count);
  expect(sandbox.rateLimited()).toBe(refused.length);
  return refused;
}

/**
 * For a sandbox limited to 0 requests per second: `call` is refused (and counted), then answered
 * once `setRateLimit(false)`; a `requestsPerSecond` that is not an integer >= 0 is refused.
 */
export async function expectZeroLimitLifted(
  sandbox: { rateLimited(): number; setRateLimit(rateLimit: { requestsPerSecond: number } | false): void },
  call: () => Promise<Answer>,
): Promise<void> {
  const refusedBefore = sandbox.rateLimited();
  expect((await call()).status).toBe(429); // a limit of 0 refuses every call
  expect(sandbox.rateLimited()).toBe(refusedBefore + 1);
  sandbox.setRateLimit(false);
  expect((await call()).status).toBe(200);
  expect(() => sandbox.setRateLimit({ requestsPerSecond: 1.5 })).toThrow(/requestsPerSecond/);
  expect(() => sandbox.setRateLimit({ requestsPerSecond: -1 })).toThrow(/requestsPerSecond/);
}
