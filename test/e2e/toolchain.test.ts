/**
 * The toolchain (scripts/with-toolchain.sh) gives a working Pulumi engine: plain CLI commands
 * in a throwaway project with a local file backend run a tiny dynamic resource through its
 * whole life cycle. Run through the toolchain script (`npm test` does); without a `pulumi`
 * on PATH these tests fail, they do not skip.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PULUMI_SDK_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
).version;

const COMMAND_TIMEOUT_MS = 5 * 60 * 1000;
// Set here too: jest 30 does not apply a `testTimeout` given inside a `projects` entry.
jest.setTimeout(3 * COMMAND_TIMEOUT_MS);

/** The program: one dynamic resource whose provider echoes its inputs, plus two stack outputs. */
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");

const echoProvider = {
  async create(inputs) {
    return { id: "echo-" + inputs.name, outs: { ...inputs } };
  },
  async diff(id, olds, news) {
    const changes = olds.value !== news.value;
    return { changes, replaces: olds.name !== news.name ? ["name"] : [] };
  },
  async update(id, olds, news) {
    return { outs: { ...news } };
  },
  async read(id, props) {
    // Nothing exists outside the engine's state: the resource is what the state says it is.
    return { id, props };
  },
  async delete() {},
};

class Echo extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(echoProvider, name, { value: undefined, ...args }, opts);
  }
}

const config = new pulumi.Config();
const echo = new Echo("echo", { name: "e1", value: config.require("value") });
exports.echoed = echo.value;
exports.token = config.requireSecret("token");
`;

interface Result {
  stdout: string;
  stderr: string;
}

let workDir: string;
let projectDir: string;
let env: NodeJS.ProcessEnv;

/** Runs the `pulumi` found on PATH in the project directory; rejects with its output on failure. */
function pulumi(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      args,
      {
        cwd: projectDir,
        env: { ...env, ...extraEnv },
        timeout: COMMAND_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `pulumi ${args.join(" ")} failed: ${error.message}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
            ),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** A CLI command with the flags every non-trivial command here gets. */
const run = (...args: string[]) => pulumi([...args, "--non-interactive", "--color=never"]);

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-chatbots-toolchain-"));
  projectDir = path.join(workDir, "project");
  const stateDir = path.join(workDir, "state");
  fs.mkdirSync(stateDir);
  fs.mkdirSync(path.join(projectDir, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(projectDir, "node_modules", "@pulumi", "pulumi"),
    "dir",
  );
  fs.writeFileSync(
    path.join(projectDir, "Pulumi.yaml"),
    "name: toolchain-e2e\nruntime: nodejs\nmain: index.js\ndescription: toolchain end-to-end test\n",
  );
  fs.writeFileSync(
    path.join(projectDir, "package.json"),
    JSON.stringify({ name: "toolchain-e2e", version: "0.0.0", private: true, main: "index.js" }, null, 2),
  );
  fs.writeFileSync(path.join(projectDir, "index.js"), PROGRAM);

  env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex"),
    PULUMI_HOME: path.join(workDir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Offline: never try to download a plugin; everything needed is local.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  delete env.PULUMI_ACCESS_TOKEN;
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the Pulumi engine from scripts/with-toolchain.sh", () => {
  test("pulumi version matches the installed @pulumi/pulumi", async () => {
    const { stdout } = await pulumi(["version"]);
    expect(stdout.trim()).toBe(`v${PULUMI_SDK_VERSION}`);
  });

  test("stack init and config (plain and secret)", async () => {
    await run("stack", "init", "dev");
    await run("config", "set", "value", "one");
    await run("config", "set", "--secret", "token", "s3cr3t-token");
    const stackConfig = fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8");
    expect(stackConfig).toContain("secure:");
    expect(stackConfig).not.toContain("s3cr3t-token");
  });

  test("up creates the dynamic resource and the outputs", async () => {
    const { stdout } = await run("up", "--yes", "--skip-preview");
    expect(stdout).toMatch(/pulumi-nodejs:dynamic:Resource\s+echo\s+created/);

    const outputs = JSON.parse((await run("stack", "output", "--json")).stdout);
    expect(outputs).toEqual({ echoed: "one", token: "[secret]" });
    const revealed = JSON.parse((await run("stack", "output", "--json", "--show-secrets")).stdout);
    expect(revealed).toEqual({ echoed: "one", token: "s3cr3t-token" });

    // The secret output is encrypted in the state.
    const exported = (await run("stack", "export")).stdout;
    expect(exported).not.toContain("s3cr3t-token");
  });

  test("preview of the unchanged program expects no changes", async () => {
    await run("preview", "--expect-no-changes");
  });

  test("a changed input shows as an update in preview --diff, and up applies it", async () => {
    await run("config", "set", "value", "two");
    const preview = (await run("preview", "--diff")).stdout;
    expect(preview).toContain("~ pulumi-nodejs:dynamic:Resource: (update)");
    expect(preview).toContain('~ value: "one" => "two"');
    expect(preview).toMatch(/~ 1 to update/);

    const up = (await run("up", "--yes", "--skip-preview")).stdout;
    expect(up).toMatch(/1 updated/);
    const outputs = JSON.parse((await run("stack", "output", "--json")).stdout);
    expect(outputs.echoed).toBe("two");
  });

  test("refresh finds nothing to change", async () => {
    await run("refresh", "--yes", "--expect-no-changes", "--skip-preview");
  });

  test("destroy removes everything from the state", async () => {
    const destroy = (await run("destroy", "--yes", "--skip-preview")).stdout;
    expect(destroy).toMatch(/2 deleted/);
    const exported = JSON.parse((await run("stack", "export")).stdout);
    expect(exported.deployment.resources ?? []).toEqual([]);
  });
});
