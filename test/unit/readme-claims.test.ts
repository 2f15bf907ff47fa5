/**
 * What the README (and the changelog) say of the repository that a reader acts on: which examples
 * are Pulumi projects with a README of their own, and the `npx` line that runs the package's own
 * `pulumi-chatbots-sandbox` and nothing fetched from the registry.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** The text of a `## ` section of the README, without its heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const body = markdown.slice(start + heading.length + 5);
  const end = body.search(/^## /m);
  return end < 0 ? body : body.slice(0, end);
}

/**
 * The examples each list of the section names (`- \`examples/<name>/\``), with the paragraph that
 * introduces the list.
 */
function listedExamples(text: string): { intro: string; names: string[] }[] {
  const lists: { intro: string; names: string[] }[] = [];
  let intro = "";
  for (const block of text.split(/\n\s*\n/)) {
    if (!block.trimStart().startsWith("- ")) {
      intro = block.replace(/\s+/g, " ").trim();
      continue;
    }
    const names = [...block.matchAll(/^- `examples\/([^/`]+)\/`/gm)].map((m) => m[1]);
    lists.push({ intro, names });
  }
  return lists;
}

test("the examples the README calls Pulumi projects with a README are those, and it names every example", () => {
  const examples = fs.readdirSync(path.join(root, "examples")).sort();
  const isProject = (name: string) => fs.existsSync(path.join(root, "examples", name, "Pulumi.yaml"));
  const hasReadme = (name: string) => fs.existsSync(path.join(root, "examples", name, "README.md"));

  const lists = listedExamples(section(read("README.md"), "Examples"));
  expect(lists.flatMap((list) => list.names).sort()).toEqual(examples);
  for (const { intro, names } of lists) {
    // A list introduced as Pulumi projects (not "not projects") holds nothing else: each has its
    // Pulumi.yaml (which test/e2e/examples.test.ts runs) and its README.
    const claimsProjects =
      /Pulumi projects? of (its|their) own/.test(intro) && !/not (Pulumi )?projects/.test(intro);
    const claimsReadme = claimsProjects && /README/.test(intro);
    for (const name of names) {
      expect({ name, project: isProject(name) }).toEqual({ name, project: claimsProjects });
      if (claimsReadme) expect({ name, readme: hasReadme(name) }).toEqual({ name, readme: true });
    }
  }
});

test("every `npx pulumi-chatbots-sandbox` in the README and the changelog says --no-install", () => {
  for (const file of ["README.md", "CHANGELOG.md"]) {
    const text = read(file);
    // Without it, npx run outside the project fetches a package of that name from the registry.
    expect({ file, bare: text.match(/npx (?!--no-install )(\S+ )*?pulumi-chatbots-sandbox/g) }).toEqual({
      file,
      bare: null,
    });
  }
  expect(read("README.md")).toContain("npx --no-install pulumi-chatbots-sandbox -- pulumi up --yes");
});
