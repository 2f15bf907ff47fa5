/**
 * The toolchain (scripts/with-toolchain.sh) gives a working Pulumi engine: CLI commands (through
 * the Automation API, as every e2e test runs them) in a throwaway project with a local file backend
 * run a tiny dynamic resource through its whole life cycle. Run through the toolchain script (`npm
 * test` does); without a `pulumi` on PATH these tests fail, they do not skip.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { e2eStack, e2eWorkspace, type PulumiStack, type PulumiWorkspace } from "./stacks";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const PULUMI_SDK_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
).version;

// jest 30 does not apply a `testTimeout` given inside a `projects` entry.
jest.setTimeout(15 * 60 * 1000);

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

let ws: PulumiWorkspace;
let projectDir: string;
let stack: PulumiStack;

beforeAll(() => {
  ws = e2eWorkspace();
  projectDir = path.join(ws.dir, "project");
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
  stack = e2eStack(ws, projectDir, "dev");
});

afterAll(() => ws?.cleanup());

describe("the Pulumi engine from scripts/with-toolchain.sh", () => {
  test("pulumi version matches the installed @pulumi/pulumi", async () => {
    // PulumiCommand.get runs `pulumi version` on the CLI found on PATH.
    const cli = await PulumiCommand.get();
    expect(cli.version?.toString()).toBe(PULUMI_SDK_VERSION);
  });

  test("stack init and config (plain and secret)", async () => {
    await stack.init({ value: "one", token: { value: "s3cr3t-token", secret: true } });
    const stackConfig = fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8");
    expect(stackConfig).toContain("secure:");
    expect(stackConfig).not.toContain("s3cr3t-token");
  });

  test("up creates the dynamic resource and the outputs", async () => {
    const { stdout } = await stack.up();
    expect(stdout).toMatch(/pulumi-nodejs:dynamic:Resource\s+echo\s+created/);

    expect(await stack.outputs()).toEqual({
      echoed: { value: "one", secret: false },
      token: { value: "s3cr3t-token", secret: true },
    });

    // The secret output is encrypted in the state as stored.
    const stored = stack.storedState();
    expect(stored).toContain(
      '"token":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270"',
    );
    expect(stored).not.toContain("s3cr3t-token");
  });

  test("preview of the unchanged program expects no changes", async () => {
    expect((await stack.preview({ expectNoChanges: true })).ok).toBe(true);
  });

  test("a changed input shows as an update in preview --diff, and up applies it", async () => {
    await stack.setConfig({ value: "two" });
    const preview = (await stack.preview({ diff: true })).stdout;
    expect(preview).toContain("~ pulumi-nodejs:dynamic:Resource: (update)");
    expect(preview).toContain('~ value: "one" => "two"');
    expect(preview).toMatch(/~ 1 to update/);

    const up = (await stack.up()).stdout;
    expect(up).toMatch(/1 updated/);
    expect((await stack.outputs()).echoed).toEqual({ value: "two", secret: false });
  });

  test("refresh finds nothing to change", async () => {
    expect((await stack.refresh({ expectNoChanges: true })).ok).toBe(true);
  });

  test("destroy removes everything from the state", async () => {
    const destroy = (await stack.destroy()).stdout;
    expect(destroy).toMatch(/2 deleted/);
    expect((await stack.exportState()).deployment.resources ?? []).toEqual([]);
  });
});
