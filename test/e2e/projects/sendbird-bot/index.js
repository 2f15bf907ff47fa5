// A program as a user writes it, in plain JavaScript. With `getBotUserid` set it only reads an
// existing bot (Bot.get); otherwise it declares one from config.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const existing = config.get("getBotUserid");

if (existing) {
  const seen = chatbots.sendbird.Bot.get("seen", existing);
  module.exports = { seenNickname: seen.botNickname, seenToken: seen.botToken };
} else {
  const bot = new chatbots.sendbird.Bot("helper", {
    botUserid: config.require("botUserid"),
    botNickname: config.require("botNickname"),
    botProfileUrl: "",
    botType: config.require("botType"),
    botCallbackUrl: "https://example.com/sendbird/callback",
    isPrivacyMode: true,
  });
  module.exports = { botUserid: bot.botUserid, botNickname: bot.botNickname, botToken: bot.botToken };
}
