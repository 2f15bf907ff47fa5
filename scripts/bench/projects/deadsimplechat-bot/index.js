// N DeadSimpleChat bots, as a user declares them. Config: `n` (how many), `prefix` (makes the
// bots' names, which DeadSimpleChat keeps unique, differ per benchmark phase). Credentials and
// API URL come from the environment.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const prefix = config.require("prefix");

for (let i = 0; i < n; i++) {
  new chatbots.deadsimplechat.Bot(`bot-${i}`, {
    name: `${prefix} bot ${i}`,
    description: "A benchmark bot",
    trigger: "mention",
    messageVisibility: "public",
    webhookUrl: "https://example.com/deadsimplechat/hook",
  });
}
