// N Whats91 chatbots (text replies) on the configured sender, as a user declares them. Config:
// `n` (how many), `prefix` (gives each chatbot its own trigger keyword). Credentials, sender and
// API URL come from the environment.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const prefix = config.require("prefix");

for (let i = 0; i < n; i++) {
  new chatbots.whats91.Chatbot(`bot-${i}`, {
    name: `Bench reply ${i}`,
    trigger: { type: "contains", keywords: [`${prefix}k${i}`] },
    response: { type: "text", text: `Benchmark reply number ${i}.` },
  });
}
