/**
 * deadsimplechat.Bot and BotChatRoom on the real Pulumi engine against the DeadSimpleChat sandbox,
 * with a local file backend: the lifecycle a user goes through, including what DeadSimpleChat
 * cannot do (delete a bot: destroy disables it and warns; a second stack adopts it).
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { startDeadSimpleChatSandbox, type DeadSimpleChatSandbox } from "../../sandbox";
import {
  engineWarnings,
  previewSteps,
  pulumiWorkspace,
  removeStackConfig,
  stateResources,
  type PulumiWorkspace,
} from "./pulumi-cli";

jest.setTimeout(15 * 60 * 1000);

const project = path.join(__dirname, "projects", "deadsimplechat-bot");
const BOT_TYPE = "pulumi-nodejs:dynamic/deadsimplechat:Bot";
const ROOM_TYPE = "pulumi-nodejs:dynamic/deadsimplechat:BotChatRoom";

let sandbox: DeadSimpleChatSandbox;
let ws: PulumiWorkspace;
const apiKey = randomBytes(24).toString("hex");
const stack = `e2e-${randomBytes(4).toString("hex")}`;
const adopter = `${stack}-adopt`;
const getStack = `${stack}-get`;
/** Everything the CLI printed: the key must never be in it. */
const printed: string[] = [];

async function pulumi(args: string[], opts?: { allowFailure?: boolean; stack?: string }) {
  const result = await ws.run(project, [...args, "--stack", opts?.stack ?? stack], opts);
  printed.push(result.stdout, result.stderr);
  return result;
}

async function state(on = stack) {
  const { stdout } = await pulumi(["stack", "export"], { stack: on });
  return { text: stdout, bots: stateResources(stdout, BOT_TYPE), rooms: stateResources(stdout, ROOM_TYPE) };
}

const steps = async () => previewSteps((await pulumi(["preview", "--json"])).stdout);

async function configure(on: string, values: Record<string, string>) {
  await ws.run(project, ["stack", "init", on]);
  // The key reaches the provider through `configure`, as an encrypted stack secret.
  await pulumi(["config", "set", "--secret", "deadsimplechat:apiKey", apiKey], { stack: on });
  await pulumi(["config", "set", "deadsimplechat:apiUrl", sandbox.url], { stack: on });
  for (const [k, v] of Object.entries(values)) await pulumi(["config", "set", k, v], { stack: on });
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
  ws = pulumiWorkspace();
  await configure(stack, { name: "Support Bot", roomId: "lobby1" });
});

afterAll(async () => {
  for (const s of [stack, adopter, getStack]) {
    await ws.run(project, ["stack", "rm", "--yes", "--force", "--stack", s], { allowFailure: true });
    removeStackConfig(project, s);
  }
  ws?.cleanup();
  await sandbox?.stop();
});

test("up, no-op preview and refresh, update with a wired dependent, drift, out-of-band delete, destroy, adopt", async () => {
  const started = Date.now();

  // 0. DeadSimpleChat's cross-field rule fails at preview, naming both fields, calling nothing.
  await pulumi(["config", "set", "trigger", "message"]);
  await pulumi(["config", "set", "messageVisibility", "private"]);
  const rejected = await pulumi(["preview"], { allowFailure: true });
  expect(rejected.code).not.toBe(0);
  const said = rejected.stdout + rejected.stderr;
  expect(said).toContain('trigger must be "mention" when messageVisibility is "private"');
  expect(said).toMatch(/trigger.*\n?.*messageVisibility|messageVisibility.*\n?.*trigger/);
  expect(said).toContain("Bots cannot be configured to trigger on every message");
  expect(sandbox.requests).toHaveLength(0);
  await pulumi(["config", "rm", "trigger"]);
  await pulumi(["config", "rm", "messageVisibility"]);

  // 1. up creates the bot and enables it in the room, through the bot's output.
  await pulumi(["up", "--yes"]);
  expect(sandbox.bots()).toHaveLength(1);
  const botId = sandbox.bots()[0]._id;
  expect(sandbox.rooms(botId)).toEqual(["lobby1"]);
  const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
  expect(outputs).toEqual({
    botId,
    roomAssignment: `${botId}/lobby1`,
    metadata: '{"escalation":{"after":3},"team":"support"}',
  });

  // 2. Nothing changed: preview and refresh agree.
  await pulumi(["preview", "--expect-no-changes"]);
  await pulumi(["refresh", "--yes", "--expect-no-changes"]);
  await pulumi(["preview", "--expect-no-changes"]);

  // 3. A new description updates the bot in place; the room wired to bot.botId is untouched
  // (botId is the resource id, known during the preview of an update).
  await pulumi(["config", "set", "description", "Answers questions"]);
  const before = sandbox.requests.length;
  expect((await steps()).map((s) => [s.op, s.urn.split("::").pop(), s.changed])).toEqual([
    ["update", "support", ["description"]],
  ]);
  expect(sandbox.requests).toHaveLength(before); // preview calls no vendor API
  const diffText = (await pulumi(["preview", "--diff"])).stdout;
  expect(diffText).toMatch(/\+ description\s*:\s*"Answers questions"/);
  await pulumi(["up", "--yes"]);
  expect(sandbox.bot(botId)?.description).toBe("Answers questions");
  await pulumi(["preview", "--expect-no-changes"]);

  // 4. Drift in the sandbox shows on refresh, and up restores the declared value.
  await changeByHand(botId, { webhookURL: "https://example.com/changed-by-hand" });
  const drift = await pulumi(["refresh", "--yes", "--expect-no-changes"], { allowFailure: true });
  expect(drift.code).not.toBe(0);
  expect(drift.stdout).toMatch(/webhookUrl/);
  expect((await steps()).map((s) => [s.op, s.changed])).toEqual([["update", ["webhookUrl"]]]);
  await pulumi(["up", "--yes"]);
  expect(sandbox.bot(botId)?.webhookURL).toBe("https://example.com/deadsimplechat/hook");
  await pulumi(["refresh", "--yes", "--expect-no-changes"]);

  // 5. Deleted behind Pulumi's back: refresh drops the bot and its room; up creates both again.
  sandbox.removeBot(botId);
  await pulumi(["refresh", "--yes"]);
  const dropped = await state();
  expect([dropped.bots.length, dropped.rooms.length]).toEqual([0, 0]);
  await pulumi(["up", "--yes"]);
  expect(sandbox.bots()).toHaveLength(1);
  const newId = sandbox.bots()[0]._id;
  expect(newId).not.toBe(botId);
  expect(sandbox.rooms(newId)).toEqual(["lobby1"]);
  await pulumi(["preview", "--expect-no-changes"]);

  // 6. Bot.get reads the bot from another stack without managing it.
  await configure(getStack, { getBotId: newId });
  await pulumi(["up", "--yes"], { stack: getStack });
  const seen = JSON.parse((await pulumi(["stack", "output", "--json"], { stack: getStack })).stdout);
  expect(seen).toEqual({
    seenName: "Support Bot",
    seenWebhookUrl: "https://example.com/deadsimplechat/hook",
  });
  await pulumi(["destroy", "--yes"], { stack: getStack });
  expect(sandbox.isEnabled(newId)).toBe(true);

  // 7. destroy disables (DeadSimpleChat cannot delete) and says so, naming the bot.
  const destroyed = await pulumi(["destroy", "--yes", "--json"]);
  expect(engineWarnings(destroyed.stdout)).toEqual([
    expect.stringContaining(
      `DeadSimpleChat has no API to delete a bot: DeadSimpleChat bot "Support Bot" (id ${newId}) was disabled`,
    ),
  ]);
  expect(sandbox.isEnabled(newId)).toBe(false);
  expect(sandbox.rooms(newId)).toEqual([]);
  expect((await state()).bots).toHaveLength(0);

  // 8. The name is still taken (DeadSimpleChat's documented "Bot of the same name exists" answer): a
  // second stack fails with how to adopt, then adopts with adopt: true, declaring another
  // description, which the listing does not show: it is sent, not assumed equal.
  await configure(adopter, {
    name: "Support Bot",
    roomId: "lobby2",
    description: "Adopted by a second stack",
  });
  const refused = await pulumi(["up", "--yes"], { allowFailure: true, stack: adopter });
  expect(refused.code).not.toBe(0);
  expect(refused.stdout + refused.stderr).toContain("set `adopt: true`");
  expect(sandbox.requests.find((r) => r.status === 400)?.basis).toEqual({
    documented: "deadsimplechat.nameConflict",
  });
  await pulumi(["config", "set", "adopt", "true"], { stack: adopter });
  await pulumi(["up", "--yes"], { stack: adopter });
  expect(sandbox.bots()).toHaveLength(1);
  expect(sandbox.isEnabled(newId)).toBe(true);
  expect(sandbox.bot(newId)?.description).toBe("Adopted by a second stack");
  expect(sandbox.rooms(newId)).toEqual(["lobby2"]);
  await pulumi(["preview", "--expect-no-changes"], { stack: adopter });
  await pulumi(["refresh", "--yes", "--expect-no-changes"], { stack: adopter });

  // 9. No plaintext key in any state or anything the CLI printed.
  for (const s of [stack, adopter]) expect((await state(s)).text).not.toContain(apiKey);

  // 10. The room is deleted in the dashboard: destroy succeeds and warns, naming the room.
  sandbox.setChatRooms(["lobby1"]);
  const roomGone = await pulumi(["destroy", "--yes", "--json"], { stack: adopter });
  expect(engineWarnings(roomGone.stdout)).toEqual(
    expect.arrayContaining([expect.stringContaining('DeadSimpleChat no longer has chat room "lobby2"')]),
  );
  expect((await state(adopter)).rooms).toHaveLength(0);
  expect(sandbox.isEnabled(newId)).toBe(false);
  for (const text of printed) expect(text).not.toContain(apiKey);

  console.log(`deadsimplechat e2e lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
