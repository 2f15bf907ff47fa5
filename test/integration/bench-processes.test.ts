/**
 * The benchmark's process sampler (scripts/lib/processes.js): the role of a process is that
 * of its latest command line. A child seen before its exec shows its parent's command line (the
 * program, forked by the language host, first looks like the language host); once it has exec'd,
 * its CPU counts for its own role.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const processes = require(path.join(REPO_ROOT, "scripts", "lib", "processes.js")) as {
  ProcessSampler: new (rootPid: number) => {
    stop(): { providerPeakRss: number; cpuMsByRole: Record<string, number> };
  };
};

// On a busy machine the program gets a fraction of a core: its second of CPU may take a minute.
jest.setTimeout(180 * 1000);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-processes-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("a process that looks like the language host, then execs the program, counts as the program", async () => {
  if (process.platform !== "linux") throw new Error("the sampler reads /proc: Linux only");
  // The program: burns CPU for a while, under a path the sampler reads as cmd/run.
  const programDir = path.join(scratch, "cmd", "run");
  fs.mkdirSync(programDir, { recursive: true });
  const program = path.join(programDir, "index.js");
  // 1 s of its own CPU time, not of the clock: on a busy machine it gets less than a core.
  fs.writeFileSync(program, "while (process.cpuUsage().user < 1_000_000);\n");
  // Its parent's look: a script named like the language host that waits, then execs the program.
  const host = path.join(scratch, "pulumi-language-nodejs");
  fs.writeFileSync(host, `sleep 1\nexec "${process.execPath}" "${program}"\n`);

  const sampler = new processes.ProcessSampler(process.pid);
  const child = spawn("sh", [host], { stdio: "ignore" });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const { cpuMsByRole } = sampler.stop();

  expect(code).toBe(0);
  // 1 s of CPU, sampled every ~100 ms: well over 500 ms seen as the program's.
  expect(cpuMsByRole.program).toBeGreaterThan(500);
  // Before its exec the same process was the language host's (the sh script), which used little.
  expect(cpuMsByRole.languageHost ?? 0).toBeLessThan(500);
});
