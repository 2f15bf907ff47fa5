// @ts-check
/**
 * Mutation testing with StrykerJS: `npm run test:mutation` (needs Node >= 22, like the package).
 * Mutates the provider code (core and every platform) and runs the unit and integration tests
 * (jest.mutation.config.js), never e2e. HTML report: reports/mutation/mutation.html.
 *
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
const config = {
  packageManager: "npm",
  // Every platform; a run over one part: npm run test:mutation -- --mutate "provider/<platform>/**/*.ts"
  mutate: ["provider/**/*.ts", "!provider/shims/**", "!provider/index.ts", "!provider/*/index.ts"],
  // Not copied into Stryker's sandbox: never used by these tests, and e2e runs and `npm run up`
  // create and delete files there while they run.
  ignorePatterns: ["/test/e2e", "/examples", "/.pulumi-local", "/Pulumi.*.yaml", "/dist", "/coverage"],

  testRunner: "jest",
  jest: { projectType: "custom", configFile: "jest.mutation.config.js", enableFindRelatedTests: true },
  // Each mutant runs only the tests that covered it in the initial run.
  coverageAnalysis: "perTest",

  // Mutants that do not compile count as CompileError (left out of the score), not as killed or
  // survived. tsconfig.build.json (provider and sandbox, without the tests, examples and
  // scripts) makes each check about half as expensive as tsconfig.json.
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.build.json",
  // The instrumented files (all mutants in one file) are not meant to type-check.
  disableTypeChecks: "provider/**/*.ts",

  // Sized for 2-core machines. A mutant's test run mostly waits (retries, backoff, pacing and
  // local HTTP servers: a test runner process uses about a quarter of a core), so 4 processes:
  // 2 checkers and 2 test runners, then 4 test runners once all mutants are checked.
  // A mutant gets its tests' time in the initial run times timeoutFactor, plus timeoutMS,
  // before it counts as a timeout.
  concurrency: 4,
  timeoutFactor: 3,
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 10,

  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  thresholds: { high: 85, low: 70, break: null },

  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};

export default config;
