/**
 * deadsimplechat.Bot's definition: compile-time, its hand-written args interface and class match
 * the field table (a field misspelt, missing, or required in one place only fails `tsc`); at run
 * time, what the table implies for the class and the request body.
 */
import type { ArgsMatch, Assert, ClassMatch } from "../../provider/core/definition";
import { schemaOf, typeKey, vendorBody } from "../../provider/core/definition";
import * as bot from "../../provider/deadsimplechat/bot";

export type Checked = [
  Assert<ArgsMatch<bot.BotArgs, typeof bot.definition>>,
  Assert<ClassMatch<bot.Bot, typeof bot.definition>>,
];

describe("deadsimplechat.Bot definition", () => {
  test("the type token and the outputs a Bot declares, inputs first, adopt among them", () => {
    expect(typeKey(bot.definition)).toBe("deadsimplechat:Bot");
    expect(schemaOf(bot.definition).outputNames).toEqual([
      "name",
      "description",
      "trigger",
      "messageVisibility",
      "isAllowedInAllChatRooms",
      "messageHistoryLimit",
      "webhookUrl",
      "metadata",
      "enabled",
      "adopt",
      "botId",
      "customer",
      "created",
    ]);
    expect(schemaOf(bot.definition).secretOutputs).toEqual([]);
  });

  test("every field is updated in place; adopt is never sent, webhookUrl goes as webhookURL", () => {
    const { diffSpec, updatable } = schemaOf(bot.definition);
    expect(diffSpec.forceNew).toEqual([]);
    expect(updatable).not.toContain("adopt");
    const body = vendorBody(bot.definition.fields, {
      name: "Helper",
      webhookUrl: "https://example.com/hook",
      adopt: true,
    });
    expect(body).toEqual({ name: "Helper", webhookURL: "https://example.com/hook" });
  });
});
