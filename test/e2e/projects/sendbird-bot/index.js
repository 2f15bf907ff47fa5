// A program as a user writes it, in plain JavaScript. With `getBotUserid` set it only reads an
// existing bot (Bot.get); otherwise it declares one from config (`ignoreNickname` adds
// `ignoreChanges: ["botNickname"]`, as a team that edits the nickname in the dashboard would).
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const existing = config.get("getBotUserid");

if (existing) {
  const seen = chatbots.sendbird.Bot.get("seen", existing);
  module.exports = { seenNickname: seen.botNickname, seenToken: seen.botToken };
} else {
  const bot = new chatbots.sendbird.Bot(
    "helper",
    {
      botUserid: config.require("botUserid"),
      botNickname: config.require("botNickname"),
      botProfileUrl: "",
      botType: config.require("botType"),
      botCallbackUrl: config.get("botCallbackUrl") || "https://example.com/sendbird/callback",
      isPrivacyMode: true,
    },
    { ignoreChanges: config.getBoolean("ignoreNickname") ? ["botNickname"] : [] },
  );
  module.exports = { botUserid: bot.botUserid, botNickname: bot.botNickname, botToken: bot.botToken };
}
