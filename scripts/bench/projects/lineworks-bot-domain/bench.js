// The benchmark's lineworks.BotDomain (scripts/bench/lib/types.js): one bot in N domains, this
// project.
"use strict";
const { FIRST_DOMAIN_ID, localOptions } = require("../lineworks-bot/bench");

module.exports = {
  name: "lineworks.BotDomain",
  stateType: "pulumi-nodejs:dynamic/lineworks:BotDomain",
  color: "#e8590c",
  config: (n, prefix) => ({ n, prefix, firstDomainId: FIRST_DOMAIN_ID }),
  // The stack also holds the one bot the N domains belong to.
  extraResources: 1,
  // 60 requests a minute per API operation: 100 creates take 100 minutes.
  lowestN: 10,
  localOptions,
  // Refresh reads the bot's domains through the list (coalesced).
  isListing: (req) => req.method === "GET" && /\/domains$/.test(req.path),
};
