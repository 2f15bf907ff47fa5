// The benchmark's deadsimplechat.Bot (scripts/bench/lib/types.js): N bots of this project.
"use strict";

module.exports = {
  name: "deadsimplechat.Bot",
  stateType: "pulumi-nodejs:dynamic/deadsimplechat:Bot",
  color: "#1f9d55",
  config: (n, prefix) => ({ n, prefix }),
  // Refresh reads the bots through the list (coalesced).
  isListing: (req) => req.method === "GET" && /\/bots$/.test(req.path),
};
