// `count` (default 1) valid resources of the type in config `type`. The settings (URLs,
// credentials) come from the environment the test gives the CLI, as a CI job would set them.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const declare = {
  "sendbird.Bot": (i) =>
    new chatbots.sendbird.Bot(`bot${i}`, {
      botUserid: `hostile_bot_${i}`,
      botNickname: `Hostile ${i}`,
      botProfileUrl: "",
      botType: "support",
      botCallbackUrl: "https://example.com/sendbird/callback",
      isPrivacyMode: true,
    }),
  "deadsimplechat.Bot": (i) =>
    new chatbots.deadsimplechat.Bot(`bot${i}`, {
      name: `Hostile ${i}`,
      webhookUrl: "https://example.com/deadsimplechat/hook",
    }),
  "lineworks.Bot": (i) =>
    new chatbots.lineworks.Bot(`bot${i}`, {
      botName: `Hostile ${i}`,
      photoUrl: "https://example.com/bot.png",
      description: "Answers questions",
      administrators: ["admin@example.com"],
    }),
  "whats91.Chatbot": (i) =>
    new chatbots.whats91.Chatbot(`bot${i}`, {
      name: `Hostile ${i}`,
      trigger: { type: "contains", keywords: [`hours${i}`] },
      response: { type: "text", text: "We are open 9-17." },
    }),
};
const type = config.require("type");
const count = config.getNumber("count") || 1;
const made = Array.from({ length: count }, (_, i) => declare[type](i));
module.exports = { ids: made.map((r) => r.id) };
