// The benchmark's lineworks.Bot (scripts/bench/lib/types.js): N bots of this project, allowed in
// the tenant's first domain.
"use strict";

// The first of the tenant's domain ids the bench uses (the sandbox's default tenant starts there too).
const FIRST_DOMAIN_ID = 10000001;

/** The sandbox's tenant for stacks of up to `most` resources: a domain for each. */
const localOptions = (most) => ({
  lineWorksDomains: Array.from({ length: most }, (_, i) => FIRST_DOMAIN_ID + i),
});

module.exports = {
  name: "lineworks.Bot",
  stateType: "pulumi-nodejs:dynamic/lineworks:Bot",
  color: "#0088cc",
  config: (n, prefix) => ({ n, prefix, domainId: FIRST_DOMAIN_ID }),
  // 60 requests a minute per API operation: 100 creates take 100 minutes.
  lowestN: 10,
  localOptions,
  FIRST_DOMAIN_ID,
};
