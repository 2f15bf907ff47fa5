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
const withoutNameAndMatch = ({ displayName: _name, testMatch: _match, ...rest }) => JSON.stringify(rest);
if (selected.length !== 2 || withoutNameAndMatch(selected[0]) !== withoutNameAndMatch(selected[1])) {
  throw new Error(
    "jest.mutation.config.js expects jest.config.js's unit and integration projects to differ only in displayName and testMatch",
  );
}
const { displayName: _name, testMatch: _match, ...shared } = selected[0];

module.exports = {
  ...shared,
  testMatch: selected.flatMap((p) => p.testMatch),
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: { isolatedModules: true } }] },
};
