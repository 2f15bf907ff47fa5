#!/usr/bin/env node
// Usage (through scripts/with-toolchain.sh, as `npm run up` / `npm run preview` / `npm run destroy`,
// or `npm run pulumi -- <any pulumi arguments>`):
//   node scripts/local-stack.js up|preview|refresh|destroy [pulumi arguments...]
//   node scripts/local-stack.js <other pulumi command...>     e.g. stack output --show-secrets
//
// Runs the root stack (Pulumi.yaml: the program in examples/quickstart) against the local sandbox
// of every platform (sandbox/platforms.ts), with no vendor account and no Pulumi Cloud login.
// Everything local lives in .pulumi-local/ (git-ignored): the file backend, the stack config, the
// sandboxes' bots, and a generated passphrase that encrypts the stack's secrets, so a second run
// finds what the first made and `destroy` removes it. The sandboxes get fresh credentials each run;
// the provider reads them from the environment, so none is stored in the stack. A platform whose
// credential is in the stack config or the environment goes to the vendor's real API instead (see
// configuredCredential).
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
// Tests point this elsewhere so they never touch a developer's own local stack.
const localDir = process.env.PULUMI_CHATBOTS_LOCAL_DIR || path.join(root, ".pulumi-local");

/** The commands that run the program or the provider: they get the sandboxes and a fresh build. */
const DEPLOYING = ["up", "preview", "refresh", "destroy"];
/** The stack, unless the arguments name another (`--stack prod`, e.g. one on the real vendors). */
const DEFAULT_STACK = "dev";

/** The stack the pulumi arguments name, else DEFAULT_STACK. */
function stackNamed(args) {
  const flag = args.findIndex((arg) => arg === "--stack" || arg === "-s");
  if (flag >= 0 && args[flag + 1] !== undefined) return args[flag + 1];
  const inline = args.find((arg) => arg.startsWith("--stack="));
  return inline !== undefined ? inline.slice("--stack=".length) : DEFAULT_STACK;
}

/** The stack's config keys (secret values stay encrypted: no --show-secrets). */
function stackConfigKeys(env) {
  const listed = spawnSync("pulumi", ["config", "--json"], { cwd: root, env, encoding: "utf8" });
  return listed.status === 0 ? JSON.parse(listed.stdout) : {};
}

/**
 * The name of the first setting that holds the platform's credential (its descriptor's
 * `provider.credentials`) set in the stack config or the environment, if any: such a platform goes
 * to the real vendor API; the others stay on their sandboxes.
 */
function configuredCredential(platform, config) {
  for (const [key, variable] of platform.provider.credentials) {
    if (Object.hasOwn(config, `${platform.module}:${key}`)) return `${platform.module}:${key}`;
    if (process.env[variable]) return variable;
  }
  return undefined;
}

/** Runs a build step in the repository root, output shown; exits with its code if it fails. */
function mustRun(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs pulumi without blocking the event loop: the sandboxes run in this process. */
function runAsync(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const [command, ...pulumiArgs] = process.argv.slice(2);
  if (command === undefined) {
    process.stderr.write(
      `usage: node scripts/local-stack.js ${DEPLOYING.join("|")}|<pulumi command> [arguments...]\n`,
    );
    return 2;
  }
  const deploying = DEPLOYING.includes(command);
  if (deploying) {
    // The package as a user installs it, and the root stack's program.
    mustRun("bash", ["scripts/install-self.sh"]);
    mustRun("tsc", ["-p", "examples/quickstart"]);
  }

  fs.mkdirSync(path.join(localDir, "state"), { recursive: true });
  const passphraseFile = path.join(localDir, "passphrase");
  if (!fs.existsSync(passphraseFile) || fs.statSync(passphraseFile).size === 0) {
    fs.writeFileSync(passphraseFile, randomBytes(24).toString("hex"), { mode: 0o600 });
  }

  const pulumiEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(localDir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  // The stack's own passphrase, never the user's Pulumi Cloud login or another passphrase.
  delete pulumiEnv.PULUMI_ACCESS_TOKEN;
  delete pulumiEnv.PULUMI_CONFIG_PASSPHRASE;
  const select = await runAsync("pulumi", ["stack", "select", "--create", stackNamed(pulumiArgs)], pulumiEnv);
  if (select !== 0) return select;

  if (!deploying) return runAsync("pulumi", [command, ...pulumiArgs], pulumiEnv);

  const { startLocalSandboxes } = require(path.join(root, "dist", "sandbox"));
  const platforms = require(path.join(root, "dist", "sandbox", "platforms")).default;
  const sandboxes = await startLocalSandboxes({ stateDir: path.join(localDir, "sandboxes") });
  const env = { ...pulumiEnv };
  const config = stackConfigKeys(pulumiEnv);
  for (const platform of platforms) {
    const name = platform.module;
    const real = configuredCredential(platform, config);
    if (real !== undefined) {
      process.stderr.write(`${name}: the real API (${real} is set)\n`);
    } else {
      process.stderr.write(`${name}: local sandbox at ${sandboxes[name].url}\n`);
      for (const [variable, value] of Object.entries(sandboxes.env)) {
        if (variable.startsWith(platform.provider.envPrefix)) env[variable] = value;
      }
    }
  }
  try {
    const yes = command === "preview" ? [] : ["--yes"];
    const code = await runAsync("pulumi", [command, ...yes, ...pulumiArgs], env);
    if (code === 0 && command === "up") {
      process.stderr.write(
        "\nTear it down with `npm run destroy`; see the secrets with `npm run pulumi -- stack output --show-secrets`.\n",
      );
    }
    return code;
  } finally {
    await sandboxes.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`local stack failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
