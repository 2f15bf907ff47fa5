/**
 * sendbird.Bot on the real Pulumi engine (CLI, language host, dynamic-provider host) against the
 * Sendbird sandbox, with a local file backend: the whole lifecycle a user goes through.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { startSendbirdSandbox, type SendbirdSandbox } from "../../sandbox";
import {
  e2eStack,
  e2eWorkspace,
  engineWarnings,
  resourceSteps,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
  type StateResource,
} from "./stacks";

// Each step runs the Pulumi CLI; the whole lifecycle takes minutes, not seconds.
jest.setTimeout(15 * 60 * 1000);

const project = path.join(__dirname, "projects", "sendbird-bot");
const BOT_TYPE = "pulumi-nodejs:dynamic/sendbird:Bot";

let sandbox: SendbirdSandbox;
let ws: PulumiWorkspace;
let stack: PulumiStack;
let getStack: PulumiStack;
const apiToken = randomBytes(20).toString("hex");
const stackName = `e2e-${randomBytes(4).toString("hex")}`;

/** The stack's state as stored (secrets encrypted), and its bots. */
function storedState(): { text: string; bots: StateResource[] } {
  const text = stack.storedState();
  return { text, bots: storedResources(text, BOT_TYPE) };
}

const previewSteps = async () => resourceSteps((await stack.preview()).events);

async function sendbird(method: string, botPath: string, body?: unknown): Promise<number> {
  const res = await fetch(`${sandbox.url}/bots/${botPath}`, {
    method,
    headers: { "Api-Token": apiToken, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status;
}

/** Neither the bot's token nor the API token may appear in plaintext in the stack's state. */
function expectNoPlaintextSecrets(): void {
  const { text } = storedState();
  expect(text).not.toContain(apiToken);
  for (const bot of sandbox.bots()) expect(text).not.toContain(bot.bot.bot_token);
}

/** After a create was finished: the token output filled in, nothing left to do, no secret in plaintext; then destroy. */
async function expectFinishedThenDestroy(): Promise<void> {
  expect((await stack.outputs()).botToken).toEqual({
    value: sandbox.bot("helper_bot")?.bot.bot_token,
    secret: true,
  });
  await stack.preview({ expectNoChanges: true });
  expectNoPlaintextSecrets();
  await stack.destroy();
  expect(sandbox.bots()).toHaveLength(0);
}

beforeAll(async () => {
  // A Sendbird that trims nicknames as it stores them (not documented: a stand-in for any vendor
  // canonicalisation), to see that the user is warned rather than surprised.
  sandbox = await startSendbirdSandbox({
    apiToken,
    canonicalize: (bot) => (bot.bot.bot_nickname = bot.bot.bot_nickname.trim()),
  });
  ws = e2eWorkspace();
  stack = e2eStack(ws, project, stackName);
  getStack = e2eStack(ws, project, `${stackName}-get`);
  // The credential reaches the provider through `configure`, as an encrypted stack secret.
  await stack.init({
    "sendbird:apiToken": { value: apiToken, secret: true },
    "sendbird:apiUrl": sandbox.url,
    botUserid: "helper_bot",
    botNickname: "Helper",
    botType: "support",
  });
});

afterAll(async () => {
  await stack?.remove();
  await getStack?.remove();
  ws?.cleanup();
  await sandbox?.stop();
});

test("up, no-op preview and refresh, update, replace, drift, out-of-band delete, destroy", async () => {
  const started = Date.now();

  // 0. Bad input fails at preview, naming the property and the rule, without calling Sendbird.
  await stack.setConfig({ botNickname: "n".repeat(81) });
  const rejected = await stack.preview({ allowFailure: true });
  expect(rejected.ok).toBe(false);
  expect(rejected.stdout + rejected.stderr).toContain("botNickname: expected a string of 1 to 80 characters");
  expect(sandbox.requests).toHaveLength(0);
  await stack.setConfig({ botNickname: "Helper" });

  // 1. up creates the bot; its token is a secret output.
  await stack.up();
  expect(sandbox.bots()).toHaveLength(1);
  const token = sandbox.bot("helper_bot")?.bot.bot_token;
  expect(await stack.outputs()).toEqual({
    botUserid: { value: "helper_bot", secret: false },
    botNickname: { value: "Helper", secret: false },
    botToken: { value: token, secret: true },
  });
  expectNoPlaintextSecrets();

  // The stored provider is the one-line require of the installed package's shim.
  const [created] = storedState().bots;
  const shim = String(created.outputs?.__provider);
  expect(shim).toContain('require("pulumi-chatbots/dist/provider/shims/sendbird-bot.js")');
  expect(Buffer.byteLength(shim)).toBeLessThanOrEqual(2048);
  console.log(`sendbird.Bot __provider in state: ${Buffer.byteLength(shim)} bytes`);

  // 2. Nothing changed: preview and refresh agree.
  await stack.preview({ expectNoChanges: true });
  await stack.refresh({ expectNoChanges: true });
  await stack.preview({ expectNoChanges: true });

  // 3. A new nickname is an in-place update of exactly that field. Preview calls no vendor API.
  await stack.setConfig({ botNickname: "Helper 2" });
  const requestsBeforePreview = sandbox.requests.length;
  let steps = await previewSteps();
  expect(sandbox.requests).toHaveLength(requestsBeforePreview);
  expect(steps.map((s) => [s.op, s.changed])).toEqual([["update", ["botNickname"]]]);
  const diffText = (await stack.preview({ diff: true })).stdout;
  expect(diffText).toMatch(/~ botNickname\s*:\s*"Helper" => "Helper 2"/);
  await stack.up();
  expect(sandbox.bot("helper_bot")?.bot.bot_nickname).toBe("Helper 2");
  expect(sandbox.bot("helper_bot")?.bot.bot_token).toBe(token);

  // 4. A new botType replaces the bot (delete first: the botUserid stays the same).
  await stack.setConfig({ botType: "sales" });
  steps = await previewSteps();
  expect(steps.map((s) => [s.op, s.changed])).toEqual([["replace", ["botType"]]]);
  // Had the old bot not been deleted first, Sendbird would refuse the new one (400202).
  await stack.up();
  expect(sandbox.bots().map((b) => [b.bot.bot_userid, b.bot.bot_type])).toEqual([["helper_bot", "sales"]]);
  await stack.preview({ expectNoChanges: true });
  expectNoPlaintextSecrets();

  // 5. A change behind Pulumi's back: refresh shows it, up puts the declared value back.
  expect(await sendbird("PUT", "helper_bot", { bot_nickname: "Changed by hand" })).toBe(200);
  const drift = await stack.refresh({ expectNoChanges: true, allowFailure: true });
  expect(drift.ok).toBe(false);
  expect(drift.stdout).toMatch(/botNickname/);
  expect(storedState().bots[0].outputs?.botNickname).toBe("Changed by hand");
  steps = await previewSteps();
  expect(steps.map((s) => [s.op, s.changed])).toEqual([["update", ["botNickname"]]]);
  await stack.up();
  expect(sandbox.bot("helper_bot")?.bot.bot_nickname).toBe("Helper 2");

  // 6. Deleted behind Pulumi's back: refresh drops it, up creates it again.
  expect(await sendbird("DELETE", "helper_bot")).toBe(200);
  await stack.refresh();
  expect(storedState().bots).toHaveLength(0);
  await stack.up();
  expect(sandbox.bots().map((b) => b.bot.bot_userid)).toEqual(["helper_bot"]);
  await stack.preview({ expectNoChanges: true });

  // 7. ignoreChanges holds: a nickname edited in the dashboard survives an unrelated change.
  expect(await sendbird("PUT", "helper_bot", { bot_nickname: "Edited in the dashboard" })).toBe(200);
  await stack.setConfig({ ignoreNickname: "true" });
  await stack.setConfig({ botCallbackUrl: "https://example.com/sendbird/v2" });
  steps = await previewSteps();
  expect(steps.map((s) => [s.op, s.changed])).toEqual([["update", ["botCallbackUrl"]]]);
  await stack.up();
  expect(sandbox.bot("helper_bot")).toMatchObject({
    bot: { bot_nickname: "Edited in the dashboard" },
    bot_callback_url: "https://example.com/sendbird/v2",
  });
  await stack.refresh();
  await stack.preview({ expectNoChanges: true });
  await stack.removeConfig("ignoreNickname");
  steps = await previewSteps();
  expect(steps.map((s) => [s.op, s.changed])).toEqual([["update", ["botNickname"]]]);
  await stack.up();
  expect(sandbox.bot("helper_bot")?.bot.bot_nickname).toBe("Helper 2");

  // 8. A value the vendor stores otherwise than sent: up warns naming the field (not the value),
  // and the next preview shows the difference instead of hiding it.
  await stack.setConfig({ botNickname: "Helper 2  " });
  // A real engine warning (the provider host has no engine logger of its own; core/log.ts).
  const warned = await stack.up({ events: true });
  expect(engineWarnings(warned.events)).toEqual([
    expect.stringContaining(
      'pulumi-chatbots: Sendbird stored botNickname of Sendbird bot "helper_bot" differently',
    ),
  ]);
  expect(storedState().bots[0].outputs?.botNickname).toBe("Helper 2");
  // The stored inputs are as declared; the update comes from the output Sendbird changed.
  expect((await previewSteps()).map((s) => s.op)).toEqual(["update"]);
  await stack.setConfig({ botNickname: "Helper 2" });
  await stack.preview({ expectNoChanges: true });
  await stack.up(); // stores the inputs as now declared

  // 9. A wrong base URL never empties the state: refresh and destroy fail and keep the bot, both
  // behind a proxy that answers 404 pages of its own and with a wrong sendbird:apiUrl. (A plain
  // refresh uses the provider config stored at the last `up`; --run-program takes the new one.)
  sandbox.faults.inject({ fault: { kind: "foreign", status: 404 }, times: Infinity });
  const proxiedRefresh = await stack.refresh({ allowFailure: true });
  const proxiedDestroy = await stack.destroy({ allowFailure: true });
  sandbox.faults.clear();
  for (const proxied of [proxiedRefresh, proxiedDestroy]) {
    expect(proxied.ok).toBe(false);
    expect(proxied.stdout + proxied.stderr).toContain(
      "did not come from the Sendbird API; check the base URL",
    );
  }
  expect(storedState().bots).toHaveLength(1);
  await stack.setConfig({ "sendbird:apiUrl": sandbox.url.replace(/\/v3$/, "/v2") });
  // `pulumi refresh --run-program` fails in its preview, before the state changes.
  const wrongUrl = await stack.previewRefresh({ runProgram: true, allowFailure: true });
  expect(wrongUrl.ok).toBe(false);
  expect(wrongUrl.stdout + wrongUrl.stderr).toContain(
    "Sendbird does not know this URL: check sendbird:apiUrl",
  );
  await stack.setConfig({ "sendbird:apiUrl": sandbox.url });
  expect(storedState().bots).toHaveLength(1);
  expect(sandbox.bots()).toHaveLength(1);
  await stack.refresh({ expectNoChanges: true });

  // 10. Bot.get reads the bot from another stack without managing it.
  await getStack.init({
    "sendbird:apiToken": { value: apiToken, secret: true },
    "sendbird:apiUrl": sandbox.url,
    getBotUserid: "helper_bot",
  });
  await getStack.up();
  expect(await getStack.outputs()).toEqual({
    seenNickname: { value: "Helper 2", secret: false },
    seenToken: { value: sandbox.bot("helper_bot")?.bot.bot_token, secret: true },
  });
  await getStack.destroy();
  expect(sandbox.bots()).toHaveLength(1);

  // 11. destroy leaves no bot behind, and the state never held a secret in plaintext.
  expectNoPlaintextSecrets();
  await stack.destroy();
  expect(sandbox.bots()).toHaveLength(0);
  expect(storedState().bots).toHaveLength(0);

  console.log(`sendbird.Bot e2e lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test("a create that reached Sendbird but could not finish is recorded in the stack, and the next up completes it", async () => {
  // The answer to the POST is unreadable (the bot is stored), and every lookup is refused (an
  // outage, 5xx, would be waited out for about two minutes first: see provider/core/create.ts).
  sandbox.faults.inject({
    method: "POST",
    path: "/v3/bots",
    fault: { kind: "commit-then-status", status: 200 },
  });
  sandbox.faults.inject({
    method: "GET",
    fault: { kind: "status", status: 403, code: 403100 },
    times: Infinity,
  });
  const failed = await stack.up({ allowFailure: true });
  sandbox.faults.clear();
  expect(failed.ok).toBe(false);
  expect(failed.stdout + failed.stderr).toContain("Pulumi keeps it in the stack");
  expect(sandbox.bots()).toHaveLength(1);

  // Recorded with its id and an initialisation error, not lost.
  const recorded = storedState().bots;
  expect(recorded).toHaveLength(1);
  expect(recorded[0].id).toBe("helper_bot");
  expect(recorded[0].initErrors?.length).toBeGreaterThan(0);

  // As the error advises, refresh can read it (the recorded state keeps the provider shim).
  await stack.refresh();
  expect(storedState().bots[0].id).toBe("helper_bot");

  // The next up finishes it: no second bot, the token output filled in.
  await stack.up();
  expect(sandbox.bots()).toHaveLength(1);
  await expectFinishedThenDestroy();
});

test("a create that never reached Sendbird is recorded in the stack, and the next plain up makes it", async () => {
  // The POST is dropped before Sendbird stores anything, and every lookup is refused (a refusal,
  // not an outage, so the provider does not wait it out): the create cannot tell what happened.
  const postsBefore = sandbox.requests.filter((r) => r.method === "POST").length;
  sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "drop" } });
  sandbox.faults.inject({
    method: "GET",
    path: "/v3/bots/helper_bot",
    fault: { kind: "status", status: 403, code: 403100 },
    times: Infinity,
  });
  const failed = await stack.up({ allowFailure: true });
  sandbox.faults.clear();
  expect(failed.ok).toBe(false);
  expect(failed.stdout + failed.stderr).toContain("`pulumi up` finishes it");
  expect(sandbox.bots()).toHaveLength(0);
  const recorded = storedState().bots;
  expect(recorded.map((r) => r.id)).toEqual(["helper_bot"]);
  expect(recorded[0].initErrors?.length).toBeGreaterThan(0);

  // As the error says, the next plain up (no refresh) finishes it: exactly one bot.
  await stack.up();
  expect(sandbox.bots().map((b) => b.bot.bot_userid)).toEqual(["helper_bot"]);
  expect(sandbox.requests.filter((r) => r.method === "POST")).toHaveLength(postsBefore + 2);
  const finished = storedState().bots;
  expect(finished).toHaveLength(1);
  expect(finished[0].initErrors ?? []).toEqual([]);
  await expectFinishedThenDestroy();
});
