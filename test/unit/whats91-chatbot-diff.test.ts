import * as pulumi from "@pulumi/pulumi";
import { definition, diffSpec } from "../../provider/whats91/chatbot";
import { handlersOf } from "../../provider/core/definition";
import { StateVersionError } from "../../provider/core/errors";
import { newPolicies } from "../../provider/core/policies";

type Props = Record<string, unknown>;

const unknown = pulumi.runtime.unknownValue;

// Inputs after check (defaults filled, `keyword` normalised) and the state a create would have stored.
const inputs = {
  senderId: "919876543210",
  name: "Greeter",
  trigger: { type: "contains", keywords: ["hi", "hello"] },
  priority: 10,
  status: "ACTIVE",
  response: { type: "text", text: "Hello!" },
  replaceLeavesOldActive: false,
};
const state = {
  ...inputs,
  chatbotUid: "cb_6f1e2d3c4b5a",
  botType: "simple",
  phoneNumberId: "pn-1",
  wabaId: "waba-1",
  resolvedSenderId: "919876543210",
  __stateVersion: 1,
  __provider: "old shim text",
};

const FIELDS = ["senderId", "name", "trigger", "priority", "status", "response"];

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };
const IN_PLACE = { changes: true, replaces: [], deleteBeforeReplace: false };
const replacing = (...keys: string[]) => ({ changes: true, replaces: keys, deleteBeforeReplace: false });

let warnings: string[];
const chatbotHandlers = handlersOf(definition, newPolicies({ warn: (m) => void warnings.push(m) }));

const diff = (news: Props, olds: Props = state) =>
  chatbotHandlers.diff(state.chatbotUid, olds, { ...news, __provider: "new shim text" });

beforeEach(() => {
  warnings = [];
});

describe("whats91.Chatbot diff", () => {
  test("the spec: the six fields replace, replaceLeavesOldActive is owned but changes in place", () => {
    expect(diffSpec).toEqual({ keys: [...FIELDS, "replaceLeavesOldActive"], forceNew: FIELDS });
  });

  test("no change: output-only keys, __provider and the state version are not compared; no warning", async () => {
    expect(await diff(inputs)).toEqual(NO_CHANGE);
    expect(warnings).toEqual([]);
  });

  test.each([
    ["senderId", "919800000000"],
    ["senderId", undefined],
    ["name", "Greeter 2"],
    ["name", "greeter"],
    ["trigger", { type: "exact", keywords: ["hi", "hello"] }],
    ["trigger", { type: "contains", keywords: ["hello", "hi"] }],
    ["trigger", { type: "contains", keywords: ["hi"] }],
    ["trigger", { type: "welcome" }],
    ["priority", 11],
    ["priority", 0],
    ["priority", undefined],
    ["status", "INACTIVE"],
    ["response", { type: "text", text: "Hello!!" }],
    [
      "response",
      { type: "media", media: { type: "IMAGE", url: "https://cdn.example.com/a.png" }, text: "Hello!" },
    ],
  ])("%s = %j replaces exactly %s, creating the new chatbot first", async (key, value) => {
    expect(await diff({ ...inputs, [key]: value })).toEqual(replacing(key));
  });

  test("an undefined property inside a field is no property: no change", async () => {
    expect(await diff({ ...inputs, response: { ...inputs.response, footerText: undefined } })).toEqual(
      NO_CHANGE,
    );
  });

  test.each(["senderId", "priority"])("an optional %s declared for the first time replaces", async (key) => {
    const olds: Props = { ...state };
    delete olds[key];
    expect(await diff(inputs, olds)).toEqual(replacing(key));
  });

  test("several fields changed replace them all, in field order", async () => {
    const news = { ...inputs, response: { type: "text", text: "Bye" }, status: "INACTIVE", name: "Other" };
    expect(await diff(news)).toEqual(replacing("name", "status", "response"));
    expect(warnings).toHaveLength(1);
  });

  test("every field changed at once replaces all six", async () => {
    const news = {
      senderId: "14155550100",
      name: "Other",
      trigger: { type: "welcome" },
      priority: 1,
      status: "INACTIVE",
      response: { type: "cta", text: "t", ctaText: "Go", ctaUrl: "https://example.com" },
      replaceLeavesOldActive: true,
    };
    expect(await diff(news)).toEqual(replacing(...FIELDS));
  });

  test.each([true, false])(
    "replaceLeavesOldActive toggled to %s is a change in place (state only), with no warning",
    async (value) => {
      const olds = { ...state, replaceLeavesOldActive: !value };
      expect(await diff({ ...inputs, replaceLeavesOldActive: value }, olds)).toEqual(IN_PLACE);
      expect(warnings).toEqual([]);
    },
  );

  test("a change made with replaceLeavesOldActive true still replaces (the flag lets check through, not diff)", async () => {
    expect(await diff({ ...inputs, name: "Other", replaceLeavesOldActive: true })).toEqual(replacing("name"));
  });

  test.each(FIELDS)("an unknown %s is a change and a replacement", async (key) => {
    expect(await diff({ ...inputs, [key]: unknown })).toEqual(replacing(key));
  });

  test("an unknown inside a field (response.text, a keyword) replaces that field", async () => {
    expect(await diff({ ...inputs, response: { type: "text", text: unknown } })).toEqual(
      replacing("response"),
    );
    expect(await diff({ ...inputs, trigger: { type: "contains", keywords: ["hi", unknown] } })).toEqual(
      replacing("trigger"),
    );
  });

  test("an unknown replaceLeavesOldActive is a change in place", async () => {
    expect(await diff({ ...inputs, replaceLeavesOldActive: unknown })).toEqual(IN_PLACE);
    expect(warnings).toEqual([]);
  });

  test("state refreshed from Whats91 differs only in what Whats91 owns: no change", async () => {
    const refreshed = {
      ...state,
      chatbotUid: "cb_other",
      botType: "advanced",
      phoneNumberId: "pn-9",
      wabaId: "waba-9",
      resolvedSenderId: "14155550100",
      __provider: "shim text of an older release",
    };
    expect(await diff(inputs, refreshed)).toEqual(NO_CHANGE);
  });

  // The diff compares the declared senderId with the declared one only; where the chatbot really
  // lives (resolvedSenderId) is not consulted. Declaring explicitly the very sender a chatbot was
  // created on from configuration is therefore a replacement (check refuses it without consent).
  test("declaring senderId explicitly, equal to the resolved sender it was created on, still replaces", async () => {
    const { senderId: _s, ...configured } = state;
    expect(await diff(inputs, configured)).toEqual(replacing("senderId"));
  });

  test("state without __stateVersion is version 1 and is read as such", async () => {
    const { __stateVersion: _v, ...unversioned } = state;
    expect(await diff(inputs, unversioned)).toEqual(NO_CHANGE);
    expect(await diff({ ...inputs, name: "Other" }, unversioned)).toEqual(replacing("name"));
  });

  test("state of a newer release is refused, naming both versions", async () => {
    await expect(diff(inputs, { ...state, __stateVersion: 2 })).rejects.toThrow(StateVersionError);
    await expect(diff(inputs, { ...state, __stateVersion: 2 })).rejects.toThrow(
      /this whats91\.Chatbot was written by a newer pulumi-chatbots \(state version 2\); the installed pulumi-chatbots \S+ reads state up to version 1/,
    );
    expect(warnings).toEqual([]);
  });
});

describe("whats91.Chatbot diff: the replacement warning", () => {
  test("a replacement warns once, naming the chatbotUid and the old name, and that it stays ACTIVE", async () => {
    await diff({ ...inputs, name: "Greeter 2" });
    expect(warnings).toEqual([
      'pulumi-chatbots: replacing Whats91 chatbot cb_6f1e2d3c4b5a ("Greeter") creates a new chatbot; ' +
        "Whats91 cannot delete the old one, which stays ACTIVE on Whats91, answering the same messages as " +
        "the new one. Deactivate it in the Whats91 dashboard (Chatbots)",
    ]);
  });

  test.each(FIELDS)("changing %s warns, naming the chatbotUid and the old name", async (key) => {
    const changed: Props = {
      senderId: "14155550100",
      name: "Other",
      trigger: { type: "welcome" },
      priority: 1,
      status: "INACTIVE",
      response: { type: "text", text: "Bye" },
    };
    await diff({ ...inputs, [key]: changed[key] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(state.chatbotUid);
    expect(warnings[0]).toContain('("Greeter")');
    expect(warnings[0]).toContain("stays ACTIVE");
  });

  test("an unknown field (a possible replacement) warns too", async () => {
    await diff({ ...inputs, response: unknown });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(state.chatbotUid);
  });

  test("the old chatbot INACTIVE: it is said to stay on Whats91 (INACTIVE), not ACTIVE", async () => {
    await diff({ ...inputs, status: "INACTIVE", name: "Other" }, { ...state, status: "INACTIVE" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("stays on Whats91 (INACTIVE)");
    expect(warnings[0]).not.toContain("stays ACTIVE");
    expect(warnings[0]).toContain('("Greeter")');
  });

  test("the warning names the OLD chatbot only: no new value appears in it", async () => {
    const marker = "zq7Secret";
    await diff({
      ...inputs,
      senderId: "14155550199",
      name: `New ${marker}`,
      trigger: { type: "exact", keywords: [marker] },
      response: { type: "text", text: marker },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(marker);
    expect(warnings[0]).not.toContain("14155550199");
  });

  test.each([
    ["nothing changed", inputs],
    ["replaceLeavesOldActive toggled", { ...inputs, replaceLeavesOldActive: true }],
    ["only output-only keys differ", { ...inputs, chatbotUid: "cb_other" }],
  ])("no warning when nothing is replaced: %s", async (_what, news) => {
    expect((await diff(news)).replaces).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
