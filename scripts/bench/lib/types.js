// What the benchmark knows about each resource type: its bench project, its sandbox, the vendor's
// smallest and largest documented rate limits (docs/vendors/<platform>.md) and the provider's
// pacing settings that go with them (provider/*/api.ts SETTINGS, provider/lineworks/auth.ts).
"use strict";

/** A pace so high that pacing never waits: the scaling runs measure the engine and the provider only. */
const UNPACED = 1_000_000;

const pacing = (platform, reads, writes) => ({
  [`${platform}_READS_PER_SECOND`]: String(reads),
  [`${platform}_WRITES_PER_SECOND`]: String(writes),
});

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

// The first of the LINE WORKS tenant's domain ids the bench uses (the sandbox's default tenant
// starts there too).
const FIRST_DOMAIN_ID = 10000001;

/**
 * Each type:
 * - name, sandbox (key of startLocalSandboxes' result), project (scripts/bench/projects/<dir>),
 *   stateType (the type in `pulumi stack export`);
 * - config(n, prefix): the stack config of its project;
 * - lowest: the smallest documented limit, `bucket(req)` naming the limit a request counts
 *   against and its requests per second ([name, perSecond], or undefined for a request no limit
 *   counts), with `plan` describing it;
 * - largest: the largest plan's sandbox `rateLimit` (false: none documented, so none), the
 *   provider pacing settings raised to match, and its `bucket` (as lowest's);
 * - unpaced: pacing settings that never wait;
 * - isListing(req): a request that lists (what refresh coalesces), for types that coalesce reads.
 */
const TYPES = [
  {
    name: "sendbird.Bot",
    sandbox: "sendbird",
    project: "sendbird-bot",
    stateType: "pulumi-nodejs:dynamic/sendbird:Bot",
    config: (n, prefix) => ({ n, prefix }),
    lowest: {
      plan: "free trial: 10 GET/s, 5 POST/PUT/DELETE/s",
      bucket: (req) => (req.method === "GET" ? ["GET", 10] : ["POST/PUT/DELETE", 5]),
    },
    largest: {
      plan: "100K+ MAU: 600 GET/s, 200 POST/PUT/DELETE/s",
      rateLimit: { getPerSecond: 600, mutatePerSecond: 200 },
      pacing: pacing("SENDBIRD", 600, 200),
      bucket: (req) => (req.method === "GET" ? ["GET", 600] : ["POST/PUT/DELETE", 200]),
    },
    unpaced: pacing("SENDBIRD", UNPACED, UNPACED),
  },
  {
    name: "deadsimplechat.Bot",
    sandbox: "deadsimplechat",
    project: "deadsimplechat-bot",
    stateType: "pulumi-nodejs:dynamic/deadsimplechat:Bot",
    config: (n, prefix) => ({ n, prefix }),
    lowest: {
      plan: "none documented; the sandbox assumes 5 requests/s",
      bucket: () => ["all requests", 5],
    },
    largest: {
      plan: "none documented: no sandbox limit",
      rateLimit: false,
      pacing: pacing("DEADSIMPLECHAT", UNPACED, UNPACED),
      bucket: () => undefined,
    },
    unpaced: pacing("DEADSIMPLECHAT", UNPACED, UNPACED),
    isListing: (req) => req.method === "GET" && /\/bots$/.test(req.path),
  },
  {
    name: "lineworks.Bot",
    sandbox: "lineworks",
    project: "lineworks-bot",
    stateType: "pulumi-nodejs:dynamic/lineworks:Bot",
    config: (n, prefix) => ({ n, prefix, domainId: FIRST_DOMAIN_ID }),
    // 60 requests a minute per API operation: 100 creates take 100 minutes.
    lowestN: 10,
    lowest: {
      plan: "Free: 60 requests/min per API operation",
      bucket: (req) => (isLineWorksToken(req) ? undefined : [operationOf(req), 1]),
    },
    largest: {
      plan: "Standard/Advanced: 240 requests/min per API operation",
      rateLimit: { requestsPerMinute: 240 },
      pacing: pacing("LINEWORKS", 4, 4),
      bucket: (req) => (isLineWorksToken(req) ? undefined : [operationOf(req), 4]),
    },
    unpaced: pacing("LINEWORKS", UNPACED, UNPACED),
  },
  {
    name: "lineworks.BotDomain",
    sandbox: "lineworks",
    project: "lineworks-bot-domain",
    stateType: "pulumi-nodejs:dynamic/lineworks:BotDomain",
    config: (n, prefix) => ({ n, prefix, firstDomainId: FIRST_DOMAIN_ID }),
    // The stack also holds the one bot the N domains belong to.
    extraResources: 1,
    lowestN: 10,
    lowest: {
      plan: "Free: 60 requests/min per API operation",
      bucket: (req) => (isLineWorksToken(req) ? undefined : [operationOf(req), 1]),
    },
    largest: {
      plan: "Standard/Advanced: 240 requests/min per API operation",
      rateLimit: { requestsPerMinute: 240 },
      pacing: pacing("LINEWORKS", 4, 4),
      bucket: (req) => (isLineWorksToken(req) ? undefined : [operationOf(req), 4]),
    },
    unpaced: pacing("LINEWORKS", UNPACED, UNPACED),
    isListing: (req) => req.method === "GET" && /\/domains$/.test(req.path),
  },
  {
    name: "whats91.Chatbot",
    sandbox: "whats91",
    project: "whats91-chatbot",
    stateType: "pulumi-nodejs:dynamic/whats91:Chatbot",
    config: (n, prefix) => ({ n, prefix }),
    lowest: {
      plan: "none documented for configuration calls; the sandbox assumes 5 requests/s",
      bucket: () => ["all requests", 5],
    },
    largest: {
      plan: "none documented: no sandbox limit",
      rateLimit: false,
      pacing: pacing("WHATS91", UNPACED, UNPACED),
      bucket: () => undefined,
    },
    unpaced: pacing("WHATS91", UNPACED, UNPACED),
  },
];

function isLineWorksToken(req) {
  return req.path.startsWith("/oauth2/");
}

module.exports = { TYPES, FIRST_DOMAIN_ID, operationOf, isLineWorksToken };
