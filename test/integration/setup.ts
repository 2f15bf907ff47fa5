/**
 * Runs before every integration test file. After a create whose outcome is unknown, a failing
 * lookup is waited out for about two minutes in production (provider/core/create.ts); tests that
 * make every lookup fail would wait that long, so here the pauses are a few milliseconds. The
 * tests that a lookup is retried at all are the unit tests of createReconciled.
 */
import { lookupPatience } from "../../provider/core/create";

lookupPatience.pausesMs = [5, 5];

import { answersWithoutBasis } from "../../sandbox/documented";

// Every error answer a sandbox sends is a vendor's documented one, a named reading, an HTTP-level
// assumption or an injected fault (sandbox/documented.ts): one the sandbox made up fails the test.
afterEach(() => {
  expect(answersWithoutBasis()).toEqual([]);
});
