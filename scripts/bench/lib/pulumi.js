// Runs the Pulumi CLI for the benchmark: a temporary file backend and a generated passphrase (as
// test/e2e/pulumi-cli.ts does), asynchronously (the sandboxes answer from this very process), timed:
// wall time, CPU time of the whole process tree (from the shell's `times`, exact) and per role, and
// the peak memory of the dynamic-provider process (lib/processes.js).
"use strict";
const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ProcessSampler, descendants, processTable } = require("./processes");

/**
 * Runs pulumi under bash, which then prints `times` on fd 3: the CPU time of every process of the
 * command that was waited for (the engine, its plugins, the program), on a shared machine a far
 * steadier figure than the wall time.
 */
const TIMED = 'pulumi "$@"; code=$?; times >&3; exit $code';

/** Milliseconds of user + system CPU of the children, from the second line of bash's `times`. */
function childCpuMs(timesOutput) {
  const line = timesOutput.trim().split("\n")[1] ?? "";
  const toMs = (text) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(text ?? "");
    return m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 : NaN;
  };
  const [user, system] = line.trim().split(/\s+/).map(toMs);
  return Math.round(user + system);
}

/** A command that failed where the harness expected success: the benchmark itself is broken. */
class HarnessError extends Error {}

/**
 * A temporary directory and the environment for the Pulumi CLI in it: a file backend there and a
 * generated passphrase; nothing of the user's own Pulumi setup (account, passphrase file, plugins)
 * takes part, and nothing is downloaded (the only plugins are the ones on PATH).
 */
function isolatedPulumi(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "state"));
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex"),
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  delete env.PULUMI_ACCESS_TOKEN;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  return { dir, env };
}

/** A Pulumi workspace in a temporary directory (see isolatedPulumi), its commands timed. */
function pulumiWorkspace() {
  const { dir, env } = isolatedPulumi("chatbots-bench-");

  /**
   * Runs `pulumi <args>` in `cwd` with `extraEnv` added. Resolves {code, stdout, stderr, ms, cpuMs,
   * cpuMsByRole, providerPeakRss}; rejects with a HarnessError on a non-zero exit unless `allowFailure`.
   */
  function run(cwd, args, { extraEnv = {}, allowFailure = false, timeoutMs = 60 * 60 * 1000 } = {}) {
    const fullArgs = [...args, "--non-interactive", "--color", "never"];
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn("bash", ["-c", TIMED, "pulumi", ...fullArgs], {
        cwd,
        env: { ...env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe", "pipe"],
      });
      const sampler = new ProcessSampler(child.pid);
      const out = [];
      const err = [];
      const times = [];
      child.stdout.on("data", (chunk) => out.push(chunk));
      child.stderr.on("data", (chunk) => err.push(chunk));
      child.stdio[3].on("data", (chunk) => times.push(chunk));
      // bash waits for pulumi before acting on a signal: stop pulumi itself.
      const timer = setTimeout(() => {
        for (const pid of descendants(child.pid, processTable())) {
          try {
            process.kill(pid, "SIGTERM");
          } catch {
            // Already gone.
          }
        }
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        sampler.stop();
        reject(
          error.code === "ENOENT"
            ? new HarnessError("the pulumi CLI is not on PATH: run the benchmark with `npm run bench`")
            : error,
        );
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const { providerPeakRss, cpuMsByRole } = sampler.stop();
        const result = {
          code: code ?? (signal ? 1 : 0),
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
          ms,
          cpuMs: childCpuMs(Buffer.concat(times).toString("utf8")),
          cpuMsByRole,
          providerPeakRss,
        };
        if (result.code !== 0 && !allowFailure) {
          const tail = (text) => text.split("\n").slice(-40).join("\n");
          reject(
            new HarnessError(
              `pulumi ${args.join(" ")} (in ${path.relative(process.cwd(), cwd)}) exited ${result.code}\n` +
                `${tail(result.stdout)}\n${tail(result.stderr)}`,
            ),
          );
        } else {
          resolve(result);
        }
      });
    });
  }

  return {
    dir,
    run,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A stack of a bench project: `init` creates it with plain config values, the other methods run
 * the timed operations, `remove` deletes it and its config file from the project directory.
 */
function benchStack(ws, projectDir, name, extraEnv) {
  const onStack = (args, opts = {}) => ws.run(projectDir, [...args, "--stack", name], { extraEnv, ...opts });
  return {
    name,
    async init(config) {
      await ws.run(projectDir, ["stack", "init", name]);
      const pairs = Object.entries(config).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]);
      if (pairs.length > 0) await onStack(["config", "set-all", ...pairs]);
    },
    up: (flags = [], opts) => onStack(["up", "--yes", "--skip-preview", ...flags], opts),
    preview: (opts) => onStack(["preview", "--json"], opts),
    refresh: (opts) => onStack(["refresh", "--yes", "--skip-preview"], opts),
    destroy: (opts) => onStack(["destroy", "--yes", "--skip-preview"], opts),
    async exportState() {
      return JSON.parse((await onStack(["stack", "export"])).stdout);
    },
    async remove() {
      await ws.run(projectDir, ["stack", "rm", "--yes", "--force", "--stack", name], { allowFailure: true });
      fs.rmSync(path.join(projectDir, `Pulumi.${name}.yaml`), { force: true });
    },
  };
}

/** The resource steps of `pulumi preview --json` that are not "same" (the stack's own excluded). */
function changedSteps(previewJson) {
  const steps = JSON.parse(previewJson).steps ?? [];
  return steps.filter((s) => !s.urn.includes("pulumi:pulumi:Stack") && s.op !== "same");
}

module.exports = { isolatedPulumi, pulumiWorkspace, benchStack, changedSteps, HarnessError };
