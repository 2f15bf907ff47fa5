// DeadSimpleChat's part of the fault soak (scripts/bench/soak.js, which says what a unit is): a
// bot enabled in a chat room of its own a unit. Ids are the vendor's; names are unique
// (case-insensitive) in an account. The vendor has no delete: destroy leaves each bot disabled.
"use strict";

const BOT = "pulumi-nodejs:dynamic/deadsimplechat:Bot";
const ROOM = "pulumi-nodejs:dynamic/deadsimplechat:BotChatRoom";

module.exports = {
  unit: {
    counts: { full: 8, small: 2, outage: 1 },
    resources: 2,
    stateTypes: [BOT, ROOM],
    declare(chatbots, i, { prefix }) {
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
    },
    compare(exported, sandbox, { stateResources, differing, check, duplicatedNames, orphans }) {
      const bots = sandbox.bots();
      const state = stateResources(exported, BOT);
      for (const r of state) {
        const found = bots.filter((b) => b._id === r.id);
        const o = r.outputs;
        check(
          "deadsimplechat.Bot",
          r.id,
          found.length,
          found.length === 1
            ? differing([
                ["name", o.name, found[0].name],
                ["description", o.description, found[0].description],
                ["webhookUrl", o.webhookUrl, found[0].webhookURL],
                ["trigger", o.trigger, found[0].trigger],
                ["enabled", o.enabled, found[0].enabled],
              ])
            : [],
        );
      }
      duplicatedNames(
        "DeadSimpleChat bot",
        bots.map((b) => b.name.toLowerCase()),
      );
      orphans(
        "DeadSimpleChat bot",
        bots.map((b) => b._id),
        new Set(state.map((r) => r.id)),
      );
      const roomState = stateResources(exported, ROOM);
      for (const r of roomState) {
        const rooms = sandbox.rooms(String(r.outputs.botId)) ?? [];
        check(
          "deadsimplechat.BotChatRoom",
          r.id,
          rooms.filter((room) => room === r.outputs.roomId).length,
          [],
        );
      }
      const roomIds = bots.flatMap((b) => (sandbox.rooms(b._id) ?? []).map((room) => `${b._id}/${room}`));
      orphans("DeadSimpleChat room assignment", roomIds, new Set(roomState.map((r) => r.id)));
    },
    creates: [
      {
        type: "deadsimplechat.Bot",
        create: /^\/consumer\/api\/v2\/bot$/,
        lookup: /^\/consumer\/api\/v2\/bots$/,
      },
    ],
    cannotDelete: (exported, { stateResources }) => stateResources(exported, BOT).map((r) => r.id),
    leftNote: "DeadSimpleChat bots disabled",
    leftBehind(sandbox, cannotDelete) {
      const unexpected = [];
      let left = 0;
      for (const b of sandbox.bots()) {
        const rooms = sandbox.rooms(b._id) ?? [];
        if (rooms.length > 0) unexpected.push(`DeadSimpleChat bot ${b._id} still in ${rooms.length} rooms`);
        if (!cannotDelete.includes(b._id)) unexpected.push(`DeadSimpleChat bot ${b._id} (not in the state)`);
        else if (b.enabled) unexpected.push(`DeadSimpleChat bot ${b._id} still enabled`);
        else left += 1;
      }
      return { left, unexpected };
    },
  },
};
