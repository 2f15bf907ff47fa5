#!/usr/bin/env node
// Soak benchmark on the real Pulumi engine against the local sandboxes (started in this process
// from dist/sandbox), with a temporary file backend and a generated passphrase:
//
// 1. Fault soak: bots of every type (50 resources; 10 with --small) while each sandbox answers 10%
//    of the API requests with a fault drawn from a seeded random: 429 (with the vendor's retry
//    header), 5xx, connection resets before and after the request was processed, and mutations that
//    are stored but whose answer is an error or a reset. Measured: `pulumi up` runs needed to
//    converge, `pulumi refresh --expect-no-changes` with the faults still on, duplicates and orphans
//    (sandbox contents against the state, resource by resource), and what `pulumi destroy` leaves
//    behind (only what a vendor cannot delete, each with its engine warning).
//    Then the case random faults at 10% almost never produce: a create whose answer is lost (stored
//    or not) followed by a short outage that fails every lookup the provider makes to find out
//    (scripted per request, one stack with every type). Measured: up runs to converge (no faults
//    after the first), duplicates and orphans, and whether destroy still works.
// 2. The platforms' own scenarios (e.g. LINE WORKS: one bot registered in many domains at once).
//
// The full soak runs 3 rounds (fresh sandboxes and stack, seeds seed, seed + 10, ...), --small one.
//
// What a platform brings (scripts/bench/projects/<platform>-<what>/soak.js, for every platform of
// the sandbox list, sandbox/platforms.ts):
// - `unit`, exactly one per platform: what the fault soak makes of it, in units:
//   counts {full, small, outage} (units in the full and small soak, and in the outage scenario),
//   resources (a unit's), stateTypes (their types in `pulumi stack export`),
//   declare(chatbots, index, {prefix, domainIds}) (one unit, in the soak program, soak-project/),
//   compare(exported, sandbox, helpers) (the sandbox's contents against the state, reported through
//   helpers.check, duplicatedNames and orphans), creates [{type, create, lookup}] (the paths of
//   each create and of the lookup after a create whose answer was lost), and what destroy must
//   leave: cannotDelete(exported, helpers) (the state ids the vendor cannot delete; default none),
//   leftBehind(sandbox, cannotDelete) ({left, unexpected}) and leftNote (what `left` counts);
// - `scenario`, optionally: {name, program(chatbots, {prefix, domainIds}), run(context)}, a
//   benchmark of its own on a stack of the soak program, whose rows join the report.
//
// Usage (repository root, toolchain on PATH, dist/ built by scripts/install-self.sh):
//   node scripts/bench/soak.js [--small] [--seed N] [--rounds N] [--rate FRACTION]
// Writes bench-results/soak.json ({rows, raw}) and prints the rows. Exit 0 when the measurement ran
// (goals missed or not), 1 when the harness broke.
"use strict";
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { pulumiStack, pulumiWorkspace } = require("../lib/pulumi-automation");
const { platformProjects, sandboxPlatforms } = require("./lib/platforms");

const root = path.join(__dirname, "..", "..");
const projectDir = path.join(__dirname, "soak-project");
const resultsFile = path.join(root, "bench-results", "soak.json");

const FAULT_RATE = 0.1;
const DEFAULT_SEED = 20240610;
/** Rounds of the full soak (each on fresh sandboxes and a fresh stack, with its own seed). */
const FULL_ROUNDS = 3;
/** `pulumi up` runs allowed before the soak gives up (the goal is 2). */
const MAX_UP_RUNS = 4;
const MAX_DESTROY_RUNS = 3;
/**
 * Each platform of the sandbox list with its soak unit and scenarios (see the top). A platform
 * without a unit would leave the soak silently: an error.
 */
function soakPlatforms() {
  const platforms = platformProjects(sandboxPlatforms(), "soak.js").map(({ platform, projects }) => {
    const units = projects.filter(({ spec }) => spec.unit !== undefined);
    if (units.length !== 1) {
      throw new Error(
        `${platform.module}: ${units.length} soak units; exactly one of scripts/bench/projects/` +
          `${platform.module}-*/soak.js exports \`unit\``,
      );
    }
    const scenarios = projects.filter(({ spec }) => spec.scenario !== undefined);
    return {
      vendor: platform.module,
      project: units[0].dir,
      unit: units[0].spec.unit,
      scenarios: scenarios.map(({ dir, spec }) => ({ project: dir, ...spec.scenario })),
    };
  });
  return platforms;
}

function parseArgs(argv) {
  const small = argv.includes("--small");
  const option = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 ? Number(argv[at + 1]) : fallback;
  };
  const seed = option("--seed", DEFAULT_SEED);
  const rate = option("--rate", FAULT_RATE);
  const rounds = option("--rounds", small ? 1 : FULL_ROUNDS);
  if (!Number.isSafeInteger(seed)) throw new Error("--seed takes an integer");
  if (!(rate >= 0 && rate <= 1)) throw new Error("--rate takes a fraction between 0 and 1");
  if (!(Number.isSafeInteger(rounds) && rounds >= 1)) throw new Error("--rounds takes an integer >= 1");
  return { small, seed, rate, rounds, size: small ? "small" : "full" };
}

// ---- the Pulumi CLI -----------------------------------------------------------------------------

/** A soak command still running after this long is cancelled, and counts as failed. */
const COMMAND_LIMIT_MS = 30 * 60_000;

/**
 * A stack of the soak project (`name`-<random>) in a temporary file backend with a generated
 * passphrase, nothing from the user's own Pulumi setup (scripts/lib/pulumi-automation.js, the
 * Automation API). `up`, `preview`, `refresh` and `destroy` take the Automation API's options (parallel,
 * expectNoChanges, continueOnError), `extraEnv` and `events` (collect the engine's events,
 * streamed into this process as the command runs), and resolve with the outcome whatever it is:
 * {ok, stdout, stderr, events, seconds}. `cleanup` removes the stack, its config file from the
 * project directory and the backend.
 */
function soakStack(name) {
  const ws = pulumiWorkspace("chatbots-soak-");
  const stack = pulumiStack(ws, projectDir, `${name}-${randomBytes(4).toString("hex")}`);
  const operation = (kind) => async (options) => {
    // The soak times commands against floors: nothing samples /proc beside them.
    const opts = { allowFailure: true, sample: false, timeoutMs: COMMAND_LIMIT_MS };
    const result = await stack[kind]({ ...opts, ...options });
    return { ...result, seconds: Math.round(result.ms) / 1000 };
  };
  return {
    /** Creates the stack with plain config values; a failure is a broken harness. */
    init: (config) => stack.init(config),
    setConfig: (config) => stack.setConfig(config),
    up: operation("up"),
    preview: operation("preview"),
    refresh: operation("refresh"),
    destroy: operation("destroy"),
    exportState: () => stack.exportState(),
    async cleanup() {
      await stack.remove();
      ws.cleanup();
    },
  };
}

/** How a soak command ended, for the progress lines. */
const outcome = (run) => (run.ok ? "succeeded" : "failed");

/** The engine's diagnostics among a command's engine events. */
function diagnostics(engineEvents) {
  const events = engineEvents.map((e) => e.diagnosticEvent).filter((d) => d !== undefined);
  const of = (...severities) =>
    events.filter((d) => severities.includes(d.severity)).map((d) => String(d.message).trim());
  // The resource types whose steps failed (an error event names the resource's URN).
  const failedTypes = [
    ...new Set(events.filter((d) => d.severity === "error" && d.urn).map((d) => d.urn.split("::")[2])),
  ];
  // A provider process's own crash (not an error its handler threw) comes as "info#err".
  return { warnings: of("warning"), errors: of("error", "info#err"), failedTypes };
}

/** The resources of `pulumi stack export` output, of one type. */
function stateResources(exported, type) {
  return (exported.deployment.resources ?? []).filter((r) => r.type === type);
}

// ---- fault injection ----------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so a seed gives the same fault sequence per sandbox. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Faults any request can meet, by the label the report counts them under. */
const ANY_REQUEST_FAULTS = [
  ["429", () => ({ kind: "status", status: 429, retryAfterSeconds: 1 })],
  ["5xx", (pick) => ({ kind: "status", status: pick([500, 502, 503]) })],
  ["reset before processing", () => ({ kind: "drop" })],
  ["reset after processing", () => ({ kind: "lose-response" })],
];
/** Faults only a mutation meets: it is stored, but the answer is an error or a reset. */
const MUTATION_FAULTS = [
  ["stored then 5xx", (pick) => ({ kind: "commit-then-status", status: pick([500, 503]) })],
  ["reset then stored", () => ({ kind: "reset-then-commit" })],
];

/**
 * Calls `onRequest(method, path, ordinal)` for every API request the sandbox receives, in arrival
 * order (`ordinal` is the request's index in the sandbox's request log), and applies the fault it
 * returns, if any. Rules injected through `faults.inject` still come first.
 *
 * The sandbox's FaultInjector has no probabilistic rules, so this wraps the `take` the sandbox
 * server calls once per API request (sandbox/http.ts, RuleBasedFaultInjector) on this instance.
 */
function onEveryRequest(sandbox, onRequest) {
  const faults = sandbox.faults;
  if (typeof faults.take !== "function") {
    throw new Error("the sandbox's fault injector has no take(method, path): sandbox/http.ts changed");
  }
  const scripted = faults.take.bind(faults);
  let ordinal = 0;
  faults.take = (method, requestPath) => {
    const index = ordinal++;
    return scripted(method, requestPath) ?? onRequest(method, requestPath, index);
  };
}

/** A path with its ids generalised, for counting faults by endpoint. */
function endpointOf(requestPath) {
  return requestPath.replace(/\/(\d+|[0-9a-f]{24}|bot_[0-9a-f]+|soak_[^/]+|room-[^/]+)(?=\/|$)/g, "/{id}");
}

/** Whether a request is a create of the unit's (a POST that makes a record): faults on those count apart. */
const isCreate = (unit, method, requestPath) =>
  method === "POST" && unit.creates.some((spec) => spec.create.test(requestPath));

/** Installs the random faults on one sandbox (the vendor's, of `unit`); every fault is appended to `log`. */
function injectRandomFaults(vendor, unit, sandbox, seed, rate, log, switches) {
  const random = seededRandom(seed);
  const pick = (values) => values[Math.floor(random() * values.length)];
  onEveryRequest(sandbox, (method, requestPath, index) => {
    const roll = random();
    if (!switches.on || roll >= rate) return undefined;
    const kinds = method === "GET" ? ANY_REQUEST_FAULTS : [...ANY_REQUEST_FAULTS, ...MUTATION_FAULTS];
    const [label, make] = pick(kinds);
    const fault = make(pick);
    log.push({
      vendor,
      index,
      method,
      endpoint: endpointOf(requestPath),
      create: isCreate(unit, method, requestPath),
      label,
      fault,
      phase: switches.phase,
    });
    return fault;
  });
}

// ---- sandbox contents against the state ---------------------------------------------------------

/** Counts how often each key occurs. */
function tally(keys) {
  const counts = new Map();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Field names whose state value differs from the sandbox's ([name, state, sandbox] triples). */
function differing(triples) {
  return triples.filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([name]) => name);
}

/**
 * Compares what each sandbox holds with the stack's state, resource by resource: every state
 * resource's id is in its sandbox exactly once with the declared fields (else a mismatch or a
 * missing one), no two sandbox records share a declared name (duplicates) and no sandbox record is
 * absent from the state (orphans; a duplicate's extra copy is one too).
 */
function compareWithState(exported, local, platforms) {
  const report = { checked: 0, missing: [], mismatches: [], duplicates: [], orphans: [] };
  const check = (what, id, count, fields) => {
    report.checked += 1;
    if (count === 0) report.missing.push(`${what} ${id}`);
    else if (count > 1) report.duplicates.push(`${what} ${id} stored ${count} times`);
    else if (fields.length > 0) report.mismatches.push(`${what} ${id}: ${fields.join(", ")}`);
  };
  const duplicatedNames = (what, names) => {
    for (const [name, count] of tally(names)) {
      if (count > 1) report.duplicates.push(`${what} named "${name}" stored ${count} times`);
    }
  };
  const orphans = (what, ids, stateIds) => {
    for (const id of ids) if (!stateIds.has(id)) report.orphans.push(`${what} ${id}`);
  };

  for (const { vendor, unit } of platforms) {
    unit.compare(exported, local[vendor], { stateResources, differing, check, duplicatedNames, orphans });
  }
  return report;
}

// ---- secrets never leave this process -------------------------------------------------------------

/** Every credential the sandboxes of this run were started with; the results file is scrubbed of them. */
const runSecrets = new Set();

/** Replaces every credential of the sandboxes' env (and each line of a PEM) in `text`. */
function scrubber(env) {
  const secrets = Object.entries(env)
    .filter(([name]) => !name.endsWith("_URL"))
    .flatMap(([, value]) => [value, ...value.split("\n").filter((line) => line.length >= 16)])
    .filter((value) => value.length >= 8);
  secrets.forEach((secret) => runSecrets.add(secret));
  return (text) => secrets.reduce((out, secret) => out.split(secret).join("[REDACTED]"), String(text));
}

// ---- 1. the fault soak ----------------------------------------------------------------------------

/**
 * One round of the soak on fresh sandboxes and a fresh stack: up until it succeeds, refresh,
 * the comparison with the state, destroy. Returns what was measured (no verdicts).
 */
async function soakRound({ platforms, size, seed, rate, startLocalSandboxes }) {
  const local = await startLocalSandboxes();
  const scrub = scrubber(local.env);
  const prefix = randomBytes(3).toString("hex");
  const ws = soakStack("soak");
  const faultLog = [];
  const switches = { on: false, phase: "setup" };
  platforms.forEach(({ vendor, unit }, i) =>
    injectRandomFaults(vendor, unit, local[vendor], seed + i, rate, faultLog, switches),
  );
  const round = { seed, prefix, runs: [] };
  /**
   * Runs an operation (`kind`: up, refresh or destroy) with the faults on; keeps its outcome (errors
   * scrubbed) in runs.
   */
  const soakRun = async (phase, kind, options = {}) => {
    switches.on = true;
    switches.phase = phase;
    const result = await ws[kind]({ ...options, extraEnv: local.env, events: true });
    switches.on = false;
    const { warnings, errors } = diagnostics(result.events);
    round.runs.push({
      phase,
      ok: result.ok,
      seconds: result.seconds,
      warnings: warnings.length,
      errors: errors.slice(0, 10).map((e) => scrub(e).slice(0, 600)),
      ...(!result.ok && { stderr: scrub(result.stderr).slice(-1000) }),
    });
    process.stderr.write(
      `soak (seed ${seed}): ${phase} ${outcome(result)} after ${result.seconds.toFixed(1)} s\n`,
    );
    return { ...result, warnings, errors };
  };
  const exportState = () => ws.exportState();
  const managed = (exported) =>
    (exported.deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));

  try {
    await ws.init({
      mode: "soak",
      prefix,
      domainIds: "10000001,10000002,10000003",
      units: JSON.stringify(unitsOf(platforms, size)),
    });

    // `pulumi up` until it succeeds: a failed run records what it made, the next one finishes.
    round.upRuns = 0;
    round.converged = false;
    while (!round.converged && round.upRuns < MAX_UP_RUNS) {
      round.upRuns += 1;
      round.converged = (await soakRun(`up ${round.upRuns}`, "up")).ok;
    }
    // Converged also means nothing left to do (faults off: only the program and the state decide).
    round.previewHeld = (await ws.preview({ expectNoChanges: true, extraEnv: local.env })).ok;

    // Compared before the refresh, which would drop from the state what the sandbox lacks.
    const afterUp = await exportState();
    round.stateResources = managed(afterUp).length;
    round.comparison = compareWithState(afterUp, local, platforms);
    // Refresh only reads, so the faults on its requests change nothing at the vendors.
    const refresh = await soakRun("refresh", "refresh", { expectNoChanges: true });
    round.refreshHeld = refresh.ok;

    // What destroy must leave: what a vendor cannot delete, of the state destroy starts from (the
    // refreshed one).
    const beforeDestroy = await exportState();
    const cannotDelete = Object.fromEntries(
      platforms.map(({ vendor, unit }) => [
        vendor,
        unit.cannotDelete?.(beforeDestroy, { stateResources }) ?? [],
      ]),
    );
    round.expectedLeft = Object.values(cannotDelete).reduce((total, ids) => total + ids.length, 0);
    round.destroyRuns = 0;
    round.destroyed = false;
    const destroyWarnings = [];
    while (!round.destroyed && round.destroyRuns < MAX_DESTROY_RUNS) {
      round.destroyRuns += 1;
      const run = await soakRun(`destroy ${round.destroyRuns}`, "destroy");
      destroyWarnings.push(...run.warnings);
      round.destroyed = run.ok;
    }
    round.stateLeft = managed(await exportState()).map((r) => r.urn);
    round.left = leftBehind(local, platforms, cannotDelete);
    round.destroyWarnings = destroyWarnings.map((w) => scrub(w).slice(0, 400));
    round.faults = faultSummary(faultLog);
    round.requests = Object.fromEntries(
      platforms.map(({ vendor }) => [vendor, local[vendor].requests.length]),
    );
    round.rateLimited = Object.fromEntries(
      platforms.map(({ vendor }) => [vendor, local[vendor].rateLimited()]),
    );
    const c = round.comparison;
    if (c.duplicates.length + c.orphans.length + c.missing.length > 0 || !round.converged) {
      round.suspects = suspects(faultLog, local, platforms, scrub);
    }
    return round;
  } finally {
    switches.on = false;
    await local.stop();
    await ws.cleanup();
  }
}

/** The fault soak: `rounds` rounds (seeds seed, seed + 10, ...), summed up in rows. */
async function faultSoak({ platforms, size, seed, rate, rounds, startLocalSandboxes }) {
  const results = [];
  for (let i = 0; i < rounds; i++) {
    results.push(await soakRound({ platforms, size, seed: seed + 10 * i, rate, startLocalSandboxes }));
  }
  const sum = (of) => results.reduce((total, r) => total + of(r), 0);
  const list = (of) => results.flatMap(of);
  const resources = platforms.reduce((total, { unit }) => total + unit.counts[size] * unit.resources, 0);
  const types = new Set(platforms.flatMap(({ unit }) => unit.stateTypes)).size;
  const converged = results.every((r) => r.converged);
  const worstUpRuns = Math.max(...results.map((r) => r.upRuns));
  const refreshHeld = results.filter((r) => r.refreshHeld).length;
  const duplicates = list((r) => r.comparison.duplicates);
  const orphans = list((r) => r.comparison.orphans);
  const wrong = list((r) => [...r.comparison.missing, ...r.comparison.mismatches]);
  const left = sum((r) => r.left.expected);
  const expectedLeft = sum((r) => r.expectedLeft);
  const unexpected = list((r) => [...r.left.unexpected, ...r.stateLeft]);
  const warnings = sum((r) => r.destroyWarnings.length);
  const cannotDeleteWarnings = sum(
    (r) => r.destroyWarnings.filter((w) => /has no API to delete/.test(w)).length,
  );
  const requests = sum((r) => Object.values(r.requests).reduce((a, b) => a + b, 0));
  const faults = sum((r) => r.faults.log.length);
  const byLabel = (label) => sum((r) => r.faults.byLabel[label] ?? 0);
  const onCreates = (label) => sum((r) => r.faults.onCreates[label] ?? 0);
  const rateLimited = sum((r) => Object.values(r.rateLimited).reduce((a, b) => a + b, 0));
  const perRound = (of) => results.map(of).join(", ");
  const row = (figure, value, goal, met, note) => ({
    section: "fault soak",
    figure,
    value,
    goal,
    met,
    ...(note && { note }),
  });
  const rows = [
    row(
      `resources (all ${types} types)`,
      resources,
      "-",
      null,
      `${rounds} round(s), seeds ${perRound((r) => r.seed)}; ${rate * 100}% of API requests faulted`,
    ),
    row(
      "pulumi up runs to converge (worst round)",
      converged ? worstUpRuns : `not after ${MAX_UP_RUNS}`,
      "<= 2",
      converged && worstUpRuns <= 2,
      `per round: ${perRound((r) => r.upRuns)}; no-op preview after it held in ` +
        `${results.filter((r) => r.previewHeld).length}/${rounds}` +
        list((r) =>
          r.converged
            ? []
            : [`; last error: ${firstProblem(r.runs.findLast((run) => run.phase.startsWith("up")))}`],
        )
          .slice(0, 1)
          .join(""),
    ),
    row(
      "refresh --expect-no-changes held (faults on)",
      `${refreshHeld}/${rounds}`,
      `${rounds}/${rounds}`,
      refreshHeld === rounds,
      list((r) => (r.refreshHeld ? [] : [firstProblem(r.runs.find((run) => run.phase === "refresh"))]))[0],
    ),
    row(
      "duplicates",
      duplicates.length,
      "0",
      duplicates.length === 0,
      duplicates.slice(0, 3).join("; ") || undefined,
    ),
    row("orphans", orphans.length, "0", orphans.length === 0, orphans.slice(0, 3).join("; ") || undefined),
    row(
      "state resources missing or differing in the sandbox",
      wrong.length,
      "0",
      wrong.length === 0,
      wrong.slice(0, 3).join("; ") || `${sum((r) => r.comparison.checked)} checked`,
    ),
    row(
      "left after destroy (expected)",
      `${left} (${expectedLeft} expected)`,
      "= expected, nothing else",
      left === expectedLeft && unexpected.length === 0 && results.every((r) => r.destroyed),
      platforms
        .filter(({ unit }) => unit.leftNote !== undefined)
        .map(({ vendor, unit }) => `${sum((r) => r.left.byVendor[vendor])} ${unit.leftNote}, `)
        .join("") +
        `unexpected: ${unexpected.length === 0 ? "none" : unexpected.slice(0, 3).join(", ")}; ` +
        `destroy runs per round: ${perRound((r) => (r.destroyed ? r.destroyRuns : `failed ${r.destroyRuns}x`))}`,
    ),
    row(
      "destroy warnings",
      warnings,
      `= left behind (${left})`,
      warnings === left,
      `${cannotDeleteWarnings} say the vendor cannot delete`,
    ),
    row(
      "API requests",
      requests,
      "-",
      null,
      platforms.map(({ vendor }) => `${vendor} ${sum((r) => r.requests[vendor])}`).join(", "),
    ),
    row(
      "faults injected",
      faults,
      `~${rate * 100}% of requests`,
      null,
      `${((100 * faults) / Math.max(1, requests)).toFixed(1)}% of requests; ${sum((r) => Object.values(r.faults.onCreates).reduce((a, b) => a + b, 0))} on creates`,
    ),
    ...[...ANY_REQUEST_FAULTS, ...MUTATION_FAULTS].map(([label]) =>
      row(`faults: ${label}`, byLabel(label), "-", null, `${onCreates(label)} on creates`),
    ),
    row(
      "429s",
      byLabel("429") + rateLimited,
      "-",
      null,
      `${byLabel("429")} injected, ${rateLimited} from the sandboxes' rate limits`,
    ),
  ];
  return { rows, raw: { rate, rounds: results } };
}

/** The first error a failed run reported (the engine's generic "update failed" skipped), for a note. */
function firstProblem(run) {
  const stderrError = (run.stderr ?? "").split("\n").findLast((line) => line.startsWith("error:"));
  const error = run.errors.find((e) => e !== "update failed") ?? stderrError ?? "";
  return error.replace(/\s+/g, " ").slice(0, 300);
}

/**
 * The units of each platform's soak unit (its project's folder, the soak program's config
 * `units`), for `size` ("full", "small" or "outage").
 */
function unitsOf(platforms, size) {
  return Object.fromEntries(platforms.map(({ project, unit }) => [project, unit.counts[size]]));
}

/**
 * What the sandboxes still hold after destroy, split into what must stay (`cannotDelete`, by vendor)
 * and what must not.
 */
function leftBehind(local, platforms, cannotDelete) {
  const byVendor = {};
  const unexpected = [];
  for (const { vendor, unit } of platforms) {
    const found = unit.leftBehind(local[vendor], cannotDelete[vendor]);
    byVendor[vendor] = found.left;
    unexpected.push(...found.unexpected);
  }
  return { expected: Object.values(byVendor).reduce((a, b) => a + b, 0), byVendor, unexpected };
}

function faultSummary(faultLog) {
  const byLabel = {};
  const onCreates = {};
  const byEndpoint = {};
  for (const f of faultLog) {
    byLabel[f.label] = (byLabel[f.label] ?? 0) + 1;
    if (f.create) onCreates[f.label] = (onCreates[f.label] ?? 0) + 1;
    const key = `${f.vendor} ${f.method} ${f.endpoint}`;
    byEndpoint[key] ??= {};
    byEndpoint[key][f.label] = (byEndpoint[key][f.label] ?? 0) + 1;
  }
  return { byLabel, onCreates, byEndpoint, log: faultLog.map(({ fault: _fault, ...rest }) => rest) };
}

/**
 * For a minimal reproduction: every faulted mutation, with the status the client saw and the body
 * it sent (the request log holds both), in arrival order per sandbox.
 */
function suspects(faultLog, local, platforms, scrub) {
  const logs = Object.fromEntries(platforms.map(({ vendor }) => [vendor, local[vendor].requests]));
  return faultLog
    .filter((f) => f.method !== "GET")
    .map(({ fault: _fault, ...f }) => {
      const request = logs[f.vendor][f.index];
      const body = scrub(JSON.stringify(request?.body ?? null)).slice(0, 300);
      return { ...f, status: request?.status, body };
    });
}

// ---- 1b. an outage right after a create whose answer was lost --------------------------------------

/** As many failed lookups as the provider's client tries (core/http.ts DEFAULT_RETRY.maxAttempts). */
const OUTAGE_REQUESTS = 5;
const OUTAGE_VARIANTS = [
  { name: "not stored", fault: { kind: "drop" } },
  { name: "stored", fault: { kind: "commit-then-status", status: 500 } },
];

/**
 * The first create of each type loses its answer (`variant`), and the vendor then answers the next
 * OUTAGE_REQUESTS lookups with 502 (a few seconds' outage): scripted per request, in order, until
 * the returned switch's `armed` is set false.
 */
function scriptOutages(local, platforms, variant, log) {
  const script = { armed: true };
  for (const { vendor, unit } of platforms) {
    const specs = unit.creates.map((spec) => ({ ...spec, outage: 0 }));
    onEveryRequest(local[vendor], (method, requestPath) => {
      if (!script.armed) return undefined;
      const created = specs.find((spec) => !spec.fired && spec.create.test(requestPath));
      if (method === "POST" && created !== undefined) {
        created.fired = true;
        created.outage = OUTAGE_REQUESTS;
        log.push(`${created.type}: create ${variant.name}`);
        return variant.fault;
      }
      const lookedUp = specs.find((spec) => spec.outage > 0 && spec.lookup.test(requestPath));
      if (method === "GET" && lookedUp !== undefined) {
        lookedUp.outage -= 1;
        return { kind: "status", status: 502 };
      }
      return undefined;
    });
  }
  return script;
}

/**
 * One stack with a resource of every type (each platform's `counts.outage` units, e.g. two where
 * a unit's second create, a dependent's, must meet the outage too). Up once during the outages,
 * then up (no faults) until it succeeds, the comparison with the state, and destroy.
 */
async function outageScenario({ platforms, variant, startLocalSandboxes }) {
  const local = await startLocalSandboxes();
  const scrub = scrubber(local.env);
  const prefix = randomBytes(3).toString("hex");
  const ws = soakStack("outage");
  const scripted = [];
  const result = { variant: variant.name, runs: [], scripted };
  const step = async (phase, kind, options = {}) => {
    const run = await ws[kind]({ ...options, extraEnv: local.env, events: true });
    const { errors, failedTypes } = diagnostics(run.events);
    const stderrError = run.stderr.split("\n").findLast((line) => line.startsWith("error:"));
    result.runs.push({
      phase,
      ok: run.ok,
      seconds: run.seconds,
      failedTypes,
      errors: [...errors, ...(stderrError ? [stderrError] : [])]
        .slice(0, 6)
        .map((e) => scrub(e).slice(0, 400)),
    });
    process.stderr.write(
      `outage (${variant.name}): ${phase} ${outcome(run)} after ${run.seconds.toFixed(1)} s\n`,
    );
    return { ...run, failedTypes };
  };
  try {
    await ws.init({
      mode: "soak",
      prefix,
      domainIds: "10000001,10000002,10000003",
      units: JSON.stringify(unitsOf(platforms, "outage")),
    });
    const script = scriptOutages(local, platforms, variant, scripted);
    // continueOnError: one resource's failure must not keep the others from running, so every
    // type's create meets its outage and every type that does not converge shows.
    const up = { continueOnError: true };
    const first = await step("up 1 (outage)", "up", up);
    // The next runs see healthy vendors.
    script.armed = false;
    result.failedInOutage = first.failedTypes;
    result.upRuns = 1;
    result.converged = first.ok;
    const stillFailing = new Set();
    while (!result.converged && result.upRuns < MAX_UP_RUNS - 1) {
      result.upRuns += 1;
      const run = await step(`up ${result.upRuns}`, "up", up);
      run.failedTypes.forEach((type) => stillFailing.add(type));
      result.converged = run.ok;
    }
    result.notConverging = result.converged ? [] : [...stillFailing];
    const exported = await ws.exportState();
    result.comparison = compareWithState(exported, local, platforms);
    const destroy = await step("destroy", "destroy");
    result.destroyed = destroy.ok;
    result.destroyFailedTypes = destroy.failedTypes;
    return result;
  } finally {
    await local.stop();
    await ws.cleanup();
  }
}

/** Both outage variants, as rows. */
async function outageAfterCreate({ platforms, startLocalSandboxes }) {
  const results = [];
  for (const variant of OUTAGE_VARIANTS) {
    results.push(await outageScenario({ platforms, variant, startLocalSandboxes }));
  }
  const shortType = (type) => type.replace("pulumi-nodejs:dynamic/", "").replace(":", ".");
  const rows = results.flatMap((r) => {
    const what = `outage after a lost create (${r.variant})`;
    const c = r.comparison;
    const extra = [...c.duplicates, ...c.orphans];
    return [
      {
        section: "fault soak",
        figure: `${what}: up runs to converge`,
        value: r.converged ? r.upRuns : `not after ${r.upRuns}`,
        goal: "<= 2",
        met: r.converged && r.upRuns <= 2,
        note: r.converged
          ? `failed in the outage: ${r.failedInOutage.map(shortType).join(", ") || "none"}`
          : `still failing: ${r.notConverging.map(shortType).join(", ")}; ${r.runs.at(-2)?.errors.find((e) => e !== "update failed") ?? ""}`,
      },
      {
        section: "fault soak",
        figure: `${what}: duplicates + orphans`,
        value: extra.length,
        goal: "0",
        met: extra.length === 0,
        ...(extra.length > 0 && { note: extra.join("; ") }),
      },
      {
        section: "fault soak",
        figure: `${what}: destroy`,
        value: r.destroyed ? "clean" : "failed",
        goal: "clean",
        met: r.destroyed,
        ...(!r.destroyed && {
          note: `${r.destroyFailedTypes.map(shortType).join(", ")}: ${r.runs.at(-1).errors.find((e) => e !== "update failed") ?? ""}`,
        }),
      },
    ];
  });
  return { rows, raw: results };
}

// ---- 2. the platforms' own scenarios ------------------------------------------------------------

/** Runs one platform's scenario on a stack of the soak program (mode "scenario"): its rows. */
async function runScenario(scenario, { small, startLocalSandboxes }) {
  const ws = soakStack("scenario");
  try {
    await ws.init({ mode: "scenario", scenario: scenario.project });
    return await scenario.run({ small, ws, startLocalSandboxes, onEveryRequest, endpointOf });
  } finally {
    await ws.cleanup();
  }
}

// ---- the report -----------------------------------------------------------------------------------

function printTable(rows) {
  const columns = ["section", "figure", "value", "goal", "met", "note"];
  const cell = (row, c) =>
    c === "met" ? (row.met === null ? "-" : row.met ? "yes" : "NO") : String(row[c] ?? "");
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => Math.min(cell(r, c).length, 80))));
  const line = (values) => values.map((v, i) => v.slice(0, 80).padEnd(widths[i])).join(" | ");
  console.log(line(columns));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of rows) console.log(line(columns.map((c) => cell(row, c))));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { startLocalSandboxes } = require(path.join(root, "dist", "sandbox"));
  const rows = [];
  const raw = { size: options.small ? "small" : "full", startedAt: new Date().toISOString() };
  let broken;
  try {
    const platforms = soakPlatforms();
    const soak = await faultSoak({ ...options, platforms, startLocalSandboxes });
    rows.push(...soak.rows);
    raw.faultSoak = soak.raw;
    const outages = await outageAfterCreate({ platforms, startLocalSandboxes });
    rows.push(...outages.rows);
    raw.outageAfterCreate = outages.raw;
    raw.scenarios = {};
    for (const scenario of platforms.flatMap((platform) => platform.scenarios)) {
      const result = await runScenario(scenario, { ...options, startLocalSandboxes });
      rows.push(...result.rows);
      raw.scenarios[scenario.name] = result.raw;
    }
  } catch (err) {
    broken = err;
    raw.error = String(err?.stack ?? err);
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  // Errors were scrubbed where they were kept; this is the last line of defence.
  const text = [...runSecrets].reduce(
    (out, secret) => out.split(JSON.stringify(secret).slice(1, -1)).join("[REDACTED]"),
    JSON.stringify({ rows, raw }, null, 2),
  );
  fs.writeFileSync(resultsFile, text + "\n");
  printTable(rows);
  if (broken) {
    console.error(`soak: the harness broke: ${raw.error}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
