// A user's program with one resource of every type pulumi-chatbots offers, copied into a fresh
// project outside the repository (test/e2e/package-kit.ts). Credentials and API URLs come from the
// environment, as `startLocalSandboxes().env` sets them.
"use strict";
const chatbots = require("pulumi-chatbots");

const sendbirdBot = new chatbots.sendbird.Bot("helper", {
  botUserid: "helper_bot",
  botNickname: "Helper",
  botProfileUrl: "",
  botType: "support",
  botCallbackUrl: "https://example.com/sendbird/callback",
  isPrivacyMode: true,
});

const deadSimpleChatBot = new chatbots.deadsimplechat.Bot("support", {
  name: "Support Bot",
  webhookUrl: "https://example.com/deadsimplechat/hook",
});
const room = new chatbots.deadsimplechat.BotChatRoom("lobby", {
  botId: deadSimpleChatBot.botId,
  roomId: "lobby1",
});

const lineWorksBot = new chatbots.lineworks.Bot("helpdesk", {
  botName: "Help desk",
  photoUrl: "https://example.com/helpdesk.png",
  description: "Answers questions",
  administrators: ["admin@example.com"],
  allowDomains: [10000001],
});
const domain = new chatbots.lineworks.BotDomain("domain", {
  botId: lineWorksBot.botId,
  domainId: 10000001,
});

const whats91Chatbot = new chatbots.whats91.Chatbot("hours", {
  name: "Opening hours",
  trigger: { type: "contains", keywords: ["hours", "open"] },
  response: { type: "text", text: "We are open 9-17, Monday to Friday." },
});

module.exports = {
  sendbirdBotUserid: sendbirdBot.botUserid,
  deadSimpleChatBotId: deadSimpleChatBot.botId,
  roomAssignment: room.id,
  lineWorksBotId: lineWorksBot.botId,
  lineWorksDomain: domain.id,
  whats91ChatbotUid: whats91Chatbot.chatbotUid,
};
