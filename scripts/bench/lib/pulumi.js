// Runs Pulumi for the benchmark through the Automation API of @pulumi/pulumi (LocalWorkspace and
// Stack, public API only) on the `pulumi` CLI on PATH (scripts/with-toolchain.sh's): a temporary
// file backend and a generated passphrase (as test/e2e/pulumi-cli.ts does), asynchronously (the
// sandboxes answer from this very process), timed: wall time, CPU time of the whole process tree
// (the kernel's count of this process's waited-for children, exact to 10 ms) and per role, and the
// peak memory of the dynamic-provider process (lib/processes.js).
"use strict";
/* global AbortController -- Node's (the Automation API takes an AbortSignal) */
const { CommandError, LocalWorkspace, PulumiCommand, Stack } = require("@pulumi/pulumi/automation");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ProcessSampler, childrenCpuMs, signalDescendants } = require("./processes");

/** A command that failed where the harness expected success: the benchmark itself is broken. */
class HarnessError extends Error {}

/**
 * The user's own Pulumi account and passphrase file, which must not reach the CLI. LocalWorkspace
 * lays its envVars over this process's environment (execa's extendEnv), so leaving them out is not
 * enough: each is passed as undefined, which Node's spawn leaves out of the child's environment.
 */
const USER_SETTINGS = ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE"];

const HOUR_MS = 60 * 60 * 1000;
/** After a command's time limit, how long pulumi has to cancel (SIGINT) before it is killed. */
const CANCEL_GRACE_MS = 30 * 1000;

let cli;

/**
 * The `pulumi` on PATH, found once (PulumiCommand.get runs `pulumi version`, with this process's
 * environment as it is: that command reads neither account nor passphrase). Every workspace uses
 * it, so none looks for another CLI.
 */
function pulumiCli() {
  cli ??= PulumiCommand.get().catch((err) => {
    cli = undefined;
    throw new HarnessError(
      `the pulumi CLI could not be run: run the benchmark with \`npm run bench\` (scripts/with-toolchain.sh)\n${err.message}`,
    );
  });
  return cli;
}

/**
 * A temporary directory for Pulumi: a file backend and PULUMI_HOME there, a generated passphrase;
 * nothing of the user's own Pulumi setup (account, passphrase file, plugins) takes part, and
 * nothing is downloaded (the only plugins are the ones on PATH). `envVars` and `pulumiHome` are
 * LocalWorkspace's options.
 */
function pulumiWorkspace(prefix = "chatbots-bench-") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, "state"));
  const envVars = {
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...Object.fromEntries(USER_SETTINGS.map((name) => [name, undefined])),
  };
  return {
    dir,
    envVars,
    pulumiHome: path.join(dir, "home"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const tail = (text) => text.split("\n").slice(-40).join("\n");

/**
 * A stack of a bench project in the workspace `ws` (pulumiWorkspace), its variables `extraEnv`
 * added. `init` creates it with plain config values; `up`, `preview`, `refresh` and `destroy` run
 * the timed operations; `remove` deletes it and its config file from the project directory.
 *
 * An operation takes the Automation API's options (parallel, expectNoChanges, continueOnError...)
 * and: `allowFailure` (else a failure rejects with a HarnessError holding the output), `extraEnv`
 * (variables for this operation only), `events` (collect the engine events; a preview always
 * does), `sample` (false: no /proc sampling beside the command), `timeoutMs` (then it is cancelled,
 * and killed after CANCEL_GRACE_MS). It resolves {ok, stdout, stderr, ms, cpuMs, cpuMsByRole,
 * providerPeakRss, events}: the output as the CLI wrote it, and the figures of the operation's own
 * command only (not of the commands the Automation API runs after it for its result).
 */
function benchStack(ws, projectDir, name, extraEnv = {}) {
  const baseEnv = { ...ws.envVars, ...extraEnv };
  let workspace;
  let stack;
  /** Called at the end of each CLI command the workspace runs (see `timed`). */
  let commandEnded = () => {};

  async function openWorkspace() {
    workspace ??= await LocalWorkspace.create({
      workDir: projectDir,
      pulumiHome: ws.pulumiHome,
      envVars: baseEnv,
      pulumiCommand: await pulumiCli(),
    });
    // The Workspace's hook "executed after every command": a successful operation's own command
    // is the first the Stack runs, and then it runs others for its result (outputs, history).
    workspace.postCommandCallback = async () => commandEnded();
    return workspace;
  }

  /** Runs `run(callbacks)` (an operation of the stack), timed. */
  async function timed(describe, run, { allowFailure, sample, timeoutMs }) {
    const stdout = [];
    const stderr = [];
    const abort = new AbortController();
    let stopped = false;
    let killer;
    const limit = setTimeout(() => {
      stopped = true;
      abort.abort();
      // The command's processes are the only descendants of this process (lib/processes.js).
      killer = setTimeout(() => signalDescendants(process.pid, "SIGKILL"), CANCEL_GRACE_MS);
    }, timeoutMs);
    const sampler = sample ? new ProcessSampler(process.pid) : undefined;
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    let figures;
    commandEnded = () => {
      figures ??= {
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        cpuMs: Math.round(childrenCpuMs() - cpuBefore),
        ...(sampler ? sampler.stop() : { cpuMsByRole: {}, providerPeakRss: 0 }),
      };
    };
    let ok = true;
    let error;
    try {
      await run({ onOutput: (t) => stdout.push(t), onError: (t) => stderr.push(t), signal: abort.signal });
    } catch (err) {
      // Anything but the failure of the operation's own command (not of one run after it for the
      // result) is the harness's.
      if (!(err instanceof CommandError) || figures) throw err;
      ok = false;
      error = err;
    } finally {
      // After a failed command the Stack runs nothing more: it ended just now.
      commandEnded();
      commandEnded = () => {};
      clearTimeout(limit);
      clearTimeout(killer);
    }
    const result = { ok, stdout: stdout.join(""), stderr: stderr.join(""), ...figures };
    if (stopped) result.stderr += `\n(the benchmark stopped it after ${timeoutMs / 1000} s)\n`;
    // Nothing streamed (the CLI did not start): the error says why.
    if (!ok && result.stdout === "" && result.stderr === "") result.stderr = error.message;
    if (!ok && !allowFailure) {
      throw new HarnessError(
        `pulumi ${describe} of stack ${name} (in ${path.relative(process.cwd(), projectDir)}) failed\n` +
          `${tail(result.stdout)}\n${tail(result.stderr)}`,
      );
    }
    return result;
  }

  /** A timed operation of the Automation API's Stack (`kind`: up, preview, refresh or destroy). */
  function operation(kind) {
    return async ({
      allowFailure = false,
      extraEnv: more = {},
      events: collect = kind === "preview",
      sample = true,
      timeoutMs = HOUR_MS,
      ...options
    } = {}) => {
      if (!stack) throw new HarnessError(`stack ${name}: ${kind} before init`);
      workspace.envVars = { ...baseEnv, ...more };
      const events = [];
      const result = await timed(
        kind,
        (callbacks) =>
          stack[kind]({
            color: "never",
            ...options,
            ...callbacks,
            ...(collect && { onEvent: (event) => events.push(event) }),
          }),
        { allowFailure, sample, timeoutMs },
      );
      return { ...result, events };
    };
  }

  const toConfig = (config) =>
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: String(v) }]));

  return {
    name,
    /** Creates the stack (`pulumi stack init`) and sets `config` (plain values). */
    async init(config = {}) {
      stack = await Stack.create(name, await openWorkspace());
      if (Object.keys(config).length > 0) await stack.setAllConfig(toConfig(config));
    },
    /** Sets plain config values. */
    async setConfig(config) {
      await stack.setAllConfig(toConfig(config));
    },
    up: operation("up"),
    preview: operation("preview"),
    refresh: operation("refresh"),
    destroy: operation("destroy"),
    /** `pulumi stack export` (the Automation API's shows secrets in plain text). */
    exportState: () => stack.exportStack(),
    async remove() {
      if (workspace) {
        workspace.envVars = baseEnv;
        // Not there when init failed.
        await workspace.removeStack(name, { force: true }).catch(() => {});
      }
      fs.rmSync(path.join(projectDir, `Pulumi.${name}.yaml`), { force: true });
    },
  };
}

/** The resource steps of a preview's engine events that are not "same" (the stack's own excluded). */
function changedSteps(events) {
  return events
    .map((e) => e.resourcePreEvent?.metadata)
    .filter((step) => step && !step.urn.includes("pulumi:pulumi:Stack") && step.op !== "same");
}

module.exports = { pulumiWorkspace, benchStack, changedSteps, HarnessError };
