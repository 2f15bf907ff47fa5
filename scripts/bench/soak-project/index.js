// The program scripts/bench/soak.js runs against the local sandboxes, in one of two modes (stack
// config `mode`):
// - "soak": every platform's soak unit (scripts/bench/projects/<project>/soak.js), as many as
//   config `units` says ({"<project>": n, ...}); a unit makes a resource of each of its platform's
//   types (its dependent types with a parent of their own).
// - "scenario": the program of the platform's scenario in config `scenario` (a project's folder).
// Config `domainIds` holds the tenant's domain ids a unit may register its bots in. Every name
// carries config `prefix`, so soak.js can tell each resource's vendor record by name.
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const mode = config.require("mode");
const context = {
  prefix: config.require("prefix"),
  domainIds: config.require("domainIds").split(",").map(Number),
};
const soakOf = (project) => require(path.join(__dirname, "..", "projects", project, "soak.js"));

if (mode === "scenario") {
  soakOf(config.require("scenario")).scenario.program(chatbots, context);
} else if (mode === "soak") {
  for (const [project, count] of Object.entries(JSON.parse(config.require("units")))) {
    const { unit } = soakOf(project);
    for (let i = 0; i < count; i++) unit.declare(chatbots, i, context);
  }
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}: "soak" or "scenario"`);
}
