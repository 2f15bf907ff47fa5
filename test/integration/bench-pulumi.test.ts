/**
 * The benchmark's Pulumi runner (scripts/bench/lib/pulumi.js), which drives the CLI on PATH through
 * the Automation API: keeps the user's Pulumi account and passphrase file out of the CLI's
 * environment; times an operation (its whole CPU time, at least what each role was seen using);
 * and turns an unexpected failure into a HarnessError that holds the CLI's output.
 * Needs the pulumi CLI on PATH (scripts/with-toolchain.sh, as `npm test` runs it).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

jest.setTimeout(10 * 60 * 1000);

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const BASELINE = path.join(REPO_ROOT, "scripts", "bench", "projects", "baseline");

interface Timed {
  ok: boolean;
  events: unknown[];
  stdout: string;
  stderr: string;
  ms: number;
  cpuMs: number;
  cpuMsByRole: Record<string, number>;
  providerPeakRss: number;
}
interface OperationOptions {
  allowFailure?: boolean;
  expectNoChanges?: boolean;
}
interface BenchStack {
  init(config?: Record<string, unknown>): Promise<void>;
  up(opts?: OperationOptions): Promise<Timed>;
  preview(opts?: OperationOptions): Promise<Timed>;
  destroy(opts?: OperationOptions): Promise<Timed>;
  remove(): Promise<void>;
}
interface Workspace {
  dir: string;
  cleanup(): void;
}
interface BenchLib {
  pulumiWorkspace(prefix?: string): Workspace;
  benchStack(ws: Workspace, projectDir: string, name: string, extraEnv?: NodeJS.ProcessEnv): BenchStack;
  changedSteps(events: unknown[]): { op: string; urn: string }[];
  HarnessError: new (message: string) => Error;
}
// A JavaScript module of the benchmark: no typings.
const bench: BenchLib = require(path.join(REPO_ROOT, "scripts", "bench", "lib", "pulumi.js"));

const stackName = () => `test-${randomBytes(3).toString("hex")}`;

let ws: Workspace;
let scratch: string;

beforeAll(() => {
  ws = bench.pulumiWorkspace("chatbots-bench-test-");
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-bench-project-"));
});

afterAll(() => {
  ws?.cleanup();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** A project whose program prints whether each of `names` is set in its environment (never a value). */
function envReportingProject(names: string[]): string {
  const project = path.join(scratch, "env-check");
  fs.mkdirSync(path.join(project, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(project, "node_modules", "@pulumi", "pulumi"),
    "dir",
  );
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: env-check\nruntime: nodejs\nmain: index.js\n");
  fs.writeFileSync(
    path.join(project, "index.js"),
    `for (const name of ${JSON.stringify(names)}) {
  console.log(name + (process.env[name] === undefined ? " unset" : " set"));
}
`,
  );
  return project;
}

test("the user's PULUMI_ACCESS_TOKEN and passphrase file in this process do not reach the CLI", async () => {
  const names = ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE"];
  const project = envReportingProject(names);
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  // Set after the workspace was made: the CLI's environment is this process's at each command.
  process.env.PULUMI_ACCESS_TOKEN = `pul-${randomBytes(20).toString("hex")}`;
  process.env.PULUMI_CONFIG_PASSPHRASE_FILE = path.join(scratch, "passphrase.txt");
  const stack = bench.benchStack(ws, project, stackName());
  try {
    await stack.init();
    // The program inherits the engine's environment (through the language host).
    const preview = await stack.preview();
    expect(preview.ok).toBe(true);
    expect(preview.stdout).toContain("PULUMI_ACCESS_TOKEN unset");
    expect(preview.stdout).toContain("PULUMI_CONFIG_PASSPHRASE_FILE unset");
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await stack.remove();
  }
});

test("an up of the baseline project: its whole CPU time, at least what each role was seen using; no changed steps after it", async () => {
  const stack = bench.benchStack(ws, BASELINE, stackName());
  try {
    await stack.init({ n: 1 });
    const up = await stack.up();
    expect(up.ok).toBe(true);
    expect(Object.keys(up.cpuMsByRole)).toEqual(
      expect.arrayContaining(["engine", "languageHost", "program", "provider"]),
    );
    expect(up.cpuMsByRole.engine).toBeGreaterThan(0);
    expect(up.providerPeakRss).toBeGreaterThan(0);
    const seen = Object.values(up.cpuMsByRole).reduce((a, b) => a + b, 0);
    expect(up.cpuMs).toBeGreaterThan(0);
    // Both count in 10 ms ticks; the whole is never less than the parts sampled (one tick of rounding).
    expect(up.cpuMs + 10).toBeGreaterThanOrEqual(seen);
    // Unchanged: the preview's steps are all "same" (the resource, its provider and the stack).
    const preview = await stack.preview();
    expect(preview.events.length).toBeGreaterThan(0);
    expect(bench.changedSteps(preview.events)).toEqual([]);
    await stack.destroy();
  } finally {
    await stack.remove();
  }
});

test("a failed operation: a HarnessError with the CLI's output, or its outcome when failure is allowed", async () => {
  const stack = bench.benchStack(ws, BASELINE, stackName());
  // A fresh stack: the preview proposes creates, which expectNoChanges makes a failure.
  const expected = "no changes were expected for preview but changes were proposed";
  try {
    await stack.init({ n: 1 });
    const allowed = await stack.preview({ expectNoChanges: true, allowFailure: true });
    expect(allowed.ok).toBe(false);
    expect(allowed.stderr).toContain(expected);
    // The output as the CLI wrote it, up to its summary.
    expect(allowed.stdout).toContain("Resources:\n    + 2 to create\n");
    // The preview's steps, from its engine events: the stack's own left out (its default provider's in).
    const steps = bench.changedSteps(allowed.events).map(({ op, urn }) => `${op} ${urn.split("::").pop()}`);
    expect(steps.sort()).toEqual(["create default", "create noop-0"]);

    const failure = await stack.preview({ expectNoChanges: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(bench.HarnessError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^pulumi preview of stack test-[0-9a-f]{6} \(in .*\) failed\n/);
    expect(message).toContain("+ 2 to create");
    expect(message).toContain(expected);
  } finally {
    await stack.remove();
  }
});
