// A program as a user writes it, in plain JavaScript: a bot and the chat room it serves, the room
// wired to the bot's output. With `getBotId` set it only reads an existing bot (Bot.get).
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const existing = config.get("getBotId");

if (existing) {
  const seen = chatbots.deadsimplechat.Bot.get("seen", existing);
  module.exports = { seenName: seen.name, seenWebhookUrl: seen.webhookUrl };
} else {
  const bot = new chatbots.deadsimplechat.Bot("support", {
    name: config.require("name"),
    description: config.get("description"),
    trigger: config.get("trigger") || "mention",
    messageVisibility: config.get("messageVisibility") || "public",
    webhookUrl: "https://example.com/deadsimplechat/hook",
    metadata: { team: "support", escalation: { after: 3 } },
    adopt: config.getBoolean("adopt"),
  });
  const room = new chatbots.deadsimplechat.BotChatRoom("lobby", {
    botId: bot.botId,
    roomId: config.require("roomId"),
  });
  module.exports = { botId: bot.botId, roomAssignment: room.id, metadata: bot.metadata };
}
