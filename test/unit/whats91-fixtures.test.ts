/**
 * Whats91's documented answers (sandbox/fixtures/whats91.ts) beside docs/vendors/whats91.md, beyond
 * what test/unit/vendor-fixtures.test.ts checks for every vendor: a fixture whose message the page
 * does not give has `error` variable, so its code is held here. Each code stands in the errors table
 * on one row with its status; the two bodies the guide gives in full are quoted there verbatim.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { WHATS91_ANSWERS } from "../../sandbox/fixtures/whats91";

const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "vendors", "whats91.md"), "utf8");
const rows = doc.split("\n").filter((line) => line.startsWith("|"));

describe.each(Object.entries(WHATS91_ANSWERS))("whats91.%s", (_name, answer) => {
  const { code, message } = answer.body.error;

  test("its status and code share a row of the errors table", () => {
    expect(rows).toContainEqual(
      expect.stringMatching(new RegExp(`^\\| ${answer.status} +\\| \`${code}\` +\\|`)),
    );
  });

  test("its envelope is the documented one", () => {
    expect(answer.body.success).toBe(false);
    expect(answer.body.metadata).toEqual({ apiVersion: "v2", requestId: "request-uuid" });
    expect(answer.variable).toContain("metadata");
  });

  test("a message no page gives is variable; one a page gives is quoted in full", () => {
    const variable = (answer.variable as readonly string[]).includes("error.message");
    if (message === "(not documented)") {
      expect(variable).toBe(true);
    } else {
      expect(doc).toContain(
        `{"success": false, "error": {"code": "${code}", "message": "${message}"}, "metadata": {"apiVersion": "v2", "requestId": "request-uuid"}}`,
      );
    }
  });
});
