/**
 * deadsimplechat.BotChatRoom: a bot enabled in one chat room. DeadSimpleChat can enable and disable
 * a bot per room but cannot say where a bot is enabled, so `read` sees only whether the bot still
 * exists (a bot deleted outside Pulumi takes its rooms with it); the assignment itself is kept as
 * in state.
 */
import * as pulumi from "@pulumi/pulumi";
import { pathId } from "../core/codec";
import { checkInputs, InputSchema } from "../core/check";
import type { Props } from "../core/contract";
import { diffOwned, DiffSpec } from "../core/diff";
import { forTheHost } from "../core/host";
import { warn } from "../core/log";
import { migrateState, StateSchema } from "../core/state";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/deadsimplechat-bot-chat-room");
import { deadSimpleChatApi } from "./api";
import { outputSlots } from "../core/resource";

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

const STATE: StateSchema = { resource: "deadsimplechat.BotChatRoom", version: 1 };
const FIELDS = ["botId", "roomId"] as const;

export const inputSchema: InputSchema = {
  botId: { codec: pathId(100), required: true },
  roomId: { codec: pathId(100), required: true },
};

export const diffSpec: DiffSpec = { keys: FIELDS, forceNew: FIELDS };

const idOf = (botId: unknown, roomId: unknown) => `${String(botId)}/${String(roomId)}`;

function outputs(props: Props): Props {
  return { botId: props.botId, roomId: props.roomId, __stateVersion: STATE.version };
}

const migrate = (props: Props) => migrateState(STATE, props);

export const botChatRoomHandlers: ResourceHandlers = forTheHost({
  async check(_olds, news) {
    return checkInputs(inputSchema, news);
  },

  async diff(_id, olds, news) {
    return diffOwned(diffSpec, migrate(olds), news);
  },

  async create(inputs) {
    const api = deadSimpleChatApi();
    return api.redacting(async () => {
      await api.enableInRoom(String(inputs.botId), String(inputs.roomId));
      return { id: idOf(inputs.botId, inputs.roomId), outs: outputs(inputs) };
    });
  },

  async read(id, props) {
    const api = deadSimpleChatApi();
    return api.redacting(async () => {
      const previous = migrate(props);
      // With no state (`get`), the id says which bot and room.
      const [botId, roomId] =
        previous.botId === undefined ? splitId(id) : [String(previous.botId), String(previous.roomId)];
      if (!(await api.findBot(botId))) return {};
      const outs = outputs({ botId, roomId });
      return { id, props: outs, inputs: { botId, roomId } };
    });
  },

  // Both inputs force a replacement, so there is nothing to update in place.
  async update(_id, olds) {
    const { __provider: _engineOwned, ...outs } = migrate(olds);
    return { outs };
  },

  async delete(_id, olds) {
    const props = migrate(olds); // refuses state from a newer release, as every handler does
    const api = deadSimpleChatApi();
    const [botId, roomId] = [String(props.botId), String(props.roomId)];
    // A bot that no longer exists is enabled nowhere: nothing left to do.
    const outcome = await api.redacting(() => api.disableInRoom(botId, roomId));
    if (outcome === "room gone") {
      await warn(
        `DeadSimpleChat no longer has chat room "${roomId}", or no longer lets this key change it ` +
          `("not found, or you do not have permission"): bot ${botId} was not disabled there, and the ` +
          "assignment was removed from the stack. If the room still exists, disable the bot in it in the dashboard",
      );
    }
  },
});

function splitId(id: string): [string, string] {
  const slash = id.indexOf("/");
  return slash < 0 ? [id, ""] : [id.slice(0, slash), id.slice(slash + 1)];
}

/**
 * A DeadSimpleChat bot enabled in one chat room. Id: `<botId>/<roomId>`. Delete disables the bot in
 * that room. DeadSimpleChat cannot list the rooms a bot is enabled in, so refresh sees only whether
 * the bot still exists.
 */
export class BotChatRoom extends pulumi.dynamic.Resource {
  /** The bot's id. */
  declare public readonly botId: pulumi.Output<string>;
  /** The chat room's id. */
  declare public readonly roomId: pulumi.Output<string>;

  constructor(name: string, args: BotChatRoomArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, outputSlots(FIELDS, args), opts, "deadsimplechat", "BotChatRoom");
  }

  /** Reads an existing assignment by its id `<botId>/<roomId>`. */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): BotChatRoom {
    return new BotChatRoom(name, {} as BotChatRoomArgs, { ...opts, id });
  }
}
