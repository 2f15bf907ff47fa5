// N Sendbird bots, as a user declares them. Config: `n` (how many), `prefix` (makes the bots'
// ids unique per benchmark phase). Credentials and API URL come from the environment.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const prefix = config.require("prefix");

for (let i = 0; i < n; i++) {
  new chatbots.sendbird.Bot(`bot-${i}`, {
    botUserid: `${prefix}_bot_${i}`,
    botNickname: `Bench bot ${i}`,
    botProfileUrl: "",
    botType: "bench",
    botCallbackUrl: "https://example.com/sendbird/callback",
    isPrivacyMode: true,
  });
}
