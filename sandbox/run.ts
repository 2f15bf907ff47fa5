#!/usr/bin/env node
/**
 * The package's `pulumi-chatbots-sandbox` command: starts every platform's sandbox
 * (startLocalSandboxes, credentials and key pairs generated for the run), runs one command with the
 * provider's environment for them added to its own, stops the sandboxes when it ends and exits
 * with its exit code:
 *
 *   npx --no-install pulumi-chatbots-sandbox [--state-dir DIR] -- pulumi up
 *
 * The sandboxes answer from this process, so it stays alive (serving) until the command is done.
 * It prints the sandboxes' URLs to stderr (the command's stdout stays its own) and never a
 * credential: those reach the command through its environment only.
 *
 * Before starting anything it makes sure the state directory is writable (a sandbox that cannot
 * save a bot answers 500 after keeping it in memory, and the provider's retry then finds it: the
 * bot would be lost at the end of the run without a word) and takes the directory's lock file, so
 * two runs never share one directory (each would overwrite the other's state).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { constants } from "node:os";
import * as path from "node:path";
import type { PlatformSandbox } from "./descriptor";
import { startLocalSandboxes, type LocalSandboxes } from "./local";
import SANDBOX_PLATFORMS from "./platforms";

/** Where the sandboxes keep their bots by default, relative to the working directory. */
export const DEFAULT_STATE_DIR = ".pulumi-chatbots-sandbox";

/** The lock file in the state directory: it holds the process id of the run using the directory. */
export const LOCK_FILE = "pulumi-chatbots-sandbox.lock";

/** The vendors, as they write their names. */
const VENDORS = SANDBOX_PLATFORMS.map((platform) => platform.title).join(", ");

export const RUN_USAGE = `usage: pulumi-chatbots-sandbox [--state-dir DIR] -- <command> [arguments...]

Starts local sandboxes of the vendor APIs (${VENDORS})
with credentials generated for this run, runs <command> with the provider's environment
variables for them (API URLs and credentials, private keys included, made for the run) added
to its environment, stops the sandboxes when the command ends and exits with its exit code.
Example:

  npx --no-install pulumi-chatbots-sandbox -- pulumi up --yes

  --state-dir DIR   where the sandboxes keep their bots between runs, one JSON file per platform
                    (default ${DEFAULT_STATE_DIR} in the working directory). One run at a
                    time uses a directory: its lock file ${LOCK_FILE} holds
                    the run's process id
  -h, --help        this text

The stack must not set the platforms' credentials in its config (config wins over the environment).
The sandboxes' URLs are printed to stderr; the credentials are never printed.`;

/** Each sandbox's URLs, by vendor: "<Vendor> <url>" or "<Vendor> <url> (tokens <authUrl>)", joined by ", ". */
function whereTheyAre(local: LocalSandboxes): string {
  return SANDBOX_PLATFORMS.map((platform) => {
    const { url, authUrl }: PlatformSandbox = local[platform.module];
    return `${platform.title} ${url}${authUrl === undefined ? "" : ` (tokens ${authUrl})`}`;
  }).join(", ");
}

/** A command line this command does not accept: exit 2, with the usage. */
class UsageError extends Error {}
/** A run that cannot start (its state directory): exit 1, with the reason. */
class RunRefused extends Error {}

/** How many characters of an argument of the user's a message shows. */
const ARGUMENT_SHOWN = 40;

/**
 * An argument of the user's as a message shows it: quoted, escaped as in JSON, every other control,
 * format or separator character (but the space) as \uXXXX, and cut after ARGUMENT_SHOWN characters.
 * A terminal shows it as text and nothing else.
 */
function shownArgument(text: string): string {
  const chars = [...text];
  const cut = chars.length > ARGUMENT_SHOWN ? `${chars.slice(0, ARGUMENT_SHOWN).join("")}…` : text;
  return JSON.stringify(cut).replace(/(?! )[\p{C}\p{Z}]/gu, (ch) =>
    [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""),
  );
}

export interface RunArguments {
  stateDir: string;
  command: string;
  args: string[];
}

/** Parses the command line (without node and the script); "help" for --help. */
export function parseRunArguments(argv: string[], cwd: string): RunArguments | "help" {
  let stateDir = DEFAULT_STATE_DIR;
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === "--") {
      index++;
      break;
    }
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--state-dir" || arg.startsWith("--state-dir=")) {
      const value = arg === "--state-dir" ? argv[++index] : arg.slice("--state-dir=".length);
      if (value === undefined || value.length === 0) throw new UsageError("--state-dir needs a directory");
      // `--state-dir -- cmd` forgot the directory: "--" is not one. A directory whose name starts
      // with "-" is written ./-name.
      if (value.startsWith("-")) {
        throw new UsageError(
          "--state-dir needs a directory, not an option (a directory whose name starts with - is written ./-name)",
        );
      }
      stateDir = value;
      continue;
    }
    if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${shownArgument(arg)} before the command (options end at --)`);
    }
    break; // the command itself, without a --
  }
  const [command, ...args] = argv.slice(index);
  if (command === undefined) throw new UsageError("no command given: put it after --");
  return { stateDir: path.resolve(cwd, stateDir), command, args };
}

/** What the run needs from its process; tests pass their own. */
export interface RunEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where --help goes; everything else this command prints goes to stderr. */
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Where SIGINT, SIGTERM and SIGHUP arrive (the process). */
  signals: NodeJS.EventEmitter;
  /** Whether this process is attached to a terminal, whose Ctrl-C already reaches the command. */
  interactive: boolean;
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The error's code (EACCES, EROFS, ...), or its message if it has none. */
const reasonOf = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

/** Creates the state directory if needed and checks that a file can be written in it. */
function checkStateDir(stateDir: string): void {
  const probe = path.join(stateDir, `.write-check-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (error) {
    throw new RunRefused(
      `the state directory ${stateDir} is not writable (${reasonOf(error)}): the sandboxes keep their ` +
        `bots there; make it writable or choose another with --state-dir`,
    );
  }
}

/** The process id a lock file holds; undefined if it holds none (yet); "gone" if there is no file. */
function lockHolder(file: string): number | undefined | "gone" {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw error;
  }
  return /^[1-9][0-9]*\n?$/.test(text) ? Number(text) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks the process exists
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes the lock of `stalePid`, a process that no longer runs. The lock is moved aside first and
 * removed only if it is still that process's: another run may have taken it over in the meantime,
 * and its lock is put back.
 */
function removeStaleLock(file: string, stalePid: number): void {
  const aside = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // another run removed it
    throw error;
  }
  try {
    if (lockHolder(aside) !== stalePid) fs.linkSync(aside, file);
  } catch {
    // A third run has taken the directory in between: it holds the lock now.
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/**
 * Takes the state directory's lock file: created exclusively, holding this process's id. A lock
 * whose process no longer runs (a run that was killed) is taken over. Resolves to the function that
 * removes it.
 */
async function lockStateDir(stateDir: string, stderr: RunEnvironment["stderr"]): Promise<() => void> {
  const file = path.join(stateDir, LOCK_FILE);
  // A run that has just created the file may not have written its id yet: a moment's grace.
  for (let unwritten = 0; ;) {
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      try {
        fs.writeSync(fd, `${process.pid}\n`);
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        if (lockHolder(file) === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new RunRefused(`cannot create the lock file ${file} (${reasonOf(error)})`);
      }
    }
    const holder = lockHolder(file);
    if (holder === "gone") continue;
    if (holder === undefined) {
      if (++unwritten <= 20) {
        await sleep(50);
        continue;
      }
      throw new RunRefused(
        `the lock file ${file} holds no process id: if no other pulumi-chatbots-sandbox run is using ` +
          `${stateDir}, remove the file`,
      );
    }
    if (!isRunning(holder)) {
      stderr.write(
        `pulumi-chatbots-sandbox: taking over the lock file ${file} of process ${holder}, which no longer runs\n`,
      );
      removeStaleLock(file, holder);
      continue;
    }
    throw new RunRefused(
      `another run (process ${holder}) is using the state directory ${stateDir}: its lock file is ` +
        `${file}. Wait for that run to end, or give this one a state directory of its own with ` +
        `--state-dir. (If process ${holder} is not a pulumi-chatbots-sandbox run, remove the lock file.)`,
    );
  }
}

/** Runs the command line; resolves to the exit code. */
export async function runWithSandboxes(argv: string[], io: RunEnvironment): Promise<number> {
  let parsed: RunArguments | "help";
  try {
    parsed = parseRunArguments(argv, io.cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`pulumi-chatbots-sandbox: ${error.message}\n${RUN_USAGE}\n`);
    return 2;
  }
  if (parsed === "help") {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  const { stateDir, command, args } = parsed;

  // The signals are this run's from here on. One that arrives before the command has started
  // (while the sandboxes start, say) means the command is not started at all.
  let received: NodeJS.Signals | undefined;
  let forward: ((signal: NodeJS.Signals) => void) | undefined;
  const handlers = FORWARDED.map((signal) => {
    const handler = () => (forward ? forward(signal) : (received ??= signal));
    io.signals.on(signal, handler);
    return () => io.signals.off(signal, handler);
  });
  const stoppedEarly = (signal: NodeJS.Signals) => {
    io.stderr.write(`pulumi-chatbots-sandbox: ${signal} before the command started: not starting it\n`);
    return 128 + constants.signals[signal];
  };
  try {
    let unlock: () => void;
    try {
      checkStateDir(stateDir);
      unlock = await lockStateDir(stateDir, io.stderr);
    } catch (error) {
      if (!(error instanceof RunRefused)) throw error;
      io.stderr.write(`pulumi-chatbots-sandbox: ${error.message}\n`);
      return 1;
    }
    try {
      if (received) return stoppedEarly(received);
      const local = await startLocalSandboxes({ stateDir });
      try {
        if (received) return stoppedEarly(received);
        io.stderr.write(`pulumi-chatbots-sandbox: ${whereTheyAre(local)}; state in ${stateDir}\n`);
        return await new Promise<number>((resolve) => {
          const child = spawn(command, args, {
            cwd: io.cwd,
            env: { ...io.env, ...local.env },
            stdio: "inherit",
          });
          forward = (signal) => {
            // A terminal sends Ctrl-C to the whole foreground job, the command included: passing it
            // on as well would make a second one, which Pulumi takes as "stop now" instead of "cancel".
            if (signal === "SIGINT" && io.interactive) return;
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          };
          child.once("error", (error: NodeJS.ErrnoException) => {
            const reason =
              error.code === "ENOENT" ? "not found on PATH" : (error.code ?? "it could not start");
            io.stderr.write(`pulumi-chatbots-sandbox: cannot run the command ${command}: ${reason}\n`);
            resolve(error.code === "ENOENT" ? 127 : 126);
          });
          child.once("exit", (code, signal) => {
            // A shell's convention for a command ended by a signal: 128 + its number.
            resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
          });
        });
      } finally {
        await local.stop();
      }
    } finally {
      unlock();
    }
  } finally {
    handlers.forEach((remove) => remove());
  }
}

/**
 * Calls `gone` once the process that started this one has ended: this process is then re-parented,
 * so its parent's id changes. Checked every second; the check alone keeps nothing running.
 */
export function whenParentGone(gone: () => void, intervalMs = 1000): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, intervalMs);
  timer.unref();
}

if (require.main === module) {
  // npm exec (npx) exits at once on SIGTERM without passing it on, leaving this process and the
  // command running on their own: its ending is taken as the SIGTERM it did not pass on.
  whenParentGone(() => {
    process.stderr.write(
      "pulumi-chatbots-sandbox: the process that started it has ended: passing SIGTERM on to the command\n",
    );
    process.emit("SIGTERM", "SIGTERM");
  });
  runWithSandboxes(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signals: process,
    interactive: process.stdin.isTTY === true,
  }).then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stderr.write(
        `pulumi-chatbots-sandbox failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
