/**
 * whats91.Chatbot as a definition (core/definition.ts): what its conversion had to keep. Whats91
 * has no delete API, so the definition has a `forget` hook, which runs without a client: a destroy
 * still needs no settings, while the other hooks make the client first thing and their errors are
 * still redacted. The type checks below fail `tsc` if the args interface or the class drift from
 * the field table.
 */
import { randomBytes } from "node:crypto";
import { handlersOf, type ArgsMatch, type Assert, type ClassMatch } from "../../provider/core/definition";
import { ConfigurationError } from "../../provider/core/errors";
import { newPolicies } from "../../provider/core/policies";
import { Whats91Api } from "../../provider/whats91/api";
import * as chatbot from "../../provider/whats91/chatbot";

export type Checked = [
  Assert<ArgsMatch<chatbot.ChatbotArgs, typeof chatbot.definition>>,
  Assert<ClassMatch<chatbot.Chatbot, typeof chatbot.definition>>,
];

const ENV = ["WHATS91_API_TOKEN", "WHATS91_API_URL", "WHATS91_SENDER_ID"];

const state = {
  senderId: "919876543210",
  name: "Greeter",
  trigger: { type: "contains", keywords: ["hi"] },
  status: "ACTIVE",
  response: { type: "text", text: "Hello!" },
  replaceLeavesOldActive: false,
  chatbotUid: "cb_6f1e2d3c4b5a",
  botType: "simple",
  phoneNumberId: "pn-1",
  wabaId: "waba-1",
  resolvedSenderId: "919876543210",
  __stateVersion: 1,
};

let warnings: string[];
const chatbotHandlers = handlersOf(chatbot.definition, newPolicies({ warn: (m) => void warnings.push(m) }));
beforeEach(() => {
  for (const name of ENV) delete process.env[name];
  warnings = [];
});
afterEach(() => {
  for (const name of ENV) delete process.env[name];
  jest.restoreAllMocks();
});

describe("whats91.Chatbot's client: none to forget a chatbot, made first for the rest", () => {
  test("delete needs no settings: it only warns, as it always did", async () => {
    await expect(chatbotHandlers.delete(state.chatbotUid, state)).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `pulumi-chatbots: Whats91 has no API to delete a chatbot: Whats91 chatbot ${state.chatbotUid} ("Greeter") was ` +
        "removed from the stack only and is still ACTIVE on sender 919876543210. " +
        "Deactivate or delete it in the Whats91 dashboard (Chatbots)",
    ]);
  });

  test("update without the token fails on the setting, even with nothing to fetch", async () => {
    const err: unknown = await chatbotHandlers
      .update(state.chatbotUid, state, { ...state, replaceLeavesOldActive: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toContain("whats91:apiToken is not set");
  });

  test("an error once the client is made is redacted by it", async () => {
    const token = `T${randomBytes(12).toString("hex")}`;
    process.env.WHATS91_API_TOKEN = token;
    jest.spyOn(Whats91Api.prototype, "get").mockRejectedValue(new Error(`the vendor echoed ${token}`));
    const err: unknown = await chatbotHandlers.read(state.chatbotUid, state).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("the vendor echoed");
    expect((err as Error).message).not.toContain(token);
    expect(String((err as Error).stack)).not.toContain(token);
  });
});
