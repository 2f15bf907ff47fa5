// LINE WORKS' part of the fault soak (scripts/bench/soak.js, which says what a unit is): a bot
// registered in one of the soak's domains a unit. Ids are the vendor's; names are not unique there,
// but each of ours is.
"use strict";

const BOT = "pulumi-nodejs:dynamic/lineworks:Bot";
const DOMAIN = "pulumi-nodejs:dynamic/lineworks:BotDomain";

/** A bot of the soak allowed in `allowDomains` (lineworks-bot-domain's scenario makes one too). */
function lineWorksBot(chatbots, name, index, prefix, allowDomains) {
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

module.exports = {
  lineWorksBot,
  unit: {
    // The outage scenario has two: one's create fails, the other's domain registration does.
    counts: { full: 8, small: 1, outage: 2 },
    resources: 2,
    stateTypes: [BOT, DOMAIN],
    declare(chatbots, i, { prefix, domainIds }) {
      const domainId = domainIds[i % domainIds.length];
      const bot = lineWorksBot(chatbots, `lineworks-${i}`, i, prefix, [domainId]);
      new chatbots.lineworks.BotDomain(`lineworks-domain-${i}`, { botId: bot.botId, domainId });
    },
    compare(exported, sandbox, { stateResources, differing, check, duplicatedNames, orphans }) {
      const bots = sandbox.bots();
      const state = stateResources(exported, BOT);
      for (const r of state) {
        const found = bots.filter((b) => String(b.botId) === r.id);
        const o = r.outputs;
        check(
          "lineworks.Bot",
          r.id,
          found.length,
          found.length === 1
            ? differing([
                ["botName", o.botName, found[0].botName],
                ["description", o.description, found[0].description],
                ["photoUrl", o.photoUrl, found[0].photoUrl],
                ["allowDomains", [...(o.allowDomains ?? [])].sort(), [...found[0].allowDomains].sort()],
              ])
            : [],
        );
      }
      duplicatedNames(
        "LINE WORKS bot",
        bots.map((b) => b.botName),
      );
      orphans(
        "LINE WORKS bot",
        bots.map((b) => String(b.botId)),
        new Set(state.map((r) => r.id)),
      );
      const domainState = stateResources(exported, DOMAIN);
      for (const r of domainState) {
        const registrations = sandbox.domains(String(r.outputs.botId));
        const found = registrations.filter((d) => d.domainId === Number(r.outputs.domainId));
        check(
          "lineworks.BotDomain",
          r.id,
          found.length,
          found.length === 1
            ? differing([
                ["visible", r.outputs.visible ?? false, found[0].visible],
                [
                  "allowToSelectedMember",
                  r.outputs.allowToSelectedMember ?? false,
                  found[0].allowToSelectedMember,
                ],
              ])
            : [],
        );
      }
      const registrationIds = bots.flatMap((b) =>
        sandbox.domains(b.botId).map((d) => `${b.botId}/${d.domainId}`),
      );
      orphans("LINE WORKS domain registration", registrationIds, new Set(domainState.map((r) => r.id)));
    },
    creates: [
      { type: "lineworks.Bot", create: /^\/v1\.0\/bots$/, lookup: /^\/v1\.0\/bots$/ },
      {
        type: "lineworks.BotDomain",
        create: /^\/v1\.0\/bots\/\d+\/domains\/\d+$/,
        lookup: /^\/v1\.0\/bots\/\d+\/domains$/,
      },
    ],
    // Destroy deletes every bot (and its registrations with it).
    leftBehind: (sandbox) => ({
      left: 0,
      unexpected: sandbox.bots().map((b) => `LINE WORKS bot ${b.botId}`),
    }),
  },
};
