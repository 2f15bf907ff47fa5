// Whats91's part of the fault soak (scripts/bench/soak.js, which says what a unit is): a chatbot a
// unit, the create routes taken in turn. Uids are the vendor's; names are not unique there, but
// each of ours is. The vendor has no delete: destroy leaves each chatbot.
"use strict";

const CHATBOT = "pulumi-nodejs:dynamic/whats91:Chatbot";

/** Responses of each create route, taken in turn. */
const RESPONSES = [
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

module.exports = {
  unit: {
    counts: { full: 9, small: 2, outage: 1 },
    resources: 1,
    stateTypes: [CHATBOT],
    declare(chatbots, i, { prefix }) {
      new chatbots.whats91.Chatbot(`whats91-${i}`, {
        name: `Soak ${prefix} ${i}`,
        // A keyword of its own: no two chatbots of the soak look alike to the provider's lookups.
        trigger: { type: "contains", keywords: [`soak${prefix}k${i}`] },
        response: RESPONSES[i % RESPONSES.length](i),
      });
    },
    compare(exported, sandbox, { stateResources, differing, check, duplicatedNames, orphans }) {
      const chatbots = sandbox.chatbots();
      const state = stateResources(exported, CHATBOT);
      for (const r of state) {
        const found = chatbots.filter((c) => c.chatbotUid === r.id);
        const o = r.outputs;
        check(
          "whats91.Chatbot",
          r.id,
          found.length,
          found.length === 1
            ? differing([
                ["name", o.name, found[0].name],
                ["trigger.keywords", o.trigger?.keywords, found[0].keywords],
                ["status", o.status ?? "ACTIVE", found[0].status],
                ["response.type", o.response?.type, found[0].response.type],
              ])
            : [],
        );
      }
      duplicatedNames(
        "Whats91 chatbot",
        chatbots.map((c) => c.name),
      );
      orphans(
        "Whats91 chatbot",
        chatbots.map((c) => c.chatbotUid),
        new Set(state.map((r) => r.id)),
      );
    },
    creates: [
      { type: "whats91.Chatbot", create: /^\/api\/v2\/chatbots(\/\w+)?$/, lookup: /^\/api\/v2\/chatbots$/ },
    ],
    cannotDelete: (exported, { stateResources }) => stateResources(exported, CHATBOT).map((r) => r.id),
    leftNote: "Whats91 chatbots",
    leftBehind(sandbox, cannotDelete) {
      const unexpected = [];
      let left = 0;
      for (const c of sandbox.chatbots()) {
        if (cannotDelete.includes(c.chatbotUid)) left += 1;
        else unexpected.push(`Whats91 chatbot ${c.chatbotUid} (not in the state)`);
      }
      return { left, unexpected };
    },
  },
};
