// Usage: node local.js up|preview|refresh|destroy [pulumi arguments...]
//
// Runs `pulumi <command>` on this stack against local emulators of the four vendors' APIs (the
// sandboxes shipped in pulumi-chatbots/sandbox), so no vendor account is needed. They keep their bots
// in .sandbox-state/ between runs, so a second `up` finds what the first made. Credentials are
// generated for each run and reach the provider as environment variables only: never stored, never
// printed. Use a stack without vendor credentials in its config (config wins over the environment).
"use strict";
const { spawn } = require("child_process");
const path = require("path");
const { startLocalSandboxes } = require("pulumi-chatbots/sandbox");

const COMMANDS = ["up", "preview", "refresh", "destroy"];

async function main() {
  const [command, ...pulumiArgs] = process.argv.slice(2);
  if (!COMMANDS.includes(command)) {
    process.stderr.write(`usage: node local.js ${COMMANDS.join("|")} [pulumi arguments...]\n`);
    return 2;
  }
  const sandboxes = await startLocalSandboxes({ stateDir: path.join(__dirname, ".sandbox-state") });
  try {
    // Asynchronously: the sandboxes answer the provider from this very process.
    return await new Promise((resolve, reject) => {
      const child = spawn("pulumi", [command, ...pulumiArgs], {
        cwd: __dirname,
        stdio: "inherit",
        env: { ...process.env, ...sandboxes.env },
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await sandboxes.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`local run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
