// The benchmark's whats91.Chatbot (scripts/bench/lib/types.js): N chatbots of this project.
"use strict";

module.exports = {
  name: "whats91.Chatbot",
  stateType: "pulumi-nodejs:dynamic/whats91:Chatbot",
  color: "#d6336c",
  config: (n, prefix) => ({ n, prefix }),
};
