/**
 * The sandboxes' documented answers (sandbox/fixtures/<vendor>.ts) are the vendor's words: each
 * fixture names the page it is quoted from, and docs/vendors/<vendor>.md, the repository's account of
 * what each vendor documents, quotes the same status, the same text and the same page.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isVariable, type DocumentedAnswer } from "../../sandbox/documented";

const ROOT = path.join(__dirname, "..", "..");
const VENDORS = ["sendbird", "deadsimplechat", "lineworks", "whats91"];

/** Every string in a JSON-like value (keys not included), depth first. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** The strings of the answer's body outside its variable paths: the text quoted from the page. */
function documentedStrings(answer: DocumentedAnswer, value: unknown = answer.body, at = ""): string[] {
  if (at !== "" && isVariable(answer, at)) return [];
  if (value === null || typeof value !== "object") return strings(value);
  return Object.entries(value).flatMap(([key, v]) =>
    documentedStrings(answer, v, Array.isArray(value) ? at : at === "" ? key : `${at}.${key}`),
  );
}

function isDocumentedAnswer(value: unknown): value is DocumentedAnswer {
  const v = value as DocumentedAnswer;
  return typeof v === "object" && v !== null && typeof v.status === "number" && typeof v.page === "string";
}

/** The vendor's fixtures; none when its module is missing (the "there are fixtures" test then fails). */
function fixturesOf(vendor: string): [string, DocumentedAnswer][] {
  const file = path.join(ROOT, "sandbox", "fixtures", `${vendor}.ts`);
  if (!fs.existsSync(file)) return [];
  const module = require(file) as Record<string, unknown>;
  const found: [string, DocumentedAnswer][] = [];
  for (const exported of Object.values(module)) {
    if (exported === null || typeof exported !== "object") continue;
    for (const [name, answer] of Object.entries(exported)) {
      if (isDocumentedAnswer(answer)) found.push([name, answer]);
    }
  }
  return found;
}

describe.each(VENDORS)("%s: documented answers", (vendor) => {
  const fixtures = fixturesOf(vendor);
  const doc = () => fs.readFileSync(path.join(ROOT, "docs", "vendors", `${vendor}.md`), "utf8");

  test("there are fixtures, and docs/vendors quotes them", () => {
    expect(fixtures.length).toBeGreaterThan(0);
    expect(doc()).toContain("#");
  });

  test.each(fixtures)("%s is quoted verbatim, with its status and page, in docs/vendors", (_name, answer) => {
    const text = doc();
    expect(answer.page).toMatch(/^https:\/\//);
    expect(text).toContain(answer.page);
    expect(text).toContain(String(answer.status));
    for (const quoted of documentedStrings(answer)) expect(text).toContain(quoted);
  });
});
