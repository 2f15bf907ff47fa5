/**
 * Runs before every integration test file. (Handler tests take their shortened waits from their
 * own policies: testPolicies in handler-kit.ts.)
 */
import { answersWithoutBasis } from "../../sandbox/documented";

// Every error answer a sandbox sends is a vendor's documented one, a named reading, an HTTP-level
// assumption or an injected fault (sandbox/documented.ts): one the sandbox made up fails the test.
afterEach(() => {
  expect(answersWithoutBasis()).toEqual([]);
});
