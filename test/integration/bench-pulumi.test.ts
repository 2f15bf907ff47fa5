/**
 * The Pulumi runner of the benchmark and the e2e tests (scripts/lib/pulumi-automation.js), which
 * drives the CLI on PATH through the Automation API: keeps the user's Pulumi account and passphrase
 * file out of the CLI's environment; sets config (secret or not, never quoting a value when that
 * fails), reads outputs and state (as stored, and decrypted); times an operation (its whole CPU
 * time, at least what each role was seen using); and turns an unexpected failure into a
 * HarnessError that holds the CLI's output.
 * Needs the pulumi CLI on PATH (scripts/with-toolchain.sh, as `npm test` runs it).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// The JavaScript module the benchmark and the e2e tests share, typed by its .d.ts.
import * as bench from "../../scripts/lib/pulumi-automation";
import type { PulumiWorkspace } from "../../scripts/lib/pulumi-automation";

jest.setTimeout(10 * 60 * 1000);

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const BASELINE = path.join(REPO_ROOT, "scripts", "bench", "projects", "baseline");

const stackName = () => `test-${randomBytes(3).toString("hex")}`;

let ws: PulumiWorkspace;
let scratch: string;

beforeAll(() => {
  ws = bench.pulumiWorkspace("chatbots-bench-test-");
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-bench-project-"));
});

afterAll(() => {
  ws?.cleanup();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** A project `name` in the scratch directory whose program (index.js) is `program`. */
function scratchProject(name: string, program: string): string {
  const project = path.join(scratch, name);
  fs.mkdirSync(path.join(project, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(project, "node_modules", "@pulumi", "pulumi"),
    "dir",
  );
  fs.writeFileSync(path.join(project, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
  fs.writeFileSync(path.join(project, "index.js"), program);
  return project;
}

/** A project whose program prints whether each of `names` is set in its environment (never a value). */
function envReportingProject(names: string[]): string {
  return scratchProject(
    "env-check",
    `for (const name of ${JSON.stringify(names)}) {
  console.log(name + (process.env[name] === undefined ? " unset" : " set"));
}
`,
  );
}

test("the user's PULUMI_ACCESS_TOKEN and passphrase file in this process do not reach the CLI", async () => {
  const names = ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE"];
  const project = envReportingProject(names);
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  // Set after the workspace was made: the CLI's environment is this process's at each command.
  process.env.PULUMI_ACCESS_TOKEN = `pul-${randomBytes(20).toString("hex")}`;
  process.env.PULUMI_CONFIG_PASSPHRASE_FILE = path.join(scratch, "passphrase.txt");
  const stack = bench.pulumiStack(ws, project, stackName());
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
  const stack = bench.pulumiStack(ws, BASELINE, stackName());
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
  const stack = bench.pulumiStack(ws, BASELINE, stackName());
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

test("config, secret or not; outputs; the state as stored (encrypted) and exported (decrypted); a stack opened again", async () => {
  const project = scratchProject(
    "config-echo",
    `const pulumi = require("@pulumi/pulumi");
const config = new pulumi.Config();
exports.plain = config.require("plain");
exports.token = config.requireSecret("token");
// One resource besides the stack's own, which an unforced stack rm refuses to remove.
const kept = { async create() { return { id: "kept", outs: {} }; } };
new pulumi.dynamic.Resource(kept, "kept", {});
`,
  );
  const token = `-${randomBytes(16).toString("hex")}`; // a leading "-" is a value, not a flag
  const name = stackName();
  const stack = bench.pulumiStack(ws, project, name);
  try {
    await stack.init({ plain: "one", token: { value: token, secret: true } });
    expect((await stack.up()).ok).toBe(true);
    expect(await stack.outputs()).toEqual({
      plain: { value: "one", secret: false },
      token: { value: token, secret: true },
    });
    // Stored: the secret encrypted, the plain value as it is.
    const stored = stack.storedState();
    expect(stored).not.toContain(token.slice(1));
    expect(stored).toContain('"plain":"one"');
    expect(JSON.stringify(await stack.exportState())).toContain(token);

    // Another handle on the same stack: its config and state are the ones set above.
    const again = bench.pulumiStack(ws, project, name);
    await again.open();
    expect((await again.preview({ expectNoChanges: true })).ok).toBe(true);
    await again.setConfig({ plain: 2 });
    const steps = bench.changedSteps((await again.preview()).events);
    // Outputs only: the stack's own step is left out, and the default provider (which takes the
    // stack's config) is all that changes.
    expect(steps.map((s) => [s.op, s.urn.split("::").pop()])).toEqual([["update", "default"]]);
    expect((await again.up()).ok).toBe(true);
    expect((await stack.outputs()).plain).toEqual({ value: "2", secret: false });

    // A state imported back is the state (the stack's outputs come from it): as exported
    // (decrypted), or as stored (encrypted), which the import takes as it is.
    await stack.importState(await stack.exportState());
    expect((await stack.outputs()).token).toEqual({ value: token, secret: true });
    const deployment = stack.storedDeployment();
    expect(JSON.stringify(deployment)).not.toContain(token.slice(1));
    const root = deployment.deployment.resources.find(
      (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
    );
    root.outputs.plain = "edited";
    await stack.importState(deployment);
    expect(await stack.outputs()).toEqual({
      plain: { value: "edited", secret: false },
      token: { value: token, secret: true },
    });
    expect(stack.storedState()).not.toContain(token.slice(1));

    // A config command that fails names the keys, never the values it was given.
    const refused = await stack.setConfig({ "a:b:c": { value: token, secret: true } }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(refused).toBeInstanceOf(bench.HarnessError);
    expect(refused?.message).toContain("a:b:c");
    expect(refused?.message).not.toContain(token.slice(1));

    await stack.removeConfig("plain");
    const missing = await stack.preview({ allowFailure: true });
    expect(missing.ok).toBe(false);
    expect(missing.stdout + missing.stderr).toContain(
      "Missing required configuration variable 'config-echo:plain'",
    );
    // Unforced, removing a stack that holds resources fails as `pulumi stack rm` does.
    await expect(stack.remove({ force: false })).rejects.toThrow(/still has resources/);
    expect(fs.existsSync(path.join(project, `Pulumi.${name}.yaml`))).toBe(true);
    expect((await stack.destroy()).ok).toBe(true);
    await stack.remove({ force: false });
    expect(fs.existsSync(path.join(project, `Pulumi.${name}.yaml`))).toBe(false);
  } finally {
    await stack.remove();
  }
});
