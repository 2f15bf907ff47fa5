#!/usr/bin/env node
/**
 * The package's `pulumi-chatbots-sandbox` command: starts all four sandboxes (startLocalSandboxes,
 * credentials and a LINE WORKS key pair generated for the run), runs one command with the
 * provider's environment for them added to its own, stops the sandboxes when it ends and exits
 * with its exit code:
 *
 *   npx pulumi-chatbots-sandbox [--state-dir DIR] -- pulumi up
 *
 * The sandboxes answer from this process, so it stays alive (serving) until the command is done.
 * It prints the sandboxes' URLs to stderr (the command's stdout stays its own) and never a
 * credential: those reach the command through its environment only.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import * as path from "node:path";
import { startLocalSandboxes } from "./local";

/** Where the sandboxes keep their bots by default, relative to the working directory. */
export const DEFAULT_STATE_DIR = ".pulumi-chatbots-sandbox";

export const RUN_USAGE = `usage: pulumi-chatbots-sandbox [--state-dir DIR] -- <command> [arguments...]

Starts local sandboxes of the four vendor APIs (Sendbird, DeadSimpleChat, LINE WORKS, Whats91) with
credentials generated for this run, runs <command> with the provider's environment variables for
them (API URLs, credentials, a LINE WORKS private key made for the run) added to its environment,
stops the sandboxes when the command ends and exits with its exit code. Example:

  npx pulumi-chatbots-sandbox -- pulumi up --yes

  --state-dir DIR   where the sandboxes keep their bots between runs, one JSON file per platform
                    (default ${DEFAULT_STATE_DIR} in the working directory)
  -h, --help        this text

The stack must not set the platforms' credentials in its config (config wins over the environment).
The sandboxes' URLs are printed to stderr; the credentials are never printed.`;

class UsageError extends Error {}

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
      stateDir = value;
      continue;
    }
    if (arg.startsWith("-")) throw new UsageError("unknown option before the command (options end at --)");
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

  const local = await startLocalSandboxes({ stateDir });
  try {
    io.stderr.write(
      `pulumi-chatbots-sandbox: Sendbird ${local.sendbird.url}, DeadSimpleChat ${local.deadsimplechat.url}, ` +
        `LINE WORKS ${local.lineworks.url} (tokens ${local.lineworks.authUrl}), Whats91 ${local.whats91.url}; ` +
        `state in ${stateDir}\n`,
    );
    return await new Promise<number>((resolve) => {
      const child = spawn(command, args, {
        cwd: io.cwd,
        env: { ...io.env, ...local.env },
        stdio: "inherit",
      });
      const forward = (signal: NodeJS.Signals) => {
        // A terminal sends Ctrl-C to the whole foreground job, the command included: passing it on
        // as well would make a second one, which Pulumi takes as "stop now" instead of "cancel".
        if (signal === "SIGINT" && io.interactive) return;
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      const handlers = FORWARDED.map((signal) => {
        const handler = () => forward(signal);
        io.signals.on(signal, handler);
        return () => io.signals.off(signal, handler);
      });
      const done = (code: number) => {
        handlers.forEach((remove) => remove());
        resolve(code);
      };
      child.once("error", (error: NodeJS.ErrnoException) => {
        const reason = error.code === "ENOENT" ? "not found on PATH" : (error.code ?? "it could not start");
        io.stderr.write(`pulumi-chatbots-sandbox: cannot run the command ${command}: ${reason}\n`);
        done(error.code === "ENOENT" ? 127 : 126);
      });
      child.once("exit", (code, signal) => {
        // A shell's convention for a command ended by a signal: 128 + its number.
        done(code ?? 128 + (signal ? constants.signals[signal] : 0));
      });
    });
  } finally {
    await local.stop();
  }
}

if (require.main === module) {
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
