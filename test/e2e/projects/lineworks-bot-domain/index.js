// A program as a user writes it: the registration of a bot that exists already (made by another
// stack, or in the Developer Console) in one domain. Config: `botId`, `domainId`, `visible`, `adopt`.
"use strict";
const pulumi = require("@pulumi/pulumi");
const chatbots = require("pulumi-chatbots");

const config = new pulumi.Config();

const registration = new chatbots.lineworks.BotDomain("registration", {
  botId: config.require("botId"),
  domainId: config.requireNumber("domainId"),
  visible: config.getBoolean("visible") ?? false,
  adopt: config.getBoolean("adopt") ?? false,
});

module.exports = { id: registration.id };
