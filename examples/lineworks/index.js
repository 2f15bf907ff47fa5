// A LINE WORKS bot created at the tenant and added to two domains, each BotDomain wired to
// `bot.botId`. Authentication: a service account (see README.md), from stack config or LINEWORKS_*
// environment variables.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const domainIds = (config.get("domainIds") || "10000001,10000002").split(",").map(Number);

const bot = new chatbots.lineworks.Bot("helpdesk", {
  botName: "Help desk",
  photoUrl: config.get("photoUrl") || "https://example.com/helpdesk.png",
  description: "Answers questions from every team",
  administrators: [config.get("administrator") || "admin@example.com"],
  allowDomains: domainIds,
  enableCallback: true,
  callbackUrl: config.get("callbackUrl") || "https://bots.example.com/lineworks",
  callbackEvents: ["text", "image"],
  i18nBotNames: [{ language: "ja_JP", botName: "ヘルプデスク" }],
});

const domains = domainIds.map(
  (domainId) =>
    new chatbots.lineworks.BotDomain(`domain-${domainId}`, { botId: bot.botId, domainId, visible: true }),
);

module.exports = { botId: bot.botId, domains: domains.map((d) => d.id) };
