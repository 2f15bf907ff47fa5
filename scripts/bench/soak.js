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
// 2. LINE WORKS domains: one bot registered in 20 domains (5 with --small) at --parallel 16, while
//    the sandbox holds each mutation of the bot for `mutationMs` and counts mutations that overlap
//    (LINE WORKS forbids parallel changes of one bot). Measured: overlaps, and the time against the
//    serial floor (every registration after the other, each held mutationMs, plus the bot create).
//
// The full soak runs 3 rounds (fresh sandboxes and stack, seeds seed, seed + 10, ...), --small one.
//
// Usage (repository root, toolchain on PATH, dist/ built by scripts/install-self.sh):
//   node scripts/bench/soak.js [--small] [--seed N] [--rounds N] [--rate FRACTION]
// Writes bench-results/soak.json ({rows, raw}) and prints the rows. Exit 0 when the measurement ran
// (goals missed or not), 1 when the harness broke.
"use strict";
const { execFile } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { isolatedPulumi } = require("./lib/pulumi");

const root = path.join(__dirname, "..", "..");
const projectDir = path.join(__dirname, "soak-project");
const resultsFile = path.join(root, "bench-results", "soak.json");

const SIZES = {
  // 9 + 8x2 + 8x2 + 9 = 50 resources.
  full: { sendbird: 9, deadsimplechat: 8, lineworks: 8, whats91: 9, domains: 20 },
  // 2 + 2x2 + 1x2 + 2 = 10 resources.
  small: { sendbird: 2, deadsimplechat: 2, lineworks: 1, whats91: 2, domains: 5 },
};
const FAULT_RATE = 0.1;
const DEFAULT_SEED = 20240610;
/** Rounds of the full soak (each on fresh sandboxes and a fresh stack, with its own seed). */
const FULL_ROUNDS = 3;
/** `pulumi up` runs allowed before the soak gives up (the goal is 2). */
const MAX_UP_RUNS = 4;
const MAX_DESTROY_RUNS = 3;
/** The LINE WORKS domain benchmark: how long the sandbox holds each mutation, and its latency. */
const MUTATION_MS = 200;
const LATENCY_MS = 20;
const DOMAIN_PARALLEL = 16;
const FLOOR_RATIO_GOAL = 1.2;

const TYPES = {
  sendbird: "pulumi-nodejs:dynamic/sendbird:Bot",
  deadsimplechat: "pulumi-nodejs:dynamic/deadsimplechat:Bot",
  deadsimplechatRoom: "pulumi-nodejs:dynamic/deadsimplechat:BotChatRoom",
  lineworks: "pulumi-nodejs:dynamic/lineworks:Bot",
  lineworksDomain: "pulumi-nodejs:dynamic/lineworks:BotDomain",
  whats91: "pulumi-nodejs:dynamic/whats91:Chatbot",
};
const VENDORS = ["sendbird", "deadsimplechat", "lineworks", "whats91"];

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
  return { small, seed, rate, rounds, size: small ? SIZES.small : SIZES.full };
}

// ---- the Pulumi CLI -----------------------------------------------------------------------------

/**
 * A temporary file backend and passphrase, nothing from the user's own Pulumi setup (see
 * isolatedPulumi), and a stack of a name of its own (`name`-<random>). `cleanup` removes the
 * stack's config file from the project directory too.
 */
function pulumiWorkspace(name) {
  const stack = `${name}-${randomBytes(4).toString("hex")}`;
  const { dir, env } = isolatedPulumi("chatbots-soak-");
  const configFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  return {
    dir,
    /** Runs `pulumi <args>` on the stack; resolves with the exit code, output and duration. */
    run(args, extraEnv = {}) {
      const started = Date.now();
      return new Promise((resolve, reject) => {
        execFile(
          "pulumi",
          [...args, "--stack", stack, "--non-interactive", "--color", "never"],
          {
            cwd: projectDir,
            env: { ...env, ...extraEnv },
            maxBuffer: 256 * 1024 * 1024,
            timeout: 30 * 60_000,
          },
          (err, stdout, stderr) => {
            if (err?.code === "ENOENT")
              return reject(new Error("pulumi is not on PATH: run through scripts/with-toolchain.sh"));
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
          },
        );
      });
    },
    /** Like `run`, but a non-zero exit is a broken harness (setup commands). */
    async must(args, extraEnv) {
      const result = await this.run(args, extraEnv);
      if (result.code !== 0) {
        throw new Error(`pulumi ${args.join(" ")} exited ${result.code}: ${result.stderr.slice(-500)}`);
      }
      return result;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(configFile, { force: true });
    },
  };
}

/** The engine's diagnostics in `--json` output: one event per line (the summary spans many lines). */
function diagnostics(jsonOutput) {
  const events = [];
  for (const line of jsonOutput.split("\n")) {
    if (!line.startsWith('{"')) continue;
    try {
      const event = JSON.parse(line).diagnosticEvent;
      if (event) events.push(event);
    } catch {
      // not an event line
    }
  }
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

/** Installs the random faults on one sandbox; every fault is appended to `log`. */
function injectRandomFaults(vendor, sandbox, seed, rate, log, switches) {
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
function compareWithState(exported, local) {
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

  // Sendbird: the bot's userid is the id (unique at Sendbird).
  const sendbirdBots = local.sendbird.bots();
  const sendbirdState = stateResources(exported, TYPES.sendbird);
  for (const r of sendbirdState) {
    const found = sendbirdBots.filter((b) => b.bot.bot_userid === r.id);
    const o = r.outputs;
    const fields = found.length === 1 ? found[0] : undefined;
    check(
      "sendbird.Bot",
      r.id,
      found.length,
      fields
        ? differing([
            ["botNickname", o.botNickname, fields.bot.bot_nickname],
            ["botType", o.botType, fields.bot.bot_type],
            ["botCallbackUrl", o.botCallbackUrl, fields.bot_callback_url],
            ["isPrivacyMode", o.isPrivacyMode, fields.is_privacy_mode],
          ])
        : [],
    );
  }
  orphans(
    "sendbird bot",
    sendbirdBots.map((b) => b.bot.bot_userid),
    new Set(sendbirdState.map((r) => r.id)),
  );

  // DeadSimpleChat: ids are the vendor's; names are unique (case-insensitive) in an account.
  const dscBots = local.deadsimplechat.bots();
  const dscState = stateResources(exported, TYPES.deadsimplechat);
  for (const r of dscState) {
    const found = dscBots.filter((b) => b._id === r.id);
    const o = r.outputs;
    check(
      "deadsimplechat.Bot",
      r.id,
      found.length,
      found.length === 1
        ? differing([
            ["name", o.name, found[0].name],
            ["description", o.description, found[0].description],
            ["webhookUrl", o.webhookUrl, found[0].webhookURL],
            ["trigger", o.trigger, found[0].trigger],
            ["enabled", o.enabled, found[0].enabled],
          ])
        : [],
    );
  }
  duplicatedNames(
    "DeadSimpleChat bot",
    dscBots.map((b) => b.name.toLowerCase()),
  );
  orphans(
    "DeadSimpleChat bot",
    dscBots.map((b) => b._id),
    new Set(dscState.map((r) => r.id)),
  );
  const roomState = stateResources(exported, TYPES.deadsimplechatRoom);
  for (const r of roomState) {
    const rooms = local.deadsimplechat.rooms(String(r.outputs.botId)) ?? [];
    check("deadsimplechat.BotChatRoom", r.id, rooms.filter((room) => room === r.outputs.roomId).length, []);
  }
  const roomIds = dscBots.flatMap((b) =>
    (local.deadsimplechat.rooms(b._id) ?? []).map((room) => `${b._id}/${room}`),
  );
  orphans("DeadSimpleChat room assignment", roomIds, new Set(roomState.map((r) => r.id)));

  // LINE WORKS: ids are the vendor's; names are not unique there, but each of ours is.
  const lwBots = local.lineworks.bots();
  const lwState = stateResources(exported, TYPES.lineworks);
  for (const r of lwState) {
    const found = lwBots.filter((b) => String(b.botId) === r.id);
    const o = r.outputs;
    check(
      "lineworks.Bot",
      r.id,
      found.length,
      found.length === 1
        ? differing([
            ["botName", o.botName, found[0].botName],
            ["description", o.description, found[0].description],
            ["photoUrl", o.photoUrl, found[0].photoUrl],
            ["allowDomains", [...(o.allowDomains ?? [])].sort(), [...found[0].allowDomains].sort()],
          ])
        : [],
    );
  }
  duplicatedNames(
    "LINE WORKS bot",
    lwBots.map((b) => b.botName),
  );
  orphans(
    "LINE WORKS bot",
    lwBots.map((b) => String(b.botId)),
    new Set(lwState.map((r) => r.id)),
  );
  const domainState = stateResources(exported, TYPES.lineworksDomain);
  for (const r of domainState) {
    const registrations = local.lineworks.domains(String(r.outputs.botId));
    const found = registrations.filter((d) => d.domainId === Number(r.outputs.domainId));
    check(
      "lineworks.BotDomain",
      r.id,
      found.length,
      found.length === 1
        ? differing([
            ["visible", r.outputs.visible ?? false, found[0].visible],
            [
              "allowToSelectedMember",
              r.outputs.allowToSelectedMember ?? false,
              found[0].allowToSelectedMember,
            ],
          ])
        : [],
    );
  }
  const registrationIds = lwBots.flatMap((b) =>
    local.lineworks.domains(b.botId).map((d) => `${b.botId}/${d.domainId}`),
  );
  orphans("LINE WORKS domain registration", registrationIds, new Set(domainState.map((r) => r.id)));

  // Whats91: uids are the vendor's; names are not unique there, but each of ours is.
  const chatbots = local.whats91.chatbots();
  const whats91State = stateResources(exported, TYPES.whats91);
  for (const r of whats91State) {
    const found = chatbots.filter((c) => c.chatbotUid === r.id);
    const o = r.outputs;
    check(
      "whats91.Chatbot",
      r.id,
      found.length,
      found.length === 1
        ? differing([
            ["name", o.name, found[0].name],
            ["trigger.keywords", o.trigger?.keywords, found[0].keywords],
            ["status", o.status ?? "ACTIVE", found[0].status],
            ["response.type", o.response?.type, found[0].response.type],
          ])
        : [],
    );
  }
  duplicatedNames(
    "Whats91 chatbot",
    chatbots.map((c) => c.name),
  );
  orphans(
    "Whats91 chatbot",
    chatbots.map((c) => c.chatbotUid),
    new Set(whats91State.map((r) => r.id)),
  );
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
async function soakRound({ size, seed, rate, startLocalSandboxes }) {
  const local = await startLocalSandboxes();
  const scrub = scrubber(local.env);
  const prefix = randomBytes(3).toString("hex");
  const ws = pulumiWorkspace("soak");
  const faultLog = [];
  const switches = { on: false, phase: "setup" };
  VENDORS.forEach((vendor, i) =>
    injectRandomFaults(vendor, local[vendor], seed + i, rate, faultLog, switches),
  );
  const round = { seed, prefix, runs: [] };
  /** Runs a command of the soak with the faults on; keeps its outcome (errors scrubbed) in runs. */
  const soakRun = async (phase, args) => {
    switches.on = true;
    switches.phase = phase;
    const result = await ws.run([...args, "--json"], local.env);
    switches.on = false;
    const { warnings, errors } = diagnostics(result.stdout);
    round.runs.push({
      phase,
      code: result.code,
      seconds: result.seconds,
      warnings: warnings.length,
      errors: errors.slice(0, 10).map((e) => scrub(e).slice(0, 600)),
      ...(result.code !== 0 && { stderr: scrub(result.stderr).slice(-1000) }),
    });
    process.stderr.write(
      `soak (seed ${seed}): ${phase} exited ${result.code} after ${result.seconds.toFixed(1)} s\n`,
    );
    return { ...result, warnings, errors };
  };
  const exportState = async () => JSON.parse((await ws.must(["stack", "export"])).stdout);
  const managed = (exported) =>
    (exported.deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));

  try {
    await ws.must(["stack", "init"]);
    await ws.must(["config", "set", "mode", "soak"]);
    await ws.must(["config", "set", "prefix", prefix]);
    await ws.must(["config", "set", "domainIds", "10000001,10000002,10000003"]);
    await ws.must(["config", "set", "counts", JSON.stringify(size)]);

    // `pulumi up` until it succeeds: a failed run records what it made, the next one finishes.
    round.upRuns = 0;
    round.converged = false;
    while (!round.converged && round.upRuns < MAX_UP_RUNS) {
      round.upRuns += 1;
      round.converged = (await soakRun(`up ${round.upRuns}`, ["up", "--yes", "--skip-preview"])).code === 0;
    }
    // Converged also means nothing left to do (faults off: only the program and the state decide).
    round.previewHeld = (await ws.run(["preview", "--expect-no-changes"], local.env)).code === 0;

    // Compared before the refresh, which would drop from the state what the sandbox lacks.
    const afterUp = await exportState();
    round.stateResources = managed(afterUp).length;
    round.comparison = compareWithState(afterUp, local);
    // Refresh only reads, so the faults on its requests change nothing at the vendors.
    const refresh = await soakRun("refresh", ["refresh", "--yes", "--skip-preview", "--expect-no-changes"]);
    round.refreshHeld = refresh.code === 0;

    // What destroy must leave: DeadSimpleChat bots (disabled) and Whats91 chatbots, of the state
    // destroy starts from (the refreshed one).
    const beforeDestroy = await exportState();
    const cannotDelete = {
      deadsimplechat: stateResources(beforeDestroy, TYPES.deadsimplechat).map((r) => r.id),
      whats91: stateResources(beforeDestroy, TYPES.whats91).map((r) => r.id),
    };
    round.expectedLeft = cannotDelete.deadsimplechat.length + cannotDelete.whats91.length;
    round.destroyRuns = 0;
    round.destroyed = false;
    const destroyWarnings = [];
    while (!round.destroyed && round.destroyRuns < MAX_DESTROY_RUNS) {
      round.destroyRuns += 1;
      const run = await soakRun(`destroy ${round.destroyRuns}`, ["destroy", "--yes", "--skip-preview"]);
      destroyWarnings.push(...run.warnings);
      round.destroyed = run.code === 0;
    }
    round.stateLeft = managed(await exportState()).map((r) => r.urn);
    round.left = leftBehind(local, cannotDelete);
    round.destroyWarnings = destroyWarnings.map((w) => scrub(w).slice(0, 400));
    round.faults = faultSummary(faultLog);
    round.requests = Object.fromEntries(VENDORS.map((v) => [v, local[v].requests.length]));
    round.rateLimited = Object.fromEntries(VENDORS.map((v) => [v, local[v].rateLimited()]));
    const c = round.comparison;
    if (c.duplicates.length + c.orphans.length + c.missing.length > 0 || !round.converged) {
      round.suspects = suspects(faultLog, local, scrub);
    }
    return round;
  } finally {
    switches.on = false;
    await local.stop();
    ws.cleanup();
  }
}

/** The fault soak: `rounds` rounds (seeds seed, seed + 10, ...), summed up in rows. */
async function faultSoak({ size, seed, rate, rounds, startLocalSandboxes }) {
  const results = [];
  for (let i = 0; i < rounds; i++) {
    results.push(await soakRound({ size, seed: seed + 10 * i, rate, startLocalSandboxes }));
  }
  const sum = (of) => results.reduce((total, r) => total + of(r), 0);
  const list = (of) => results.flatMap(of);
  const resources = size.sendbird + 2 * size.deadsimplechat + 2 * size.lineworks + size.whats91;
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
      "resources (all six types)",
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
      `${sum((r) => r.left.deadsimplechatDisabled)} DeadSimpleChat bots disabled, ${sum((r) => r.left.whats91)} ` +
        `Whats91 chatbots; unexpected: ${unexpected.length === 0 ? "none" : unexpected.slice(0, 3).join(", ")}; ` +
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
      VENDORS.map((v) => `${v} ${sum((r) => r.requests[v])}`).join(", "),
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

/** What the sandboxes still hold after destroy, split into what must stay and what must not. */
function leftBehind(local, cannotDelete) {
  const unexpected = [];
  for (const b of local.sendbird.bots()) unexpected.push(`sendbird bot ${b.bot.bot_userid}`);
  for (const b of local.lineworks.bots()) unexpected.push(`LINE WORKS bot ${b.botId}`);
  let deadsimplechatDisabled = 0;
  for (const b of local.deadsimplechat.bots()) {
    const rooms = local.deadsimplechat.rooms(b._id) ?? [];
    if (rooms.length > 0) unexpected.push(`DeadSimpleChat bot ${b._id} still in ${rooms.length} rooms`);
    if (!cannotDelete.deadsimplechat.includes(b._id))
      unexpected.push(`DeadSimpleChat bot ${b._id} (not in the state)`);
    else if (b.enabled) unexpected.push(`DeadSimpleChat bot ${b._id} still enabled`);
    else deadsimplechatDisabled += 1;
  }
  let whats91 = 0;
  for (const c of local.whats91.chatbots()) {
    if (cannotDelete.whats91.includes(c.chatbotUid)) whats91 += 1;
    else unexpected.push(`Whats91 chatbot ${c.chatbotUid} (not in the state)`);
  }
  return { expected: deadsimplechatDisabled + whats91, deadsimplechatDisabled, whats91, unexpected };
}

/** Creates are the POSTs that make a record (not DeadSimpleChat's enable/disable, not a token). */
function isCreate(vendor, method, endpoint) {
  if (method !== "POST") return false;
  if (vendor === "deadsimplechat") return !/enable|disable/.test(endpoint) && /\/bots?$/.test(endpoint);
  if (vendor === "lineworks") return !endpoint.includes("oauth2");
  return true;
}

function faultSummary(faultLog) {
  const byLabel = {};
  const onCreates = {};
  const byEndpoint = {};
  for (const f of faultLog) {
    byLabel[f.label] = (byLabel[f.label] ?? 0) + 1;
    if (isCreate(f.vendor, f.method, f.endpoint)) onCreates[f.label] = (onCreates[f.label] ?? 0) + 1;
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
function suspects(faultLog, local, scrub) {
  const logs = Object.fromEntries(VENDORS.map((v) => [v, local[v].requests]));
  return faultLog
    .filter((f) => f.method !== "GET")
    .map(({ fault: _fault, ...f }) => {
      const request = logs[f.vendor][f.index];
      const body = scrub(JSON.stringify(request?.body ?? null)).slice(0, 300);
      return { ...f, status: request?.status, body };
    });
}

// ---- 1b. an outage right after a create whose answer was lost --------------------------------------

/**
 * Each vendor's create requests and the requests the provider makes to find out whether a create
 * whose answer was lost was stored (its lookup), by resource type.
 */
const CREATE_LOOKUPS = [
  { type: "sendbird.Bot", vendor: "sendbird", create: /^\/v3\/bots$/, lookup: /^\/v3\/bots\/[^/]+$/ },
  {
    type: "deadsimplechat.Bot",
    vendor: "deadsimplechat",
    create: /^\/consumer\/api\/v2\/bot$/,
    lookup: /^\/consumer\/api\/v2\/bots$/,
  },
  { type: "lineworks.Bot", vendor: "lineworks", create: /^\/v1\.0\/bots$/, lookup: /^\/v1\.0\/bots$/ },
  {
    type: "lineworks.BotDomain",
    vendor: "lineworks",
    create: /^\/v1\.0\/bots\/\d+\/domains\/\d+$/,
    lookup: /^\/v1\.0\/bots\/\d+\/domains$/,
  },
  {
    type: "whats91.Chatbot",
    vendor: "whats91",
    create: /^\/api\/v2\/chatbots(\/\w+)?$/,
    lookup: /^\/api\/v2\/chatbots$/,
  },
];
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
function scriptOutages(local, variant, log) {
  const script = { armed: true };
  for (const vendor of VENDORS) {
    const specs = CREATE_LOOKUPS.filter((spec) => spec.vendor === vendor).map((spec) => ({
      ...spec,
      outage: 0,
    }));
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
 * One stack with a resource of every type (two LINE WORKS bots: one's create fails, the other's
 * domain registration does). Up once during the outages, then up (no faults) until it succeeds,
 * the comparison with the state, and destroy.
 */
async function outageScenario({ variant, startLocalSandboxes }) {
  const local = await startLocalSandboxes();
  const scrub = scrubber(local.env);
  const prefix = randomBytes(3).toString("hex");
  const ws = pulumiWorkspace("outage");
  const scripted = [];
  const result = { variant: variant.name, runs: [], scripted };
  const step = async (phase, args) => {
    const run = await ws.run([...args, "--json"], local.env);
    const { errors, failedTypes } = diagnostics(run.stdout);
    const stderrError = run.stderr.split("\n").findLast((line) => line.startsWith("error:"));
    result.runs.push({
      phase,
      code: run.code,
      seconds: run.seconds,
      failedTypes,
      errors: [...errors, ...(stderrError ? [stderrError] : [])]
        .slice(0, 6)
        .map((e) => scrub(e).slice(0, 400)),
    });
    process.stderr.write(
      `outage (${variant.name}): ${phase} exited ${run.code} after ${run.seconds.toFixed(1)} s\n`,
    );
    return { ...run, failedTypes };
  };
  try {
    await ws.must(["stack", "init"]);
    await ws.must(["config", "set", "mode", "soak"]);
    await ws.must(["config", "set", "prefix", prefix]);
    await ws.must(["config", "set", "domainIds", "10000001,10000002,10000003"]);
    const counts = { sendbird: 1, deadsimplechat: 1, lineworks: 2, whats91: 1 };
    await ws.must(["config", "set", "counts", JSON.stringify(counts)]);
    const script = scriptOutages(local, variant, scripted);
    // --continue-on-error: one resource's failure must not keep the others from running, so every
    // type's create meets its outage and every type that does not converge shows.
    const up = ["up", "--yes", "--skip-preview", "--continue-on-error"];
    const first = await step("up 1 (outage)", up);
    // The next runs see healthy vendors.
    script.armed = false;
    result.failedInOutage = first.failedTypes;
    result.upRuns = 1;
    result.converged = first.code === 0;
    const stillFailing = new Set();
    while (!result.converged && result.upRuns < MAX_UP_RUNS - 1) {
      result.upRuns += 1;
      const run = await step(`up ${result.upRuns}`, up);
      run.failedTypes.forEach((type) => stillFailing.add(type));
      result.converged = run.code === 0;
    }
    result.notConverging = result.converged ? [] : [...stillFailing];
    const exported = JSON.parse((await ws.must(["stack", "export"])).stdout);
    result.comparison = compareWithState(exported, local);
    const destroy = await step("destroy", ["destroy", "--yes", "--skip-preview"]);
    result.destroyed = destroy.code === 0;
    result.destroyFailedTypes = destroy.failedTypes;
    return result;
  } finally {
    await local.stop();
    ws.cleanup();
  }
}

/** Both outage variants, as rows. */
async function outageAfterCreate({ startLocalSandboxes }) {
  const results = [];
  for (const variant of OUTAGE_VARIANTS) results.push(await outageScenario({ variant, startLocalSandboxes }));
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

// ---- 2. LINE WORKS: one bot, many domains, in parallel -------------------------------------------

async function lineWorksDomains({ size, startLocalSandboxes }) {
  const domainIds = Array.from({ length: size.domains }, (_, i) => 40_000_001 + i);
  // No rate limits and a fixed, high pace: the figure is the per-bot serialisation, not the pacing
  // (run.js measures that).
  const local = await startLocalSandboxes({
    rateLimits: false,
    latencyMs: LATENCY_MS,
    lineWorksDomains: domainIds,
  });
  local.lineworks.setMutationMs(MUTATION_MS);
  const env = { ...local.env, LINEWORKS_READS_PER_SECOND: "1000", LINEWORKS_WRITES_PER_SECOND: "1000" };
  const arrivals = [];
  onEveryRequest(local.lineworks, (method, requestPath) => {
    arrivals.push({ t: Date.now(), method, endpoint: endpointOf(requestPath) });
    return undefined;
  });
  const ws = pulumiWorkspace("domains");
  try {
    await ws.must(["stack", "init"]);
    await ws.must(["config", "set", "mode", "domains"]);
    await ws.must(["config", "set", "prefix", randomBytes(3).toString("hex")]);
    await ws.must(["config", "set", "domainIds", domainIds.join(",")]);

    const up = await ws.run(["up", "--yes", "--skip-preview", "--parallel", String(DOMAIN_PARALLEL)], env);
    process.stderr.write(`domains: up exited ${up.code} after ${up.seconds.toFixed(1)} s\n`);
    const overlapsAfterUp = local.lineworks.overlappingMutations();
    const bots = local.lineworks.bots();
    const registered = bots.length === 1 ? local.lineworks.domains(bots[0].botId).length : 0;
    // The span the sandbox saw: from the bot create's arrival to the end of the last registration
    // (it arrived, then held the bot for max(latency, mutationMs)).
    const botCreate = arrivals.find((a) => a.method === "POST" && a.endpoint === "/v1.0/bots");
    const registrations = arrivals.filter(
      (a) => a.method === "POST" && a.endpoint === "/v1.0/bots/{id}/domains/{id}",
    );
    const spanMs =
      botCreate && registrations.length > 0
        ? registrations[registrations.length - 1].t - botCreate.t + Math.max(LATENCY_MS, MUTATION_MS)
        : undefined;
    const floorMs = size.domains * MUTATION_MS + LATENCY_MS;
    // Engine and program start-up: the same `pulumi up` with nothing to do.
    const noop = await ws.run(["up", "--yes", "--skip-preview", "--expect-no-changes"], env);
    const destroy = await ws.run(
      ["destroy", "--yes", "--skip-preview", "--parallel", String(DOMAIN_PARALLEL)],
      env,
    );
    process.stderr.write(`domains: destroy exited ${destroy.code} after ${destroy.seconds.toFixed(1)} s\n`);
    const overlapsTotal = local.lineworks.overlappingMutations();
    const ratio = spanMs === undefined ? undefined : spanMs / floorMs;
    const row = (figure, value, goal, met, note) => ({
      section: "lineworks domains",
      figure,
      value,
      goal,
      met,
      ...(note && { note }),
    });
    const rows = [
      row(
        "domains registered",
        `${registered}/${size.domains}`,
        `${size.domains}`,
        up.code === 0 && registered === size.domains,
        `pulumi up --parallel ${DOMAIN_PARALLEL} exited ${up.code}`,
      ),
      row(
        "overlapping mutations of the bot",
        overlapsTotal,
        "0",
        overlapsTotal === 0,
        `${overlapsAfterUp} during up, ${overlapsTotal - overlapsAfterUp} during destroy`,
      ),
      row(
        "up time (wall)",
        `${up.seconds.toFixed(1)} s`,
        "-",
        null,
        `engine and program start-up (a no-op up): ${noop.seconds.toFixed(1)} s`,
      ),
      row(
        "registration span (sandbox)",
        spanMs === undefined ? "n/a" : `${(spanMs / 1000).toFixed(2)} s`,
        "-",
        null,
        "bot create arrives -> last registration done",
      ),
      row(
        "serial floor",
        `${(floorMs / 1000).toFixed(2)} s`,
        "-",
        null,
        `${size.domains} x ${MUTATION_MS} ms hold + ${LATENCY_MS} ms bot create`,
      ),
      row(
        "span / floor",
        ratio === undefined ? "n/a" : Number(ratio.toFixed(2)),
        `<= ${FLOOR_RATIO_GOAL}`,
        ratio !== undefined && ratio <= FLOOR_RATIO_GOAL,
      ),
      row(
        "destroy",
        destroy.code === 0 && local.lineworks.bots().length === 0 ? "clean" : "left bots",
        "clean",
        destroy.code === 0 && local.lineworks.bots().length === 0,
        `${destroy.seconds.toFixed(1)} s`,
      ),
    ];
    const raw = {
      domains: size.domains,
      mutationMs: MUTATION_MS,
      latencyMs: LATENCY_MS,
      parallel: DOMAIN_PARALLEL,
      upSeconds: up.seconds,
      noopUpSeconds: noop.seconds,
      noopExpectNoChanges: noop.code === 0,
      destroySeconds: destroy.seconds,
      spanMs,
      floorMs,
      overlapsAfterUp,
      overlapsTotal,
      registrationGapsMs: registrations.slice(1).map((r, i) => r.t - registrations[i].t),
    };
    return { rows, raw };
  } finally {
    await local.stop();
    ws.cleanup();
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
    const soak = await faultSoak({ ...options, startLocalSandboxes });
    rows.push(...soak.rows);
    raw.faultSoak = soak.raw;
    const outages = await outageAfterCreate({ startLocalSandboxes });
    rows.push(...outages.rows);
    raw.outageAfterCreate = outages.raw;
    const domains = await lineWorksDomains({ ...options, startLocalSandboxes });
    rows.push(...domains.rows);
    raw.lineWorksDomains = domains.raw;
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
