/**
 * TypeScript programs run the way Pulumi's own nodejs language host runs them, whichever host
 * the toolchain provides (scripts/with-toolchain.sh uses scripts/language-host when no Pulumi
 * installation has one): through ts-node with type checking unless Pulumi.yaml's runtime option
 * `typescript` is false, with the project's tsconfig (or the one the `tsconfig` option names),
 * and index.ts found when package.json has no "main".
 *
 * The projects are written at test time into a temporary directory, so that the repository's
 * own tsc and eslint never see the one with a type error. Each links the repository's
 * @pulumi/pulumi, which brings the repository's typescript, as a user's install would.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  e2eStack,
  e2eWorkspace,
  type OperationResult,
  type PulumiStack,
  type PulumiWorkspace,
} from "./stacks";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

// jest 30 does not apply a `testTimeout` given inside a `projects` entry.
jest.setTimeout(10 * 60 * 1000);

/**
 * A strict tsconfig.json. `module: nodenext` (CommonJS output without "type": "module"): the SDK
 * gives ts-node `moduleResolution: nodenext`, which TypeScript refuses next to `module: commonjs`.
 */
const TSCONFIG = JSON.stringify(
  { compilerOptions: { target: "ES2022", module: "nodenext", strict: true, skipLibCheck: true } },
  null,
  2,
);

let ws: PulumiWorkspace;
/** The stack "dev" of each project directory. */
const stacks = new Map<string, PulumiStack>();

beforeAll(() => {
  ws = e2eWorkspace();
});

afterAll(() => ws?.cleanup());

/**
 * Writes a project named `name` with the given files (Pulumi.yaml gets `name:` prepended) and
 * a link to the repository's @pulumi/pulumi; returns its directory.
 */
function project(name: string, files: Record<string, string>): string {
  const dir = path.join(ws.dir, name);
  fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
    path.join(dir, "node_modules", "@pulumi", "pulumi"),
    "dir",
  );
  for (const [file, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, file), file === "Pulumi.yaml" ? `name: ${name}\n${text}` : text);
  }
  return dir;
}

/** `stack init` then `up` in `dir`; the result of `up`, failed or not. */
async function up(dir: string): Promise<OperationResult> {
  const stack = e2eStack(ws, dir, "dev");
  stacks.set(dir, stack);
  await stack.init();
  return stack.up({ allowFailure: true });
}

/** The stack's outputs, none of them secret. */
async function outputs(dir: string): Promise<Record<string, unknown>> {
  const all = Object.entries(await stacks.get(dir)!.outputs());
  expect(all.filter(([, output]) => output.secret)).toEqual([]);
  return Object.fromEntries(all.map(([name, output]) => [name, output.value]));
}

const packageJson = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, version: "0.0.0", private: true, ...extra }, null, 2);

describe("TypeScript programs under the nodejs language host", () => {
  test("a program with an enum runs, and its output holds the enum's value", async () => {
    const dir = project("ts-enum", {
      "Pulumi.yaml": "runtime: nodejs\n",
      "package.json": packageJson("ts-enum", { main: "index.ts" }),
      "tsconfig.json": TSCONFIG,
      // Node's type stripping refuses enums: only a TypeScript compiler runs this.
      "index.ts":
        'enum Tier {\n  Free = "free-tier",\n  Paid = "paid-tier",\n}\nexport const tier: string = Tier.Paid;\n',
    });
    const result = await up(dir);
    expect(`${result.stdout}\n${result.stderr}`).not.toContain("enum is not supported");
    expect(result.ok).toBe(true);
    expect(result.stdout).toContain('tier: "paid-tier"');
    expect(await outputs(dir)).toEqual({ tier: "paid-tier" });
  });

  test("a program with a type error fails at up, naming the error, and creates nothing", async () => {
    const dir = project("ts-type-error", {
      "Pulumi.yaml": "runtime: nodejs\n",
      "package.json": packageJson("ts-type-error", { main: "index.ts" }),
      "tsconfig.json": TSCONFIG,
      "index.ts": 'const port: number = "8080";\nexport const listening = port;\n',
    });
    const result = await up(dir);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.ok).toBe(false);
    expect(output).toMatch(
      /index\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
    expect(await outputs(dir)).toEqual({});
  });

  test("without a main in package.json or Pulumi.yaml, index.ts is the program", async () => {
    const dir = project("ts-no-main", {
      "Pulumi.yaml": "runtime: nodejs\n",
      "package.json": packageJson("ts-no-main", { dependencies: { "@pulumi/pulumi": "*" } }),
      "tsconfig.json": TSCONFIG,
      "index.ts": [
        'import * as pulumi from "@pulumi/pulumi";',
        'const name: string = "index.ts";',
        "export const ran = pulumi.output(name).apply((n) => `${n} ran`);",
        "",
      ].join("\n"),
    });
    const result = await up(dir);
    expect(result.stderr).not.toContain("does not exist");
    expect(result.ok).toBe(true);
    expect(await outputs(dir)).toEqual({ ran: "index.ts ran" });
  });

  test("the tsconfig runtime option of Pulumi.yaml names the tsconfig that checks the program", async () => {
    const dir = project("ts-tsconfig-option", {
      "Pulumi.yaml": "runtime:\n  name: nodejs\n  options:\n    tsconfig: tsconfig.pulumi.json\n",
      "package.json": packageJson("ts-tsconfig-option", { main: "index.ts" }),
      // The default tsconfig.json allows an unused local; the one the option names does not.
      "tsconfig.json": TSCONFIG,
      "tsconfig.pulumi.json": JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: { noUnusedLocals: true },
      }),
      "index.ts": 'const unused = 1;\nexport const value: string = "checked";\n',
    });
    const result = await up(dir);
    expect(result.ok).toBe(false);
    expect(`${result.stdout}\n${result.stderr}`).toMatch(
      /error TS6133: 'unused' is declared but its value is never read/,
    );
  });

  test("with the runtime option typescript: false, ts-node is not registered", async () => {
    // A .js program (what `typescript: false` is for): ts-node, once registered, adds a
    // require hook for ".ts"; Node itself has none.
    const program = 'exports.tsHook = Object.prototype.hasOwnProperty.call(require.extensions, ".ts");\n';
    const off = project("ts-option-off", {
      "Pulumi.yaml": "runtime:\n  name: nodejs\n  options:\n    typescript: false\n",
      "package.json": packageJson("ts-option-off", { main: "index.js" }),
      "index.js": program,
    });
    const on = project("ts-option-default", {
      "Pulumi.yaml": "runtime: nodejs\n",
      "package.json": packageJson("ts-option-default", { main: "index.js" }),
      "index.js": program,
    });
    expect((await up(off)).ok).toBe(true);
    expect((await up(on)).ok).toBe(true);
    expect(await outputs(off)).toEqual({ tsHook: false });
    // TypeScript is on by default, as under Pulumi's own host: the same program sees the hook.
    expect(await outputs(on)).toEqual({ tsHook: true });
  });
});
