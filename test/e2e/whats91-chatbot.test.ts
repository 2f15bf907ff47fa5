/**
 * whats91.Chatbot on the real Pulumi engine against the Whats91 sandbox: one chatbot of each
 * response kind, and what an API without update or delete means for a user: a change fails at
 * preview with the way forward, the opt-in replaces and warns, destroy forgets and warns. Then a
 * welcome chatbot with keywords, under the sandbox's readings of what Whats91 does with them.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { startWhats91Sandbox, type Whats91Sandbox } from "../../sandbox";
import type { Whats91WelcomeKeywords } from "../../sandbox/whats91";
import {
  engineWarnings,
  previewSteps,
  pulumiWorkspace,
  removeStackConfig,
  stateResources,
  type PulumiWorkspace,
} from "./pulumi-cli";

jest.setTimeout(15 * 60 * 1000);

const project = path.join(__dirname, "projects", "whats91-chatbot");
const TYPE = "pulumi-nodejs:dynamic/whats91:Chatbot";
const SENDER = "15550001111";

let sandbox: Whats91Sandbox;
let ws: PulumiWorkspace;
const apiToken = `w91_live_${randomBytes(20).toString("hex")}`;
const stack = `e2e-${randomBytes(4).toString("hex")}`;
const printed: string[] = [];

async function pulumi(args: string[], opts?: { allowFailure?: boolean }) {
  const result = await ws.run(project, [...args, "--stack", stack], opts);
  printed.push(result.stdout, result.stderr);
  return result;
}

async function state() {
  const { stdout } = await pulumi(["stack", "export"]);
  return { text: stdout, chatbots: stateResources(stdout, TYPE) };
}

const uidOf = async (name: string) =>
  (await state()).chatbots.find((r) => r.urn.endsWith(`::${name}`))?.id as string;

beforeAll(async () => {
  sandbox = await startWhats91Sandbox({
    tokens: [{ token: apiToken, scope: "global" }],
    senders: [{ senderId: SENDER, phoneNumberId: "pn-1", wabaId: "waba-1" }],
  });
  ws = pulumiWorkspace();
  await ws.run(project, ["stack", "init", stack]);
  await pulumi(["config", "set", "--secret", "whats91:apiToken", apiToken]);
  await pulumi(["config", "set", "whats91:apiUrl", sandbox.url]);
  await pulumi(["config", "set", "whats91:senderId", SENDER]);
});

afterAll(async () => {
  await ws?.run(project, ["stack", "rm", "--yes", "--force", "--stack", stack], { allowFailure: true });
  removeStackConfig(project, stack);
  ws?.cleanup();
  await sandbox?.stop();
});

test("up of every kind, no-op preview and refresh, a refused change, the opt-in replacement, drift, destroy", async () => {
  const started = Date.now();

  // 1. up creates one chatbot of each kind, each on its own route; the welcome one with its keywords.
  await pulumi(["up", "--yes"]);
  const made = sandbox.chatbots();
  expect(made.find((c) => c.name === "Plans")).toMatchObject({ triggerType: "welcome", keywords: ["plans"] });
  expect(made.map((c) => [c.name, c.route, c.status]).sort()).toEqual(
    [
      ["Catalog", "media", "ACTIVE"],
      ["Menu", "interactive", "ACTIVE"],
      ["Opening hours", "text", "ACTIVE"],
      ["Plans", "interactive", "INACTIVE"],
      ["Shop", "interactive", "ACTIVE"],
    ].sort(),
  );
  const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
  expect([...outputs.uids].sort()).toEqual(made.map((c) => c.chatbotUid).sort());
  expect(outputs.textBotType).toBe("simple");

  // 2. Nothing changed: preview and refresh agree.
  await pulumi(["preview", "--expect-no-changes"]);
  await pulumi(["refresh", "--yes", "--expect-no-changes"]);
  await pulumi(["preview", "--expect-no-changes"]);

  // 3. A change fails at preview, saying what would stay live and how to proceed; nothing is sent.
  const hoursUid = await uidOf("hours");
  await pulumi(["config", "set", "replyText", "We are open 8-18."]);
  const before = sandbox.requests.length;
  const refused = await pulumi(["preview"], { allowFailure: true });
  expect(refused.code).not.toBe(0);
  const said = refused.stdout + refused.stderr;
  expect(said).toContain("Whats91 cannot change or delete a chatbot: changing response");
  expect(said).toContain("the current one stays ACTIVE");
  expect(said).toContain("replaceLeavesOldActive: true");
  expect(sandbox.requests).toHaveLength(before);

  // 4. With the opt-in, the preview shows one replacement and warns naming the chatbot left behind.
  await pulumi(["config", "set", "replace", "true"]);
  const preview = await pulumi(["preview", "--json"]);
  expect(previewSteps(preview.stdout).map((s) => [s.op, s.urn.split("::").pop()])).toEqual([
    ["replace", "hours"],
  ]);
  const previewWarning = `replacing Whats91 chatbot ${hoursUid} ("Opening hours")`;
  const diagnostics: Array<{ message: string; severity: string }> =
    JSON.parse(preview.stdout).diagnostics ?? [];
  expect(diagnostics.filter((d) => d.severity === "warning").map((d) => d.message)).toEqual([
    expect.stringContaining(previewWarning),
  ]);
  const replaced = await pulumi(["up", "--yes", "--json"]);
  const warnings = engineWarnings(replaced.stdout);
  expect(warnings).toEqual(
    expect.arrayContaining([
      expect.stringContaining(previewWarning),
      expect.stringContaining(
        `Whats91 chatbot ${hoursUid} ("Opening hours") was removed from the stack only and is still ACTIVE`,
      ),
    ]),
  );
  // The old rule is still there (Whats91 cannot remove it), next to the new one.
  const hours = sandbox.chatbots().filter((c) => c.name === "Opening hours");
  expect(hours.map((c) => [c.chatbotUid === hoursUid, c.status, c.response.text])).toEqual([
    [true, "ACTIVE", "We are open 9-17, Monday to Friday."],
    [false, "ACTIVE", "We are open 8-18."],
  ]);
  await pulumi(["preview", "--expect-no-changes"]);

  // 5. Drift in what get shows (a dashboard edit) shows on refresh; the program no longer matches,
  // so the next preview refuses the change rather than making a second rule.
  const menuUid = await uidOf("menu");
  sandbox.edit(menuUid, { name: "Menu (edited)", status: "INACTIVE" });
  const drift = await pulumi(["refresh", "--yes", "--expect-no-changes"], { allowFailure: true });
  expect(drift.code).not.toBe(0);
  expect(drift.stdout).toMatch(/name/);
  expect(drift.stdout).toMatch(/status/);
  const afterDrift = await pulumi(["preview"], { allowFailure: true });
  expect(afterDrift.code).not.toBe(0);
  expect(afterDrift.stdout + afterDrift.stderr).toContain("the current one stays on Whats91 (INACTIVE)");
  sandbox.edit(menuUid, { name: "Menu", status: "ACTIVE" });
  await pulumi(["refresh", "--yes"]);
  await pulumi(["preview", "--expect-no-changes"]);

  // 6. destroy succeeds, warns naming every chatbot that remains, and the sandbox still holds them.
  const uids = (await state()).chatbots.map((c) => c.id as string);
  const destroyed = await pulumi(["destroy", "--yes", "--json"]);
  const remaining = engineWarnings(destroyed.stdout).join("\n");
  for (const uid of uids) expect(remaining).toContain(`Whats91 chatbot ${uid}`);
  expect(remaining).toContain('("Plans") was removed from the stack only and still exists (INACTIVE)');
  expect((await state()).chatbots).toHaveLength(0);
  expect(sandbox.chatbots()).toHaveLength(6);

  // 7. The token never in state or in anything the CLI printed.
  expect((await state()).text).not.toContain(apiToken);
  for (const text of printed) expect(text).not.toContain(apiToken);

  console.log(`whats91.Chatbot e2e lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

// Whats91 documents trigger.keywords / trigger.keyword as required on every create route, welcome
// included, and does not say what a welcome trigger does with them (docs/vendors/whats91.md,
// "Triggers"): kept and shown ("required", the sandbox's default), or accepted and dropped ("ignored").
describe.each<Whats91WelcomeKeywords>(["required", "ignored"])(
  "a welcome chatbot with keywords (welcomeKeywords: %s)",
  (reading) => {
    const welcomeProject = path.join(__dirname, "projects", "whats91-welcome");
    const welcomeStack = `e2e-welcome-${reading}-${randomBytes(4).toString("hex")}`;
    let welcomeSandbox: Whats91Sandbox;
    let welcomeWs: PulumiWorkspace;
    const said: string[] = [];

    async function run(args: string[]) {
      const result = await welcomeWs.run(welcomeProject, [...args, "--stack", welcomeStack]);
      said.push(result.stdout, result.stderr);
      return result;
    }

    beforeAll(async () => {
      welcomeSandbox = await startWhats91Sandbox({
        tokens: [{ token: apiToken, scope: "global" }],
        senders: [{ senderId: SENDER, phoneNumberId: "pn-1", wabaId: "waba-1" }],
        welcomeKeywords: reading,
      });
      welcomeWs = pulumiWorkspace();
      await welcomeWs.run(welcomeProject, ["stack", "init", welcomeStack]);
      await run(["config", "set", "--secret", "whats91:apiToken", apiToken]);
      await run(["config", "set", "whats91:apiUrl", welcomeSandbox.url]);
      await run(["config", "set", "whats91:senderId", SENDER]);
    });

    afterAll(async () => {
      await welcomeWs?.run(welcomeProject, ["stack", "rm", "--yes", "--force", "--stack", welcomeStack], {
        allowFailure: true,
      });
      removeStackConfig(welcomeProject, welcomeStack);
      welcomeWs?.cleanup();
      await welcomeSandbox?.stop();
    });

    test("up sends the keywords; preview and refresh show no change; destroy forgets and warns", async () => {
      await run(["up", "--yes"]);
      const [made] = welcomeSandbox.chatbots();
      expect(welcomeSandbox.chatbots()).toHaveLength(1);
      const sent = welcomeSandbox.requests.find((r) => r.method === "POST");
      expect(sent?.body).toMatchObject({
        chatbot: { trigger: { type: "welcome", keywords: ["hi", "hello"] } },
      });
      expect(made).toMatchObject({
        triggerType: "welcome",
        keywords: reading === "ignored" ? [] : ["hi", "hello"],
      });
      const outputs = JSON.parse((await run(["stack", "output", "--json"])).stdout);
      expect(outputs).toEqual({
        uid: made.chatbotUid,
        trigger: { type: "welcome", keywords: ["hi", "hello"] },
      });

      await run(["preview", "--expect-no-changes"]);
      await run(["refresh", "--yes", "--expect-no-changes"]);
      await run(["preview", "--expect-no-changes"]);

      const destroyed = await run(["destroy", "--yes", "--json"]);
      expect(engineWarnings(destroyed.stdout).join("\n")).toContain(
        `Whats91 chatbot ${made.chatbotUid} ("Welcome") was removed from the stack only and is still ACTIVE`,
      );
      const { stdout } = await run(["stack", "export"]);
      expect(stateResources(stdout, TYPE)).toHaveLength(0);
      for (const text of [...said, stdout]) expect(text).not.toContain(apiToken);
    });
  },
);
