// Two WhatsApp auto-reply chatbots for one sender number: a text reply and a buttons menu.
// Credentials: `pulumi config set --secret whats91:apiToken <token>` and
// `pulumi config set whats91:senderId <number>` (or WHATS91_API_TOKEN / WHATS91_SENDER_ID).
// Whats91 cannot change or delete a chatbot: see README.md before editing these.
"use strict";
const chatbots = require("pulumi-chatbots");

const hours = new chatbots.whats91.Chatbot("hours", {
  name: "Opening hours",
  trigger: { type: "contains", keywords: ["hours", "open"] },
  response: { type: "text", text: "We are open 9-17, Monday to Friday." },
});

const menu = new chatbots.whats91.Chatbot("menu", {
  name: "Menu",
  trigger: { type: "starts_with", keyword: "menu" },
  priority: 10,
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

module.exports = { hoursUid: hours.chatbotUid, menuUid: menu.chatbotUid };
