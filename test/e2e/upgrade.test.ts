/**
 * Upgrading the package reaches existing resources. A fresh project outside the repository deploys
 * with build 1 (this checkout's tarball), then installs build 2 over it: the same package with a
 * higher version whose sendbird.Bot read and delete warn "build 2". Without another `pulumi up`,
 * refresh and destroy must run build 2's handlers, because the stored `__provider` only requires
 * the installed package. The installed release also reads state written before `__stateVersion`
 * existed and refuses state written by a newer release, with a message that says what to do.
 *
 * Then the upgrade from the released 0.1.0 (package-fixtures/pulumi-chatbots-0.1.0.tgz, see the
 * README there): a project deploys every type with it, installs this checkout's build over it, and
 * the new build takes the old state over with no change: preview and refresh find nothing to do,
 * one field per type updates in place, and destroy removes what 0.1.0 made.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Deployment, EngineEvent } from "@pulumi/pulumi/automation";
import { startLocalSandboxes, type LocalSandboxes } from "../../sandbox";
import {
  buildAndPack,
  createUserProject,
  repack,
  repoPulumiVersion,
  run,
  SHIM_OF_TYPE,
  type PackedPackage,
  type UserProject,
} from "./package-kit";
import {
  e2eStack,
  e2eWorkspace,
  engineWarnings,
  resourceSteps,
  stateResources,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
} from "./stacks";

jest.setTimeout(20 * 60 * 1000);

const BUILD_2_VERSION = "0.1.1-test";
const BUILD_2_MARKER = "build 2 of pulumi-chatbots ran";

/**
 * Build 2's change: sendbird.Bot's read and delete first warn `<marker> <method> <id>`. Wraps `run`
 * of dist/provider/handlers.js, the entry point every stored shim calls
 * (`require("pulumi-chatbots/handlers").run(type, method, args)`), so it holds however the handlers
 * behind it are laid out; fails loudly if that export is not found.
 */
function patchSendbirdHandlers(packageDir: string): void {
  const file = path.join(packageDir, "dist", "provider", "handlers.js");
  const source = fs.readFileSync(file, "utf8");
  if (!/^exports\.run = run;$/m.test(source)) throw new Error(`build 2: no "exports.run = run;" in ${file}`);
  const wrapper = [
    "const build1Run = exports.run;",
    "exports.run = async (type, method, args) => {",
    '  if (type === "sendbird:Bot" && (method === "read" || method === "delete"))',
    `    await require("./core/log").warn(\`${BUILD_2_MARKER} \${method} \${args[0]}\`);`,
    "  return build1Run(type, method, args);",
    "};",
  ];
  fs.writeFileSync(file, `${source}\n${wrapper.join("\n")}\n`);
}

const stackName = `upg-${randomBytes(4).toString("hex")}`;
const SENDBIRD_TYPE = "pulumi-nodejs:dynamic/sendbird:Bot";
/** The resource types as migrateState names them, e.g. "sendbird.Bot". */
const RESOURCE_NAMES = Object.keys(SHIM_OF_TYPE).map((type) => type.split("/")[1].replace(":", "."));
let workDir: string;
let project: UserProject | undefined;
let local: LocalSandboxes | undefined;
let ws: PulumiWorkspace | undefined;
/** The first test's stack. */
let upgradeStack: PulumiStack | undefined;
/** The second test's project, workspace, stack and sandboxes. */
const fromRelease: {
  stackName: string;
  project?: UserProject;
  local?: LocalSandboxes;
  ws?: PulumiWorkspace;
  stack?: PulumiStack;
} = {
  stackName: `rel-${randomBytes(4).toString("hex")}`,
};

let currentBuild: Promise<PackedPackage> | undefined;
/** This checkout's build, packed once for both tests. */
const buildOfThisCheckout = () => (currentBuild ??= buildAndPack(workDir));

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-upgrade-"));
});

afterAll(async () => {
  await upgradeStack?.remove();
  ws?.cleanup();
  project?.cleanup();
  await local?.stop();
  await fromRelease.stack?.remove();
  fromRelease.ws?.cleanup();
  fromRelease.project?.cleanup();
  await fromRelease.local?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("upgrading the package reaches existing resources, and state from other releases is read or refused", async () => {
  const started = Date.now();
  const build1 = await buildOfThisCheckout();
  const build2 = await repack(build1.tarball, workDir, {
    version: BUILD_2_VERSION,
    patch: patchSendbirdHandlers,
  });

  // Deploy with build 1 (and the @pulumi/pulumi the repository runs; package-install.test.ts
  // covers the lowest one the peer range admits).
  project = await createUserProject(build1.tarball, repoPulumiVersion());
  const { dir } = project;
  local = await startLocalSandboxes();
  ws = e2eWorkspace();
  // The credentials reach the provider as environment variables.
  const stack = (upgradeStack = e2eStack(ws, dir, stackName, local.env));
  /** Imports `deployment` after `edit` changed the outputs of every pulumi-chatbots resource. */
  const importEdited = async (deployment: Deployment, edit: (outputs: Record<string, unknown>) => void) => {
    const doc: Deployment = structuredClone(deployment);
    for (const resource of stateResources(doc)) if (resource.type in SHIM_OF_TYPE) edit(resource.outputs!);
    await stack.importState(doc);
  };
  const stateVersions = () =>
    storedResources(stack.storedState())
      .filter((r) => r.type in SHIM_OF_TYPE)
      .map((r) => r.outputs?.__stateVersion);

  await stack.init();
  const firstUp = await stack.up();
  expect(firstUp.stdout + firstUp.stderr).not.toContain(BUILD_2_MARKER);
  expect(local.sendbird.bots().map((b) => b.bot.bot_userid)).toEqual(["helper_bot"]);
  const writtenByBuild1 = stack.storedDeployment();
  expect(stateVersions()).toEqual(Object.keys(SHIM_OF_TYPE).map(() => 1));

  // Build 2 installed over build 1, as `npm install pulumi-chatbots@<newer>` would; no `pulumi up`.
  await project.install(build2);
  expect(await project.node('console.log(require("pulumi-chatbots/package.json").version)')).toBe(
    `${BUILD_2_VERSION}\n`,
  );

  // refresh runs build 2's read on state build 1 wrote, and finds nothing to change.
  const refreshed = await stack.refresh({ expectNoChanges: true, events: true });
  expect(engineWarnings(refreshed.events)).toContainEqual(
    expect.stringContaining(`${BUILD_2_MARKER} read helper_bot`),
  );

  // State written before resources stored `__stateVersion` reads as version 1 and gets it back.
  await importEdited(writtenByBuild1, (outputs) => delete outputs.__stateVersion);
  expect(stateVersions()).toEqual(Object.keys(SHIM_OF_TYPE).map(() => undefined));
  await stack.refresh();
  expect(stateVersions()).toEqual(Object.keys(SHIM_OF_TYPE).map(() => 1));

  // State written by a newer release (version 2) is refused by every read, saying what to do.
  await importEdited(writtenByBuild1, (outputs) => (outputs.__stateVersion = 2));
  const refused = await stack.refresh({ allowFailure: true });
  expect(refused.ok).toBe(false);
  const said = refused.stdout + refused.stderr;
  for (const resource of RESOURCE_NAMES) {
    expect(said).toContain(`this ${resource} was written by a newer pulumi-chatbots (state version 2)`);
  }
  expect(said).toContain(`the installed pulumi-chatbots ${BUILD_2_VERSION} reads state up to version 1`);
  expect(said).toContain("Install the newer release again");
  // Refused, not misread: the stack and the bots are as they were.
  expect(storedResources(stack.storedState(), SENDBIRD_TYPE)).toHaveLength(1);
  expect(local.sendbird.bots()).toHaveLength(1);

  // Back to the state build 1 wrote; destroy runs build 2's delete.
  await importEdited(writtenByBuild1, () => undefined);
  const destroyed = await stack.destroy({ events: true });
  expect(engineWarnings(destroyed.events)).toContainEqual(
    expect.stringContaining(`${BUILD_2_MARKER} delete helper_bot`),
  );
  expect(local.sendbird.bots()).toHaveLength(0);
  expect(local.lineworks.bots()).toHaveLength(0);
  expect(storedResources(stack.storedState()).filter((r) => r.type in SHIM_OF_TYPE)).toEqual([]);

  console.log(`upgrade e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

// ---- the upgrade from the released 0.1.0 ------------------------------------------------------

/** pulumi-chatbots 0.1.0 as released: `npm pack` of the commit named in package-fixtures/README.md. */
const RELEASE_0_1_0 = path.join(__dirname, "package-fixtures", "pulumi-chatbots-0.1.0.tgz");
/** The program: one resource of every type, one updatable field each read from stack config. */
const RELEASE_PROGRAM = path.join(__dirname, "package-fixtures", "upgrade-from-0.1.0");

/** The config the program reads: the values 0.1.0 deploys, then the ones the new build updates to. */
const DEPLOYED_CONFIG = {
  sendbirdNickname: "Helper",
  deadSimpleChatName: "Support Bot",
  lineWorksDescription: "Answers questions",
  lineWorksDomainVisible: "false",
  whats91ReplaceLeavesOldActive: "false",
};
const UPDATED_CONFIG = {
  sendbirdNickname: "Helper, upgraded",
  deadSimpleChatName: "Support Bot upgraded",
  lineWorksDescription: "Answers questions, upgraded",
  lineWorksDomainVisible: "true",
  whats91ReplaceLeavesOldActive: "true",
};

/** sha256 of every file under `root` by relative path (a nested node_modules aside). */
function fileDigests(root: string): Record<string, string> {
  const files = (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((file) => !file.split(path.sep).includes("node_modules"))
    .filter((file) => fs.statSync(path.join(root, file)).isFile())
    .sort();
  return Object.fromEntries(
    files.map((file) => [
      file,
      createHash("sha256")
        .update(fs.readFileSync(path.join(root, file)))
        .digest("hex"),
    ]),
  );
}

/** The files of a packed tarball, as `fileDigests` gives them. */
async function tarballDigests(tarball: string): Promise<Record<string, string>> {
  const unpacked = fs.mkdtempSync(path.join(workDir, "digest-"));
  await run("tar", ["-xzf", tarball, "-C", unpacked], { cwd: unpacked });
  return fileDigests(path.join(unpacked, "package"));
}

/** The resource name (last URN segment) and op of each pulumi-chatbots resource in an update's events. */
function upOps(events: EngineEvent[]): [string, string][] {
  return events
    .flatMap((event) => event.resOutputsEvent?.metadata ?? [])
    .filter((m) => m.type in SHIM_OF_TYPE)
    .map((m): [string, string] => [m.urn.split("::").pop()!, m.op])
    .sort();
}

test("state written by the released 0.1.0 is taken over with no change: preview, refresh, in-place updates, destroy", async () => {
  const started = Date.now();
  const { stackName: releaseStackName } = fromRelease;
  const current = await buildOfThisCheckout();

  const project = (fromRelease.project = await createUserProject(
    RELEASE_0_1_0,
    repoPulumiVersion(),
    RELEASE_PROGRAM,
  ));
  const { dir } = project;
  const installed = path.join(dir, "node_modules", "pulumi-chatbots");
  expect(fileDigests(installed)).toEqual(await tarballDigests(RELEASE_0_1_0));
  const local = (fromRelease.local = await startLocalSandboxes());
  const ws = (fromRelease.ws = e2eWorkspace());
  const stack = (fromRelease.stack = e2eStack(ws, dir, releaseStackName, local.env));
  const ours = () => storedResources(stack.storedState()).filter((r) => r.type in SHIM_OF_TYPE);
  /** The id of each pulumi-chatbots resource, by resource name: an in-place update keeps them all. */
  const idsByName = () => Object.fromEntries(ours().map((r) => [r.urn.split("::").pop(), r.id]));

  // 0.1.0 deploys every type.
  await stack.init();
  await stack.setConfig(DEPLOYED_CONFIG);
  await stack.up();
  const deployed = ours();
  expect(deployed.map((r) => r.type).sort()).toEqual(Object.keys(SHIM_OF_TYPE).sort());
  const ids = idsByName();
  const sendbirdCreated = local.sendbird.bot("helper_bot")!.created_at;
  const [dscBot] = local.deadsimplechat.bots();
  const [lineWorksBot] = local.lineworks.bots();
  expect(local.deadsimplechat.rooms(dscBot._id)).toEqual(["lobby1"]);
  expect(local.lineworks.domains(lineWorksBot.botId).map((d) => [d.domainId, d.visible])).toEqual([
    [10000001, false],
  ]);
  expect(local.whats91.chatbots()).toHaveLength(1);

  // The current build installed over it, as `npm install pulumi-chatbots@<newer>` would; no `pulumi up`.
  await project.install(current.tarball);
  expect(fileDigests(installed)).toEqual(await tarballDigests(current.tarball));

  // The new build reads 0.1.0's state and finds nothing to change, without and with the vendors.
  await stack.preview({ expectNoChanges: true });
  await stack.refresh({ expectNoChanges: true });
  expect(idsByName()).toEqual(ids);

  // One field per type changes, each in place: the preview says so, the update does so.
  await stack.setConfig(UPDATED_CONFIG);
  const planned = resourceSteps((await stack.preview()).events);
  expect(planned.map((s) => [s.urn.split("::").pop(), s.op, s.changed]).sort()).toEqual([
    ["domain", "update", ["visible"]],
    ["helpdesk", "update", ["description"]],
    ["helper", "update", ["botNickname"]],
    ["hours", "update", ["replaceLeavesOldActive"]],
    ["support", "update", ["name"]],
  ]);
  const updated = await stack.up({ events: true });
  // BotChatRoom has no field that changes in place: it stays as 0.1.0 made it while its bot updates.
  expect(upOps(updated.events)).toEqual([
    ["domain", "update"],
    ["helpdesk", "update"],
    ["helper", "update"],
    ["hours", "update"],
    ["lobby", "same"],
    ["support", "update"],
  ]);
  expect(idsByName()).toEqual(ids);

  // The vendors hold the new values, on the objects 0.1.0 made (Whats91's field is state only).
  expect(local.sendbird.bots().map((b) => [b.bot.bot_userid, b.bot.bot_nickname, b.created_at])).toEqual([
    ["helper_bot", UPDATED_CONFIG.sendbirdNickname, sendbirdCreated],
  ]);
  expect(local.deadsimplechat.bots().map((b) => [b._id, b.name, b.enabled])).toEqual([
    [dscBot._id, UPDATED_CONFIG.deadSimpleChatName, true],
  ]);
  expect(local.deadsimplechat.rooms(dscBot._id)).toEqual(["lobby1"]);
  expect(local.lineworks.bots().map((b) => [b.botId, b.description])).toEqual([
    [lineWorksBot.botId, UPDATED_CONFIG.lineWorksDescription],
  ]);
  expect(local.lineworks.domains(lineWorksBot.botId).map((d) => [d.domainId, d.visible])).toEqual([
    [10000001, true],
  ]);
  expect(local.whats91.chatbots().map((c) => c.chatbotUid)).toEqual([ids.hours]);
  const chatbotState = ours().find((r) => r.type === "pulumi-nodejs:dynamic/whats91:Chatbot");
  expect(chatbotState?.outputs?.replaceLeavesOldActive).toBe(true);

  await stack.preview({ expectNoChanges: true });

  // destroy: Sendbird and LINE WORKS bots are deleted; DeadSimpleChat's is disabled and Whats91's
  // stays (neither API can delete one), each with a warning.
  const destroyed = await stack.destroy({ events: true });
  const warnings = engineWarnings(destroyed.events).join("\n");
  expect(warnings).toContain(
    `DeadSimpleChat bot "${UPDATED_CONFIG.deadSimpleChatName}" (id ${dscBot._id}) was disabled`,
  );
  expect(warnings).toContain('("Opening hours") was removed from the stack only');
  expect(local.sendbird.bots()).toEqual([]);
  expect(local.lineworks.bots()).toEqual([]);
  expect(local.deadsimplechat.bots().map((b) => [b._id, b.enabled])).toEqual([[dscBot._id, false]]);
  expect(local.deadsimplechat.rooms(dscBot._id)).toEqual([]);
  expect(local.whats91.chatbots().map((c) => c.chatbotUid)).toEqual([ids.hours]);
  expect(ours()).toEqual([]);

  console.log(`upgrade from 0.1.0 e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
