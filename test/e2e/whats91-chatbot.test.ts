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
import { printing } from "./printing";
import {
  e2eStack,
  e2eWorkspace,
  engineWarnings,
  resourceSteps,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
} from "./stacks";

jest.setTimeout(15 * 60 * 1000);

const project = path.join(__dirname, "projects", "whats91-chatbot");
const TYPE = "pulumi-nodejs:dynamic/whats91:Chatbot";
const SENDER = "15550001111";

let sandbox: Whats91Sandbox;
let ws: PulumiWorkspace;
let stack: PulumiStack;
const apiToken = `w91_live_${randomBytes(20).toString("hex")}`;
/** Everything the CLI printed, and the outputs and states read. */
const printed: string[] = [];

/** The stack's state as stored (secrets encrypted), and its chatbots. */
function state() {
  const text = stack.storedState();
  return { text, chatbots: storedResources(text, TYPE) };
}

const uidOf = (name: string) => state().chatbots.find((r) => r.urn.endsWith(`::${name}`))?.id as string;

beforeAll(async () => {
  sandbox = await startWhats91Sandbox({
    tokens: [{ token: apiToken, scope: "global" }],
    senders: [{ senderId: SENDER, phoneNumberId: "pn-1", wabaId: "waba-1" }],
  });
  ws = e2eWorkspace();
  stack = printing(e2eStack(ws, project, `e2e-${randomBytes(4).toString("hex")}`), printed);
  await stack.init({
    "whats91:apiToken": { value: apiToken, secret: true },
    "whats91:apiUrl": sandbox.url,
    "whats91:senderId": SENDER,
  });
});

afterAll(async () => {
  await stack?.remove();
  ws?.cleanup();
  await sandbox?.stop();
});

test("up of every kind, no-op preview and refresh, a refused change, the opt-in replacement, drift, destroy", async () => {
  const started = Date.now();

  // 1. up creates one chatbot of each kind, each on its own route; the welcome one with its keywords.
  await stack.up();
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
  const outputs = await stack.outputs();
  expect(Object.keys(outputs).sort()).toEqual(["textBotType", "uids"]);
  expect(outputs.uids.secret).toBe(false);
  expect([...outputs.uids.value].sort()).toEqual(made.map((c) => c.chatbotUid).sort());
  expect(outputs.textBotType).toEqual({ value: "simple", secret: false });

  // 2. Nothing changed: preview and refresh agree.
  await stack.preview({ expectNoChanges: true });
  await stack.refresh({ expectNoChanges: true });
  await stack.preview({ expectNoChanges: true });

  // 3. A change fails at preview, saying what would stay live and how to proceed; nothing is sent.
  const hoursUid = uidOf("hours");
  await stack.setConfig({ replyText: "We are open 8-18." });
  const before = sandbox.requests.length;
  const refused = await stack.preview({ allowFailure: true });
  expect(refused.ok).toBe(false);
  const said = refused.stdout + refused.stderr;
  expect(said).toContain("Whats91 cannot change or delete a chatbot: changing response");
  expect(said).toContain("the current one stays ACTIVE");
  expect(said).toContain("replaceLeavesOldActive: true");
  expect(sandbox.requests).toHaveLength(before);

  // 4. With the opt-in, the preview shows one replacement and warns naming the chatbot left behind.
  await stack.setConfig({ replace: "true" });
  const preview = await stack.preview();
  expect(resourceSteps(preview.events).map((s) => [s.op, s.urn.split("::").pop()])).toEqual([
    ["replace", "hours"],
  ]);
  const previewWarning = `replacing Whats91 chatbot ${hoursUid} ("Opening hours")`;
  expect(engineWarnings(preview.events)).toEqual([expect.stringContaining(previewWarning)]);
  const replaced = await stack.up({ events: true });
  const warnings = engineWarnings(replaced.events);
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
  await stack.preview({ expectNoChanges: true });

  // 5. Drift in what get shows (a dashboard edit) shows on refresh; the program no longer matches,
  // so the next preview refuses the change rather than making a second rule.
  const menuUid = uidOf("menu");
  sandbox.edit(menuUid, { name: "Menu (edited)", status: "INACTIVE" });
  const drift = await stack.refresh({ expectNoChanges: true, allowFailure: true });
  expect(drift.ok).toBe(false);
  expect(drift.stdout).toMatch(/name/);
  expect(drift.stdout).toMatch(/status/);
  const afterDrift = await stack.preview({ allowFailure: true });
  expect(afterDrift.ok).toBe(false);
  expect(afterDrift.stdout + afterDrift.stderr).toContain("the current one stays on Whats91 (INACTIVE)");
  sandbox.edit(menuUid, { name: "Menu", status: "ACTIVE" });
  await stack.refresh();
  await stack.preview({ expectNoChanges: true });

  // 6. destroy succeeds, warns naming every chatbot that remains, and the sandbox still holds them.
  const uids = state().chatbots.map((c) => c.id as string);
  const destroyed = await stack.destroy({ events: true });
  const remaining = engineWarnings(destroyed.events).join("\n");
  for (const uid of uids) expect(remaining).toContain(`Whats91 chatbot ${uid}`);
  expect(remaining).toContain('("Plans") was removed from the stack only and still exists (INACTIVE)');
  expect(state().chatbots).toHaveLength(0);
  expect(sandbox.chatbots()).toHaveLength(6);

  // 7. The token never in state or in anything the CLI printed.
  expect(state().text).not.toContain(apiToken);
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
    let welcome: PulumiStack;
    const said: string[] = [];

    beforeAll(async () => {
      welcomeSandbox = await startWhats91Sandbox({
        tokens: [{ token: apiToken, scope: "global" }],
        senders: [{ senderId: SENDER, phoneNumberId: "pn-1", wabaId: "waba-1" }],
        welcomeKeywords: reading,
      });
      welcomeWs = e2eWorkspace();
      welcome = printing(e2eStack(welcomeWs, welcomeProject, welcomeStack), said);
      await welcome.init({
        "whats91:apiToken": { value: apiToken, secret: true },
        "whats91:apiUrl": welcomeSandbox.url,
        "whats91:senderId": SENDER,
      });
    });

    afterAll(async () => {
      await welcome?.remove();
      welcomeWs?.cleanup();
      await welcomeSandbox?.stop();
    });

    test("up sends the keywords; preview and refresh show no change; destroy forgets and warns", async () => {
      await welcome.up();
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
      expect(await welcome.outputs()).toEqual({
        uid: { value: made.chatbotUid, secret: false },
        trigger: { value: { type: "welcome", keywords: ["hi", "hello"] }, secret: false },
      });

      await welcome.preview({ expectNoChanges: true });
      await welcome.refresh({ expectNoChanges: true });
      await welcome.preview({ expectNoChanges: true });

      const destroyed = await welcome.destroy({ events: true });
      expect(engineWarnings(destroyed.events).join("\n")).toContain(
        `Whats91 chatbot ${made.chatbotUid} ("Welcome") was removed from the stack only and is still ACTIVE`,
      );
      const stored = welcome.storedState();
      expect(storedResources(stored, TYPE)).toHaveLength(0);
      for (const text of [...said, stored]) expect(text).not.toContain(apiToken);
    });
  },
);
