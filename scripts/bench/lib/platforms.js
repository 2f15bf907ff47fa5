// The benchmark's platforms: the sandbox list (sandbox/platforms.ts, loaded from the build that
// scripts/install-self.sh makes) and each platform's bench projects, the folders
// scripts/bench/projects/<platform>-<what>/ (the folder's name says whose it is).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PROJECTS = path.join(__dirname, "..", "projects");

/** The sandbox platforms, in the list's order: their descriptors (sandbox/descriptor.ts). */
function sandboxPlatforms() {
  const file = path.join(ROOT, "dist", "sandbox", "platforms.js");
  if (!fs.existsSync(file)) {
    throw new Error("dist/sandbox is not built: run `bash scripts/install-self.sh` first");
  }
  return require(file).default;
}

/** The bench project folders holding `file` (e.g. "bench.js"), in name order, with what it exports. */
function projectsWith(file) {
  return fs
    .readdirSync(PROJECTS)
    .sort()
    .filter((dir) => fs.existsSync(path.join(PROJECTS, dir, file)))
    .map((dir) => ({ dir, spec: require(path.join(PROJECTS, dir, file)) }));
}

/**
 * The platform whose folder `dir` is (`<module>-<what>`; the longest module that fits), or
 * undefined.
 */
function ownerOf(platforms, dir) {
  return [...platforms]
    .sort((a, b) => b.module.length - a.module.length)
    .find((platform) => dir.startsWith(`${platform.module}-`));
}

/**
 * Each platform's project folders holding `file`, in the list's order. A folder holding it that no
 * platform owns is a mistake (a misspelt or unlisted platform): an error naming it.
 */
function platformProjects(platforms, file) {
  const found = projectsWith(file);
  for (const { dir } of found) {
    if (ownerOf(platforms, dir) === undefined) {
      throw new Error(
        `scripts/bench/projects/${dir}/${file}: its folder must be named <platform>-<what> after a ` +
          `platform of sandbox/platforms.ts (${platforms.map((p) => p.module).join(", ")})`,
      );
    }
  }
  return platforms.map((platform) => ({
    platform,
    projects: found.filter(({ dir }) => ownerOf(platforms, dir) === platform),
  }));
}

/** The project folder of `dir` (a folder name). */
const projectDir = (dir) => path.join(PROJECTS, dir);

module.exports = { sandboxPlatforms, projectsWith, platformProjects, projectDir, ROOT, PROJECTS };
