// One resource of the type in config `type`, whose input `field` is the secret config `value`,
// a value that check refuses. Nothing is ever created: preview fails at check.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const value = config.requireSecret("value");
const field = config.require("field");
const valid = {
  "sendbird.Bot": () => ({
    botUserid: "helper_bot",
    botProfileUrl: "",
    botNickname: "Helper",
    botType: "support",
    botCallbackUrl: "https://example.com/sendbird/callback",
    isPrivacyMode: true,
  }),
  "deadsimplechat.Bot": () => ({ name: "Support Bot", webhookUrl: "https://example.com/hook" }),
  "deadsimplechat.BotChatRoom": () => ({ botId: "653d69f2357917b517297b8d", roomId: "lobby" }),
  "lineworks.Bot": () => ({
    botName: "Help desk",
    photoUrl: "https://example.com/helpdesk.png",
    description: "Answers questions",
    administrators: ["admin@example.com"],
  }),
  "lineworks.BotDomain": () => ({ botId: "2000001", domainId: 10000001 }),
  "whats91.Chatbot": () => ({
    name: "Opening hours",
    trigger: { type: "contains", keywords: ["hours"] },
    response: { type: "media", media: { type: "IMAGE", url: "https://example.com/a.png" } },
  }),
};
const type = config.require("type");
const [platform, kind] = type.split(".");
// `field` may be a path ("response.media.url"): the secret then sits inside an object input.
const args = valid[type]();
const keys = field.split(".");
let at = args;
for (const key of keys.slice(0, -1)) at = at[key] = { ...at[key] };
at[keys[keys.length - 1]] = value;
new chatbots[platform][kind]("subject", args);
