// LINE WORKS' soak scenario (scripts/bench/soak.js runs it after the fault soak): one bot
// registered in 20 domains (5 with --small) at --parallel 16, while the sandbox holds each mutation
// of the bot for `mutationMs` and counts mutations that overlap (LINE WORKS forbids parallel
// changes of one bot). Measured: overlaps, and the time against the serial floor (every
// registration after the other, each held mutationMs, plus the bot create).
"use strict";
const { randomBytes } = require("node:crypto");
const { lineWorksBot } = require("../lineworks-bot/soak");

/** How long the sandbox holds each mutation, and its latency. */
const MUTATION_MS = 200;
const LATENCY_MS = 20;
const DOMAIN_PARALLEL = 16;
const FLOOR_RATIO_GOAL = 1.2;

const outcome = (run) => (run.ok ? "succeeded" : "failed");

/** The scenario's program (the soak project in mode "scenario"): one bot in every domain of `domainIds`. */
function program(chatbots, { prefix, domainIds }) {
  const bot = lineWorksBot(chatbots, "bot", 0, prefix, domainIds);
  for (const domainId of domainIds) {
    new chatbots.lineworks.BotDomain(`domain-${domainId}`, { botId: bot.botId, domainId });
  }
}

/** The scenario's run: its rows and raw figures. `ws` is its stack, made and removed by soak.js. */
async function run({ small, ws, startLocalSandboxes, onEveryRequest, endpointOf }) {
  const size = { domains: small ? 5 : 20 };
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
  try {
    await ws.setConfig({ prefix: randomBytes(3).toString("hex"), domainIds: domainIds.join(",") });

    const up = await ws.up({ parallel: DOMAIN_PARALLEL, extraEnv: env });
    process.stderr.write(`domains: up ${outcome(up)} after ${up.seconds.toFixed(1)} s\n`);
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
    const noop = await ws.up({ expectNoChanges: true, extraEnv: env });
    const destroy = await ws.destroy({ parallel: DOMAIN_PARALLEL, extraEnv: env });
    process.stderr.write(`domains: destroy ${outcome(destroy)} after ${destroy.seconds.toFixed(1)} s\n`);
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
        up.ok && registered === size.domains,
        `pulumi up --parallel ${DOMAIN_PARALLEL} ${outcome(up)}`,
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
        destroy.ok && local.lineworks.bots().length === 0 ? "clean" : "left bots",
        "clean",
        destroy.ok && local.lineworks.bots().length === 0,
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
      noopExpectNoChanges: noop.ok,
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
  }
}

module.exports = { scenario: { name: "lineworks domains", program, run } };
