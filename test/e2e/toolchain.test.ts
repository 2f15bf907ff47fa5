/**
 * The toolchain (scripts/with-toolchain.sh) gives a working Pulumi engine: plain CLI commands
 * in a throwaway project with a local file backend run a tiny dynamic resource through its
 * whole life cycle. Run through the toolchain script (`npm test` does); without a `pulumi`
 * on PATH these tests fail, they do not skip.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiWorkspace, type PulumiWorkspace } from "./pulumi-cli";

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

/** Runs the `pulumi` found on PATH in the project directory; rejects with its output on failure. */
const run = (...args: string[]) => ws.run(projectDir, args);

beforeAll(() => {
  ws = pulumiWorkspace();
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
});

afterAll(() => ws?.cleanup());

describe("the Pulumi engine from scripts/with-toolchain.sh", () => {
  test("pulumi version matches the installed @pulumi/pulumi", async () => {
    const { stdout } = await run("version");
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
