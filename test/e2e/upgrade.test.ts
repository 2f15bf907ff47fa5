/**
 * Upgrading the package reaches existing resources. A fresh project outside the repository deploys
 * with build 1 (this checkout's tarball), then installs build 2 over it: the same package with a
 * higher version whose sendbird.Bot read and delete warn "build 2". Without another `pulumi up`,
 * refresh and destroy must run build 2's handlers, because the stored `__provider` only requires
 * the installed package. The installed release also reads state written before `__stateVersion`
 * existed and refuses state written by a newer release, with a message that says what to do.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalSandboxes, type LocalSandboxes } from "../../sandbox";
import {
  buildAndPack,
  createUserProject,
  repack,
  repoPulumiVersion,
  SHIM_OF_TYPE,
  type UserProject,
} from "./package-kit";
import { engineWarnings, pulumiWorkspace, stateResources, type PulumiWorkspace } from "./pulumi-cli";

jest.setTimeout(20 * 60 * 1000);

const BUILD_2_VERSION = "0.1.1-test";
const BUILD_2_MARKER = "build 2 of pulumi-chatbots ran";

/**
 * Build 2's change: sendbird.Bot's read and delete first warn `<marker> <method> <id>`. Located by
 * the method signatures in the compiled handlers; fails loudly if they are not found exactly once.
 */
function patchSendbirdHandlers(packageDir: string): void {
  const file = path.join(packageDir, "dist", "provider", "sendbird", "bot.js");
  const source = fs.readFileSync(file, "utf8");
  let patched = source;
  for (const method of ["read", "delete"]) {
    const signature = new RegExp(`^(\\s*)async ${method}\\((\\w+)[^)]*\\) \\{$`, "gm");
    const found = [...source.matchAll(signature)];
    if (found.length !== 1) {
      throw new Error(`build 2: expected one "async ${method}(" in ${file}, found ${found.length}`);
    }
    const [line, indent, idParam] = found[0];
    patched = patched.replace(
      line,
      `${line}\n${indent}    await require("../core/log").warn(\`${BUILD_2_MARKER} ${method} \${${idParam}}\`);`,
    );
  }
  fs.writeFileSync(file, patched);
}

const stack = `upg-${randomBytes(4).toString("hex")}`;
const SENDBIRD_TYPE = "pulumi-nodejs:dynamic/sendbird:Bot";
/** The resource types as migrateState names them, e.g. "sendbird.Bot". */
const RESOURCE_NAMES = Object.keys(SHIM_OF_TYPE).map((type) => type.split("/")[1].replace(":", "."));
let workDir: string;
let project: UserProject | undefined;
let local: LocalSandboxes | undefined;
let ws: PulumiWorkspace | undefined;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-upgrade-"));
});

afterAll(async () => {
  if (ws && project) {
    await ws.run(project.dir, ["stack", "rm", "--yes", "--force", "--stack", stack], { allowFailure: true });
  }
  ws?.cleanup();
  project?.cleanup();
  await local?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("upgrading the package reaches existing resources, and state from other releases is read or refused", async () => {
  const started = Date.now();
  const build1 = await buildAndPack(workDir);
  const build2 = await repack(build1.tarball, workDir, {
    version: BUILD_2_VERSION,
    patch: patchSendbirdHandlers,
  });

  // Deploy with build 1 (and the @pulumi/pulumi the repository runs; package-install.test.ts
  // covers the lowest one the peer range admits).
  project = await createUserProject(build1.tarball, repoPulumiVersion());
  const { dir } = project;
  local = await startLocalSandboxes();
  ws = pulumiWorkspace(local.env);
  const pulumi = (args: string[], opts?: { allowFailure?: boolean }) =>
    ws!.run(dir, [...args, "--stack", stack], opts);
  const exportState = async () => (await pulumi(["stack", "export"])).stdout;
  /** Imports `deployment` after `edit` changed the outputs of every pulumi-chatbots resource. */
  const importEdited = async (deployment: string, edit: (outputs: Record<string, unknown>) => void) => {
    const doc = JSON.parse(deployment);
    for (const resource of doc.deployment.resources)
      if (resource.type in SHIM_OF_TYPE) edit(resource.outputs);
    const file = path.join(workDir, "edited-state.json");
    fs.writeFileSync(file, JSON.stringify(doc));
    await pulumi(["stack", "import", "--file", file]);
  };
  const stateVersions = async () =>
    stateResources(await exportState())
      .filter((r) => r.type in SHIM_OF_TYPE)
      .map((r) => r.outputs?.__stateVersion);

  await ws.run(dir, ["stack", "init", stack]);
  const firstUp = await pulumi(["up", "--yes"]);
  expect(firstUp.stdout + firstUp.stderr).not.toContain(BUILD_2_MARKER);
  expect(local.sendbird.bots().map((b) => b.bot.bot_userid)).toEqual(["helper_bot"]);
  const writtenByBuild1 = await exportState();
  expect(await stateVersions()).toEqual(Object.keys(SHIM_OF_TYPE).map(() => 1));

  // Build 2 installed over build 1, as `npm install pulumi-chatbots@<newer>` would; no `pulumi up`.
  await project.install(build2);
  expect(await project.node('console.log(require("pulumi-chatbots/package.json").version)')).toBe(
    `${BUILD_2_VERSION}\n`,
  );

  // refresh runs build 2's read on state build 1 wrote, and finds nothing to change.
  const refreshed = await pulumi(["refresh", "--yes", "--expect-no-changes", "--json"]);
  expect(engineWarnings(refreshed.stdout)).toContainEqual(
    expect.stringContaining(`${BUILD_2_MARKER} read helper_bot`),
  );

  // State written before resources stored `__stateVersion` reads as version 1 and gets it back.
  await importEdited(writtenByBuild1, (outputs) => delete outputs.__stateVersion);
  expect(await stateVersions()).toEqual(Object.keys(SHIM_OF_TYPE).map(() => undefined));
  await pulumi(["refresh", "--yes"]);
  expect(await stateVersions()).toEqual(Object.keys(SHIM_OF_TYPE).map(() => 1));

  // State written by a newer release (version 2) is refused by every read, saying what to do.
  await importEdited(writtenByBuild1, (outputs) => (outputs.__stateVersion = 2));
  const refused = await pulumi(["refresh", "--yes"], { allowFailure: true });
  expect(refused.code).not.toBe(0);
  const said = refused.stdout + refused.stderr;
  for (const resource of RESOURCE_NAMES) {
    expect(said).toContain(`this ${resource} was written by a newer pulumi-chatbots (state version 2)`);
  }
  expect(said).toContain(`the installed pulumi-chatbots ${BUILD_2_VERSION} reads state up to version 1`);
  expect(said).toContain("Install the newer release again");
  // Refused, not misread: the stack and the bots are as they were.
  expect(stateResources(await exportState(), SENDBIRD_TYPE)).toHaveLength(1);
  expect(local.sendbird.bots()).toHaveLength(1);

  // Back to the state build 1 wrote; destroy runs build 2's delete.
  await importEdited(writtenByBuild1, () => undefined);
  const destroyed = await pulumi(["destroy", "--yes", "--json"]);
  expect(engineWarnings(destroyed.stdout)).toContainEqual(
    expect.stringContaining(`${BUILD_2_MARKER} delete helper_bot`),
  );
  expect(local.sendbird.bots()).toHaveLength(0);
  expect(local.lineworks.bots()).toHaveLength(0);
  expect(stateResources(await exportState()).filter((r) => r.type in SHIM_OF_TYPE)).toEqual([]);

  console.log(`upgrade e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
