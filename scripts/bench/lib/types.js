// What the benchmark knows about each resource type: its bench project's bench.js
// (scripts/bench/projects/<platform>-<what>/bench.js) and its platform's sandbox descriptor: the
// vendor's smallest and largest documented rate plans and the provider pacing settings that go
// with them (`rates` and `provider.pacing`, sandbox/descriptor.ts).
"use strict";
const { platformProjects, projectsWith, sandboxPlatforms } = require("./platforms");

/** A pace so high that pacing never waits: the scaling runs measure the engine and the provider only. */
const UNPACED = 1_000_000;

/**
 * The operation of a request as a label: method and path with id segments (any segment holding a
 * digit, except version segments like v3 or v2.0 and "oauth2") replaced by {id}.
 */
function operationOf(req) {
  const path = req.path
    .split("/")
    .map((s) => (/\d/.test(s) && !/^(v\d+(\.\d+)*|oauth2)$/.test(s) ? "{id}" : s))
    .join("/");
  return `${req.method} ${path}`;
}

/** The names of the types, from the bench projects alone (no build needed): for checking flags. */
function typeNames() {
  return projectsWith("bench.js").map(({ spec }) => spec.name);
}

/**
 * Every type, in the sandbox list's order, then its folder's. Each type is its bench.js:
 * - name, stateType (the type in `pulumi stack export`), color (of its lines in the chart);
 * - config(n, prefix): the stack config of its project;
 * - optionally lowestN (N of the smallest-limit up by default), extraResources (resources its stack
 *   holds besides the N), isListing(req) (a request that lists: what refresh coalesces, for types
 *   that coalesce reads), localOptions(most) (startLocalSandboxes options its stacks of up to
 *   `most` resources need);
 * and, from its platform:
 * - sandbox (key of startLocalSandboxes' result), project (its folder);
 * - lowest: the smallest documented limit, `bucket(req)` naming the limit a request counts
 *   against and its requests per second ([name, perSecond], or undefined for a request no limit
 *   counts), with `plan` describing it;
 * - largest: the largest plan's sandbox `rateLimit` (false: none documented, so none), the
 *   provider pacing settings raised to match, and its `bucket` (as lowest's);
 * - unpaced: pacing settings that never wait;
 * - undocumented: the vendor documents no limit (its default pace adapts to 429s).
 */
function benchTypes(platforms = sandboxPlatforms()) {
  return platformProjects(platforms, "bench.js").flatMap(({ platform, projects }) =>
    projects.map(({ dir, spec }) => typeOf(platform, dir, spec)),
  );
}

function typeOf(platform, dir, spec) {
  const pacing = ({ reads, writes }) => ({
    [platform.provider.pacing.reads]: String(reads),
    [platform.provider.pacing.writes]: String(writes),
  });
  const unpaced = pacing({ reads: UNPACED, writes: UNPACED });
  const { lowest, largest } = platform.rates;
  return {
    ...spec,
    sandbox: platform.module,
    project: dir,
    lowest: { plan: lowest.plan, bucket: (req) => lowest.bucket(req) },
    largest: {
      plan: largest.plan,
      rateLimit: largest.rateLimit,
      pacing: largest.pacing === undefined ? unpaced : pacing(largest.pacing),
      bucket: (req) => largest.bucket(req),
    },
    unpaced,
    // No documented limit (so no largest plan's): the provider's default pace adapts to 429s.
    undocumented: largest.rateLimit === false,
  };
}

module.exports = { benchTypes, typeNames, operationOf };
