/**
 * Runs the real Pulumi CLI for e2e tests: a local file backend and a generated passphrase in a
 * temporary directory, nothing from the user's own Pulumi setup.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PulumiWorkspace {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs `pulumi <args>` in `cwd`; throws with the output unless the exit code is 0 (or `allowFailure`). */
  run(
    cwd: string,
    args: string[],
    opts?: { allowFailure?: boolean; env?: NodeJS.ProcessEnv },
  ): Promise<CliResult>;
  cleanup(): void;
}

export function pulumiWorkspace(extraEnv: NodeJS.ProcessEnv = {}): PulumiWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-e2e-"));
  fs.mkdirSync(path.join(dir, "state"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex"),
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Offline: the only plugins are the ones on PATH.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...extraEnv,
  };
  // The user's own Pulumi account or passphrase file must not leak into the test's stacks.
  delete env.PULUMI_ACCESS_TOKEN;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return {
    dir,
    env,
    run(cwd, args, opts = {}) {
      return new Promise((resolve, reject) => {
        execFile(
          "pulumi",
          [...args, "--non-interactive", "--color", "never"],
          { cwd, env: { ...env, ...opts.env }, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60 * 1000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT") {
              reject(new Error("the pulumi CLI is not on PATH: run the suite with `npm test`"));
            } else if (code !== 0 && !opts.allowFailure) {
              reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n${stdout}\n${stderr}`));
            } else {
              resolve({ code, stdout, stderr });
            }
          },
        );
      });
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes the stack's config file a test created inside a project directory. */
export function removeStackConfig(projectDir: string, stack: string): void {
  fs.rmSync(path.join(projectDir, `Pulumi.${stack}.yaml`), { force: true });
}

export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { inputs?: Record<string, unknown> };
  newState?: { inputs?: Record<string, unknown> };
  /** The inputs this step changes, sorted. */
  changed: string[];
}

/** The resource steps of `pulumi preview --json` output (not the stack's, not "same" ones). */
export function previewSteps(previewJson: string): PreviewStep[] {
  const steps: PreviewStep[] = JSON.parse(previewJson).steps ?? [];
  return steps
    .filter((s) => !s.urn.includes("pulumi:pulumi:Stack") && s.op !== "same")
    .map((s) => {
      const olds = s.oldState?.inputs ?? {};
      const news = s.newState?.inputs ?? {};
      const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
      const changed = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
      return { ...s, changed };
    });
}

export interface StateResource {
  type: string;
  urn: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

/** The resources of `pulumi stack export` output, of one type when given. */
export function stateResources(exportJson: string, type?: string): StateResource[] {
  const resources: StateResource[] = JSON.parse(exportJson).deployment.resources ?? [];
  return type === undefined ? resources : resources.filter((r) => r.type === type);
}

/** The engine's warning messages in `pulumi up --json` output. */
export function engineWarnings(upJson: string): string[] {
  return (
    upJson
      .split("\n")
      // One engine event per line; the summary after them is pretty-printed over many lines.
      .filter((line) => line.startsWith('{"'))
      .map((line) => JSON.parse(line).diagnosticEvent)
      .filter((d) => d?.severity === "warning")
      .map((d) => String(d.message))
  );
}
