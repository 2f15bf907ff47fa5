// Pacing benchmark: N sendbird.Bot creates at once against the Sendbird sandbox under a plan's
// write limit, through the handlers the provider process runs. Prints the time against the floor
// the limit sets (N / limit seconds), the pace the client settled on, the 429s Sendbird sent and
// the failures. Target at the free-trial limit (5 writes/s, 100 creates): <= 1.1x the 20 s floor,
// 0 failures, 0 throttled.
// Run after `npm run build`: node scripts/bench-pacing.js [N]
"use strict";
const { randomBytes } = require("node:crypto");
const dist = require("node:path").join(__dirname, "..", "dist");
const { startSendbirdSandbox } = require(`${dist}/sandbox`);
const { botHandlers } = require(`${dist}/provider/sendbird/bot`);
const { sendbirdApi } = require(`${dist}/provider/sendbird/api`);

const N = Number(process.argv[2] ?? 100);
const PLANS = [
  { plan: "free trial", getPerSecond: 10, mutatePerSecond: 5 },
  { plan: "5K MAU", getPerSecond: 60, mutatePerSecond: 10 },
];

async function run({ plan, getPerSecond, mutatePerSecond }) {
  const apiToken = randomBytes(20).toString("hex");
  const sandbox = await startSendbirdSandbox({ apiToken, rateLimit: { getPerSecond, mutatePerSecond } });
  process.env.SENDBIRD_API_URL = sandbox.url;
  process.env.SENDBIRD_API_TOKEN = apiToken;
  try {
    const started = process.hrtime.bigint();
    const results = await Promise.allSettled(
      Array.from({ length: N }, async (_, i) => {
        const { inputs } = await botHandlers.check(
          {},
          {
            botUserid: `bench_${i}`,
            botNickname: `Bench ${i}`,
            botProfileUrl: "",
            botType: "bench",
            botCallbackUrl: "https://example.com/callback",
            isPrivacyMode: true,
          },
        );
        return botHandlers.create(inputs);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const floor = N / mutatePerSecond;
    return {
      plan,
      limit: `${mutatePerSecond} writes/s`,
      creates: N,
      seconds: seconds.toFixed(2),
      floor: floor.toFixed(2),
      ratio: (seconds / floor).toFixed(3),
      pace: `${sendbirdApi().pace("write")?.toFixed(2)} writes/s`,
      throttled: sandbox.rateLimited(),
      failures: results.filter((r) => r.status === "rejected").length,
      bots: sandbox.bots().length,
    };
  } finally {
    await sandbox.stop();
  }
}

async function main() {
  const rows = [];
  for (const plan of PLANS) rows.push(await run(plan));
  console.table(rows);
  const worst = rows[0];
  if (worst.failures > 0 || worst.bots !== N) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
