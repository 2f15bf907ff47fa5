// The program of the upgrade test (test/e2e/upgrade.test.ts): one resource of every type, each with
// one field the vendor changes in place read from stack config, so the test can change it after the
// upgrade. deadsimplechat.BotChatRoom has none (both its inputs force a replacement): it must stay
// untouched while its bot is updated. It must run unchanged under 0.1.0 and under the current build.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();

const sendbirdBot = new chatbots.sendbird.Bot("helper", {
  botUserid: "helper_bot",
  botNickname: config.require("sendbirdNickname"),
  botProfileUrl: "",
  botType: "support",
  botCallbackUrl: "https://example.com/sendbird/callback",
  isPrivacyMode: true,
});

const deadSimpleChatBot = new chatbots.deadsimplechat.Bot("support", {
  name: config.require("deadSimpleChatName"),
  webhookUrl: "https://example.com/deadsimplechat/hook",
});
const room = new chatbots.deadsimplechat.BotChatRoom("lobby", {
  botId: deadSimpleChatBot.botId,
  roomId: "lobby1",
});

const lineWorksBot = new chatbots.lineworks.Bot("helpdesk", {
  botName: "Help desk",
  photoUrl: "https://example.com/helpdesk.png",
  description: config.require("lineWorksDescription"),
  administrators: ["admin@example.com"],
  allowDomains: [10000001],
});
const domain = new chatbots.lineworks.BotDomain("domain", {
  botId: lineWorksBot.botId,
  domainId: 10000001,
  visible: config.requireBoolean("lineWorksDomainVisible"),
});

// Whats91 can change nothing in place; `replaceLeavesOldActive` is the one field that updates
// (the stack's state only).
const whats91Chatbot = new chatbots.whats91.Chatbot("hours", {
  name: "Opening hours",
  trigger: { type: "contains", keywords: ["hours", "open"] },
  response: { type: "text", text: "We are open 9-17, Monday to Friday." },
  replaceLeavesOldActive: config.requireBoolean("whats91ReplaceLeavesOldActive"),
});

module.exports = {
  sendbirdBotUserid: sendbirdBot.botUserid,
  deadSimpleChatBotId: deadSimpleChatBot.botId,
  roomAssignment: room.id,
  lineWorksBotId: lineWorksBot.botId,
  lineWorksDomain: domain.id,
  whats91ChatbotUid: whats91Chatbot.chatbotUid,
};
