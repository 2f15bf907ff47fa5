// N LINE WORKS bots, each allowed in one of the tenant's domains, as a user declares them.
// Config: `n` (how many), `prefix` (in the bots' names), `domainId` (a domain of the tenant).
// Credentials and API URLs come from the environment.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const prefix = config.require("prefix");
const domainId = config.requireNumber("domainId");

for (let i = 0; i < n; i++) {
  new chatbots.lineworks.Bot(`bot-${i}`, {
    botName: `${prefix} bot ${i}`,
    photoUrl: "https://example.com/bench.png",
    description: "A benchmark bot",
    administrators: ["admin@example.com"],
    allowDomains: [domainId],
  });
}
