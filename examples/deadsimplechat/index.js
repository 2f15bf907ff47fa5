// A DeadSimpleChat bot and two chat rooms it is enabled in, each room wired to the bot's output.
// Credentials: `pulumi config set --secret deadsimplechat:apiKey <private key>` (or the
// DEADSIMPLECHAT_API_KEY environment variable); see README.md.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const rooms = (config.get("roomIds") || "lobby,help-desk").split(",");

const bot = new chatbots.deadsimplechat.Bot("support", {
  name: config.get("botName") || "Support Bot",
  description: "Answers questions in the support rooms",
  trigger: "mention",
  messageVisibility: "public",
  webhookUrl: config.get("webhookUrl") || "https://bots.example.com/deadsimplechat",
  // A plain object: stored as canonical JSON, so key order never shows as a change.
  metadata: { team: "support", escalateAfterMinutes: 15 },
  // A bot of this name left disabled by an earlier destroy is taken over instead of refused.
  adopt: config.getBoolean("adopt") || false,
});

const assignments = rooms.map(
  (roomId) => new chatbots.deadsimplechat.BotChatRoom(`room-${roomId}`, { botId: bot.botId, roomId }),
);

module.exports = {
  botId: bot.botId,
  rooms: assignments.map((a) => a.id),
};
