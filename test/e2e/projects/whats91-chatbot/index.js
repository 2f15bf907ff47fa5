// A program as a user writes it: one chatbot of each response kind for one sender. `replyText`
// changes the text chatbot's reply; `replace` sets replaceLeavesOldActive on it.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();

const text = new chatbots.whats91.Chatbot("hours", {
  name: "Opening hours",
  trigger: { type: "contains", keywords: ["hours", "open"] },
  response: { type: "text", text: config.get("replyText") || "We are open 9-17, Monday to Friday." },
  replaceLeavesOldActive: config.getBoolean("replace") || false,
});
const media = new chatbots.whats91.Chatbot("catalog", {
  name: "Catalog",
  trigger: { type: "exact", keyword: "catalog" },
  priority: 10,
  response: {
    type: "media",
    media: { type: "DOCUMENT", url: "https://cdn.example.com/catalog.pdf", fileName: "catalog.pdf" },
    text: "Our catalog",
  },
});
const buttons = new chatbots.whats91.Chatbot("menu", {
  name: "Menu",
  trigger: { type: "starts_with", keywords: ["menu"] },
  response: {
    type: "buttons",
    text: "What do you need?",
    footerText: "Tap a button",
    buttons: [
      { id: "sales", label: "Sales" },
      { id: "support", label: "Support" },
    ],
  },
});
const cta = new chatbots.whats91.Chatbot("shop", {
  name: "Shop",
  trigger: { type: "contains_whole_word", keywords: ["shop"] },
  response: { type: "cta", text: "Visit our shop", ctaText: "Open shop", ctaUrl: "https://example.com/shop" },
});
const list = new chatbots.whats91.Chatbot("plans", {
  name: "Plans",
  trigger: { type: "welcome", keywords: ["plans"] },
  status: "INACTIVE",
  response: {
    type: "list",
    text: "Our plans",
    sections: [
      {
        title: "Plans",
        rows: [
          { id: "basic", title: "Basic", description: "For one person" },
          { id: "team", title: "Team" },
        ],
      },
    ],
  },
});

module.exports = {
  uids: [text, media, buttons, cta, list].map((c) => c.chatbotUid),
  textBotType: text.botType,
};
