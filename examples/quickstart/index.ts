// The quickstart: one Sendbird bot, its token exported as a secret. Credentials come from stack
// config (`pulumi config set --secret sendbird:apiToken ...`) or SENDBIRD_* environment variables.
import * as pulumi from "@pulumi/pulumi";
import * as chatbots from "pulumi-chatbots";

const config = new pulumi.Config();

const helper = new chatbots.sendbird.Bot("helper", {
  botUserid: config.get("botUserid") ?? "helper_bot",
  botNickname: config.get("botNickname") ?? "Helper",
  botProfileUrl: "",
  botType: config.get("botType") ?? "support",
  botCallbackUrl: config.get("botCallbackUrl") ?? "https://example.com/sendbird/callback",
  isPrivacyMode: true,
});

export const botUserid = helper.botUserid;
export const botNickname = helper.botNickname;
export const botToken = helper.botToken; // secret: shown as [secret]
