/**
 * The `pulumi-chatbots-sandbox` command (sandbox/run.ts): all four sandboxes for one command, with
 * their environment, state kept in a directory (checked writable, one run at a time), signals
 * passed on, the command's exit code, and no credential printed. The commands run here are real
 * child processes (node scripts). Its parent ending (npx on SIGTERM): sandbox-run-process.test.ts.
 */
import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_STATE_DIR, LOCK_FILE, runWithSandboxes, type RunEnvironment } from "../../sandbox/run";

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
  // Run outside the project, a bare npx would fetch a package of that name from the registry.
  expect(run.stdout()).toContain("npx --no-install pulumi-chatbots-sandbox -- pulumi up --yes");
  expect(run.stdout()).not.toContain("npx pulumi-chatbots-sandbox");
  expect(run.stderr()).toBe("");
  expect(fs.readdirSync(dir)).toEqual([]);
});

test.each([
  [[], "no command given"],
  [["--"], "no command given"],
  [["--state-dir"], "--state-dir needs a directory"],
  // The directory forgotten: "--" (or any option) is not taken for it.
  [["--state-dir", "--", "true"], "--state-dir needs a directory, not an option"],
  [["--state-dir", "-x", "--", "true"], "--state-dir needs a directory, not an option"],
  [["--state-dir=--", "true"], "--state-dir needs a directory, not an option"],
  [["--port", "1", "--", "true"], 'unknown option "--port" before the command (options end at --)'],
  // The user's own argument, escaped (a terminal shows no control character) and cut.
  [
    [`--x"\u001b[31m\u0085${"y".repeat(60)}`, "--", "true"],
    `unknown option "--x\\"\\u001b[31m\\u0085${"y".repeat(30)}…" before the command`,
  ],
])("refuses %j with the usage and exit code 2", async (argv, message) => {
  const run = harness();
  expect(await runWithSandboxes(argv, run.io)).toBe(2);
  expect(run.stderr()).toContain(message);
  expect(run.stderr()).toContain("usage: pulumi-chatbots-sandbox");
  expect(run.stderr()).not.toContain("\u001b");
  expect(run.stderr()).not.toContain("\u0085");
  expect(fs.readdirSync(dir)).toEqual([]); // nothing started, no state directory made
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
  expect(env.LINEWORKS_PRIVATE_KEY).toMatch(/^-----BEGIN [A-Z ]*KEY-----/); // the key pair made for the run

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

// ---- the state directory: writable, and one run at a time ------------------------------------

/** A command that only leaves a mark, to tell whether it ran. */
const markCommand = (mark: string) => node(`require("fs").writeFileSync(${JSON.stringify(mark)}, "ran")`);

test.each([
  // An existing directory nobody may write in, root included (sysfs).
  ["/sys/kernel", () => "/sys/kernel", /is not writable \((EACCES|EPERM|EROFS)\)/],
  // A directory that cannot be made: its parent is a regular file.
  [
    "under a regular file",
    () => {
      fs.writeFileSync(path.join(dir, "file"), "");
      return path.join(dir, "file", "state");
    },
    /is not writable \(ENOTDIR\)/,
  ],
])(
  "a state directory that cannot be written (%s): exit 1 naming it and why, nothing started",
  async (_name, makeStateDir, reason) => {
    const stateDir = makeStateDir();
    const mark = path.join(dir, "mark");
    const run = harness();
    expect(await runWithSandboxes(["--state-dir", stateDir, ...markCommand(mark)], run.io)).toBe(1);
    expect(run.stderr()).toContain(
      `pulumi-chatbots-sandbox: the state directory ${stateDir} is not writable (`,
    );
    expect(run.stderr()).toMatch(reason);
    expect(run.stderr()).toContain("choose another with --state-dir");
    expect(run.stderr()).not.toContain("usage:");
    expect(run.stderr()).not.toContain("Sendbird http"); // no sandbox started
    expect(fs.existsSync(mark)).toBe(false);
  },
  30_000,
);

test("the state directory is made when missing, and holds no leftover of the check or the lock", async () => {
  const stateDir = path.join(dir, "a", "b");
  expect(await runWithSandboxes(["--state-dir", stateDir, ...node("")], harness().io)).toBe(0);
  expect(fs.statSync(stateDir).isDirectory()).toBe(true);
  expect(fs.readdirSync(stateDir).filter((file) => !/^[a-z0-9]+\.json$/.test(file))).toEqual([]);
}, 30_000);

/** A run of a command that writes what the lock file holds to `ready`, then waits for SIGTERM. */
function startHoldingRun(ready: string) {
  const lock = path.join(dir, DEFAULT_STATE_DIR, LOCK_FILE);
  const script = `process.on("SIGTERM", () => process.exit(0));
    require("fs").writeFileSync(${JSON.stringify(ready)}, require("fs").readFileSync(${JSON.stringify(lock)}, "utf8"));
    setInterval(() => {}, 1000);`;
  const run = harness();
  return { run, exited: runWithSandboxes(node(script), run.io) };
}

test("a second run in the same state directory is refused while the first holds its lock; the lock goes with the run", async () => {
  const ready = path.join(dir, "ready");
  const lock = path.join(dir, DEFAULT_STATE_DIR, LOCK_FILE);
  const first = startHoldingRun(ready);
  await waitForFile(ready);
  expect(fs.readFileSync(ready, "utf8")).toBe(`${process.pid}\n`); // the run's own process id

  const mark = path.join(dir, "mark");
  const second = harness();
  expect(await runWithSandboxes(markCommand(mark), second.io)).toBe(1);
  expect(second.stderr()).toContain(
    `pulumi-chatbots-sandbox: another run (process ${process.pid}) is using the state directory ` +
      `${path.join(dir, DEFAULT_STATE_DIR)}: its lock file is ${lock}. Wait for that run to end, ` +
      `or give this one a state directory of its own with --state-dir.`,
  );
  expect(second.stderr()).not.toContain("Sendbird http"); // no sandbox started
  expect(fs.existsSync(mark)).toBe(false);
  expect(fs.readFileSync(lock, "utf8")).toBe(`${process.pid}\n`); // still the first run's

  first.run.signals.emit("SIGTERM");
  expect(await first.exited).toBe(0);
  expect(fs.existsSync(lock)).toBe(false);
  // The directory is free again.
  expect(await runWithSandboxes(markCommand(mark), harness().io)).toBe(0);
  expect(fs.existsSync(mark)).toBe(true);
  expect(fs.existsSync(lock)).toBe(false);
}, 60_000);

test("the lock of a run that no longer runs is taken over", async () => {
  // A process id that was in use and is no more: a process that has ended.
  const ended = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  const stalePid = Number(ended.stdout.toString());
  expect(() => process.kill(stalePid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  const lock = path.join(dir, DEFAULT_STATE_DIR, LOCK_FILE);
  fs.mkdirSync(path.dirname(lock));
  fs.writeFileSync(lock, `${stalePid}\n`);

  const ready = path.join(dir, "ready");
  const held = startHoldingRun(ready);
  await waitForFile(ready);
  expect(fs.readFileSync(ready, "utf8")).toBe(`${process.pid}\n`);
  held.run.signals.emit("SIGTERM");
  expect(await held.exited).toBe(0);
  expect(held.run.stderr()).toContain(
    `pulumi-chatbots-sandbox: taking over the lock file ${lock} of process ${stalePid}, which no longer runs`,
  );
  expect(fs.readdirSync(path.dirname(lock)).filter((file) => !file.endsWith(".json"))).toEqual([]);
}, 60_000);

test("a lock file that holds no process id is not taken over", async () => {
  const lock = path.join(dir, DEFAULT_STATE_DIR, LOCK_FILE);
  fs.mkdirSync(path.dirname(lock));
  fs.writeFileSync(lock, "");
  const mark = path.join(dir, "mark");
  const run = harness();
  expect(await runWithSandboxes(markCommand(mark), run.io)).toBe(1);
  expect(run.stderr()).toContain(`the lock file ${lock} holds no process id: if no other`);
  expect(fs.existsSync(mark)).toBe(false);
  expect(fs.readFileSync(lock, "utf8")).toBe("");
}, 30_000);

test("the lock is removed when the run fails: a command not found, sandboxes that cannot start", async () => {
  const stateDir = path.join(dir, DEFAULT_STATE_DIR);
  expect(await runWithSandboxes(["--", "no-such-command-for-chatbots"], harness().io)).toBe(127);
  expect(fs.existsSync(path.join(stateDir, LOCK_FILE))).toBe(false);

  fs.writeFileSync(path.join(stateDir, "sendbird.json"), "not JSON");
  await expect(runWithSandboxes(node(""), harness().io)).rejects.toThrow(/state file/);
  expect(fs.existsSync(path.join(stateDir, LOCK_FILE))).toBe(false);
}, 30_000);

test("a signal before the command has started: it is not started, the run ends as the signal says", async () => {
  const mark = path.join(dir, "mark");
  const run = harness();
  const exited = runWithSandboxes(markCommand(mark), run.io);
  run.signals.emit("SIGTERM"); // while the sandboxes start
  expect(await exited).toBe(128 + os.constants.signals.SIGTERM);
  expect(run.stderr()).toContain("SIGTERM before the command started: not starting it");
  expect(fs.existsSync(mark)).toBe(false);
  expect(fs.existsSync(path.join(dir, DEFAULT_STATE_DIR, LOCK_FILE))).toBe(false);
  expect(run.signals.listenerCount("SIGTERM")).toBe(0);
}, 30_000);
