import * as pulumi from "@pulumi/pulumi";
import { botHandlers } from "../../provider/deadsimplechat/bot";
import { botChatRoomHandlers } from "../../provider/deadsimplechat/botChatRoom";
import { StateVersionError } from "../../provider/core/errors";

const unknown = pulumi.runtime.unknownValue;

// Inputs after check (defaults filled, metadata canonical) and the state a create would have stored.
const inputs = {
  name: "Helper",
  description: "Answers questions",
  trigger: "mention",
  messageVisibility: "private",
  isAllowedInAllChatRooms: false,
  messageHistoryLimit: 20,
  webhookUrl: "https://example.com/hook",
  metadata: '{"team":"support","tier":{"level":3,"sla":"24h"}}',
  enabled: true,
  adopt: false,
};
const state = {
  ...inputs,
  botId: "65f0c0ffee0123456789abcd",
  customer: "65aa00000000000000000001",
  created: "2024-03-12T10:00:00.000Z",
  __stateVersion: 1,
  __provider: "old shim text",
};

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };
const IN_PLACE = { changes: true, replaces: [], deleteBeforeReplace: false };

const diff = (news: Record<string, unknown>, olds: Record<string, unknown> = state) =>
  botHandlers.diff(state.botId, olds, { ...news, __provider: "new shim text" });

describe("deadsimplechat.Bot diff", () => {
  test("no change: output-only keys, __provider and the state version are not compared", async () => {
    expect(await diff(inputs)).toEqual(NO_CHANGE);
  });

  test.each([
    ["name", "Helper 2"],
    ["name", "helper"],
    ["description", "Answers more questions"],
    ["description", ""],
    ["trigger", "message"],
    ["messageVisibility", "public"],
    ["isAllowedInAllChatRooms", true],
    ["messageHistoryLimit", 0],
    ["webhookUrl", "https://example.com/other"],
    ["metadata", '{"team":"sales","tier":{"level":3,"sla":"24h"}}'],
    ["metadata", '{"team":"support"}'],
    ["enabled", false],
  ])("%s = %j changes in place: nothing forces a replacement of a Bot", async (key, value) => {
    expect(await diff({ ...inputs, [key]: value })).toEqual(IN_PLACE);
  });

  test("every field changed at once, a rename included, is still an update in place", async () => {
    const news = {
      name: "Other",
      description: "x",
      trigger: "message",
      messageVisibility: "public",
      isAllowedInAllChatRooms: true,
      messageHistoryLimit: 1,
      webhookUrl: "https://example.org/x",
      metadata: "{}",
      enabled: false,
      adopt: true,
    };
    expect(await diff(news)).toEqual(IN_PLACE);
  });

  test.each(["description", "trigger", "messageVisibility", "messageHistoryLimit", "metadata"])(
    "an optional %s no longer declared is a change (the state forgets it), not a replacement",
    async (key) => {
      const news: Record<string, unknown> = { ...inputs };
      delete news[key];
      expect(await diff(news)).toEqual(IN_PLACE);
    },
  );

  test.each(["description", "trigger", "messageHistoryLimit", "metadata"])(
    "an optional %s declared for the first time is a change",
    async (key) => {
      const olds: Record<string, unknown> = { ...state };
      delete olds[key];
      expect(await diff(inputs, olds)).toEqual(IN_PLACE);
    },
  );

  test.each([
    ['{"tier":{"sla":"24h","level":3},"team":"support"}'],
    ['{ "team" : "support",\n  "tier" : { "sla" : "24h", "level" : 3 } }'],
    ['\n\t{"tier": {"level": 3, "sla": "24h"}, "team": "support"}  '],
  ])("metadata stored as %j (other key order or spacing) is the same document: no change", async (stored) => {
    expect(await diff(inputs, { ...state, metadata: stored })).toEqual(NO_CHANGE);
  });

  test("metadata declared neither before nor now is no change", async () => {
    const { metadata: _m, ...news } = inputs;
    const { metadata: _s, ...olds } = state;
    expect(await diff(news, olds)).toEqual(NO_CHANGE);
  });

  test("metadata that differs only in an array's order is a change (arrays are ordered)", async () => {
    const olds = { ...state, metadata: '{"tags":["a","b"]}' };
    expect(await diff({ ...inputs, metadata: '{"tags":["b","a"]}' }, olds)).toEqual(IN_PLACE);
  });

  test("metadata stored as text that is not JSON differs from any declared document", async () => {
    expect(await diff(inputs, { ...state, metadata: "not json" })).toEqual(IN_PLACE);
  });

  test("adopt is never sent, but changing it is an update, so the output never goes stale", async () => {
    expect(await diff({ ...inputs, adopt: true })).toEqual(IN_PLACE);
    expect(await diff(inputs, { ...state, adopt: true })).toEqual(IN_PLACE);
  });

  test.each([...Object.keys(inputs)])("an unknown %s is a change in place", async (key) => {
    expect(await diff({ ...inputs, [key]: unknown })).toEqual(IN_PLACE);
  });

  test("a metadata object holding an unknown is a change", async () => {
    expect(await diff({ ...inputs, metadata: { team: unknown } })).toEqual(IN_PLACE);
  });

  test("state refreshed from DeadSimpleChat differs only in what DeadSimpleChat owns: no change", async () => {
    const refreshed = {
      ...inputs,
      botId: "ffffffffffffffffffffffff",
      customer: "another customer",
      created: "2025-01-01T00:00:00.000Z",
      __provider: "shim text of an older release",
    };
    expect(await diff(inputs, refreshed)).toEqual(NO_CHANGE);
  });

  test("state without __stateVersion is version 1 and is read as such", async () => {
    const { __stateVersion: _v, ...unversioned } = state;
    expect(await diff(inputs, unversioned)).toEqual(NO_CHANGE);
    expect(await diff({ ...inputs, enabled: false }, unversioned)).toEqual(IN_PLACE);
  });

  test("state of a newer release is refused, naming both versions", async () => {
    const newer = diff(inputs, { ...state, __stateVersion: 2 });
    await expect(newer).rejects.toThrow(StateVersionError);
    await expect(diff(inputs, { ...state, __stateVersion: 2 })).rejects.toThrow(
      /this deadsimplechat\.Bot was written by a newer pulumi-chatbots \(state version 2\); the installed pulumi-chatbots \S+ reads state up to version 1/,
    );
  });
});

describe("deadsimplechat.BotChatRoom diff", () => {
  const room = { botId: "65f0c0ffee0123456789abcd", roomId: "x8z343Tlt" };
  const roomState = { ...room, __stateVersion: 1, __provider: "old shim text" };
  const id = `${room.botId}/${room.roomId}`;
  const diffRoom = (news: Record<string, unknown>, olds: Record<string, unknown> = roomState) =>
    botChatRoomHandlers.diff(id, olds, { ...news, __provider: "new shim text" });

  test("identical inputs: no change", async () => {
    expect(await diffRoom(room)).toEqual(NO_CHANGE);
  });

  test("state without __stateVersion: no change", async () => {
    expect(await diffRoom(room, room)).toEqual(NO_CHANGE);
  });

  test.each([
    [{ botId: "75f0c0ffee0123456789abcd" }, ["botId"]],
    [{ roomId: "y9z343Tlt" }, ["roomId"]],
    [{ roomId: "X8Z343TLT" }, ["roomId"]],
    [{ botId: "75f0c0ffee0123456789abcd", roomId: "y9z343Tlt" }, ["botId", "roomId"]],
  ])("%j replaces %j, creating the new assignment first", async (change, replaces) => {
    expect(await diffRoom({ ...room, ...change })).toEqual({
      changes: true,
      replaces,
      deleteBeforeReplace: false,
    });
  });

  test("an unknown botId (its Bot being created) is a replacement", async () => {
    expect(await diffRoom({ ...room, botId: unknown })).toEqual({
      changes: true,
      replaces: ["botId"],
      deleteBeforeReplace: false,
    });
  });

  test("an unknown roomId is a replacement", async () => {
    expect(await diffRoom({ ...room, roomId: unknown })).toEqual({
      changes: true,
      replaces: ["roomId"],
      deleteBeforeReplace: false,
    });
  });

  test("state of a newer release is refused", async () => {
    await expect(diffRoom(room, { ...roomState, __stateVersion: 2 })).rejects.toThrow(StateVersionError);
    await expect(diffRoom(room, { ...roomState, __stateVersion: 2 })).rejects.toThrow(
      /deadsimplechat\.BotChatRoom was written by a newer pulumi-chatbots \(state version 2\)/,
    );
  });
});
