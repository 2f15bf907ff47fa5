/**
 * deadsimplechat.Bot and BotChatRoom on the real Pulumi engine against the DeadSimpleChat sandbox,
 * with a local file backend: the lifecycle a user goes through, including what DeadSimpleChat
 * cannot do (delete a bot: destroy disables it and warns; a second stack adopts it).
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { startDeadSimpleChatSandbox, type DeadSimpleChatSandbox } from "../../sandbox";
import {
  e2eStack,
  e2eWorkspace,
  engineWarnings,
  resourceSteps,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
} from "./stacks";
import { printing } from "./printing";

jest.setTimeout(15 * 60 * 1000);

const project = path.join(__dirname, "projects", "deadsimplechat-bot");
const BOT_TYPE = "pulumi-nodejs:dynamic/deadsimplechat:Bot";
const ROOM_TYPE = "pulumi-nodejs:dynamic/deadsimplechat:BotChatRoom";

let sandbox: DeadSimpleChatSandbox;
let ws: PulumiWorkspace;
let stack: PulumiStack;
let adopter: PulumiStack;
let getStack: PulumiStack;
const apiKey = randomBytes(24).toString("hex");
const stackName = `e2e-${randomBytes(4).toString("hex")}`;
/** Everything the CLI printed, and the outputs and states read: the key must never be in it. */
const printed: string[] = [];

/** The state of `on` as stored (secrets encrypted), its bots and its rooms. */
function state(on = stack) {
  const text = on.storedState();
  return { text, bots: storedResources(text, BOT_TYPE), rooms: storedResources(text, ROOM_TYPE) };
}

const steps = async () => resourceSteps((await stack.preview()).events);

async function configure(on: PulumiStack, values: Record<string, string>) {
  // The key reaches the provider through `configure`, as an encrypted stack secret.
  await on.init({
    "deadsimplechat:apiKey": { value: apiKey, secret: true },
    "deadsimplechat:apiUrl": sandbox.url,
    ...values,
  });
}

/** A change in the DeadSimpleChat dashboard, behind Pulumi's back. */
async function changeByHand(botId: string, body: Record<string, unknown>) {
  const res = await fetch(`${sandbox.url}/bot/${botId}?auth=${apiKey}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  // The listing as the list page documents it: only _id, name, webhookURL, isAllowedInAllChatRooms,
  // enabled, customer and created, so what adopt cannot read it must send.
  sandbox = await startDeadSimpleChatSandbox({
    apiKey,
    chatRooms: ["lobby1", "lobby2"],
    listOmitsOptionalFields: true,
  });
  ws = e2eWorkspace();
  stack = printing(e2eStack(ws, project, stackName), printed);
  adopter = printing(e2eStack(ws, project, `${stackName}-adopt`), printed);
  getStack = printing(e2eStack(ws, project, `${stackName}-get`), printed);
  await configure(stack, { name: "Support Bot", roomId: "lobby1" });
});

afterAll(async () => {
  for (const s of [stack, adopter, getStack]) await s?.remove();
  ws?.cleanup();
  await sandbox?.stop();
});

test("up, no-op preview and refresh, update with a wired dependent, drift, out-of-band delete, destroy, adopt", async () => {
  const started = Date.now();

  // 0. DeadSimpleChat's cross-field rule fails at preview, naming both fields, calling nothing.
  await stack.setConfig({ trigger: "message" });
  await stack.setConfig({ messageVisibility: "private" });
  const rejected = await stack.preview({ allowFailure: true });
  expect(rejected.ok).toBe(false);
  const said = rejected.stdout + rejected.stderr;
  expect(said).toContain('trigger must be "mention" when messageVisibility is "private"');
  expect(said).toMatch(/trigger.*\n?.*messageVisibility|messageVisibility.*\n?.*trigger/);
  expect(said).toContain("Bots cannot be configured to trigger on every message");
  expect(sandbox.requests).toHaveLength(0);
  await stack.removeConfig("trigger");
  await stack.removeConfig("messageVisibility");

  // 1. up creates the bot and enables it in the room, through the bot's output.
  await stack.up();
  expect(sandbox.bots()).toHaveLength(1);
  const botId = sandbox.bots()[0]._id;
  expect(sandbox.rooms(botId)).toEqual(["lobby1"]);
  expect(await stack.outputs()).toEqual({
    botId: { value: botId, secret: false },
    roomAssignment: { value: `${botId}/lobby1`, secret: false },
    metadata: { value: '{"escalation":{"after":3},"team":"support"}', secret: false },
  });

  // 2. Nothing changed: preview and refresh agree.
  await stack.preview({ expectNoChanges: true });
  await stack.refresh({ expectNoChanges: true });
  await stack.preview({ expectNoChanges: true });

  // 3. A new description updates the bot in place; the room wired to bot.botId is untouched
  // (botId is the resource id, known during the preview of an update).
  await stack.setConfig({ description: "Answers questions" });
  const before = sandbox.requests.length;
  expect((await steps()).map((s) => [s.op, s.urn.split("::").pop(), s.changed])).toEqual([
    ["update", "support", ["description"]],
  ]);
  expect(sandbox.requests).toHaveLength(before); // preview calls no vendor API
  const diffText = (await stack.preview({ diff: true })).stdout;
  expect(diffText).toMatch(/\+ description\s*:\s*"Answers questions"/);
  await stack.up();
  expect(sandbox.bot(botId)?.description).toBe("Answers questions");
  await stack.preview({ expectNoChanges: true });

  // 4. Drift in the sandbox shows on refresh, and up restores the declared value.
  await changeByHand(botId, { webhookURL: "https://example.com/changed-by-hand" });
  const drift = await stack.refresh({ expectNoChanges: true, allowFailure: true });
  expect(drift.ok).toBe(false);
  expect(drift.stdout).toMatch(/webhookUrl/);
  expect((await steps()).map((s) => [s.op, s.changed])).toEqual([["update", ["webhookUrl"]]]);
  await stack.up();
  expect(sandbox.bot(botId)?.webhookURL).toBe("https://example.com/deadsimplechat/hook");
  await stack.refresh({ expectNoChanges: true });

  // 5. Deleted behind Pulumi's back: refresh drops the bot and its room; up creates both again.
  sandbox.removeBot(botId);
  await stack.refresh();
  const dropped = state();
  expect([dropped.bots.length, dropped.rooms.length]).toEqual([0, 0]);
  await stack.up();
  expect(sandbox.bots()).toHaveLength(1);
  const newId = sandbox.bots()[0]._id;
  expect(newId).not.toBe(botId);
  expect(sandbox.rooms(newId)).toEqual(["lobby1"]);
  await stack.preview({ expectNoChanges: true });

  // 6. Bot.get reads the bot from another stack without managing it.
  await configure(getStack, { getBotId: newId });
  await getStack.up();
  expect(await getStack.outputs()).toEqual({
    seenName: { value: "Support Bot", secret: false },
    seenWebhookUrl: { value: "https://example.com/deadsimplechat/hook", secret: false },
  });
  await getStack.destroy();
  expect(sandbox.isEnabled(newId)).toBe(true);

  // 7. destroy disables (DeadSimpleChat cannot delete) and says so, naming the bot.
  const destroyed = await stack.destroy({ events: true });
  expect(engineWarnings(destroyed.events)).toEqual([
    expect.stringContaining(
      `DeadSimpleChat has no API to delete a bot: DeadSimpleChat bot "Support Bot" (id ${newId}) was disabled`,
    ),
  ]);
  expect(sandbox.isEnabled(newId)).toBe(false);
  expect(sandbox.rooms(newId)).toEqual([]);
  expect(state().bots).toHaveLength(0);

  // 8. The name is still taken (DeadSimpleChat's documented "Bot of the same name exists" answer): a
  // second stack fails with how to adopt, then adopts with adopt: true, declaring another
  // description, which the listing does not show: it is sent, not assumed equal.
  await configure(adopter, {
    name: "Support Bot",
    roomId: "lobby2",
    description: "Adopted by a second stack",
  });
  const refused = await adopter.up({ allowFailure: true });
  expect(refused.ok).toBe(false);
  expect(refused.stdout + refused.stderr).toContain("set `adopt: true`");
  expect(sandbox.requests.find((r) => r.status === 400)?.basis).toEqual({
    documented: "deadsimplechat.nameConflict",
  });
  await adopter.setConfig({ adopt: "true" });
  await adopter.up();
  expect(sandbox.bots()).toHaveLength(1);
  expect(sandbox.isEnabled(newId)).toBe(true);
  expect(sandbox.bot(newId)?.description).toBe("Adopted by a second stack");
  expect(sandbox.rooms(newId)).toEqual(["lobby2"]);
  await adopter.preview({ expectNoChanges: true });
  await adopter.refresh({ expectNoChanges: true });

  // 9. No plaintext key in any state or anything the CLI printed.
  for (const s of [stack, adopter]) expect(state(s).text).not.toContain(apiKey);

  // 10. The room is deleted in the dashboard: destroy succeeds and warns, naming the room.
  sandbox.setChatRooms(["lobby1"]);
  const roomGone = await adopter.destroy({ events: true });
  expect(engineWarnings(roomGone.events)).toEqual(
    expect.arrayContaining([expect.stringContaining('DeadSimpleChat no longer has chat room "lobby2"')]),
  );
  expect(state(adopter).rooms).toHaveLength(0);
  expect(sandbox.isEnabled(newId)).toBe(false);
  for (const text of printed) expect(text).not.toContain(apiKey);

  console.log(`deadsimplechat e2e lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
