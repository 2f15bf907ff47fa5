#!/usr/bin/env node
/**
 * Usage: node scripts/mutation-score.js [--list]
 *
 * The mutation score of provider/ from each part's last results (test/mutation/<part>.json.gz,
 * written by scripts/mutation.sh): per file and in all, as Stryker counts it (killed and timed out
 * over all mutants that compile: survived and not covered count against). --list prints every
 * mutant that survived or that no test covers, with its place and replacement.
 */
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const dir = path.join(__dirname, "..", "test", "mutation");
const list = process.argv.includes("--list");
const parts = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json.gz")) : [];
if (parts.length === 0) {
  console.error("no results in test/mutation: run scripts/mutation.sh <part> first");
  process.exit(1);
}

const DETECTED = ["Killed", "Timeout"];
const COUNTED = [...DETECTED, "Survived", "NoCoverage"];
const total = {};
const rows = [];
const undetected = [];
for (const part of parts.sort()) {
  const report = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, part))).toString("utf8"));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const counts = {};
    for (const m of mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      total[m.status] = (total[m.status] ?? 0) + 1;
      if (m.status === "Survived" || m.status === "NoCoverage") {
        const { line, column } = m.location.start;
        undetected.push(
          `${m.status}\t${file}:${line}:${column}\t${m.mutatorName}\t${JSON.stringify(m.replacement)}`,
        );
      }
    }
    rows.push([file, counts]);
  }
}

const score = (c) => {
  const counted = COUNTED.reduce((n, s) => n + (c[s] ?? 0), 0);
  const detected = DETECTED.reduce((n, s) => n + (c[s] ?? 0), 0);
  return { counted, detected, percent: counted === 0 ? 100 : (100 * detected) / counted };
};
const line = (name, c) => {
  const s = score(c);
  const cells = [`${s.percent.toFixed(1)}%`, s.counted, c.Survived ?? 0, c.NoCoverage ?? 0, c.Timeout ?? 0];
  return [name.padEnd(44), ...cells.map((x) => String(x).padStart(10))].join("");
};
console.log(
  [
    "file".padEnd(44),
    ...["score", "mutants", "survived", "no cover", "timeout"].map((h) => h.padStart(10)),
  ].join(""),
);
for (const [file, counts] of rows.sort(([a], [b]) => a.localeCompare(b))) console.log(line(file, counts));
console.log(line(`all (${parts.map((p) => p.replace(".json.gz", "")).join(", ")})`, total));
if (list) for (const u of undetected) console.log(u);
