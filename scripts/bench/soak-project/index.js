// The program scripts/bench/soak.js runs against the local sandboxes, in one of two modes (stack
// config `mode`):
// - "soak": bots of every type, as many as config `counts` says ({"sendbird": n, "deadsimplechat":
//   n, "lineworks": n, "whats91": n}); each DeadSimpleChat bot is enabled in a chat room of its own
//   and each LINE WORKS bot is registered in one of `domainIds`, so the dependent types are there too.
// - "domains": one LINE WORKS bot registered in every domain of `domainIds` at once (the per-bot
//   serialisation benchmark).
// Every name carries config `prefix`, so soak.js can tell each resource's vendor record by name.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();
const mode = config.require("mode");
const prefix = config.require("prefix");
const domainIds = config.require("domainIds").split(",").map(Number);

/** A LINE WORKS bot allowed in `allowDomains`. */
function lineWorksBot(name, index, allowDomains) {
  return new chatbots.lineworks.Bot(name, {
    botName: `Soak ${prefix} ${index}`,
    photoUrl: `https://example.com/soak/${index}.png`,
    description: `Soak bot ${index}`,
    administrators: ["admin@example.com"],
    allowDomains,
    enableCallback: true,
    callbackUrl: "https://bots.example.com/lineworks",
    callbackEvents: ["text"],
  });
}

/** Whats91 responses of each create route, taken in turn. */
const WHATS91_RESPONSES = [
  (i) => ({ type: "text", text: `Reply ${i}` }),
  (i) => ({
    type: "media",
    media: { type: "DOCUMENT", url: `https://cdn.example.com/soak-${i}.pdf`, fileName: `soak-${i}.pdf` },
    text: `Document ${i}`,
  }),
  (i) => ({
    type: "buttons",
    text: `Menu ${i}`,
    buttons: [
      { id: "yes", label: "Yes" },
      { id: "no", label: "No" },
    ],
  }),
];

if (mode === "domains") {
  const bot = lineWorksBot("bot", 0, domainIds);
  for (const domainId of domainIds) {
    new chatbots.lineworks.BotDomain(`domain-${domainId}`, { botId: bot.botId, domainId });
  }
} else if (mode === "soak") {
  const counts = JSON.parse(config.require("counts"));
  for (let i = 0; i < counts.sendbird; i++) {
    new chatbots.sendbird.Bot(`sendbird-${i}`, {
      botUserid: `soak_${prefix}_${i}`,
      botNickname: `Soak ${i}`,
      botProfileUrl: "",
      botType: "soak",
      botCallbackUrl: `https://example.com/sendbird/${i}`,
      isPrivacyMode: true,
    });
  }
  for (let i = 0; i < counts.deadsimplechat; i++) {
    const bot = new chatbots.deadsimplechat.Bot(`deadsimplechat-${i}`, {
      name: `Soak ${prefix} ${i}`,
      description: `Soak bot ${i}`,
      trigger: "mention",
      messageVisibility: "public",
      webhookUrl: `https://example.com/deadsimplechat/${i}`,
    });
    new chatbots.deadsimplechat.BotChatRoom(`deadsimplechat-room-${i}`, {
      botId: bot.botId,
      roomId: `room-${prefix}-${i}`,
    });
  }
  for (let i = 0; i < counts.lineworks; i++) {
    const domainId = domainIds[i % domainIds.length];
    const bot = lineWorksBot(`lineworks-${i}`, i, [domainId]);
    new chatbots.lineworks.BotDomain(`lineworks-domain-${i}`, { botId: bot.botId, domainId });
  }
  for (let i = 0; i < counts.whats91; i++) {
    new chatbots.whats91.Chatbot(`whats91-${i}`, {
      name: `Soak ${prefix} ${i}`,
      // A keyword of its own: no two chatbots of the soak look alike to the provider's lookups.
      trigger: { type: "contains", keywords: [`soak${prefix}k${i}`] },
      response: WHATS91_RESPONSES[i % WHATS91_RESPONSES.length](i),
    });
  }
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}: "soak" or "domains"`);
}
