// A program as a user writes it: a LINE WORKS bot and the domains it is added to, each domain
// wired to `bot.botId`. Config: `description`, `domainIds` (comma-separated), `administrators`.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const domainIds = config.require("domainIds").split(",").map(Number);

const bot = new chatbots.lineworks.Bot("helpdesk", {
  botName: "Help desk",
  photoUrl: "https://example.com/helpdesk.png",
  description: config.get("description") || "Answers questions",
  administrators: (config.get("administrators") || "admin@example.com").split(","),
  allowDomains: domainIds,
  enableCallback: true,
  callbackUrl: "https://bots.example.com/lineworks",
  callbackEvents: ["text", "image"],
});

const domains = domainIds.map(
  (domainId) => new chatbots.lineworks.BotDomain(`domain-${domainId}`, { botId: bot.botId, domainId }),
);

module.exports = { botId: bot.botId, domains: domains.map((d) => d.id) };
