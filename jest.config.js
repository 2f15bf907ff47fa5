/** Three suites: pure unit tests, handlers against the sandbox over HTTP, and the real Pulumi engine. */
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json" }];
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: "node",
  transform: { "^.+\\.ts$": tsJest },
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  // What jest crawls: the code and its tests. Not docs/ (TypeDoc's output holds a copy of
  // package.json, a haste-map collision), examples/ or the stacks' state.
  roots: ["<rootDir>/test", "<rootDir>/provider", "<rootDir>/sandbox"],
  // Stryker's working copies (npm run test:mutation) hold a second copy of every package.json.
  modulePathIgnorePatterns: ["<rootDir>/.stryker-tmp/"],
  ...extra,
});

module.exports = {
  projects: [
    project("unit"),
    // Handlers run in the test process here, under the policies each test gives them
    // (handler-kit.ts testPolicies); setup.ts checks every sandbox answer has a basis.
    project("integration", { setupFilesAfterEnv: ["<rootDir>/test/integration/setup.ts"] }),
    project("e2e"),
  ],
};
