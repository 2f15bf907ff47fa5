// Runs Pulumi through the Automation API of @pulumi/pulumi (LocalWorkspace and Stack, public API
// only) on the `pulumi` CLI on PATH (scripts/with-toolchain.sh's), for the e2e tests and the
// benchmark alike: a temporary file backend and a generated passphrase, nothing of the user's own
// Pulumi setup; asynchronously (the sandboxes answer from this very process); each operation timed:
// wall time, CPU time of the whole process tree (the kernel's count of this process's waited-for
// children, exact to 10 ms) and per role, and the peak memory of the dynamic-provider process
// (./processes.js). Types for TypeScript callers: ./pulumi-automation.d.ts.
"use strict";
/* global AbortController -- Node's (the Automation API takes an AbortSignal) */
const { CommandError, LocalWorkspace, PulumiCommand, Stack } = require("@pulumi/pulumi/automation");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { ProcessSampler, childrenCpuMs, signalDescendants } = require("./processes");

/** A command that failed where the caller expected success (a broken benchmark, a failed test step). */
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
      "the pulumi CLI could not be run: run this through scripts/with-toolchain.sh " +
        `(\`npm test\`, \`npm run bench\`)\n${err.message}`,
    );
  });
  return cli;
}

/**
 * A temporary directory for Pulumi: a file backend (`stateDir`) and PULUMI_HOME there, a generated
 * passphrase; nothing of the user's own Pulumi setup (account, passphrase file, plugins) takes part,
 * and nothing is downloaded (the only plugins are the ones on PATH). `envVars` and `pulumiHome` are
 * LocalWorkspace's options.
 */
function pulumiWorkspace(prefix = "chatbots-pulumi-") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const stateDir = path.join(dir, "state");
  fs.mkdirSync(stateDir);
  const envVars = {
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    ...Object.fromEntries(USER_SETTINGS.map((name) => [name, undefined])),
  };
  return {
    dir,
    stateDir,
    envVars,
    pulumiHome: path.join(dir, "home"),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const tail = (text) => text.split("\n").slice(-40).join("\n");

/** A config value for the Automation API: a plain string, or {value, secret}. */
const configValue = (v) =>
  v !== null && typeof v === "object"
    ? { value: String(v.value), secret: Boolean(v.secret) }
    : { value: String(v) };
const toConfig = (config) => Object.fromEntries(Object.entries(config).map(([k, v]) => [k, configValue(v)]));

/**
 * A stack `name` of the project in `projectDir`, in the workspace `ws` (pulumiWorkspace), its
 * variables `extraEnv` added. `init` creates it (`open` selects one made before, by another
 * pulumiStack of the same workspace); `up`, `preview`, `refresh` and `destroy` run the timed
 * operations; `remove` deletes it and its config file from the project directory.
 *
 * An operation takes the Automation API's options (parallel, expectNoChanges, diff, refresh,
 * logToStdErr...) and: `allowFailure` (else a failure rejects with a HarnessError holding the
 * output), `extraEnv` (variables for this operation only), `events` (collect the engine events; a
 * preview always does), `sample` (false: no /proc sampling beside the command), `timeoutMs` (then it
 * is cancelled, and killed after CANCEL_GRACE_MS). It resolves {ok, cutOff, stdout, stderr, ms,
 * cpuMs, cpuMsByRole, providerPeakRss, events}: the output as the CLI wrote it, and the figures of
 * the operation's own command only (not of the commands the Automation API runs after it for its
 * result).
 */
function pulumiStack(ws, projectDir, name, extraEnv = {}) {
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

  /**
   * Runs `set` (a config command of `config`'s keys). Its failure's message would quote the command
   * line, secret values and all (`config set-all --secret key=value`): it names the keys instead.
   */
  async function configCommand(config, set) {
    try {
      await set();
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      throw new HarnessError(
        `pulumi config set-all of ${Object.keys(config).join(", ")} on stack ${name} failed ` +
          "(its output is not shown: it quotes the values)",
      );
    }
  }

  /** Sets config: each value a string or number (plain), or {value, secret}. */
  async function setConfig(config) {
    await configCommand(config, () => opened().setAllConfig(toConfig(config)));
  }

  function opened() {
    if (!stack) throw new HarnessError(`stack ${name}: used before init or open`);
    workspace.envVars = baseEnv;
    return stack;
  }

  /** Runs `run(callbacks)` (an operation of the stack), timed. */
  async function timed(describe, run, { allowFailure, sample, timeoutMs }) {
    const stdout = [];
    const stderr = [];
    const abort = new AbortController();
    let cutOff = false;
    let killer;
    const limit = setTimeout(() => {
      cutOff = true;
      abort.abort();
      // The command's processes are the only descendants of this process (./processes.js).
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
      // Cancelled: whatever of it still runs (a plugin that ignored the cancel) goes now.
      if (cutOff) signalDescendants(process.pid, "SIGKILL");
    }
    const result = { ok, cutOff, stdout: stdout.join(""), stderr: stderr.join(""), ...figures };
    if (cutOff) result.stderr += `\n(stopped after its time limit of ${timeoutMs / 1000} s)\n`;
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

  /**
   * A timed operation of the Automation API's Stack (`kind`: up, preview, refresh, destroy, or the
   * preview of a refresh or a destroy). The Automation API runs up, refresh and destroy without a
   * preview (--skip-preview): what fails in `pulumi refresh`'s or `destroy`'s preview, before
   * anything changes, fails in previewRefresh or previewDestroy; their operations, run without it,
   * act first (destroy deletes the unprotected resources before it stops at a protected one).
   */
  function operation(kind) {
    return async ({
      allowFailure = false,
      extraEnv: more = {},
      events: collect = kind.startsWith("preview"),
      sample = true,
      timeoutMs = HOUR_MS,
      ...options
    } = {}) => {
      opened();
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

  function storedState() {
    const stacks = path.join(ws.stateDir, ".pulumi", "stacks");
    const files = fs
      .readdirSync(stacks)
      .map((project) => path.join(stacks, project, `${name}.json`))
      .filter((file) => fs.existsSync(file));
    if (files.length !== 1) throw new HarnessError(`stack ${name}: ${files.length} state files in ${stacks}`);
    return fs.readFileSync(files[0], "utf8");
  }

  return {
    name,
    /** Creates the stack (`pulumi stack init`) and sets `config`. */
    async init(config = {}) {
      stack = await Stack.create(name, await openWorkspace());
      if (Object.keys(config).length > 0) await setConfig(config);
    },
    /** Selects the stack, made before (by another pulumiStack of the same workspace). */
    async open() {
      stack = await Stack.select(name, await openWorkspace());
    },
    setConfig,
    /** Removes config keys. */
    async removeConfig(...keys) {
      await opened().removeAllConfig(keys);
    },
    /** The stack's outputs: {name: {value, secret}}, secrets in plain text. */
    outputs: () => opened().outputs(),
    /** `pulumi stack export` (the Automation API's shows secrets in plain text). */
    exportState: () => opened().exportStack(),
    /**
     * `pulumi stack import` of a deployment as exportState or storedDeployment gives it. (The
     * Automation API writes it to a temporary file first: import a stored one, secrets encrypted.)
     */
    importState: (deployment) => opened().importStack(deployment),
    /** The stack's deployment as the file backend stores it (secrets encrypted), to edit and import. */
    storedDeployment() {
      return { version: 3, deployment: JSON.parse(storedState()).checkpoint.latest };
    },
    /**
     * The stack's state as the file backend stores it, secrets encrypted: the text a user's state
     * file or `pulumi stack export` (without --show-secrets) holds.
     */
    storedState,
    /**
     * `pulumi stack rm`, by default forced (the stack and its state go whatever it holds) and
     * quiet (a stack never made is no error); with `force: false` it fails as the CLI does on a
     * stack that still has resources. Its config file in the project directory goes too.
     */
    async remove({ force = true } = {}) {
      if (!force) {
        opened();
        await workspace.removeStack(name);
      } else if (workspace) {
        workspace.envVars = baseEnv;
        // Not there when init failed.
        await workspace.removeStack(name, { force: true }).catch(() => {});
      }
      fs.rmSync(path.join(projectDir, `Pulumi.${name}.yaml`), { force: true });
    },
    up: operation("up"),
    preview: operation("preview"),
    refresh: operation("refresh"),
    destroy: operation("destroy"),
    previewRefresh: operation("previewRefresh"),
    previewDestroy: operation("previewDestroy"),
  };
}

/** The resource steps of an operation's engine events that are not "same" (the stack's own excluded). */
function changedSteps(events) {
  return events
    .map((e) => e.resourcePreEvent?.metadata)
    .filter((step) => step && !step.urn.includes("pulumi:pulumi:Stack") && step.op !== "same");
}

/** The engine's diagnostics of `severity` ("warning", "error"...) among an operation's events. */
function diagnostics(events, severity) {
  return events
    .map((e) => e.diagnosticEvent)
    .filter((d) => d?.severity === severity)
    .map((d) => String(d.message));
}

module.exports = { pulumiWorkspace, pulumiStack, changedSteps, diagnostics, HarnessError };
