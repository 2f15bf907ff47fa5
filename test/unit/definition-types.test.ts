/**
 * Compile-time: sendbird.Bot's and deadsimplechat.BotChatRoom's hand-written args interfaces and
 * classes match their definitions (each other resource's test file checks its own), so a field
 * misspelt, missing, or required in one place and not the other fails `tsc` (npm run typecheck,
 * part of the suite); the @ts-expect-error lines show that the checks bite. At run time: the one
 * list of resources drives the handlers, and matches the shims.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { typeKey, type ArgsMatch, type Assert, type ClassMatch } from "../../provider/core/definition";
import { definitionOf, resourceArgs } from "../../provider/core/resource";
import { handlersFor } from "../../provider/handlers";
import { RESOURCES } from "../../provider/resources";
import * as sendbirdBot from "../../provider/sendbird/bot";
import * as botChatRoom from "../../provider/deadsimplechat/botChatRoom";

export type Checked = [
  Assert<ArgsMatch<sendbirdBot.BotArgs, typeof sendbirdBot.definition>>,
  Assert<ClassMatch<sendbirdBot.Bot, typeof sendbirdBot.definition>>,
  Assert<ArgsMatch<botChatRoom.BotChatRoomArgs, typeof botChatRoom.definition>>,
  Assert<ClassMatch<botChatRoom.BotChatRoom, typeof botChatRoom.definition>>,
];

type Misspelt = Omit<sendbirdBot.BotArgs, "botNickname"> & { botNickName: pulumi.Input<string> };
type NotRequired = Omit<sendbirdBot.BotArgs, "botType"> & { botType?: pulumi.Input<string> };
type WrongType = Omit<sendbirdBot.BotArgs, "showMember"> & { showMember?: pulumi.Input<string> };
type MissingOutput = Omit<sendbirdBot.Bot, "botToken">;

export type Refused = [
  // @ts-expect-error a misspelt field
  Assert<ArgsMatch<Misspelt, typeof sendbirdBot.definition>>,
  // @ts-expect-error a required field made optional
  Assert<ArgsMatch<NotRequired, typeof sendbirdBot.definition>>,
  // @ts-expect-error a field whose args type does not accept the codec's values
  Assert<ArgsMatch<WrongType, typeof sendbirdBot.definition>>,
  // @ts-expect-error an output the class does not declare
  Assert<ClassMatch<MissingOutput, typeof sendbirdBot.definition>>,
];

/** `get` from the core's base class returns the resource's own class, with its outputs (never called). */
export function gotIsTheClass(): pulumi.Output<string> {
  const bot: sendbirdBot.Bot = sendbirdBot.Bot.get("helper", "helper-id");
  return bot.botUserid;
}

test("the checks above are types: this file passing tsc is the test", () => {
  const defined = [sendbirdBot.definition, botChatRoom.definition].map((d) => `${d.module}:${d.name}`);
  expect(defined).toEqual(["sendbird:Bot", "deadsimplechat:BotChatRoom"]);
});

describe("the one list of resources (provider/resources.ts)", () => {
  const kebab = (name: string) =>
    name.replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? "" : "-"}${c.toLowerCase()}`);

  test("every resource has its shim, whose file path (stored in state) is made from its type", () => {
    const shims = fs.readdirSync(path.join(__dirname, "../../provider/shims")).sort();
    const expected = RESOURCES.map((def) => `${def.module}-${kebab(def.name)}.ts`).sort();
    expect(shims).toEqual(expected);
    for (const def of RESOURCES) {
      const shim = fs.readFileSync(
        path.join(__dirname, `../../provider/shims/${def.module}-${kebab(def.name)}.ts`),
        "utf8",
      );
      expect(shim).toContain(`export = dynamicProvider("${typeKey(def)}");`);
    }
  });

  test("is read from the package's exports: every exported resource class, in export order", () => {
    expect(RESOURCES.map(typeKey)).toEqual([
      "sendbird:Bot",
      "deadsimplechat:Bot",
      "deadsimplechat:BotChatRoom",
      "whats91:Chatbot",
      "lineworks:Bot",
      "lineworks:BotDomain",
    ]);
    expect(definitionOf(sendbirdBot.Bot)).toBe(sendbirdBot.definition);
    expect(definitionOf(class extends sendbirdBot.Bot {})).toBe(sendbirdBot.definition);
    expect(definitionOf(Object)).toBeUndefined();
  });

  test("the outputs besides the inputs, by type: public surface that programs and stacks read", () => {
    expect(Object.fromEntries(RESOURCES.map((def) => [typeKey(def), Object.keys(def.outputs)]))).toEqual({
      "sendbird:Bot": ["botToken", "botMetadata", "createdAt"],
      "deadsimplechat:Bot": ["botId", "customer", "created"],
      "deadsimplechat:BotChatRoom": [],
      "whats91:Chatbot": ["chatbotUid", "botType", "phoneNumberId", "wabaId", "resolvedSenderId"],
      "lineworks:Bot": ["botId", "createdTime", "modifiedTime"],
      "lineworks:BotDomain": [],
    });
  });

  test("every input and output has its doc line: one sentence (the schema a native provider serves shows it)", () => {
    const sentence = /^\S(.*\S)?\.$/;
    for (const def of RESOURCES) {
      const docs = [...Object.entries(def.fields), ...Object.entries(def.outputs ?? {})].map(
        ([name, d]) => [`${typeKey(def)} ${name}`, (d as { doc: string }).doc] as const,
      );
      for (const [name, doc] of docs) {
        expect([name, sentence.test(doc) && doc.split(" ").length >= 2]).toEqual([name, true]);
      }
    }
  });

  test("the handlers are found by type, each type once; an unknown type says to upgrade", () => {
    const keys = RESOURCES.map(typeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(typeof handlersFor(key).create).toBe("function");
    expect(() => handlersFor("sendbird:Channel")).toThrow(
      'pulumi-chatbots: no handlers for resource type "sendbird:Channel"; upgrade the package',
    );
  });
});

describe("what a resource class hands pulumi.dynamic.Resource (core/resource.ts resourceArgs)", () => {
  const provider = { create: async () => ({ id: "x" }) };

  test("the type from the definition, a slot for every output, then the args", () => {
    const [shim, name, props, , module, type] = resourceArgs(
      botChatRoom.definition,
      provider,
      "room",
      { botId: "b" },
      undefined,
    );
    expect([shim, name, module, type]).toEqual([provider, "room", "deadsimplechat", "BotChatRoom"]);
    expect(props).toEqual({ botId: "b", roomId: undefined });
    expect(Object.keys(props)).toEqual(["botId", "roomId"]);
  });

  test("secret outputs are marked; where none is secret the options pass as given", () => {
    const opts = { protect: true, additionalSecretOutputs: ["botNickname"] };
    const [, , , merged] = resourceArgs(sendbirdBot.definition, provider, "bot", {}, opts);
    expect(merged?.additionalSecretOutputs).toEqual(["botNickname", "botToken"]);
    expect(merged?.protect).toBe(true);
    const given = { protect: true };
    expect(resourceArgs(botChatRoom.definition, provider, "room", {}, given)[3]).toBe(given);
  });
});
