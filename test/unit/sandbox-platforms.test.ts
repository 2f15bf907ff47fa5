/**
 * The list of sandbox platforms (sandbox/platforms.ts) is the one registration of a sandbox: every
 * sandbox module is in it, it names the provider's modules, each descriptor agrees with the
 * provider's settings, the benchmark and the soak find every platform's part through it, and the
 * package's sandbox exports stay what they were (the list and the descriptors are not among them).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import SANDBOX_PLATFORMS from "../../sandbox/platforms";
import * as sandboxPackage from "../../sandbox";
import { RESOURCES } from "../../provider/resources";

const ROOT = path.join(__dirname, "..", "..");
const SANDBOX = path.join(ROOT, "sandbox");

/** The sandbox modules: the files of sandbox/ that start a sandbox server (http.ts's) of their own. */
function sandboxModules(): string[] {
  return fs
    .readdirSync(SANDBOX)
    .filter((file) => file.endsWith(".ts"))
    .filter((file) =>
      /import\s*\{[^}]*\bstartSandboxServer\b[^}]*\}\s*from\s*"\.\/http"/.test(
        fs.readFileSync(path.join(SANDBOX, file), "utf8"),
      ),
    )
    .map((file) => file.replace(/\.ts$/, ""))
    .sort();
}

/** Every value a module exports that is a platform descriptor of the list. */
function descriptorsExportedBy(moduleName: string): unknown[] {
  const exported = require(path.join(SANDBOX, moduleName)) as Record<string, unknown>;
  return Object.values(exported).filter((value) => (SANDBOX_PLATFORMS as readonly unknown[]).includes(value));
}

test("every sandbox module is in the list, as its own descriptor, named after its file", () => {
  const modules = sandboxModules();
  expect(modules.length).toBeGreaterThan(0);
  expect(SANDBOX_PLATFORMS.map((platform) => platform.module).sort()).toEqual(modules);
  for (const platform of SANDBOX_PLATFORMS) {
    expect({ module: platform.module, exports: descriptorsExportedBy(platform.module) }).toEqual({
      module: platform.module,
      exports: [platform],
    });
  }
});

test("the list names the provider's modules, each once", () => {
  const names = SANDBOX_PLATFORMS.map((platform) => platform.module);
  expect(new Set(names).size).toBe(names.length);
  expect([...names].sort()).toEqual([...new Set(RESOURCES.map((def) => def.module))].sort());
});

/** The provider's settings of a module: every `SETTINGS` its files export, by key. */
function providerSettings(module: string): Record<string, { key: string; env: string }> {
  const dir = path.join(ROOT, "provider", module);
  const settings: Record<string, { key: string; env: string }> = {};
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith(".ts"))) {
    const exported = require(path.join(dir, file)) as {
      SETTINGS?: Record<string, { key: string; env: string }>;
    };
    for (const spec of Object.values(exported.SETTINGS ?? {})) settings[spec.key] = spec;
  }
  return settings;
}

test.each(SANDBOX_PLATFORMS.map((platform) => [platform.module, platform] as const))(
  "%s: the descriptor's credential and pacing settings are the provider's, under its prefix",
  (module, platform) => {
    const settings = providerSettings(module);
    const { envPrefix, credentials, pacing } = platform.provider;
    expect(credentials.length).toBeGreaterThan(0);
    for (const [key, variable] of credentials) expect([key, settings[key]?.env]).toEqual([key, variable]);
    expect([settings.readsPerSecond?.env, settings.writesPerSecond?.env]).toEqual([
      pacing.reads,
      pacing.writes,
    ]);
    for (const spec of Object.values(settings)) expect(spec.env.startsWith(envPrefix)).toBe(true);
    expect(platform.cli.secret.variable).toBe(credentials[0][1]);
  },
);

test("the benchmark's types and the soak's units come from the list's platforms", () => {
  const { benchTypes } = require(path.join(ROOT, "scripts", "bench", "lib", "types")) as {
    benchTypes(platforms: unknown): { name: string; sandbox: string; project: string; largest: unknown }[];
  };
  const { platformProjects } = require(path.join(ROOT, "scripts", "bench", "lib", "platforms")) as {
    platformProjects(
      platforms: unknown,
      file: string,
    ): { platform: { module: string }; projects: { spec: { unit?: unknown } }[] }[];
  };
  const types = benchTypes(SANDBOX_PLATFORMS);
  const projects = fs
    .readdirSync(path.join(ROOT, "scripts", "bench", "projects"))
    .filter((dir) => fs.existsSync(path.join(ROOT, "scripts", "bench", "projects", dir, "bench.js")));
  expect(types.map((type) => type.project).sort()).toEqual(projects.sort());
  for (const type of types) expect(type.project.startsWith(`${type.sandbox}-`)).toBe(true);
  // Every platform takes part in the fault soak with exactly one unit.
  const units = platformProjects(SANDBOX_PLATFORMS, "soak.js").map(({ platform, projects }) => [
    platform.module,
    projects.filter(({ spec }) => spec.unit !== undefined).length,
  ]);
  expect(units).toEqual(SANDBOX_PLATFORMS.map((platform) => [platform.module, 1]));
});

test("the package's sandbox exports hold neither the list nor a descriptor", () => {
  const values = Object.values(sandboxPackage) as unknown[];
  expect("default" in sandboxPackage).toBe(false);
  for (const platform of SANDBOX_PLATFORMS) expect(values).not.toContain(platform);
  expect(values).not.toContain(SANDBOX_PLATFORMS);
  // Each platform's start function is there (startSendbirdSandbox, ...).
  const names = Object.keys(sandboxPackage).map((name) => name.toLowerCase());
  for (const platform of SANDBOX_PLATFORMS) expect(names).toContain(`start${platform.module}sandbox`);
});
