/**
 * `pulumi-chatbots-sandbox` as a process whose parent ends first, as `npx pulumi-chatbots-sandbox`
 * does on SIGTERM: npm exec exits at once without passing the signal on, and the command line and
 * its command are left running on their own. The run takes its parent's end for that SIGTERM: the
 * command gets it (the sandboxes still answer while it cancels), then the sandboxes stop and the
 * state directory's lock goes. The command line runs from the sandbox sources transpiled as is.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOCK_FILE } from "../../sandbox/run";
import { useSandboxBuild, waitUntil } from "./sandbox-kit";

const build = useSandboxBuild();

let dir: string;
/** Processes this test started (directly or not) and has not seen end: killed if it fails. */
let running: number[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-run-process-"));
});
afterEach(() => {
  for (const pid of running) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already ended
    }
  }
  running = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

test("when the process that started it ends, the command gets SIGTERM; then the sandboxes stop and the lock goes", async () => {
  const ready = path.join(dir, "ready.json");
  const got = path.join(dir, "got.json");
  const stateDir = path.join(dir, "state");
  // The command says who it is and where Sendbird is; on SIGTERM it calls the sandbox once more,
  // as Pulumi's cancel still does, and ends.
  const command = `const fs = require("fs");
    const url = process.env.SENDBIRD_API_URL;
    process.on("SIGTERM", async () => {
      const response = await fetch(url + "/bots", { headers: { "Api-Token": process.env.SENDBIRD_API_TOKEN } });
      fs.writeFileSync(${JSON.stringify(got)}, JSON.stringify({ status: response.status }));
      process.exit(0);
    });
    fs.writeFileSync(${JSON.stringify(ready)}, JSON.stringify({ wrapper: process.ppid, command: process.pid, url }));
    setInterval(() => {}, 1000);`;
  const commandLine = [path.join(build.directory, "run.js"), "--state-dir", stateDir, "--"];
  // The parent starts the command line as npm exec does (its output inherited) and stays until killed.
  const parentScript = `require("child_process").spawn(process.execPath,
    ${JSON.stringify([...commandLine, process.execPath, "-e", command])}, { stdio: "inherit" });
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ["-e", parentScript], { stdio: ["ignore", "pipe", "pipe"] });
  running.push(parent.pid!);
  let stderr = "";
  parent.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

  await waitUntil(() => fs.existsSync(ready), 30_000);
  const started = JSON.parse(fs.readFileSync(ready, "utf8"));
  running.push(started.wrapper, started.command);
  const lock = path.join(stateDir, LOCK_FILE);
  expect(fs.readFileSync(lock, "utf8")).toBe(`${started.wrapper}\n`);

  // Ends at once and passes nothing on, as npm exec does on SIGTERM.
  parent.kill("SIGKILL");

  await waitUntil(() => fs.existsSync(got), 20_000);
  expect(JSON.parse(fs.readFileSync(got, "utf8"))).toEqual({ status: 200 }); // still answering
  await waitUntil(() => !fs.existsSync(lock), 20_000); // removed after the sandboxes stopped
  await expect(fetch(`${started.url}/bots`)).rejects.toThrow();
  await waitUntil(() => stderr.includes("passing SIGTERM on"), 5000);
  expect(stderr).toContain(
    "pulumi-chatbots-sandbox: the process that started it has ended: passing SIGTERM on to the command\n",
  );
  running = [];
}, 90_000);
