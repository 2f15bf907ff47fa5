// A welcome chatbot with keywords, as Whats91 documents them on every create route
// (docs/vendors/whats91.md, "Triggers").
"use strict";
const chatbots = require("pulumi-chatbots");

const welcome = new chatbots.whats91.Chatbot("welcome", {
  name: "Welcome",
  trigger: { type: "welcome", keywords: ["hi", "hello"] },
  response: { type: "text", text: "Welcome! Reply 'menu' to see what we can do." },
});

module.exports = { uid: welcome.chatbotUid, trigger: welcome.trigger };
