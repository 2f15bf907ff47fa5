/** Inputs shared by the tests: a valid sendbird.Bot as a program would declare it. */
export const sendbirdBotArgs = {
  botUserid: "helper_bot",
  botNickname: "Helper",
  botProfileUrl: "https://example.com/avatar.png",
  botType: "support",
  botCallbackUrl: "https://example.com/callback",
  isPrivacyMode: false,
};
