// The root stack: one resource of every type pulumi-chatbots has. `npm run up` runs it against
// local sandboxes of the four vendors; pointed at the real ones it needs only their credentials,
// from stack config (`pulumi config set --secret sendbird:apiToken ...`) or environment variables
// (SENDBIRD_API_TOKEN, ...): see README.md.
import * as pulumi from "@pulumi/pulumi";
import * as chatbots from "pulumi-chatbots";

const config = new pulumi.Config();

// Sendbird: a bot user; its token is a secret output.
const helper = new chatbots.sendbird.Bot("helper", {
  botUserid: config.get("botUserid") ?? "helper_bot",
  botNickname: config.get("botNickname") ?? "Helper",
  botProfileUrl: "",
  botType: config.get("botType") ?? "support",
  botCallbackUrl: config.get("botCallbackUrl") ?? "https://example.com/sendbird/callback",
  isPrivacyMode: true,
});

// DeadSimpleChat: a bot, enabled in one chat room through the bot's id.
const support = new chatbots.deadsimplechat.Bot("support", {
  name: config.get("deadSimpleChatBotName") ?? "Support Bot",
  description: "Answers questions in the help room",
  trigger: "mention",
  messageVisibility: "public",
  webhookUrl: "https://example.com/deadsimplechat/webhook",
  // DeadSimpleChat cannot delete a bot, only disable it: a later `up` takes the disabled one over.
  adopt: true,
});
const helpRoom = new chatbots.deadsimplechat.BotChatRoom("help-room", {
  botId: support.botId,
  roomId: config.get("deadSimpleChatRoomId") ?? "help-desk",
});

// LINE WORKS: a tenant bot, added to one domain through the bot's id.
const domainId = config.getNumber("lineWorksDomainId") ?? 10000001;
const helpdesk = new chatbots.lineworks.Bot("helpdesk", {
  botName: "Help desk",
  photoUrl: "https://example.com/helpdesk.png",
  description: "Answers questions from every team",
  administrators: [config.get("lineWorksAdministrator") ?? "admin@example.com"],
  allowDomains: [domainId],
});
const helpdeskDomain = new chatbots.lineworks.BotDomain("helpdesk-domain", {
  botId: helpdesk.botId,
  domainId,
});

// Whats91 (WhatsApp): an auto-reply chatbot. Whats91 can neither change nor delete one: see README.md.
const hours = new chatbots.whats91.Chatbot("hours", {
  name: "Opening hours",
  trigger: { type: "contains", keywords: ["hours", "open"] },
  response: { type: "text", text: "We are open 9-17, Monday to Friday." },
});

export const sendbirdBotUserid = helper.botUserid;
export const sendbirdBotToken = helper.botToken; // a secret: shown as [secret]
export const deadSimpleChatBotId = support.botId;
export const deadSimpleChatRoom = helpRoom.id;
export const lineWorksBotId = helpdesk.botId;
export const lineWorksDomain = helpdeskDomain.id;
export const whats91ChatbotUid = hours.chatbotUid;
