// Turns the raw measurements of scripts/bench/run.js into rows (figure | value | goal | met | note),
// grouped by section, and prints them or renders them as markdown.
"use strict";
const { machineLine } = require("./machine");

const PREVIEW_GOAL = 1.1;
const LARGEST_GOAL = 1.2;
const LOWEST_GOAL = 1.1;
/**
 * For a vendor that documents no limit, the provider cannot know one: its pace starts high and
 * learns the limit from 429s (issue 20). Under a limit it meets unawares: this ratio, and at most
 * this share of requests refused.
 */
const HIDDEN_LIMIT_GOAL = 1.3;
const HIDDEN_LIMIT_THROTTLED = 0.1;
const PROVIDER_BYTES_GOAL = 2048;
/** "About one listing per refresh": a listing may expire (core/coalesce.ts TTL) once or twice. */
const LISTINGS_GOAL = 3;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const ratio = (x) => `${x.toFixed(2)}x`;
const perResource = (ms, n) => `${(ms / n).toFixed(1)} ms`;
const mib = (bytes) => (bytes > 0 ? `${Math.round(bytes / 2 ** 20)} MiB` : "n/a");

/** "GET /bots x1, POST /bots x100", most frequent first. */
function operations(byOperation) {
  return Object.entries(byOperation)
    .sort((a, b) => b[1] - a[1])
    .map(([op, count]) => `${op} x${count}`)
    .join(", ");
}

/**
 * The CPU time of a command against its baseline's, and where the difference went, by process
 * role: "CPU 1.31x (provider +0.4 s, engine +0.3 s)". Empty when CPU time was not measured.
 */
function cpuNote(step, base) {
  if (!(step?.cpuMs > 0 && base?.cpuMs > 0)) return "";
  const roles = ["engine", "program", "provider", "languageHost"];
  const deltas = roles
    .map((role) => [role, (step.cpuMsByRole?.[role] ?? 0) - (base.cpuMsByRole?.[role] ?? 0)])
    .filter(([, d]) => Math.abs(d) >= 100)
    .sort((a, b) => b[1] - a[1]);
  const where = deltas
    .map(([role, d]) => `${role} ${d >= 0 ? "+" : ""}${(d / 1000).toFixed(1)} s`)
    .join(", ");
  return `CPU ${ratio(step.cpuMs / base.cpuMs)}${where ? ` (${where})` : ""}`;
}

const joinNotes = (...notes) => notes.filter(Boolean).join("; ") || undefined;

/** API calls by operation, not counting LINE WORKS token requests (one per provider process). */
function apiCalls(byOperation) {
  return Object.entries(byOperation)
    .filter(([op]) => !op.includes(" /oauth2/"))
    .reduce((sum, [, count]) => sum + count, 0);
}

function baselineRows(results, plan) {
  const section = "baseline: N no-op dynamic resources";
  const rows = [];
  for (const [n, s] of Object.entries(results.baseline.scaling)) {
    const ops = ["up", "preview", "refresh", "destroy"];
    rows.push({
      section,
      figure: `N=${n}: up / preview / refresh / destroy`,
      value: `${ops.map((op) => seconds(s[op].ms)).join(" / ")} (${ops.map((op) => perResource(s[op].ms, n)).join(" / ")} per resource)`,
      goal: "report",
      met: null,
    });
  }
  const p = results.baseline.parallelUp;
  rows.push({
    section,
    figure: `up of ${plan.mainN} at --parallel ${plan.parallel}`,
    value: seconds(p.ms),
    goal: "report",
    met: null,
  });
  const wide = results.baseline.wide;
  if (wide) {
    const n = plan.mainN;
    rows.push({
      section,
      figure: `N=${n}, ${wide.sizes?.outputKeysMean ?? "?"} properties each: up / preview / refresh / destroy`,
      value: ["up", "preview", "refresh", "destroy"].map((op) => seconds(wide[op].ms)).join(" / "),
      goal: "report",
      met: null,
      note: "as many properties as the resource types have: what Pulumi's SDK and engine cost per property",
    });
  }
  const sizes = Object.values(results.baseline.scaling).find((s) => s.sizes)?.sizes;
  if (sizes) {
    rows.push({
      section,
      figure: "state bytes per resource",
      value: `${sizes.stateBytesMean} B`,
      goal: "report",
      met: null,
      note: `its __provider is the provider serialised by value: ${sizes.providerBytesMax} B`,
    });
  }
  return rows;
}

function typeRows(name, result, results, plan) {
  const section = name;
  const row = (figure, value, goal, met, note) => ({
    section,
    figure,
    value,
    goal,
    met,
    ...(note && { note }),
  });
  if (result.error) return [row("harness", `broke: ${result.error.split("\n")[0]}`, "runs", false)];
  const base = results.baseline;
  const spec = plan.types.find((t) => t.name === name);
  const extra = spec.extraResources ?? 0;
  const extraNote = extra > 0 ? `the stack also holds the bot: ${extra} resource more than the baseline` : "";
  const rows = [];
  const n = plan.mainN;
  const main = result.scaling[n];

  // Preview of N unchanged resources: the calls of the preview that made the most.
  const previewRatio = main.preview.ms / base.scaling[n].preview.ms;
  const previewCalls = Math.max(...(main.preview.samplesCalls ?? [main.preview.calls.total]));
  rows.push(
    row(
      `preview of ${n} unchanged: vendor calls`,
      previewCalls,
      "0",
      previewCalls === 0,
      main.preview.changedSteps > 0 ? `the preview proposed ${main.preview.changedSteps} changes` : undefined,
    ),
    // Judged against the no-op resources with as many properties as ours (issue 20): what the SDK
    // costs per output is the same for both, so the difference is the provider's.
    base.wide
      ? row(
          `preview of ${n} unchanged: time vs the ${base.wide.sizes?.outputKeysMean}-property no-op baseline`,
          `${ratio(main.preview.ms / base.wide.preview.ms)} (${seconds(main.preview.ms)} vs ${seconds(base.wide.preview.ms)})`,
          `<= ${PREVIEW_GOAL}x`,
          main.preview.ms / base.wide.preview.ms <= PREVIEW_GOAL,
          joinNotes(
            cpuNote(main.preview, base.wide.preview),
            `vs the plain no-op: ${ratio(previewRatio)} (${seconds(base.scaling[n].preview.ms)}), ${cpuNote(main.preview, base.scaling[n].preview)}`,
            extraNote,
          ),
        )
      : row(
          `preview of ${n} unchanged: time vs baseline preview`,
          `${ratio(previewRatio)} (${seconds(main.preview.ms)} vs ${seconds(base.scaling[n].preview.ms)})`,
          "report",
          null,
          joinNotes(cpuNote(main.preview, base.scaling[n].preview), extraNote),
        ),
  );

  // Up at the largest plan, with latency.
  const largest = result.largest;
  const latencyMs = (largest.n * plan.latencyMs) / plan.parallel;
  const floor = base.parallelUp.ms + latencyMs;
  const largestRatio = largest.up.ms / floor;
  const callsPerCreate = apiCalls(largest.up.calls.byOperation) / largest.n;
  const callAwareFloor = base.parallelUp.ms + latencyMs * callsPerCreate;
  // The plan's own limit may allow less than the latency does (LINE WORKS: 4 calls/s per operation).
  const planFloor = base.parallelUp.ms + Math.max(latencyMs * callsPerCreate, largest.limitFloorMs ?? 0);
  rows.push(
    row(
      `up of ${largest.n}, ${plan.latencyMs} ms latency, --parallel ${plan.parallel}, largest plan: time vs floor`,
      `${ratio(largestRatio)} (${seconds(largest.up.ms)}; floor ${seconds(floor)} = baseline ${seconds(base.parallelUp.ms)} + ${largest.n} x ${plan.latencyMs} ms / ${plan.parallel})`,
      `<= ${LARGEST_GOAL}x`,
      largestRatio <= LARGEST_GOAL && largest.failures === 0,
      joinNotes(
        spec.largest.plan,
        largest.failures > 0 ? `${largest.failures} failed` : "",
        largest.rateLimited > 0 ? `${largest.rateLimited} 429s` : "",
        cpuNote(largest.up, base.parallelUp),
      ),
    ),
    row(
      `up of ${largest.n} at the largest plan: calls per create, time vs call-aware floor`,
      `${callsPerCreate.toFixed(2)} calls/create; ${ratio(largest.up.ms / callAwareFloor)} of ${seconds(callAwareFloor)}` +
        (planFloor > callAwareFloor
          ? `; ${ratio(largest.up.ms / planFloor)} of the plan limit's floor ${seconds(planFloor)}`
          : ""),
      "report",
      null,
      joinNotes(
        operations(largest.up.calls.byOperation),
        `best of ${largest.samplesMs?.length ?? 1}: ${(largest.samplesMs ?? []).map(seconds).join(", ")}`,
      ),
    ),
  );

  // Up under the smallest limit, default pacing.
  const lowest = result.lowest;
  const lowestBase = base.scaling[lowest.n].up.ms;
  const lowestFloor = lowestBase + lowest.limitFloorMs;
  const lowestRatio = lowest.up.ms / lowestFloor;
  const binding = Object.entries(lowest.buckets).sort(
    (a, b) => b[1].calls / b[1].perSecond - a[1].calls / a[1].perSecond,
  )[0];
  const bindingText = binding
    ? `${binding[1].calls} x ${binding[0]} at ${binding[1].perSecond}/s`
    : "no limited calls";
  const lowestGoal = spec.undocumented ? HIDDEN_LIMIT_GOAL : LOWEST_GOAL;
  const lowestRequests = lowest.up.calls.total;
  const throttledGoal = spec.undocumented ? Math.floor(lowestRequests * HIDDEN_LIMIT_THROTTLED) : 0;
  rows.push(
    row(
      `up of ${lowest.n} under the smallest limit: time vs floor`,
      `${ratio(lowestRatio)} (${seconds(lowest.up.ms)}; floor ${seconds(lowestFloor)} = baseline ${seconds(lowestBase)} + ${seconds(lowest.limitFloorMs)} for ${bindingText})`,
      `<= ${lowestGoal}x`,
      lowestRatio <= lowestGoal,
      joinNotes(
        `${spec.lowest.plan}; provider default pacing` +
          (spec.undocumented ? ", which learns the limit from 429s" : "") +
          (spec.lowestN && lowest.n < 100
            ? `; N=${lowest.n}: 100 creates would take >= 100 min (--full)`
            : ""),
        `${((lowestRequests - lowest.rateLimited) / lowest.n).toFixed(2)} calls/create besides 429s`,
      ),
    ),
    row(`up of ${lowest.n} under the smallest limit: failures`, lowest.failures, "0", lowest.failures === 0),
    row(
      `up of ${lowest.n} under the smallest limit: 429s received`,
      `${lowest.rateLimited} of ${lowestRequests} requests`,
      spec.undocumented ? `<= ${throttledGoal} (${HIDDEN_LIMIT_THROTTLED * 100}%)` : "0",
      lowest.rateLimited <= throttledGoal,
    ),
  );

  // Nothing configured, no limit: what a new user of a vendor without a documented limit sees.
  const defaults = result.defaults;
  if (defaults) {
    const defaultsBase = base.parallelUpDefaults ?? base.parallelUp;
    const defaultsFloor = defaultsBase.ms + (defaults.n * plan.latencyMs) / plan.parallel;
    const defaultsRatio = defaults.up.ms / defaultsFloor;
    rows.push(
      row(
        `up of ${defaults.n}, nothing configured, ${plan.latencyMs} ms latency, --parallel ${plan.parallel}, no limit: time vs floor`,
        `${ratio(defaultsRatio)} (${seconds(defaults.up.ms)}; floor ${seconds(defaultsFloor)} = baseline ${seconds(defaultsBase.ms)} + ${defaults.n} x ${plan.latencyMs} ms / ${plan.parallel})`,
        `<= ${LARGEST_GOAL}x`,
        defaultsRatio <= LARGEST_GOAL && defaults.failures === 0,
        joinNotes(
          "provider default pacing",
          `${(defaults.up.calls.total / defaults.n).toFixed(2)} calls/create`,
          defaults.failures > 0 ? `${defaults.failures} failed` : "",
          defaults.rateLimited > 0 ? `${defaults.rateLimited} 429s` : "",
          defaults.samplesMs
            ? `best of ${defaults.samplesMs.length}: ${defaults.samplesMs.map(seconds).join(", ")}`
            : "",
        ),
      ),
    );
  }

  // Refresh of N.
  const refresh = main.refresh;
  const refreshRatio = refresh.ms / base.scaling[n].refresh.ms;
  const callsPerResource = refresh.calls.total / n;
  const coalesced = spec.isListing !== undefined;
  rows.push(
    row(
      `refresh of ${n}: vendor calls per resource`,
      `${callsPerResource.toFixed(2)} (${operations(refresh.calls.byOperation)})`,
      coalesced ? `about 1 listing per refresh (<= ${LISTINGS_GOAL})` : "report",
      coalesced ? refresh.listings <= LISTINGS_GOAL : null,
      coalesced ? `${refresh.listings} listing(s)` : undefined,
    ),
    row(
      `refresh of ${n}: time vs baseline refresh`,
      `${ratio(refreshRatio)} (${seconds(refresh.ms)} vs ${seconds(base.scaling[n].refresh.ms)})`,
      "report",
      null,
      joinNotes(
        cpuNote(refresh, base.scaling[n].refresh),
        refresh.summary ? `engine: ${refresh.summary}` : "",
      ),
    ),
  );

  // Scaling.
  for (const [size, s] of Object.entries(result.scaling)) {
    const b = base.scaling[size];
    rows.push(
      row(
        `scaling N=${size}: ms per resource (vs baseline), provider peak RSS`,
        `up ${perResource(s.up.ms, size)} (${ratio(s.up.ms / b.up.ms)}), refresh ${perResource(s.refresh.ms, size)} ` +
          `(${ratio(s.refresh.ms / b.refresh.ms)}); RSS up ${mib(s.up.providerPeakRssBytes)}, refresh ${mib(s.refresh.providerPeakRssBytes)}`,
        "report",
        null,
        joinNotes(
          `destroy ${perResource(s.destroy.ms, size)} (${ratio(s.destroy.ms / b.destroy.ms)})`,
          `up ${cpuNote(s.up, b.up)}`,
          `refresh ${cpuNote(s.refresh, b.refresh)}`,
          "no latency, no rate limit",
        ),
      ),
    );
  }

  // State sizes.
  if (main.sizes) {
    rows.push(
      row(
        "__provider bytes per resource",
        main.sizes.providerBytesMax,
        `<= ${PROVIDER_BYTES_GOAL}`,
        main.sizes.providerBytesMax <= PROVIDER_BYTES_GOAL,
        "stored twice per resource (inputs and outputs)",
      ),
      row(
        "state bytes per resource",
        `${main.sizes.stateBytesMean} B`,
        "report",
        null,
        `largest ${main.sizes.stateBytesMax} B`,
      ),
    );
  }
  return rows;
}

function buildRows(results, plan) {
  const rows = [];
  rows.push(...baselineRows(results, plan));
  for (const [name, result] of Object.entries(results.types))
    rows.push(...typeRows(name, result, results, plan));
  for (const r of results.soak?.rows ?? []) rows.push(r);
  return rows;
}

function sections(rows) {
  const grouped = new Map();
  for (const r of rows) {
    if (!grouped.has(r.section)) grouped.set(r.section, []);
    grouped.get(r.section).push(r);
  }
  return grouped;
}

const metText = (met) => (met === true ? "yes" : met === false ? "NO" : "-");

function printTables(rows) {
  for (const [section, list] of sections(rows)) {
    const cells = list.map((r) => [r.figure, String(r.value), r.goal, metText(r.met)]);
    const header = ["figure", "value", "goal", "met"];
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join(" | ");
    console.log(`\n== ${section}`);
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
    for (const c of cells) console.log(line(c));
  }
  console.log("");
}

const cell = (text) =>
  String(text ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ");

function renderMarkdown(rows, results) {
  // The flags that chose what was measured (not --publish, which only copies the report).
  const flags = results.argv.filter((a) => a !== "--publish" && a !== "--report-only");
  const out = [
    "# Benchmark results",
    "",
    `Machine: ${machineLine(results.machine)}.`,
    `Run: \`npm run bench${flags.length > 0 ? ` -- ${flags.join(" ")}` : ""}\`, ` +
      `${Math.round(results.durationSeconds / 60)} min; ` +
      `scaling sizes ${results.plan.sizes.join(", ")}; types ${results.plan.types.join(", ")}.`,
    "",
    "Every timing is a ratio to a baseline measured in the same run: a stack of the same number of no-op " +
      "dynamic resources (the engine's, the language host's and the dynamic-provider host's own cost). " +
      "Produced by `scripts/bench/run.js`; the raw numbers are in `bench-results/bench.json`.",
    "",
    "![Scaling: ms per resource against N for up and refresh, and the ratio figures](bench.svg)",
    "",
  ];
  for (const [section, list] of sections(rows)) {
    out.push(`## ${section}`, "", "| figure | value | goal | met | note |", "|---|---|---|---|---|");
    for (const r of list) {
      out.push(
        `| ${cell(r.figure)} | ${cell(r.value)} | ${cell(r.goal)} | ${metText(r.met)} | ${cell(r.note)} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}

module.exports = { buildRows, printTables, renderMarkdown };
