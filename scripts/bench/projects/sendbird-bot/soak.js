// Sendbird's part of the fault soak (scripts/bench/soak.js, which says what a unit is): one bot a
// unit; the bot's userid is its id (unique at Sendbird).
"use strict";

const BOT = "pulumi-nodejs:dynamic/sendbird:Bot";

module.exports = {
  unit: {
    counts: { full: 9, small: 2, outage: 1 },
    resources: 1,
    stateTypes: [BOT],
    declare(chatbots, i, { prefix }) {
      new chatbots.sendbird.Bot(`sendbird-${i}`, {
        botUserid: `soak_${prefix}_${i}`,
        botNickname: `Soak ${i}`,
        botProfileUrl: "",
        botType: "soak",
        botCallbackUrl: `https://example.com/sendbird/${i}`,
        isPrivacyMode: true,
      });
    },
    compare(exported, sandbox, { stateResources, differing, check, orphans }) {
      const bots = sandbox.bots();
      const state = stateResources(exported, BOT);
      for (const r of state) {
        const found = bots.filter((b) => b.bot.bot_userid === r.id);
        const o = r.outputs;
        const fields = found.length === 1 ? found[0] : undefined;
        check(
          "sendbird.Bot",
          r.id,
          found.length,
          fields
            ? differing([
                ["botNickname", o.botNickname, fields.bot.bot_nickname],
                ["botType", o.botType, fields.bot.bot_type],
                ["botCallbackUrl", o.botCallbackUrl, fields.bot_callback_url],
                ["isPrivacyMode", o.isPrivacyMode, fields.is_privacy_mode],
              ])
            : [],
        );
      }
      orphans(
        "sendbird bot",
        bots.map((b) => b.bot.bot_userid),
        new Set(state.map((r) => r.id)),
      );
    },
    creates: [{ type: "sendbird.Bot", create: /^\/v3\/bots$/, lookup: /^\/v3\/bots\/[^/]+$/ }],
    // Destroy deletes every bot.
    leftBehind: (sandbox) => ({
      left: 0,
      unexpected: sandbox.bots().map((b) => `sendbird bot ${b.bot.bot_userid}`),
    }),
  },
};
