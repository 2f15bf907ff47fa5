/**
 * A secret input that fails `check` is never printed: not in our reason, and not by the engine,
 * which prints "property <name> value <value> has a problem" for a failure naming a property, secret
 * or not. For every resource type, `pulumi preview` runs on such an input and its whole output is
 * searched for the value.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { pulumiWorkspace, removeStackConfig, type PulumiWorkspace } from "./pulumi-cli";

jest.setTimeout(10 * 60 * 1000);

const project = path.join(__dirname, "projects", "check-secrets");
const stack = `e2e-${randomBytes(4).toString("hex")}`;
let ws: PulumiWorkspace;

beforeAll(async () => {
  ws = pulumiWorkspace();
  await ws.run(project, ["stack", "init", stack]);
});

afterAll(async () => {
  await ws.run(project, ["stack", "rm", "--yes", "--force", "--stack", stack], { allowFailure: true });
  removeStackConfig(project, stack);
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
  const run = (args: string[], allowFailure = false) =>
    ws.run(project, [...args, "--stack", stack], { allowFailure });
  await run(["config", "set", "type", type]);
  await run(["config", "set", "field", field]);
  await run(["config", "set", "--secret", "value", invalid(secret)]);
  const result = await run(["preview", "--diff"], true);
  const printed = result.stdout + result.stderr;
  expect(result.code).not.toBe(0);
  expect(printed).toContain(`${field}: `); // the failure names the field
  expect(printed).not.toContain(secret);
  // Nor any input value at all: the engine quotes one only for a failure naming a property, and
  // whether it masks a secret there depends on how the value reached it.
  expect(printed).not.toMatch(/property \S+ value/);
});
