#!/usr/bin/env node
// `npm run bench`: the performance figures of every resource type, on the real Pulumi engine
// against the local sandboxes (started in this process), with a temporary file backend.
//
// Every timing is a ratio to a baseline measured in the same run: a stack of the same number of
// no-op dynamic resources (scripts/bench/projects/baseline), i.e. what the engine, the language
// host and the dynamic-provider host cost by themselves. Per type:
// - scaling: up, preview, refresh and destroy of N resources (N = 10, 50, 100, 200), no latency and
//   no rate limit (pacing raised out of the way): ms per resource, ratio to the baseline, peak RSS
//   of the dynamic-provider process, CPU time per process role, vendor calls. N = 100 gives the
//   preview and refresh figures (vendor calls of an unchanged preview, listings of a refresh) and
//   the state sizes;
// - up of 100 with 100 ms sandbox latency at --parallel 10 under the vendor's largest documented
//   plan (pacing raised to match), against the floor: baseline up + 100 x 100 ms / 10;
// - up under the vendor's smallest documented limit with the provider's default pacing, against
//   the floor that limit sets: 0 failures, and the 429s received.
// Then scripts/bench/soak.js (the fault soak and the platforms' own soak scenarios) runs, and its
// rows join the report.
//
// The machine may be shared (timings then drift with its load), so: what changes nothing (preview,
// refresh) and the up at the largest plan run --repeats times and the fastest counts; the baseline
// is measured before and after the types and the faster round counts; and every command's CPU time
// (per process: engine, program, provider) is recorded, steadier than wall time under load. A
// second baseline with 16 properties per resource tells what Pulumi's SDK costs per property from
// what the provider costs.
//
// Usage (through scripts/with-toolchain.sh, as `npm run bench -- [flags]`):
//   --small            N = 5 everywhere and sizes 5 and 10 (CI: a few minutes on 2 cores)
//   --full             the smallest-limit up with N = 100 for every type (LINE WORKS: ~2 x 100 min)
//   --types a,b        only these types (the `name`s in scripts/bench/projects/*/bench.js); the
//                      baseline always runs
//   --sizes 10,50      the scaling sizes
//   --repeats k        preview and refresh run k times, the fastest counts (default 3; --small 1)
//   --lowest-n t=n,..  N of the smallest-limit up for these types (default: the type's lowestN,
//                      else 100)
//   --no-soak          skip scripts/bench/soak.js
//   --publish          also copy bench.svg and bench.md to docs/performance/
//   --report-only      measure nothing: render bench.md and bench.svg again from bench.json
// The types are the bench projects' bench.js files, with their platforms' rate plans from the
// sandbox list (scripts/bench/lib/types.js).
// Writes bench-results/bench.json (raw numbers, machine), bench.md and bench.svg. Exits 0 when the
// figures were measured, goals met or not; 1 when the harness broke (a pulumi command failed
// where it must not).
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { pulumiStack, changedSteps, pulumiWorkspace } = require("../lib/pulumi-automation");
const { benchTypes, typeNames, operationOf } = require("./lib/types");
const { sandboxPlatforms } = require("./lib/platforms");
const { buildRows, printTables, renderMarkdown } = require("./lib/report");
const { renderChart } = require("./lib/chart");
const { machineInfo } = require("./lib/machine");

const ROOT = path.resolve(__dirname, "..", "..");
const RESULTS_DIR = path.join(ROOT, "bench-results");
const PUBLISH_DIR = path.join(ROOT, "docs", "performance");
const PROJECTS = path.join(__dirname, "projects");
const LATENCY_MS = 100;
const DEFAULTS_N = 50;
const PARALLEL = 10;

const USAGE =
  "usage: node scripts/bench/run.js [--small] [--full] [--types a,b] [--sizes 10,50] " +
  "[--repeats k] [--lowest-n type=n,...] [--no-soak] [--publish] [--report-only]";

function parseArgs(argv) {
  const opts = { small: false, full: false, publish: false, soak: true, lowestN: {} };
  const value = (i) => {
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value\n${USAGE}`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--small") opts.small = true;
    else if (arg === "--full") opts.full = true;
    else if (arg === "--publish") opts.publish = true;
    else if (arg === "--no-soak") opts.soak = false;
    else if (arg === "--report-only") opts.reportOnly = true;
    else if (arg === "--types") opts.types = value(i++).split(",");
    else if (arg === "--sizes") opts.sizes = value(i++).split(",").map(Number);
    else if (arg === "--repeats") opts.repeats = Number(value(i++));
    else if (arg === "--lowest-n") {
      for (const pair of value(i++).split(",")) {
        const [type, n] = pair.split("=");
        opts.lowestN[type] = Number(n);
      }
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const known = typeNames();
  for (const name of [...(opts.types ?? []), ...Object.keys(opts.lowestN)]) {
    if (!known.includes(name)) throw new Error(`unknown type ${name}; known: ${known.join(", ")}`);
  }
  for (const n of [...(opts.sizes ?? []), ...Object.values(opts.lowestN), opts.repeats ?? 1]) {
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`sizes must be positive integers\n${USAGE}`);
  }
  return opts;
}

/** What this run measures: the sizes, N of each figure, the types (of `types`, benchTypes()). */
function planOf(opts, types) {
  const mainN = opts.small ? 5 : 100;
  const sizes = [...new Set([...(opts.sizes ?? (opts.small ? [5, 10] : [10, 50, 100, 200])), mainN])].sort(
    (a, b) => a - b,
  );
  const measured = types.filter((t) => !opts.types || opts.types.includes(t.name));
  const lowestN = {};
  for (const t of measured) {
    lowestN[t.name] = opts.lowestN[t.name] ?? (opts.small ? 5 : opts.full ? 100 : (t.lowestN ?? 100));
  }
  const repeats = opts.repeats ?? (opts.small ? 1 : 3);
  // The "nothing configured" up of the vendors that document no limit: what a new user tries.
  const defaultsN = opts.small ? 5 : DEFAULTS_N;
  return {
    mainN,
    sizes,
    types: measured,
    lowestN,
    defaultsN,
    repeats,
    latencyMs: LATENCY_MS,
    parallel: PARALLEL,
  };
}

// ---- measuring ------------------------------------------------------------------------------

/** The requests a sandbox received from index `from` on: total, per operation, refused with 429. */
function callsSince(sandbox, from) {
  const requests = sandbox.requests.slice(from);
  const byOperation = {};
  for (const req of requests) {
    const op = operationOf(req);
    byOperation[op] = (byOperation[op] ?? 0) + 1;
  }
  return {
    total: requests.length,
    rateLimited: requests.filter((r) => r.status === 429).length,
    byOperation,
    requests,
  };
}

/**
 * Runs a pulumi command: its wall and CPU time, the provider's peak memory, and the vendor calls
 * it caused when there is a sandbox.
 */
async function measure(sandbox, command) {
  const from = sandbox?.requests.length ?? 0;
  const result = await command();
  const step = {
    ms: round(result.ms),
    cpuMs: result.cpuMs,
    cpuMsByRole: Object.fromEntries(Object.entries(result.cpuMsByRole).map(([k, v]) => [k, Math.round(v)])),
    ok: result.ok,
    providerPeakRssBytes: result.providerPeakRss,
  };
  if (sandbox) {
    const { requests, ...calls } = callsSince(sandbox, from);
    step.calls = calls;
    Object.defineProperty(step, "requests", { value: requests, enumerable: false });
  }
  Object.defineProperty(step, "output", { value: result.stdout, enumerable: false });
  Object.defineProperty(step, "events", { value: result.events, enumerable: false });
  return step;
}

/**
 * Runs a command that changes nothing (preview, refresh of an unchanged stack) `repeats` times:
 * the fastest run, which the load of a shared machine disturbed least, with every run's time.
 */
async function measureBest(sandbox, command, repeats) {
  const samples = [];
  for (let i = 0; i < repeats; i++) samples.push(await measure(sandbox, command));
  const best = samples.reduce((a, b) => (b.ms < a.ms ? b : a));
  best.samplesMs = samples.map((s) => s.ms);
  best.samplesCalls = samples.map((s) => s.calls?.total);
  return best;
}

/** The resource counts of the "Resources:" summary of a pulumi command's output, as one line. */
function summaryOf(stdout) {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => l.trim() === "Resources:");
  if (at < 0) return undefined;
  const out = [];
  for (const line of lines.slice(at + 1)) {
    if (line.trim() === "") break;
    out.push(line.trim());
  }
  return out.join(", ");
}

/** Per-resource sizes of the resources of `type` in a `pulumi stack export`. */
function stateSizes(exported, type) {
  const resources = (exported.deployment.resources ?? []).filter((r) => r.type === type);
  if (resources.length === 0) return undefined;
  const providerBytes = resources.map((r) => Buffer.byteLength(String(r.inputs?.__provider ?? "")));
  const stateBytes = resources.map((r) => Buffer.byteLength(JSON.stringify(r)));
  const outputKeys = resources.map(
    (r) => Object.keys(r.outputs ?? {}).filter((k) => k !== "__provider").length,
  );
  const mean = (xs) => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    resources: resources.length,
    providerBytesMax: Math.max(...providerBytes),
    providerBytesMean: mean(providerBytes),
    // __provider is stored twice per resource (inputs and outputs); both are in the state bytes.
    stateBytesMean: mean(stateBytes),
    stateBytesMax: Math.max(...stateBytes),
    outputKeysMean: mean(outputKeys),
  };
}

function countOfType(exported, type) {
  return (exported.deployment.resources ?? []).filter((r) => r.type === type).length;
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const suffix = () => randomBytes(3).toString("hex");

// ---- the baseline ---------------------------------------------------------------------------

const BASELINE_TYPE = "pulumi-nodejs:dynamic/bench:Noop";
/** Properties per resource of the wide baseline: about as many as the resource types' outputs. */
const WIDE_BASELINE = 16;

/** up, preview, refresh and destroy of n no-op resources (plus the state sizes). */
async function baselineLifecycle(ws, plan, n, width = 1) {
  const stack = pulumiStack(ws, path.join(PROJECTS, "baseline"), `baseline-${n}-${suffix()}`, {});
  try {
    await stack.init({ n, width });
    const up = await measure(undefined, () => stack.up());
    const preview = await measureBest(undefined, () => stack.preview(), plan.repeats);
    const refresh = await measureBest(undefined, () => stack.refresh(), plan.repeats);
    const sizes = stateSizes(await stack.exportState(), BASELINE_TYPE);
    const destroy = await measure(undefined, () => stack.destroy());
    return { up, preview, refresh, destroy, sizes };
  } finally {
    await stack.remove();
  }
}

/** Up of n at --parallel, `repeats` times (a new stack each time): the fastest. */
async function baselineParallelUp(ws, plan, n) {
  const ups = [];
  for (let i = 0; i < plan.repeats; i++) {
    const stack = pulumiStack(ws, path.join(PROJECTS, "baseline"), `baseline-p-${suffix()}`, {});
    try {
      await stack.init({ n });
      ups.push(await measure(undefined, () => stack.up({ parallel: plan.parallel })));
    } finally {
      await stack.remove();
    }
  }
  return { ...ups.reduce((a, b) => (b.ms < a.ms ? b : a)), samplesMs: ups.map((u) => u.ms) };
}

/**
 * Every baseline figure the run needs: the lifecycle at each size; up at --parallel; and the
 * lifecycle at the main size with WIDE_BASELINE properties per resource, as many as the resource
 * types have, which tells the SDK's cost of properties (an Output each) from the provider's.
 */
async function measureBaseline(ws, plan) {
  const sizes = [...new Set([...plan.sizes, ...Object.values(plan.lowestN)])].sort((a, b) => a - b);
  const scaling = {};
  for (const n of sizes) {
    log(`baseline: ${n} no-op resources`);
    scaling[n] = await baselineLifecycle(ws, plan, n);
  }
  log(`baseline: up of ${plan.mainN} at --parallel ${plan.parallel}`);
  const parallelUp = await baselineParallelUp(ws, plan, plan.mainN);
  log(`baseline: up of ${plan.defaultsN} at --parallel ${plan.parallel}`);
  const parallelUpDefaults =
    plan.defaultsN === plan.mainN ? parallelUp : await baselineParallelUp(ws, plan, plan.defaultsN);
  log(`baseline: ${plan.mainN} no-op resources of ${WIDE_BASELINE} properties`);
  const wide = await baselineLifecycle(ws, plan, plan.mainN, WIDE_BASELINE);
  return { scaling, parallelUp, parallelUpDefaults, wide };
}

/**
 * The baseline is measured before and after the types (the machine may be shared, and its load
 * drifts); each figure used is the faster of the two rounds (as preview and refresh are the
 * fastest of their repeats), both kept in bench.json.
 */
function bestBaseline(rounds) {
  const [a, b] = rounds;
  if (!b) return a;
  const best = (x, y) => ({ ...(y.ms < x.ms ? y : x), rounds: [x.ms, y.ms] });
  const lifecycle = (x, y) => {
    const out = { ...x };
    for (const op of ["up", "preview", "refresh", "destroy"]) out[op] = best(x[op], y[op]);
    return out;
  };
  const scaling = {};
  for (const [n, s] of Object.entries(a.scaling)) scaling[n] = lifecycle(s, b.scaling[n]);
  return {
    scaling,
    parallelUp: best(a.parallelUp, b.parallelUp),
    parallelUpDefaults: best(a.parallelUpDefaults, b.parallelUpDefaults),
    wide: lifecycle(a.wide, b.wide),
  };
}

/** A first, unrecorded run: caches (disk, the CLI's plugin lookups) warm before anything is timed. */
async function warmUp(ws) {
  const stack = pulumiStack(ws, path.join(PROJECTS, "baseline"), `warm-up-${suffix()}`, {});
  try {
    await stack.init({ n: 1 });
    await stack.up();
    await stack.destroy();
  } finally {
    await stack.remove();
  }
}

// ---- one resource type ----------------------------------------------------------------------

/**
 * Fresh sandboxes for one phase of `spec` (so no phase sees another's bots), with the options its
 * stacks need, stopped by `use`'s end.
 */
async function withSandboxes(plan, spec, options, use) {
  const { startLocalSandboxes } = require(path.join(ROOT, "dist", "sandbox"));
  const most = Math.max(...plan.sizes, plan.mainN, ...Object.values(plan.lowestN));
  const local = await startLocalSandboxes({ ...spec.localOptions?.(most), ...options });
  try {
    return await use(local);
  } finally {
    await local.stop();
  }
}

/** Scaling at size n: up, preview, refresh, destroy with no latency, no limit, pacing out of the way. */
async function scalingRun(ws, plan, spec, n) {
  return withSandboxes(plan, spec, { rateLimits: false }, async (local) => {
    const sandbox = local[spec.sandbox];
    const projectDir = path.join(PROJECTS, spec.project);
    const stack = pulumiStack(ws, projectDir, `scale-${n}-${suffix()}`, { ...local.env, ...spec.unpaced });
    try {
      await stack.init(spec.config(n, "scale"));
      const up = await measure(sandbox, () => stack.up());
      // The sandbox's listings so far, after each refresh: for the listings each refresh made.
      const listingsLogged = () => (spec.isListing ? sandbox.requests.filter(spec.isListing).length : 0);
      const listings = [];
      const preview = await measureBest(sandbox, () => stack.preview(), plan.repeats);
      preview.changedSteps = changedSteps(preview.events).length;
      listings.push(listingsLogged());
      const refresh = await measureBest(
        sandbox,
        async () => {
          const result = await stack.refresh();
          listings.push(listingsLogged());
          return result;
        },
        plan.repeats,
      );
      refresh.summary = summaryOf(refresh.output);
      // Listings per refresh: the most any repeat made.
      if (spec.isListing) {
        const perRun = listings.slice(1).map((total, i) => total - listings[i]);
        refresh.listings = Math.max(...perRun);
        refresh.samplesListings = perRun;
      }
      const sizes = stateSizes(await stack.exportState(), spec.stateType);
      const destroy = await measure(sandbox, () => stack.destroy());
      return { up, preview, refresh, destroy, sizes };
    } finally {
      await stack.remove();
    }
  });
}

/**
 * Up of n at --parallel with latency, `repeats` times on fresh sandboxes (one run on a loaded
 * machine says little): the fastest, with every run's time, and the most failures and 429s any run
 * saw. `rateLimit` is the sandbox's limit, `pacing` the provider settings, `prefix` names the stacks.
 */
async function fastestUp(ws, plan, spec, n, { rateLimit, pacing, prefix }) {
  const runs = [];
  for (let i = 0; i < plan.repeats; i++) {
    runs.push(
      await withSandboxes(plan, spec, { latencyMs: plan.latencyMs }, async (local) => {
        const sandbox = local[spec.sandbox];
        sandbox.setRateLimit(rateLimit);
        const projectDir = path.join(PROJECTS, spec.project);
        const stack = pulumiStack(ws, projectDir, `${prefix}-${suffix()}`, { ...local.env, ...pacing });
        try {
          await stack.init(spec.config(n, prefix));
          const up = await measure(sandbox, () => stack.up({ parallel: plan.parallel, allowFailure: true }));
          const created = countOfType(await stack.exportState(), spec.stateType);
          return { n, up, created, failures: n - created, rateLimited: sandbox.rateLimited() };
        } finally {
          await stack.remove();
        }
      }),
    );
  }
  const best = runs.reduce((a, b) => (b.up.ms < a.up.ms ? b : a));
  return {
    ...best,
    samplesMs: runs.map((r) => r.up.ms),
    failures: Math.max(...runs.map((r) => r.failures)),
    rateLimited: Math.max(...runs.map((r) => r.rateLimited)),
  };
}

/**
 * Up of n at the largest plan's limit, with latency, at --parallel: the fastest of `repeats`, the
 * calls each create made, and the floor the plan's own limit sets.
 */
async function largestPlanRun(ws, plan, spec, n) {
  const best = await fastestUp(ws, plan, spec, n, {
    rateLimit: spec.largest.rateLimit,
    pacing: spec.largest.pacing,
    prefix: "largest",
  });
  return { ...best, ...limitFloor(best.up.requests, spec.largest.bucket) };
}

/**
 * The time a rate limit sets for `requests`: for each limit (`bucket` names the one a request counts
 * against and its rate), the calls counted divided by the rate; the slowest limit is the floor.
 * Refused calls (429) are left out: they are not needed.
 */
function limitFloor(requests, bucket) {
  const buckets = {};
  for (const req of requests) {
    const found = req.status === 429 ? undefined : bucket(req);
    if (!found) continue;
    const [name, perSecond] = found;
    buckets[name] ??= { calls: 0, perSecond };
    buckets[name].calls += 1;
  }
  const limitFloorMs = Math.max(0, ...Object.values(buckets).map((b) => (b.calls / b.perSecond) * 1000));
  return { buckets, limitFloorMs: round(limitFloorMs) };
}

/**
 * Up of n under the smallest documented limit (the sandboxes' default) with the provider's default
 * pacing, and the floor that limit sets: for each limit, the calls counted against it divided by
 * its rate; the slowest limit is the floor.
 */
async function lowestLimitRun(ws, plan, spec, n) {
  return withSandboxes(plan, spec, {}, async (local) => {
    const sandbox = local[spec.sandbox];
    const projectDir = path.join(PROJECTS, spec.project);
    const stack = pulumiStack(ws, projectDir, `lowest-${suffix()}`, { ...local.env });
    try {
      await stack.init(spec.config(n, "lowest"));
      const up = await measure(sandbox, () => stack.up({ allowFailure: true }));
      const created = countOfType(await stack.exportState(), spec.stateType);
      return {
        n,
        up,
        created,
        failures: n - created,
        rateLimited: sandbox.rateLimited(),
        ...limitFloor(up.requests, spec.lowest.bucket),
      };
    } finally {
      await stack.remove();
    }
  });
}

/**
 * Up of n with nothing configured (the provider's default pacing), 100 ms latency, --parallel, and
 * no sandbox limit: for the vendors that document no limit, whose default pace adapts.
 */
async function defaultsRun(ws, plan, spec, n) {
  return fastestUp(ws, plan, spec, n, { rateLimit: false, pacing: {}, prefix: "defaults" });
}

async function measureType(ws, plan, spec) {
  const result = { scaling: {} };
  for (const n of plan.sizes) {
    log(`${spec.name}: scaling, ${n} resources`);
    result.scaling[n] = await scalingRun(ws, plan, spec, n);
  }
  log(
    `${spec.name}: up of ${plan.mainN}, ${plan.latencyMs} ms latency, --parallel ${plan.parallel}, largest plan`,
  );
  result.largest = await largestPlanRun(ws, plan, spec, plan.mainN);
  const lowestN = plan.lowestN[spec.name];
  log(`${spec.name}: up of ${lowestN} under the smallest documented limit`);
  result.lowest = await lowestLimitRun(ws, plan, spec, lowestN);
  if (spec.undocumented) {
    log(`${spec.name}: up of ${plan.defaultsN}, nothing configured, ${plan.latencyMs} ms latency, no limit`);
    result.defaults = await defaultsRun(ws, plan, spec, plan.defaultsN);
  }
  return result;
}

// ---- the soak (another script) --------------------------------------------------------------

/** Runs scripts/bench/soak.js; its rows, or one failed row saying why there are none. */
async function runSoak(small) {
  const file = path.join(RESULTS_DIR, "soak.json");
  fs.rmSync(file, { force: true });
  const args = [path.join(__dirname, "soak.js"), ...(small ? ["--small"] : [])];
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
    child.on("error", () => resolve(-1));
    child.on("close", (c) => resolve(c ?? 1));
  });
  const seconds = round((Date.now() - started) / 1000);
  const failed = (why) => ({
    rows: [{ section: "fault soak", figure: "soak.js", value: why, goal: "runs", met: false }],
    seconds,
  });
  if (code !== 0) return failed(`exited ${code}`);
  try {
    const soak = JSON.parse(fs.readFileSync(file, "utf8"));
    if (!Array.isArray(soak.rows)) return failed("bench-results/soak.json has no rows");
    return { rows: soak.rows, seconds };
  } catch (err) {
    return failed(`bench-results/soak.json unreadable: ${err.message}`);
  }
}

// ---- main -----------------------------------------------------------------------------------

const startedAt = Date.now();
function log(message) {
  const elapsed = Math.round((Date.now() - startedAt) / 1000);
  process.stderr.write(
    `[bench ${String(Math.floor(elapsed / 60)).padStart(2, "0")}:${String(elapsed % 60).padStart(2, "0")}] ${message}\n`,
  );
}

function mustRun(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed`);
}

/**
 * The markdown as the repository's Prettier writes it (the published copy is checked by
 * `prettier --check .`); as it is where Prettier is not installed.
 */
async function prettierMarkdown(markdown) {
  try {
    const prettier = require("prettier");
    const options = (await prettier.resolveConfig(path.join(PUBLISH_DIR, "bench.md"))) ?? {};
    return await prettier.format(markdown, { ...options, parser: "markdown" });
  } catch {
    return markdown;
  }
}

/** Prints the tables and writes bench.json, bench.md and bench.svg (and their published copies). */
async function writeReport(results, plan, publish) {
  const rows = buildRows(results, plan);
  results.rows = rows;
  printTables(rows);
  fs.writeFileSync(path.join(RESULTS_DIR, "bench.json"), JSON.stringify(results, null, 2) + "\n");
  fs.writeFileSync(path.join(RESULTS_DIR, "bench.md"), await prettierMarkdown(renderMarkdown(rows, results)));
  fs.writeFileSync(path.join(RESULTS_DIR, "bench.svg"), renderChart(results, plan));
  log(`wrote bench-results/bench.json, bench.md, bench.svg (the run took ${results.durationSeconds} s)`);
  if (publish) {
    fs.mkdirSync(PUBLISH_DIR, { recursive: true });
    fs.copyFileSync(path.join(RESULTS_DIR, "bench.svg"), path.join(PUBLISH_DIR, "bench.svg"));
    fs.copyFileSync(path.join(RESULTS_DIR, "bench.md"), path.join(PUBLISH_DIR, "bench.md"));
    log("published docs/performance/bench.svg and bench.md");
  }
}

/** --report-only: the report of the last run, from bench-results/bench.json. */
async function reportAgain(publish) {
  const results = JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, "bench.json"), "utf8"));
  const plan = { ...results.plan, types: benchTypes().filter((t) => results.plan.types.includes(t.name)) };
  await writeReport(results, plan, publish);
  return 0;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.reportOnly) return reportAgain(opts.publish);
  log("building the package and installing it into node_modules/pulumi-chatbots");
  mustRun("bash", ["scripts/install-self.sh"]);
  const platforms = sandboxPlatforms();
  // Only the sandboxes' settings reach the provider: none of the user's own vendor settings.
  for (const key of Object.keys(process.env)) {
    if (platforms.some((platform) => key.startsWith(platform.provider.envPrefix))) delete process.env[key];
  }
  const plan = planOf(opts, benchTypes(platforms));
  fs.mkdirSync(RESULTS_DIR, { recursive: true });

  const machine = machineInfo();
  const ws = pulumiWorkspace("chatbots-bench-");
  const results = {
    machine,
    argv: process.argv.slice(2),
    plan: { ...plan, types: plan.types.map((t) => t.name) },
    types: {},
  };
  let harnessBroke = false;
  try {
    log("warming up");
    await warmUp(ws);
    const rounds = [await measureBaseline(ws, plan)];
    for (const spec of plan.types) {
      try {
        results.types[spec.name] = await measureType(ws, plan, spec);
      } catch (err) {
        harnessBroke = true;
        log(`${spec.name}: the harness broke: ${err.message}`);
        results.types[spec.name] = { error: err.message.split("\n").slice(0, 30).join("\n") };
      }
    }
    // A second round, for the drift of a shared machine's load; --small (CI) saves its time.
    if (!opts.small) rounds.push(await measureBaseline(ws, plan));
    results.baselineRounds = rounds;
    results.baseline = bestBaseline(rounds);
  } finally {
    ws.cleanup();
  }

  if (opts.soak) {
    log("scripts/bench/soak.js");
    const soak = await runSoak(opts.small);
    results.soak = soak;
  }
  results.durationSeconds = round((Date.now() - startedAt) / 1000);
  await writeReport(results, plan, opts.publish);
  return harnessBroke ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
