// The benchmark's sendbird.Bot (scripts/bench/lib/types.js): N bots of this project.
"use strict";

module.exports = {
  name: "sendbird.Bot",
  stateType: "pulumi-nodejs:dynamic/sendbird:Bot",
  color: "#7b3fe4",
  config: (n, prefix) => ({ n, prefix }),
};
