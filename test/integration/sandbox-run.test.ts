/**
 * The `pulumi-chatbots-sandbox` command (sandbox/run.ts): all four sandboxes for one command, with
 * their environment, state kept in a directory, signals passed on, the command's exit code, and no
 * credential printed. The commands run here are real child processes (node scripts).
 */
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_STATE_DIR, runWithSandboxes, type RunEnvironment } from "../../sandbox/run";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-run-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A run in `dir` whose stderr is captured and whose signals come from `signals`. */
function harness(interactive = false) {
  let stdout = "";
  let stderr = "";
  const signals = new EventEmitter();
  const io: RunEnvironment = {
    cwd: dir,
    env: process.env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    signals,
    interactive,
  };
  return { io, signals, stdout: () => stdout, stderr: () => stderr };
}

/** `node -e <script>` as the command. */
const node = (script: string) => ["--", process.execPath, "-e", script];

async function waitForFile(file: string): Promise<void> {
  for (let waited = 0; !fs.existsSync(file); waited += 50) {
    if (waited > 20_000) throw new Error(`${file} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("--help explains the command and starts nothing", async () => {
  const run = harness();
  expect(await runWithSandboxes(["--help"], run.io)).toBe(0);
  expect(run.stdout()).toContain("usage: pulumi-chatbots-sandbox [--state-dir DIR] -- <command>");
  expect(run.stdout()).toContain("--state-dir DIR");
  expect(run.stderr()).toBe("");
  expect(fs.readdirSync(dir)).toEqual([]);
});

test.each([
  [[], "no command given"],
  [["--"], "no command given"],
  [["--state-dir"], "--state-dir needs a directory"],
  [["--port", "1", "--", "true"], "unknown option before the command"],
])("refuses %j with the usage and exit code 2", async (argv, message) => {
  const run = harness();
  expect(await runWithSandboxes(argv, run.io)).toBe(2);
  expect(run.stderr()).toContain(message);
  expect(run.stderr()).toContain("usage: pulumi-chatbots-sandbox");
});

test("runs the command with every sandbox's environment, keeps state, exits with its code, prints no credential", async () => {
  const seen = path.join(dir, "seen.json");
  // The command uses the environment the way the provider does: a Sendbird create with the URL and token.
  const script = `
    const env = process.env;
    fetch(env.SENDBIRD_API_URL + "/bots", {
      method: "POST",
      headers: { "Api-Token": env.SENDBIRD_API_TOKEN, "Content-Type": "application/json" },
      body: JSON.stringify({ bot_userid: "from_command", bot_nickname: "C", bot_profile_url: "",
        bot_type: "t", bot_callback_url: "https://example.com/cb", is_privacy_mode: true }),
    }).then((response) => {
      const names = Object.keys(env).filter((k) => /^(SENDBIRD|DEADSIMPLECHAT|LINEWORKS|WHATS91)_/.test(k));
      require("fs").writeFileSync(${JSON.stringify(seen)}, JSON.stringify({
        status: response.status, names, values: names.map((k) => env[k]), inherited: env.RUN_TEST_MARK }));
      process.exit(7);
    });`;
  const run = harness();
  run.io.env = { ...process.env, RUN_TEST_MARK: "kept" };
  expect(await runWithSandboxes(node(script), run.io)).toBe(7);

  const child = JSON.parse(fs.readFileSync(seen, "utf8"));
  expect(child.status).toBe(200);
  expect(child.inherited).toBe("kept"); // the run's own environment is passed on too
  expect([...child.names].sort()).toEqual(
    [
      "DEADSIMPLECHAT_API_KEY",
      "DEADSIMPLECHAT_API_URL",
      "LINEWORKS_API_URL",
      "LINEWORKS_AUTH_URL",
      "LINEWORKS_CLIENT_ID",
      "LINEWORKS_CLIENT_SECRET",
      "LINEWORKS_PRIVATE_KEY",
      "LINEWORKS_SERVICE_ACCOUNT",
      "SENDBIRD_API_TOKEN",
      "SENDBIRD_API_URL",
      "WHATS91_API_TOKEN",
      "WHATS91_API_URL",
      "WHATS91_SENDER_ID",
    ].sort(),
  );
  const env = Object.fromEntries(child.names.map((name: string, i: number) => [name, child.values[i]]));
  expect(env.LINEWORKS_PRIVATE_KEY).toContain("BEGIN PRIVATE KEY"); // the key pair made for the run

  // The URLs are printed; no credential is.
  const printed = run.stderr();
  expect(printed).toContain(env.SENDBIRD_API_URL);
  expect(printed).toContain(env.LINEWORKS_AUTH_URL);
  for (const name of [
    "SENDBIRD_API_TOKEN",
    "DEADSIMPLECHAT_API_KEY",
    "LINEWORKS_CLIENT_SECRET",
    "WHATS91_API_TOKEN",
  ]) {
    expect(printed).not.toContain(env[name]);
  }
  expect(printed).not.toContain("PRIVATE KEY");

  // The state is in the default directory, and the sandboxes are stopped once the command ended.
  const state = JSON.parse(fs.readFileSync(path.join(dir, DEFAULT_STATE_DIR, "sendbird.json"), "utf8"));
  expect(JSON.stringify(state)).toContain("from_command");
  await expect(fetch(`${env.SENDBIRD_API_URL}/bots`)).rejects.toThrow();

  // A second run (new credentials) finds the bot the first one made.
  const listed = path.join(dir, "listed.json");
  const list = `fetch(process.env.SENDBIRD_API_URL + "/bots", { headers: { "Api-Token": process.env.SENDBIRD_API_TOKEN } })
    .then((r) => r.json()).then((body) => require("fs").writeFileSync(${JSON.stringify(listed)}, JSON.stringify(body)));`;
  expect(await runWithSandboxes(node(list), harness().io)).toBe(0);
  expect(
    JSON.parse(fs.readFileSync(listed, "utf8")).bots.map(
      (b: { bot: { bot_userid: string } }) => b.bot.bot_userid,
    ),
  ).toEqual(["from_command"]);
}, 60_000);

test("--state-dir puts the state elsewhere, relative to the working directory", async () => {
  const create = `fetch(process.env.SENDBIRD_API_URL + "/bots", {
    method: "POST",
    headers: { "Api-Token": process.env.SENDBIRD_API_TOKEN, "Content-Type": "application/json" },
    body: JSON.stringify({ bot_userid: "elsewhere", bot_nickname: "E", bot_profile_url: "",
      bot_type: "t", bot_callback_url: "https://example.com/cb", is_privacy_mode: true }),
  }).then((response) => process.exit(response.status === 200 ? 0 : 1));`;
  const run = harness();
  expect(await runWithSandboxes(["--state-dir", "custom/state", ...node(create)], run.io)).toBe(0);
  const state = fs.readFileSync(path.join(dir, "custom", "state", "sendbird.json"), "utf8");
  expect(state).toContain("elsewhere");
  expect(fs.existsSync(path.join(dir, DEFAULT_STATE_DIR))).toBe(false);
  expect(run.stderr()).toContain(path.join(dir, "custom", "state"));
}, 30_000);

test("SIGTERM is passed on: the command ends, the sandboxes stop, the exit code is the command's", async () => {
  const ready = path.join(dir, "ready");
  const got = path.join(dir, "got");
  const script = `process.on("SIGTERM", () => { require("fs").writeFileSync(${JSON.stringify(got)}, "SIGTERM"); process.exit(3); });
    require("fs").writeFileSync(${JSON.stringify(ready)}, ""); setInterval(() => {}, 1000);`;
  const run = harness();
  const exited = runWithSandboxes(node(script), run.io);
  await waitForFile(ready);
  run.signals.emit("SIGTERM");
  expect(await exited).toBe(3);
  expect(fs.readFileSync(got, "utf8")).toBe("SIGTERM");
  expect(run.signals.listenerCount("SIGTERM")).toBe(0);
}, 30_000);

test("a command killed by a signal exits 128 + its number", async () => {
  const ready = path.join(dir, "ready");
  const script = `require("fs").writeFileSync(${JSON.stringify(ready)}, ""); setInterval(() => {}, 1000);`;
  const run = harness();
  const exited = runWithSandboxes(node(script), run.io);
  await waitForFile(ready);
  run.signals.emit("SIGINT"); // not attached to a terminal: passed on
  expect(await exited).toBe(128 + os.constants.signals.SIGINT);
}, 30_000);

test("in a terminal, SIGINT is not passed on a second time (the terminal's Ctrl-C reached the command)", async () => {
  const ready = path.join(dir, "ready");
  const script = `let interrupts = 0; process.on("SIGINT", () => interrupts++);
    process.on("SIGTERM", () => process.exit(10 + interrupts));
    require("fs").writeFileSync(${JSON.stringify(ready)}, ""); setInterval(() => {}, 1000);`;
  const run = harness(true);
  const exited = runWithSandboxes(node(script), run.io);
  await waitForFile(ready);
  run.signals.emit("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 300));
  run.signals.emit("SIGTERM");
  expect(await exited).toBe(10); // it saw no SIGINT from the run
}, 30_000);

test("a command that is not on PATH: exit 127, naming it", async () => {
  const run = harness();
  expect(await runWithSandboxes(["--", "no-such-command-for-chatbots"], run.io)).toBe(127);
  expect(run.stderr()).toContain("cannot run the command no-such-command-for-chatbots: not found on PATH");
}, 30_000);
