// One help desk on four chat platforms, its bots wired to each other through their outputs:
// - the LINE WORKS bot's id feeds its domain registrations and the Sendbird bot's callback URL;
// - the Sendbird bot's token (a secret output) reaches the callback server without ever being
//   printed or stored in plaintext;
// - the resource options a team sets on production bots: protect, ignoreChanges, retainOnDelete.
// Credentials come from each platform's stack config or environment variables: see README.md.
"use strict";
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");
const { SecretFile } = require("./secret-file");

const config = new pulumi.Config();
// Domains of your LINE WORKS tenant (the sandbox's tenant has 10000001 to 10000003).
const domainIds = (config.get("lineWorksDomainIds") || "10000001,10000002").split(",").map(Number);
// The server that receives every platform's callbacks.
const callbackServer = config.get("callbackServerUrl") || "https://bots.example.com";

// LINE WORKS: the staff help desk, created at the tenant and added to each domain.
const helpdesk = new chatbots.lineworks.Bot(
  "helpdesk",
  {
    botName: "Help desk",
    photoUrl: "https://example.com/helpdesk.png",
    description: "Answers staff questions and takes escalations",
    administrators: [config.get("lineWorksAdministrator") || "admin@example.com"],
    allowDomains: domainIds,
    enableCallback: true,
    callbackUrl: `${callbackServer}/lineworks`,
    callbackEvents: ["text"],
  },
  // The comms team changes the bot's picture in the admin console: not a change to undo on `up`.
  { ignoreChanges: ["photoUrl"] },
);

const domains = domainIds.map(
  (domainId) =>
    new chatbots.lineworks.BotDomain(`helpdesk-${domainId}`, {
      botId: helpdesk.botId,
      domainId,
      visible: true,
    }),
);

// Sendbird: the assistant in the customer app. What it cannot answer it escalates to the LINE WORKS
// help desk, so its callback URL names that bot: the callback server knows where to forward, and
// Pulumi creates the Sendbird bot only once the LINE WORKS one exists.
const assistant = new chatbots.sendbird.Bot(
  "assistant",
  {
    botUserid: config.get("sendbirdBotUserid") || "helpdesk_assistant",
    botNickname: "Help desk assistant",
    botProfileUrl: "",
    botType: "support",
    botCallbackUrl: pulumi.interpolate`${callbackServer}/sendbird/escalate-to/lineworks/${helpdesk.botId}`,
    isPrivacyMode: true,
  },
  // The production bot: deleting or replacing it drops it from every channel and changes its token.
  // `pulumi config set protect false` (then `pulumi up`) lifts this before a `pulumi destroy`.
  { protect: config.getBoolean("protect") ?? true },
);

// Sendbird sends the bot's token with every callback so that the callback server can check the
// call is Sendbird's: the server, and only the server, needs it. No chat-bot input is the place
// for it (a DeadSimpleChat bot's metadata or a LINE WORKS callback URL would hand a Sendbird
// credential to another vendor), so it goes where the server reads its secrets: see secret-file.js.
const callbackServerEnv = new SecretFile("callback-server-env", {
  path: path.resolve(config.get("callbackServerEnvFile") || ".secrets/callback-server.env"),
  content: pulumi.interpolate`SENDBIRD_BOT_TOKEN=${assistant.botToken}\n`,
});

// DeadSimpleChat: the bot of the website's live chat, in every chat room.
const websiteBot = new chatbots.deadsimplechat.Bot(
  "website",
  {
    name: config.get("deadSimpleChatBotName") || "Help desk",
    trigger: "mention",
    messageVisibility: "public",
    isAllowedInAllChatRooms: true,
    webhookUrl: `${callbackServer}/deadsimplechat`,
    // The bot outlives this stack (see retainOnDelete): a later stack takes it over by name.
    adopt: true,
  },
  // Removing it from this stack (to move it to another, or on `pulumi destroy`) leaves the live bot
  // answering, rather than disabled: DeadSimpleChat cannot delete a bot, only switch it off.
  { retainOnDelete: true },
);

// Whats91: the WhatsApp entry point, sending customers to the website chat. No retainOnDelete:
// Whats91 cannot delete a chatbot, so `pulumi destroy` already leaves it live, and its warning
// naming the chatbot (which retainOnDelete would silence) is the reminder to deactivate it.
const whatsapp = new chatbots.whats91.Chatbot("whatsapp-help", {
  name: "Help desk",
  trigger: { type: "contains", keywords: ["help", "support"] },
  response: {
    type: "cta",
    text: "Our help desk answers in the website chat.",
    ctaText: "Open the chat",
    ctaUrl: config.get("websiteChatUrl") || "https://example.com/help",
  },
});

module.exports = {
  lineWorksBotId: helpdesk.botId,
  lineWorksDomains: domains.map((d) => d.id),
  sendbirdBotUserid: assistant.botUserid,
  sendbirdCallbackUrl: assistant.botCallbackUrl,
  callbackServerEnvFile: callbackServerEnv.id,
  deadSimpleChatBotId: websiteBot.botId,
  whats91ChatbotUid: whatsapp.chatbotUid,
};
