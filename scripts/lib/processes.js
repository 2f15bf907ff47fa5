// What the processes of one Pulumi command cost, sampled from /proc every ~100 ms: the peak
// resident memory of the dynamic-provider process, and the CPU time of each role (engine, language
// host, program, dynamic provider); and the exact CPU total of the command's processes, from the
// kernel's count of this process's waited-for children. Only descendants of this process are looked
// at (the command's pulumi is its child, and nothing else runs under it while a command runs), so
// other Pulumi runs on a shared machine are never counted. Linux only; elsewhere the figures stay 0
// (the total NaN).
"use strict";
const fs = require("node:fs");
const { setInterval, clearInterval } = require("node:timers");

const POLL_MS = 100;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux we know of). */
const TICKS_PER_SECOND = 100;

/** pid -> {ppid, cpuMs} of every process, from /proc/<pid>/stat; empty where /proc is unreadable. */
function processTable() {
  const table = new Map();
  let entries;
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) is in parentheses and may hold spaces: split after its ")".
      // Then field 4 (ppid) is at index 1, utime (14) at 11 and stime (15) at 12.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      table.set(Number(entry), { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

/**
 * Milliseconds of user + system CPU of this process's children that have ended and been waited
 * for (cutime + cstime of /proc/self/stat), each having counted its own waited-for children: once
 * a command's pulumi has ended, the CPU of every process of it (the engine, its plugins, the
 * program), as bash's `times` gives it. NaN where /proc is unreadable.
 */
function childrenCpuMs() {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // After the command name's ")": cutime (field 16) at index 13, cstime (17) at 14.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Sends `signal` to the descendants of `root`, the deepest first (a parent does not restart them). */
function signalDescendants(root, signal) {
  for (const pid of descendants(root, processTable()).reverse()) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** The descendants of `root` (not `root` itself). */
function descendants(root, table) {
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const found = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift();
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function readCmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/**
 * The role of a process by its command line. The dynamic-provider plugin is a sh script
 * (@pulumi/pulumi/pulumi-resource-pulumi-nodejs) that first runs a short `node -e
 * "...require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`, then `node <that path>`: only the
 * latter is the provider.
 */
function roleOf(cmdline) {
  if (cmdline.includes("dynamic-provider") && !cmdline.includes("require.resolve")) return "provider";
  if (cmdline.includes("pulumi-language-nodejs")) return "languageHost";
  if (cmdline.includes("cmd/run")) return "program";
  if (/(^|\/)pulumi /.test(cmdline)) return "engine";
  return "other";
}

/** Resident set size in bytes, or 0 when the process is gone. */
function rssBytes(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

class ProcessSampler {
  /** Starts sampling the descendants of `rootPid`. */
  constructor(rootPid) {
    this.rootPid = rootPid;
    this.providerPeakRss = 0;
    /** pid -> {role, cpuMs (last seen)} */
    this.seen = new Map();
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  poll() {
    if (this.rootPid === undefined) return;
    const table = processTable();
    for (const pid of descendants(this.rootPid, table)) {
      let entry = this.seen.get(pid);
      if (!entry) {
        entry = { role: "other", cpuMs: 0 };
        this.seen.set(pid, entry);
      }
      // Read at every poll: a child seen between its fork and its exec still shows its parent's
      // command line (the program, forked by the language host, would count as the language host).
      // Its role is that of the last command line read; an empty one means it is ending.
      const cmdline = readCmdline(pid);
      if (cmdline !== "") entry.role = roleOf(cmdline);
      entry.cpuMs = table.get(pid).cpuMs;
      if (entry.role === "provider") this.providerPeakRss = Math.max(this.providerPeakRss, rssBytes(pid));
    }
  }

  /**
   * Stops sampling. The peak RSS of the provider, and the CPU ms of each role as last sampled (up
   * to one interval short per process; the command's exact total is childrenCpuMs's).
   */
  stop() {
    clearInterval(this.timer);
    const cpuMsByRole = {};
    for (const { role, cpuMs } of this.seen.values()) cpuMsByRole[role] = (cpuMsByRole[role] ?? 0) + cpuMs;
    return { providerPeakRss: this.providerPeakRss, cpuMsByRole };
  }
}

module.exports = { ProcessSampler, childrenCpuMs, descendants, processTable, signalDescendants };
