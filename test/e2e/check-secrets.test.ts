/**
 * A secret input that fails `check` is never printed: not in our reason, and not by the engine,
 * which prints "property <name> value <value> has a problem" for a failure naming a property, secret
 * or not. For every resource type, `pulumi preview` runs on such an input and its whole output is
 * searched for the value.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { e2eStack, e2eWorkspace, type PulumiStack, type PulumiWorkspace } from "./stacks";

jest.setTimeout(10 * 60 * 1000);

const project = path.join(__dirname, "projects", "check-secrets");
let ws: PulumiWorkspace;
let stack: PulumiStack;

beforeAll(async () => {
  ws = e2eWorkspace();
  stack = e2eStack(ws, project, `e2e-${randomBytes(4).toString("hex")}`);
  await stack.init();
});

afterAll(async () => {
  await stack?.remove();
  ws?.cleanup();
});

/** A value each type's check refuses for `field`, holding `secret`. */
const CASES: [type: string, field: string, invalid: (secret: string) => string][] = [
  ["sendbird.Bot", "botCallbackUrl", (s) => `ftp://${s}.example.com/callback`],
  ["deadsimplechat.Bot", "webhookUrl", (s) => `not a url ${s}`],
  ["deadsimplechat.BotChatRoom", "roomId", (s) => `${s}${"x".repeat(120)}`],
  ["lineworks.Bot", "photoUrl", (s) => `http://${s}.example.com/photo.png`],
  ["lineworks.BotDomain", "botId", (s) => `bot-${s}`],
  ["whats91.Chatbot", "response.media.url", (s) => `http://${s}.example.com/menu.png`],
];

test.each(CASES)("%s: a secret %s that fails check is not printed", async (type, field, invalid) => {
  const secret = `SECRET${randomBytes(8).toString("hex")}`;
  await stack.setConfig({ type, field, value: { value: invalid(secret), secret: true } });
  const result = await stack.preview({ diff: true, allowFailure: true });
  // And the diagnostics among its engine events, as the engine sent them.
  const diagnostics = result.events.map((e) => e.diagnosticEvent).filter((d) => d !== undefined);
  expect(diagnostics.length).toBeGreaterThan(0);
  const printed = result.stdout + result.stderr + JSON.stringify(diagnostics);
  expect(result.ok).toBe(false);
  expect(printed).toContain(`${field}: `); // the failure names the field
  expect(printed).not.toContain(secret);
  // Nor any input value at all: the engine quotes one only for a failure naming a property, and
  // whether it masks a secret there depends on how the value reached it.
  expect(printed).not.toMatch(/property \S+ value/);
});
