/**
 * sendbird.Bot: the resource class programs use, and the handlers the shim runs in the provider
 * process. Inputs are the documented create/update fields in camelCase.
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { boundedString, httpUrl, oneOf } from "../core/codec";
import { checkInputs, InputSchema } from "../core/check";
import { changedKeys, diffOwned, DiffSpec } from "../core/diff";
import { AmbiguousRequestError, InputError } from "../core/errors";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/sendbird-bot");
import { BotCreateBody, BotResource, BotUpdateBody, isAlreadyExists, SendbirdApi, sendbirdApi } from "./api";

export interface BotArgs {
  /** Unique ID of the bot, at most 80 characters. Changing it replaces the bot. */
  botUserid: pulumi.Input<string>;
  /** At most 80 characters. */
  botNickname: pulumi.Input<string>;
  /** URL of the profile image, at most 2,048 characters (may be empty). */
  botProfileUrl: pulumi.Input<string>;
  /** Free-form category, at most 128 characters. Sendbird cannot change it: a change replaces the bot. */
  botType: pulumi.Input<string>;
  /** Where Sendbird POSTs the messages the bot receives; at most 1,024 characters (https recommended). */
  botCallbackUrl: pulumi.Input<string>;
  /** true: only messages starting with "/" or mentioning the bot are forwarded. */
  isPrivacyMode: pulumi.Input<boolean>;
  /** Default true. */
  enableMarkAsRead?: pulumi.Input<boolean>;
  /** Include channel members in callbacks. Default false. */
  showMember?: pulumi.Input<boolean>;
  /** 0: join channels automatically when invited; 1: invitations must be accepted. Default 0. */
  channelInvitationPreference?: pulumi.Input<0 | 1>;
  /**
   * Take over a bot that already exists with this botUserid (and bring it to the declared state)
   * instead of failing. The stand-in for `pulumi import`, which dynamic resources lack.
   */
  adopt?: pulumi.Input<boolean>;
}

/** Version of the state this code writes (key `__stateVersion`); `migrate` reads any earlier one. */
const STATE_VERSION = 1;

/** Inputs and the API field each one maps to; the identity fields are nested under `bot` in responses. */
const FIELDS = {
  botUserid: { api: "bot_userid", nested: true },
  botNickname: { api: "bot_nickname", nested: true },
  botProfileUrl: { api: "bot_profile_url", nested: true },
  botType: { api: "bot_type", nested: true },
  botCallbackUrl: { api: "bot_callback_url", nested: false },
  isPrivacyMode: { api: "is_privacy_mode", nested: false },
  enableMarkAsRead: { api: "enable_mark_as_read", nested: false },
  showMember: { api: "show_member", nested: false },
  channelInvitationPreference: { api: "channel_invitation_preference", nested: false },
} as const;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];
/** Sendbird cannot change these in place (the update body omits them). */
const FORCE_NEW: Field[] = ["botUserid", "botType"];
const UPDATABLE = FIELD_NAMES.filter((f) => !FORCE_NEW.includes(f));

const OUTPUT_ONLY = ["botToken", "botMetadata", "createdAt"] as const;

export const inputSchema: InputSchema = {
  botUserid: { codec: boundedString(80, { min: 1, nonBlank: true }), required: true },
  botNickname: { codec: boundedString(80, { min: 1, nonBlank: true }), required: true },
  botProfileUrl: { codec: httpUrl(2048, { allowEmpty: true }), required: true },
  botType: { codec: boundedString(128, { min: 1, nonBlank: true }), required: true },
  botCallbackUrl: { codec: httpUrl(1024), required: true },
  isPrivacyMode: { codec: t.boolean, required: true },
  enableMarkAsRead: { codec: t.boolean, default: true },
  showMember: { codec: t.boolean, default: false },
  channelInvitationPreference: { codec: oneOf([0, 1]), default: 0 },
  adopt: { codec: t.boolean, default: false },
};

export const diffSpec: DiffSpec = { keys: FIELD_NAMES, forceNew: FORCE_NEW, uniqueKey: "botUserid" };

type Props = Record<string, unknown>;

function createBody(inputs: Props): BotCreateBody {
  const body: Record<string, unknown> = {};
  for (const f of FIELD_NAMES) body[FIELDS[f].api] = inputs[f];
  return body as unknown as BotCreateBody;
}

function updateBody(fields: Field[], inputs: Props): BotUpdateBody {
  const body: Record<string, unknown> = {};
  for (const f of fields) body[FIELDS[f].api] = inputs[f];
  return body as BotUpdateBody;
}

function apiValue(resource: BotResource, f: Field): unknown {
  const source: Record<string, unknown> = FIELDS[f].nested ? resource.bot : resource;
  return source[FIELDS[f].api];
}

/**
 * Outputs from what Sendbird returned. A field the response lacks keeps its previous value, and
 * `adopt` (never sent to Sendbird) comes from the inputs.
 */
function toOutputs(resource: BotResource, previous: Props): Props {
  const outs: Props = {};
  for (const f of FIELD_NAMES) outs[f] = apiValue(resource, f) ?? previous[f];
  outs.adopt = previous.adopt ?? false;
  outs.botToken = resource.bot.bot_token ?? previous.botToken;
  outs.botMetadata = resource.bot.bot_metadata ?? previous.botMetadata ?? {};
  const createdAt = resource.created_at ?? previous.createdAt;
  if (createdAt !== undefined) outs.createdAt = createdAt;
  outs.__stateVersion = STATE_VERSION;
  return outs;
}

/** The inputs a read implies: what a program declaring this bot as it is now would pass. */
function inputsOf(outs: Props): Props {
  const inputs: Props = { adopt: outs.adopt ?? false };
  for (const f of FIELD_NAMES) inputs[f] = outs[f];
  return inputs;
}

/** Brings state written by any earlier release to the current shape. Version 1 is the first. */
function migrate(props: Props): Props {
  return { ...props, __stateVersion: STATE_VERSION };
}

/** The fields whose value in Sendbird's answer differs from the declared inputs. */
function differingFields(resource: BotResource, inputs: Props, fields: readonly Field[]): Field[] {
  return fields.filter((f) => apiValue(resource, f) !== undefined && apiValue(resource, f) !== inputs[f]);
}

/**
 * PUTs `fields` as declared. The docs do not say whether PUT keeps the fields its body omits; if
 * Sendbird's answer shows any reset, the whole declared state is sent, which is right either way.
 */
async function putDeclared(
  api: SendbirdApi,
  id: string,
  fields: Field[],
  inputs: Props,
): Promise<BotResource> {
  const resource = await api.updateBot(id, updateBody(fields, inputs));
  const reset = differingFields(resource, inputs, UPDATABLE);
  return reset.length > 0 ? api.updateBot(id, updateBody(UPDATABLE, inputs)) : resource;
}

/** Takes over an existing bot: refuses a bot_type that cannot change, then updates what differs. */
async function adoptExisting(api: SendbirdApi, existing: BotResource, inputs: Props): Promise<BotResource> {
  const id = existing.bot.bot_userid;
  if (differingFields(existing, inputs, ["botType"]).length > 0) {
    throw new InputError(
      `cannot adopt Sendbird bot "${id}": its botType is "${existing.bot.bot_type}" but "${inputs.botType}" ` +
        `is declared, and Sendbird cannot change botType; declare botType "${existing.bot.bot_type}" or use another botUserid`,
    );
  }
  const differing = differingFields(existing, inputs, UPDATABLE);
  return differing.length > 0 ? putDeclared(api, id, differing, inputs) : existing;
}

const MAX_CREATE_ROUNDS = 3;

/**
 * POST the bot. A create whose outcome is unknown (lost response, timeout, 5xx) is never blindly
 * re-sent: look the bot up by its unique botUserid first, and only send again if it is not there.
 */
async function createBot(api: SendbirdApi, inputs: Props): Promise<BotResource> {
  const body = createBody(inputs);
  let lastAmbiguous: AmbiguousRequestError | undefined;
  for (let round = 1; round <= MAX_CREATE_ROUNDS; round++) {
    try {
      return await api.createBot(body);
    } catch (err) {
      if (err instanceof AmbiguousRequestError) {
        lastAmbiguous = err;
        const existing = await api.getBot(body.bot_userid);
        if (!existing) continue;
        // Exactly what we sent: our own create went through and only its answer was lost.
        if (differingFields(existing, inputs, FIELD_NAMES).length === 0) return existing;
        if (inputs.adopt === true) return adoptExisting(api, existing, inputs);
        throw alreadyExists(body.bot_userid);
      }
      if (isAlreadyExists(err)) {
        if (inputs.adopt !== true) throw alreadyExists(body.bot_userid);
        const existing = await api.getBot(body.bot_userid);
        if (existing) return adoptExisting(api, existing, inputs);
        continue; // deleted in the meantime: create it after all
      }
      throw err;
    }
  }
  throw lastAmbiguous ?? new Error(`creating Sendbird bot "${body.bot_userid}" did not settle`);
}

function alreadyExists(botUserid: string): InputError {
  return new InputError(
    `a Sendbird bot with botUserid "${botUserid}" already exists. To manage it with Pulumi, set ` +
      `\`adopt: true\` on this resource (the bot is then brought to the declared state), or choose another botUserid`,
  );
}

/** Errors leave the provider redacted: no credential in any message the engine prints or stores. */
async function redacting<T>(api: () => SendbirdApi, action: (api: SendbirdApi) => Promise<T>): Promise<T> {
  const client = api();
  try {
    return await action(client);
  } catch (err) {
    if (err instanceof Error) err.message = client.redact(err.message);
    throw err;
  }
}

export const botHandlers: ResourceHandlers = {
  async check(_olds, news) {
    return checkInputs(inputSchema, news);
  },

  async diff(_id, olds, news) {
    return diffOwned(diffSpec, migrate(olds), news);
  },

  async create(inputs) {
    return redacting(sendbirdApi, async (api) => {
      const resource = await createBot(api, inputs);
      return { id: resource.bot.bot_userid, outs: toOutputs(resource, inputs) };
    });
  },

  async read(id, props) {
    return redacting(sendbirdApi, async (api) => {
      const resource = await api.getBot(id);
      if (!resource) return {}; // deleted outside Pulumi: no id drops it from state
      const outs = toOutputs(resource, migrate(props));
      return { id, props: outs, inputs: inputsOf(outs) };
    });
  },

  async update(id, olds, news) {
    return redacting(sendbirdApi, async (api) => {
      const previous = migrate(olds);
      const changed = changedKeys(UPDATABLE, previous, news);
      if (changed.length === 0) {
        const { __provider: _engineOwned, ...outs } = previous;
        return { outs: { ...outs, adopt: news.adopt ?? false } };
      }
      const resource = await putDeclared(api, id, changed as Field[], news);
      return { outs: toOutputs(resource, { ...previous, adopt: news.adopt }) };
    });
  },

  async delete(id) {
    await redacting(sendbirdApi, (api) => api.deleteBot(id));
  },
};

/** A Sendbird bot (Chat Platform API v3). */
export class Bot extends pulumi.dynamic.Resource {
  declare public readonly botUserid: pulumi.Output<string>;
  declare public readonly botNickname: pulumi.Output<string>;
  declare public readonly botProfileUrl: pulumi.Output<string>;
  declare public readonly botType: pulumi.Output<string>;
  declare public readonly botCallbackUrl: pulumi.Output<string>;
  declare public readonly isPrivacyMode: pulumi.Output<boolean>;
  declare public readonly enableMarkAsRead: pulumi.Output<boolean>;
  declare public readonly showMember: pulumi.Output<boolean>;
  declare public readonly channelInvitationPreference: pulumi.Output<0 | 1>;
  declare public readonly adopt: pulumi.Output<boolean>;
  /** Sent with every callback so the receiver can tell it comes from Sendbird. Secret. */
  declare public readonly botToken: pulumi.Output<string>;
  declare public readonly botMetadata: pulumi.Output<Record<string, string>>;
  /** Unix seconds, when Sendbird returns it. */
  declare public readonly createdAt: pulumi.Output<number | undefined>;

  constructor(name: string, args: BotArgs, opts?: pulumi.CustomResourceOptions) {
    // Every output needs a key in the props (undefined ones resolve from the provider's result).
    const props: Props = Object.fromEntries(
      [...FIELD_NAMES, "adopt", ...OUTPUT_ONLY].map((k) => [k, undefined]),
    );
    super(
      provider,
      name,
      { ...props, ...args },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["botToken"] }),
      "sendbird",
      "Bot",
    );
  }

  /** Reads an existing bot by botUserid into the program, without managing it. */
  static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Bot {
    return new Bot(name, {} as BotArgs, { ...opts, id });
  }
}
