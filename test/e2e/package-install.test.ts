/**
 * The package as users get it: what `npm pack` ships, and a fresh Pulumi project outside the
 * repository that installs the tarball with the lowest @pulumi/pulumi the peer range admits (the
 * rest of the suite runs the repository's own, newer one), then runs plain `pulumi up` and
 * `pulumi destroy` with one resource of every type against the local sandboxes. Then the README's
 * own project, made from the README's text and run with its commands exactly as printed.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalSandboxes, type LocalSandboxes } from "../../sandbox";
import {
  buildAndPack,
  createUserProject,
  dynamicProviderSdkVersions,
  markdownCommand,
  markdownFile,
  peerRangeLowerBound,
  readme,
  relativeLinks,
  repoPackageJson,
  repoPulumiVersion,
  repoRoot,
  run,
  SHIM_OF_TYPE,
  shimRequire,
  userEnv,
  type PackedPackage,
  type UserProject,
} from "./package-kit";
import {
  e2eStack,
  e2eWorkspace,
  engineWarnings,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
} from "./stacks";

jest.setTimeout(20 * 60 * 1000);

/** Besides compiled JS and type declarations under dist/, the tarball holds exactly these. */
const DOCS = ["CHANGELOG.md", "LICENSE", "README.md", "package.json"];

const stackName = `pkg-${randomBytes(4).toString("hex")}`;
const pulumiVersion = peerRangeLowerBound();
let packDir: string;
let packed: PackedPackage;
let project: UserProject;
let local: LocalSandboxes | undefined;
let ws: PulumiWorkspace | undefined;
/** The stack of the project with one resource of every type. */
let allTypesStack: PulumiStack | undefined;
let readmeRoot: string | undefined;
let readmeWs: PulumiWorkspace | undefined;

beforeAll(async () => {
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-pack-"));
  packed = await buildAndPack(packDir);
  const installing = Date.now();
  project = await createUserProject(packed.tarball, pulumiVersion);
  console.log(
    `user project installed (@pulumi/pulumi ${pulumiVersion}): ${(Date.now() - installing) / 1000} s`,
  );
});

afterAll(async () => {
  await allTypesStack?.remove();
  ws?.cleanup();
  readmeWs?.cleanup();
  if (readmeRoot) fs.rmSync(readmeRoot, { recursive: true, force: true });
  project?.cleanup();
  await local?.stop();
  fs.rmSync(packDir, { recursive: true, force: true });
});

test("npm pack ships compiled JS, type declarations, the docs and the license, nothing else", () => {
  const unexpected = packed.files.filter(
    (file) => !DOCS.includes(file) && !(file.startsWith("dist/") && /\.(js|d\.ts)$/.test(file)),
  );
  // No TypeScript sources, tests, scripts, examples, or source maps pointing at sources not shipped.
  expect(unexpected).toEqual([]);
  expect(packed.files).toEqual(expect.arrayContaining(DOCS));

  // Every subpath the package exports is in the tarball, with its types.
  const targets = Object.values(repoPackageJson().exports).flatMap((target) =>
    typeof target === "string" ? [target] : Object.values(target),
  );
  for (const target of targets.filter((t) => !t.includes("*"))) {
    expect(packed.files).toContain(target.replace(/^\.\//, ""));
  }
  // Every shim is shipped: stored state requires them by path.
  for (const shim of fs.readdirSync(path.join(repoRoot, "provider", "shims"))) {
    expect(packed.files).toContain(`dist/provider/shims/${shim.replace(/\.ts$/, ".js")}`);
    expect(packed.files).toContain(`dist/provider/shims/${shim.replace(/\.ts$/, ".d.ts")}`);
  }
});

test("the shipped docs link only to files the package ships (their relative links work in node_modules)", () => {
  for (const doc of DOCS.filter((file) => file.endsWith(".md"))) {
    const text = fs.readFileSync(path.join(repoRoot, doc), "utf8");
    const notShipped = relativeLinks(text).filter(
      (target) => !packed.files.includes(path.posix.normalize(target.replace(/^\.\//, ""))),
    );
    expect({ doc, notShipped }).toEqual({ doc, notShipped: [] });
  }
});

test("the user's node finds both packages in the project, outside the repository; the sandbox export works", async () => {
  const { dir } = project;
  expect(path.relative(repoRoot, dir).startsWith("..")).toBe(true);
  const seen = JSON.parse(
    await project.node(
      `const sandbox = require("pulumi-chatbots/sandbox");
      console.log(JSON.stringify({
        startLocalSandboxes: typeof sandbox.startLocalSandboxes,
        chatbots: require.resolve("pulumi-chatbots"),
        chatbotsVersion: require("pulumi-chatbots/package.json").version,
        pulumi: require.resolve("@pulumi/pulumi"),
        pulumiVersion: require("@pulumi/pulumi/package.json").version,
      }));`,
    ),
  );
  expect(seen).toEqual({
    startLocalSandboxes: "function",
    chatbots: path.join(dir, "node_modules", "pulumi-chatbots", "dist", "provider", "index.js"),
    chatbotsVersion: packed.version,
    pulumi: path.join(dir, "node_modules", "@pulumi", "pulumi", "index.js"),
    pulumiVersion,
  });
});

test("a TypeScript program type-checks against the installed declarations and that @pulumi/pulumi", async () => {
  const { dir } = project;
  fs.writeFileSync(
    path.join(dir, "typed.ts"),
    [
      'import * as chatbots from "pulumi-chatbots";',
      'import { startLocalSandboxes, type LocalSandboxes } from "pulumi-chatbots/sandbox";',
      "export const args: chatbots.sendbird.BotArgs = {",
      '  botUserid: "a", botNickname: "A", botProfileUrl: "", botType: "t",',
      '  botCallbackUrl: "https://example.com/cb", isPrivacyMode: true,',
      "};",
      "export const start: () => Promise<LocalSandboxes> = () => startLocalSandboxes();",
      "",
    ].join("\n"),
  );
  const tsc = (...options: string[]) =>
    run("tsc", ["--noEmit", "--strict", "--target", "es2022", ...options, "typed.ts"], { cwd: dir });
  // The settings of `pulumi new typescript` (module commonjs, moduleResolution "node" = node10,
  // where subpath types come from typesVersions, not exports), checking every declaration file...
  await tsc("--module", "commonjs", "--moduleResolution", "node10", "--ignoreDeprecations", "6.0");
  // ...then the node16 resolution (through exports); the declarations themselves were checked above.
  await tsc("--module", "node16", "--moduleResolution", "node16", "--skipLibCheck");
});

test("plain pulumi up and destroy in the project, with one resource of every type", async () => {
  const started = Date.now();
  const { dir } = project;
  local = await startLocalSandboxes();
  ws = e2eWorkspace();
  // The credentials reach the provider as environment variables.
  const stack = (allTypesStack = e2eStack(ws, dir, stackName, local.env));
  await stack.init();

  // The engine's dynamic-provider plugin resolves @pulumi/pulumi/cmd/dynamic-provider from the
  // program directory: the host that serves it is the project's SDK, not the repository's.
  const verbose = await stack.preview({ logToStdErr: true, logVerbosity: 7 });
  expect(dynamicProviderSdkVersions(verbose.stderr)).toEqual([pulumiVersion]);

  await stack.up();
  expect(local.sendbird.bots().map((b) => b.bot.bot_userid)).toEqual(["helper_bot"]);
  const [dscBot] = local.deadsimplechat.bots();
  expect(local.deadsimplechat.bots()).toHaveLength(1);
  expect(local.deadsimplechat.isEnabled(dscBot._id)).toBe(true);
  expect(local.deadsimplechat.rooms(dscBot._id)).toEqual(["lobby1"]);
  const [lineWorksBot] = local.lineworks.bots();
  expect(local.lineworks.bots()).toHaveLength(1);
  expect(local.lineworks.domains(lineWorksBot.botId).map((d) => d.domainId)).toEqual([10000001]);
  expect(local.whats91.chatbots().map((c) => c.name)).toEqual(["Opening hours"]);

  // Each resource stores the one-line require of the installed package's shim, not its code.
  const deployed = storedResources(stack.storedState()).filter((r) => r.type in SHIM_OF_TYPE);
  expect(deployed.map((r) => r.type).sort()).toEqual(Object.keys(SHIM_OF_TYPE).sort());
  for (const resource of deployed) {
    const stored = String(resource.outputs?.__provider);
    expect(stored).toContain(shimRequire(SHIM_OF_TYPE[resource.type]));
    expect(stored).not.toContain("pulumi-chatbots/handlers"); // the shim's body, serialised by value
    expect(Buffer.byteLength(stored)).toBeLessThan(1024);
  }

  await stack.preview({ expectNoChanges: true });

  // destroy: Sendbird and LINE WORKS bots are deleted; DeadSimpleChat's is disabled and Whats91's
  // stays (neither API can delete), each with a warning.
  const destroyed = await stack.destroy({ events: true });
  const warnings = engineWarnings(destroyed.events).join("\n");
  expect(warnings).toContain(`DeadSimpleChat bot "Support Bot" (id ${dscBot._id}) was disabled`);
  expect(warnings).toContain('("Opening hours") was removed from the stack only');
  expect(local.sendbird.bots()).toHaveLength(0);
  expect(local.lineworks.bots()).toHaveLength(0);
  expect(local.deadsimplechat.isEnabled(dscBot._id)).toBe(false);
  expect(local.whats91.chatbots()).toHaveLength(1);
  const after = storedResources(stack.storedState());
  expect(after.filter((r) => r.type in SHIM_OF_TYPE)).toEqual([]);

  console.log(`pulumi up and destroy in the user project: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test("the README's own project as printed: tarball install, pulumi-chatbots-sandbox, the jest example", async () => {
  const started = Date.now();
  const text = readme();
  const tarballName = path.basename(packed.tarball);

  // The clone's commands are the ones buildAndPack ran, and name the file it made.
  expect(markdownCommand(text, "npm run build")).toBe("npm run build");
  expect(markdownCommand(text, "npm pack")).toBe("npm pack");
  expect(text).toContain(`writes ${tarballName}`);

  // The layout the README describes: the clone (holding the tarball) and my-bots/ side by side.
  readmeRoot = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-readme-"));
  fs.mkdirSync(path.join(readmeRoot, "pulumi-chatbots"));
  fs.copyFileSync(packed.tarball, path.join(readmeRoot, "pulumi-chatbots", tarballName));
  const dir = path.join(readmeRoot, "my-bots");
  // Every file of the project is a code block of the README, written as printed.
  for (const file of [
    "Pulumi.yaml",
    "package.json",
    "tsconfig.json",
    "index.ts",
    "jest.config.js",
    "test/stack.test.ts",
  ]) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), markdownFile(text, file));
  }

  readmeWs = e2eWorkspace();
  const workspace = readmeWs;
  // A user's shell: the workspace's backend, passphrase and PULUMI_HOME, none of npm's variables
  // (nor the user's own Pulumi account: the workspace's undefined variables, which spawn leaves out).
  const env: NodeJS.ProcessEnv = { ...userEnv(), ...workspace.envVars, PULUMI_HOME: workspace.pulumiHome };
  const shell = (command: string, extra: NodeJS.ProcessEnv = {}) =>
    run("bash", ["-c", command], { cwd: dir, env: { ...env, ...extra } });

  // Installing: the tarball and the SDK paired with the CLI this repository's tests run.
  const install = markdownCommand(text, "npm install ../pulumi-chatbots/");
  expect(install).toBe(`npm install ../pulumi-chatbots/${tarballName} @pulumi/pulumi@${repoPulumiVersion()}`);
  await shell(install);
  await shell(markdownCommand(text, "npm install --save-dev "));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  expect(manifest.dependencies["pulumi-chatbots"]).toBe(`file:../pulumi-chatbots/${tarballName}`);
  // The tsconfig works with the TypeScript the package is tested with: the program and the test check.
  await shell("npx tsc --noEmit");

  // The program, against the sandboxes from a shell.
  const dev = e2eStack(workspace, dir, "dev");
  await dev.init();
  // --no-install: the command the project installed, never a package fetched from the registry.
  const up = await shell(
    markdownCommand(text, "npx --no-install pulumi-chatbots-sandbox -- pulumi up --yes"),
  );
  const printed = up.stdout + up.stderr;
  expect(up.stderr).toMatch(/pulumi-chatbots-sandbox: Sendbird http:\/\/127\.0\.0\.1:\d+\/v3, /);
  expect(printed).not.toMatch(/[0-9a-f]{48}/); // the shape of every generated credential
  expect(printed).not.toContain("PRIVATE KEY");
  const stateDir = path.join(dir, ".pulumi-chatbots-sandbox");
  const held = (platform: string) =>
    JSON.parse(fs.readFileSync(path.join(stateDir, `${platform}.json`), "utf8"));
  expect(
    held("sendbird").bots.map(
      (b: { resource: { bot: { bot_userid: string } } }) => b.resource.bot.bot_userid,
    ),
  ).toEqual(["assistant"]);
  const [helpdesk] = held("lineworks").bots;
  expect(held("lineworks").bots).toHaveLength(1);
  expect(helpdesk.bot.botName).toBe("Help desk");
  expect(helpdesk.domains.map((d: { domainId: number }) => d.domainId)).toEqual([10000001]);
  expect(await dev.outputs()).toEqual({
    assistantToken: { value: held("sendbird").bots[0].resource.bot.bot_token, secret: true },
  });

  await shell(markdownCommand(text, "npx --no-install pulumi-chatbots-sandbox -- pulumi destroy --yes"));
  expect(held("sendbird").bots).toEqual([]);
  expect(held("lineworks").bots).toEqual([]);
  expect(fs.existsSync(path.join(stateDir, "pulumi-chatbots-sandbox.lock"))).toBe(false); // the run's lock went with it
  console.log(
    `README project, up and destroy through pulumi-chatbots-sandbox: ${(Date.now() - started) / 1000} s`,
  );

  // The jest example, run as the README says, leaves nothing behind, and neither reads nor removes
  // the config of a stack of the user's named "test" (which would send Sendbird calls nowhere).
  expect(text).toContain("Run it with `npx jest`.");
  const usersStack = "# the user's own stack\nconfig:\n  sendbird:apiUrl: http://127.0.0.1:9/v3\n";
  fs.writeFileSync(path.join(dir, "Pulumi.test.yaml"), usersStack);
  const tmp = fs.mkdtempSync(path.join(readmeRoot, "tmp-"));
  const before = fs.readdirSync(dir).sort();
  const tested = await shell("npx jest", { TMPDIR: tmp });
  const jestOutput = tested.stdout + tested.stderr;
  expect(jestOutput).toContain("1 passed");
  expect(jestOutput).not.toContain("ts-jest[config] (WARN)"); // the README's tsconfig suits ts-jest
  // (jest keeps its cache under the temporary directory too: that is jest's, not the example's.)
  expect(fs.readdirSync(tmp).filter((name) => name.startsWith("pulumi-state-"))).toEqual([]);
  expect(fs.readdirSync(dir).sort()).toEqual(before);
  expect(fs.readFileSync(path.join(dir, "Pulumi.test.yaml"), "utf8")).toBe(usersStack);
  console.log(`README project, all of it: ${(Date.now() - started) / 1000} s`);
});
