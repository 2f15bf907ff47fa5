/**
 * A coalesced listing (DeadSimpleChat's bot list, shared per process by every read) is shared only
 * by calls under the same policies (core/coalesce.ts): a call under others runs its own listing,
 * with its own retries and warning sink.
 */
import { randomBytes } from "node:crypto";
import { startDeadSimpleChatSandbox, type DeadSimpleChatSandbox } from "../../sandbox";
import { definition } from "../../provider/deadsimplechat/bot";
import { handlersOf } from "../../provider/core/definition";
import { newPolicies, productionPolicies } from "../../provider/core/policies";

let sandbox: DeadSimpleChatSandbox;
beforeAll(async () => {
  const apiKey = randomBytes(24).toString("hex");
  sandbox = await startDeadSimpleChatSandbox({ apiKey, rateLimit: false });
  process.env.DEADSIMPLECHAT_API_URL = sandbox.url;
  process.env.DEADSIMPLECHAT_API_KEY = apiKey;
  process.env.DEADSIMPLECHAT_READS_PER_SECOND = "100";
  process.env.DEADSIMPLECHAT_WRITES_PER_SECOND = "100";
});
afterAll(() => sandbox.stop());

const retrying = (maxAttempts: number) =>
  newPolicies({ retry: { ...productionPolicies.retry, maxAttempts, baseDelayMs: 1, maxDelayMs: 1 } });

test("alone, the patient handlers ride out one 503", async () => {
  const patient = handlersOf(definition, retrying(3));
  sandbox.faults.inject({ fault: { kind: "status", status: 503 }, method: "GET", times: 1 });
  await expect(
    patient.read("000000000000000000000001", { botId: "000000000000000000000001" }),
  ).resolves.toBeDefined();
});

test("beside an impatient call, a patient call keeps its own retries (a shared listing must not hand it the other's)", async () => {
  // Another client (settings differ), so no listing of the first test is shared.
  process.env.DEADSIMPLECHAT_READS_PER_SECOND = "99";
  const impatient = handlersOf(definition, retrying(1));
  const patient = handlersOf(definition, retrying(3));
  sandbox.faults.inject({ fault: { kind: "status", status: 503 }, method: "GET", times: 1 });
  const id = "000000000000000000000002";
  const [a, b] = await Promise.allSettled([
    impatient.read(id, { botId: id }),
    patient.read(id, { botId: id }),
  ]);
  expect(a.status).toBe("rejected");
  // Each call under its own policies: the patient read rides out the 503 the impatient one met.
  expect(b.status).toBe("fulfilled");
});
