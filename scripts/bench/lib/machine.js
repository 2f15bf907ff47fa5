// The machine a benchmark ran on, recorded with its figures (timings mean little without it).
"use strict";
const { spawnSync } = require("node:child_process");
const os = require("node:os");

function machineInfo() {
  const cpus = os.cpus();
  const pulumi = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    pulumi: pulumi.status === 0 ? pulumi.stdout.trim() : "unknown",
    date: new Date().toISOString(),
    // The machine may be shared: the load when the run started says how much.
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** One line for the report: "AMD EPYC, 2 cores, 23.5 GiB, Node v22.23.3, Pulumi v3.259.0, 2026-...". */
function machineLine(m) {
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, ` +
    `Pulumi ${m.pulumi}, ${m.date.slice(0, 16).replace("T", " ")} UTC, load ${m.loadAverageAtStart.join(" ")}`
  );
}

module.exports = { machineInfo, machineLine };
