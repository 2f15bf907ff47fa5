/**
 * The package as users get it: `npm pack` of this checkout, and fresh Pulumi projects outside the
 * repository that `npm install` the tarball the way a user's project would. Used by
 * package-install.test.ts and upgrade.test.ts.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** The user program with one resource of every type (test/e2e/package-fixtures/all-resources). */
const USER_PROGRAM = path.join(__dirname, "package-fixtures", "all-resources");

/** The dynamic resource types, each with the shim file its `__provider` must require. */
export const SHIM_OF_TYPE: Readonly<Record<string, string>> = {
  "pulumi-nodejs:dynamic/sendbird:Bot": "sendbird-bot",
  "pulumi-nodejs:dynamic/deadsimplechat:Bot": "deadsimplechat-bot",
  "pulumi-nodejs:dynamic/deadsimplechat:BotChatRoom": "deadsimplechat-bot-chat-room",
  "pulumi-nodejs:dynamic/lineworks:Bot": "lineworks-bot",
  "pulumi-nodejs:dynamic/lineworks:BotDomain": "lineworks-bot-domain",
  "pulumi-nodejs:dynamic/whats91:Chatbot": "whats91-chatbot",
};

/** What the stored provider of a resource must be: a require of the installed package's shim. */
export const shimRequire = (shim: string) => `require("pulumi-chatbots/dist/provider/shims/${shim}.js")`;

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; throws with its output unless it exits 0. Never pass credentials in `env`. */
export function run(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60 * 1000 },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`${command} ${args.join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/**
 * The environment of a user's shell: without the npm_* variables `npm test` exports (they point
 * npm at this checkout) and without NODE_PATH (which could let the project find the repository's
 * node_modules).
 */
export function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^npm_/i.test(key) && key !== "INIT_CWD" && key !== "NODE_PATH",
    ),
  );
}

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  peerDependencies: Record<string, string>;
}

export function repoPackageJson(): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
}

/** The lowest @pulumi/pulumi the package's peer range admits ("^3.216.0" gives "3.216.0"). */
export function peerRangeLowerBound(): string {
  const range = repoPackageJson().peerDependencies["@pulumi/pulumi"];
  const lowest = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? "");
  if (!lowest) throw new Error(`expected a caret range for the @pulumi/pulumi peer, found "${range}"`);
  return lowest[1];
}

/** The @pulumi/pulumi version this checkout's own tests run (node_modules). */
export function repoPulumiVersion(): string {
  const file = path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json");
  return JSON.parse(fs.readFileSync(file, "utf8")).version;
}

export interface PackedPackage {
  /** Absolute path of the .tgz. */
  tarball: string;
  version: string;
  /** Paths inside the package, e.g. "dist/provider/index.js". */
  files: string[];
}

/** Builds the package (`npm run build`) and packs it into `destination`, as `npm publish` would. */
export async function buildAndPack(destination: string): Promise<PackedPackage> {
  await run("npm", ["run", "--silent", "build"], { cwd: repoRoot });
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: repoRoot,
  });
  const [packed] = JSON.parse(stdout) as { filename: string; version: string; files: { path: string }[] }[];
  return {
    tarball: path.join(destination, packed.filename),
    version: packed.version,
    files: packed.files.map((f) => f.path).sort(),
  };
}

/**
 * A copy of a packed tarball with another version and `patch` applied to the unpacked package
 * directory: a later release, as far as the user's project can tell.
 */
export async function repack(
  tarball: string,
  destination: string,
  change: { version: string; patch: (packageDir: string) => void },
): Promise<string> {
  const unpacked = fs.mkdtempSync(path.join(destination, "unpacked-"));
  await run("tar", ["-xzf", tarball, "-C", unpacked], { cwd: destination });
  const packageDir = path.join(unpacked, "package");
  const manifest = path.join(packageDir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
  fs.writeFileSync(manifest, JSON.stringify({ ...pkg, version: change.version }, null, 2) + "\n");
  change.patch(packageDir);
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], {
    cwd: packageDir,
    env: userEnv(),
  });
  return path.join(destination, JSON.parse(stdout)[0].filename);
}

export interface UserProject {
  /** The project directory, under os.tmpdir(). */
  readonly dir: string;
  /** `npm install <packages>` in the project, as the user would type it. */
  install(...packages: string[]): Promise<void>;
  /** Runs `node -e <script>` in the project with the user's environment and returns its stdout. */
  node(script: string): Promise<string>;
  cleanup(): void;
}

/**
 * A fresh Pulumi project outside the repository: the files of `program` (default: the
 * all-resources program), its own package.json, and `npm install <tarball> @pulumi/pulumi@<pulumiVersion>`
 * (npm's cache is warm after the repository's own install, hence --prefer-offline).
 */
export async function createUserProject(
  tarball: string,
  pulumiVersion: string,
  program: string = USER_PROGRAM,
): Promise<UserProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-user-project-"));
  for (const file of fs.readdirSync(program)) {
    fs.copyFileSync(path.join(program, file), path.join(dir, file));
  }
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "chatbots-user-project", private: true, main: "index.js" }, null, 2) + "\n",
  );
  const project: UserProject = {
    dir,
    async install(...packages) {
      await run("npm", ["install", ...packages, "--no-audit", "--no-fund", "--prefer-offline"], {
        cwd: dir,
        env: userEnv(),
      });
    },
    async node(script) {
      return (await run("node", ["-e", script], { cwd: dir, env: userEnv() })).stdout;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await project.install(tarball, `@pulumi/pulumi@${pulumiVersion}`);
  return project;
}

/**
 * The version of the Pulumi SDK whose dynamic-provider host served the engine, from the engine's
 * verbose log (`--logtostderr -v=7`): the plugin `pulumi-resource-pulumi-nodejs` runs
 * `@pulumi/pulumi/cmd/dynamic-provider` resolved from the program directory, and answers
 * GetPluginInfo with that SDK's version.
 */
export function dynamicProviderSdkVersions(verboseLog: string): string[] {
  const found = verboseLog.matchAll(/Provider\[[^\]]*\]\.GetPluginInfo\(\) success \(#version=([^)\s]+)\)/g);
  return [...new Set([...found].map((m) => m[1]))];
}

// ---- the README, read as a user would follow it ------------------------------------------------

/** The repository's README.md (the one the package ships). */
export function readme(): string {
  return fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
}

interface FencedBlock {
  /** The info string's first word (`ts`, `sh`, ...). */
  lang: string;
  /** The rest of the info string: the file name, for the blocks that are files of a project. */
  meta: string;
  code: string;
}

function fencedBlocks(markdown: string): FencedBlock[] {
  return [...markdown.matchAll(/^```(\S*)[ \t]*(.*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    lang: m[1],
    meta: m[2].trim(),
    code: m[3],
  }));
}

/** The code block printed as the file `name` (its info string is e.g. "json package.json"). */
export function markdownFile(markdown: string, name: string): string {
  const blocks = fencedBlocks(markdown).filter((b) => b.meta === name);
  if (blocks.length !== 1) throw new Error(`expected one code block for ${name}, found ${blocks.length}`);
  return blocks[0].code;
}

/** The one shell command line printed in a `sh` block that starts with `prefix`, without its comment. */
export function markdownCommand(markdown: string, prefix: string): string {
  const lines = fencedBlocks(markdown)
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.code.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.startsWith(prefix));
  if (lines.length !== 1) throw new Error(`expected one command starting "${prefix}", found ${lines.length}`);
  return lines[0];
}

/**
 * The targets of the links and images of a Markdown text that are relative paths (no scheme, not
 * an anchor), without their #fragment; code blocks and code spans are not links.
 */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```[ \t]*$/gm, "").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]), // [x](t), ![x](t)
    ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]), // [x]: t
    ...[...prose.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]), // HTML
  ];
  return targets
    .filter((t) => !t.startsWith("#") && !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith("//"))
    .map((t) => t.replace(/#.*$/, ""));
}
