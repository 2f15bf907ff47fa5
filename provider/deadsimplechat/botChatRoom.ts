/**
 * deadsimplechat.BotChatRoom: a bot enabled in one chat room. DeadSimpleChat can enable and disable
 * a bot per room but cannot say where a bot is enabled, so `read` sees only whether the bot still
 * exists (a bot deleted outside Pulumi takes its rooms with it); the assignment itself is kept as
 * in state.
 */
import * as pulumi from "@pulumi/pulumi";
import { pathId } from "../core/codec";
import { defineResource, fieldTable, handlersOf } from "../core/definition";
import { InputError } from "../core/errors";
import { warn } from "../core/log";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/deadsimplechat-bot-chat-room");
import { deadSimpleChatApi } from "./api";
import { definedResource } from "../core/resource";

/** The inputs of a {@link BotChatRoom}: which bot, in which room. Both force a replacement. */
export interface BotChatRoomArgs {
  /**
   * The bot, typically `bot.botId` of a deadsimplechat.Bot: 1 to 100 characters, no control
   * characters. Changing it replaces the resource.
   */
  botId: pulumi.Input<string>;
  /**
   * The chat room's id (e.g. "x8z343Tlt"): 1 to 100 characters, no control characters. Changing it
   * replaces the resource.
   */
  roomId: pulumi.Input<string>;
}

/** Both inputs force a replacement: DeadSimpleChat can only enable and disable a bot in a room. */
const fields = fieldTable({
  botId: { codec: pathId(100), required: true, replaces: true, doc: "The bot, typically `bot.botId`." },
  roomId: { codec: pathId(100), required: true, replaces: true, doc: "The chat room's id." },
});

export const definition = defineResource({
  module: "deadsimplechat",
  name: "BotChatRoom",
  stateVersion: 1,
  fields,
  outputs: {},
  api: deadSimpleChatApi,

  async create(api, { botId, roomId }) {
    await api.enableInRoom(botId, roomId);
    return { id: idOf(botId, roomId), outs: { botId, roomId } };
  },

  async read(api, id, previous) {
    // With no state (`get`), the id says which bot and room.
    // Stryker disable next-line ConditionalExpression: the id says the same while bot ids hold no "/" (DeadSimpleChat's never do)
    const [botId, roomId] =
      previous.botId === undefined ? splitId(id) : [String(previous.botId), String(previous.roomId)];
    if (!(await api.findBot(botId))) return undefined;
    return { botId, roomId };
  },

  // No update hook: both inputs force a replacement, so there is nothing to update in place.

  async delete(api, _id, previous) {
    const [botId, roomId] = [String(previous.botId), String(previous.roomId)];
    // A bot that no longer exists is enabled nowhere: nothing left to do.
    const outcome = await api.disableInRoom(botId, roomId);
    if (outcome === "room gone") {
      await warn(
        `DeadSimpleChat no longer has chat room "${roomId}", or no longer lets this key change it ` +
          `("not found, or you do not have permission"): bot ${botId} was not disabled there, and the ` +
          "assignment was removed from the stack. If the room still exists, disable the bot in it in the dashboard",
      );
    }
  },
});

const idOf = (botId: string, roomId: string) => `${botId}/${roomId}`;

/** The bot and room of an id `<botId>/<roomId>` (`get` passes one), split at its first "/". */
function splitId(id: string): [string, string] {
  const slash = id.indexOf("/");
  if (slash <= 0 || slash === id.length - 1) {
    throw new InputError('a deadsimplechat.BotChatRoom id is "<botId>/<roomId>"');
  }
  return [id.slice(0, slash), id.slice(slash + 1)];
}

export const botChatRoomHandlers: ResourceHandlers = handlersOf(definition);

/**
 * A DeadSimpleChat bot enabled in one chat room. Id: `<botId>/<roomId>`. Delete disables the bot in
 * that room. DeadSimpleChat cannot list the rooms a bot is enabled in, so refresh sees only whether
 * the bot still exists.
 *
 * `BotChatRoom.get(name, id)`: reads an existing assignment by its id `<botId>/<roomId>`.
 */
export class BotChatRoom extends definedResource<BotChatRoomArgs, BotChatRoom>(definition, provider) {
  /** The bot's id. */
  declare public readonly botId: pulumi.Output<string>;
  /** The chat room's id. */
  declare public readonly roomId: pulumi.Output<string>;
}
