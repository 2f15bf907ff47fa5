/**
 * Jest config for `npm run test:mutation` (Stryker's jest runner), not for everyday use.
 *
 * - Only the unit and integration projects of jest.config.js: e2e needs the Pulumi CLI.
 * - Flattened into one project: Stryker's jest runner puts its own test environment (for
 *   per-test coverage) on the top-level config, which inline `projects` would not inherit.
 * - ts-jest transpiles only (isolatedModules): Stryker's instrumented sources hold every mutant
 *   at once and are not meant to type-check; the TypeScript checker of stryker.config.mjs judges
 *   each mutant's types instead, and skipping type checks makes every test run faster.
 */
const { projects } = require("./jest.config.js");

const selected = projects.filter((p) => p.displayName === "unit" || p.displayName === "integration");
// The integration tests' setup file (every sandbox answer has a basis) runs for all: it holds for
// unit tests too, which start no sandbox.
const own = ({ displayName: _name, testMatch: _match, setupFilesAfterEnv: _setup, ...rest }) =>
  JSON.stringify(rest);
if (selected.length !== 2 || own(selected[0]) !== own(selected[1])) {
  throw new Error(
    "jest.mutation.config.js expects jest.config.js's unit and integration projects to differ only in displayName, testMatch and setupFilesAfterEnv",
  );
}
const { displayName: _name, testMatch: _match, setupFilesAfterEnv: _setup, ...shared } = selected[0];

module.exports = {
  ...shared,
  testMatch: selected.flatMap((p) => p.testMatch),
  setupFilesAfterEnv: [...new Set(selected.flatMap((p) => p.setupFilesAfterEnv ?? []))],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true } }] },
};
