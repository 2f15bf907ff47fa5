/**
 * `npm run test:mutation` loads jest.mutation.config.js, which flattens jest.config.js's unit and
 * integration projects; it refuses projects that differ in more than it knows how to merge. Mutation
 * runs are not part of `npm test`, so this is what notices a jest.config.js change that breaks it.
 */
test("the mutation config loads and runs the unit and integration tests with their setup", () => {
  const config = require("../../jest.mutation.config.js");
  expect(config.testMatch).toEqual([
    "<rootDir>/test/unit/**/*.test.ts",
    "<rootDir>/test/integration/**/*.test.ts",
  ]);
  expect(config.setupFilesAfterEnv).toEqual(["<rootDir>/test/integration/setup.ts"]);
  expect(config.projects).toBeUndefined();
});
