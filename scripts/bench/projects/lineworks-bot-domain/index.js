// One LINE WORKS bot added to N domains: N lineworks.BotDomain resources under one bot, which
// LINE WORKS lets the provider change only one at a time. Config: `n` (how many domains),
// `prefix` (in the bot's name), `firstDomainId` (the tenant's domains are firstDomainId ..
// firstDomainId + n - 1). Credentials and API URLs come from the environment.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const prefix = config.require("prefix");
const firstDomainId = config.requireNumber("firstDomainId");
const domainIds = Array.from({ length: n }, (_, i) => firstDomainId + i);

const bot = new chatbots.lineworks.Bot("bot", {
  botName: `${prefix} bot`,
  photoUrl: "https://example.com/bench.png",
  description: "A benchmark bot in many domains",
  administrators: ["admin@example.com"],
  allowDomains: domainIds,
});

for (const domainId of domainIds) {
  new chatbots.lineworks.BotDomain(`domain-${domainId}`, { botId: bot.botId, domainId });
}
