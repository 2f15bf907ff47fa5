/**
 * The main job: the root stack (Pulumi.yaml at the repository root, the program in
 * examples/quickstart) run by scripts/local-stack.js, which is what `npm run up`, `npm run preview`,
 * `npm run pulumi` and `npm run destroy` call: one resource of every type against the four local
 * sandboxes, no account, no Pulumi Cloud. The launcher's local directory (backend, passphrase,
 * sandbox state) is a temporary one here, and the stack has its own name, so a developer's own
 * `.pulumi-local` stack is never touched.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

jest.setTimeout(15 * 60 * 1000);

const root = path.join(__dirname, "..", "..");
const stack = `e2e-root-${randomBytes(4).toString("hex")}`;
const localDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-root-"));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PULUMI_CHATBOTS_LOCAL_DIR: localDir,
  PULUMI_HOME: path.join(localDir, "home"),
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
};
// A real credential in the caller's environment would send that platform to the vendor.
for (const name of Object.keys(env)) {
  if (/^(SENDBIRD|DEADSIMPLECHAT|LINEWORKS|WHATS91)_/.test(name)) delete env[name];
}

function launch(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "node",
      ["scripts/local-stack.js", ...args, "--stack", stack, "--non-interactive", "--color", "never"],
      { cwd: root, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`local-stack.js ${args.join(" ")} failed\n${stdout}\n${stderr}`))
          : resolve({ stdout, stderr }),
    );
  });
}

/** What a sandbox holds, from the state file the launcher has it keep. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const sandboxState = (platform: string): any =>
  JSON.parse(fs.readFileSync(path.join(localDir, "sandboxes", `${platform}.json`), "utf8"));

afterAll(async () => {
  await launch("stack", "rm", "--yes", "--force").catch(() => undefined);
  fs.rmSync(path.join(root, ".pulumi-local", "config", `Pulumi.${stack}.yaml`), { force: true });
  fs.rmSync(localDir, { recursive: true, force: true });
});

test("up creates one resource of every type on the sandboxes; preview, a real-API switch, destroy", async () => {
  const up = await launch("up");
  expect(up.stderr).toMatch(/sendbird: local sandbox at http:\/\/127\.0\.0\.1/);
  expect(
    sandboxState("sendbird").bots.map(
      (b: { resource: { bot: { bot_userid: string } } }) => b.resource.bot.bot_userid,
    ),
  ).toEqual(["helper_bot"]);
  const [dscBot] = sandboxState("deadsimplechat").bots;
  expect([dscBot.bot.name, dscBot.bot.enabled, dscBot.rooms]).toEqual(["Support Bot", true, ["help-desk"]]);
  const [lwBot] = sandboxState("lineworks").bots;
  expect(lwBot).toBeDefined();
  expect(JSON.stringify(lwBot)).toContain("10000001");
  expect(sandboxState("whats91").chatbots.map((c: { name: string }) => c.name)).toEqual(["Opening hours"]);

  const outputs = JSON.parse((await launch("stack", "output", "--json")).stdout);
  expect(outputs).toEqual({
    sendbirdBotUserid: "helper_bot",
    sendbirdBotToken: "[secret]",
    deadSimpleChatBotId: dscBot.bot._id,
    deadSimpleChatRoom: `${dscBot.bot._id}/help-desk`,
    lineWorksBotId: expect.stringMatching(/^\d+$/),
    lineWorksDomain: `${outputs.lineWorksBotId}/10000001`,
    whats91ChatbotUid: sandboxState("whats91").chatbots[0].chatbotUid,
  });
  // The secret is in the state, encrypted with the generated passphrase, and readable on request.
  const shown = JSON.parse((await launch("stack", "output", "--json", "--show-secrets")).stdout);
  expect(shown.sendbirdBotToken).toBe(sandboxState("sendbird").bots[0].resource.bot.bot_token);

  await launch("preview", "--expect-no-changes");

  // Configuration alone sends a platform to the real vendor (preview makes no vendor call).
  await launch("config", "set", "--secret", "sendbird:apiToken", randomBytes(8).toString("hex"));
  const switched = await launch("preview");
  expect(switched.stderr).toContain("sendbird: the real API (sendbird:apiToken is set)");
  expect(switched.stderr).toMatch(/whats91: local sandbox at/);
  await launch("config", "rm", "sendbird:apiToken");

  const destroy = await launch("destroy");
  expect(sandboxState("sendbird").bots).toEqual([]);
  expect(sandboxState("lineworks").bots).toEqual([]);
  // What the vendors cannot delete stays, each with its warning.
  expect(sandboxState("deadsimplechat").bots[0].bot.enabled).toBe(false);
  expect(sandboxState("whats91").chatbots).toHaveLength(1);
  expect(destroy.stdout).toContain("DeadSimpleChat has no API to delete a bot");
  expect(destroy.stdout).toContain("Whats91 has no API to delete a chatbot");
});
