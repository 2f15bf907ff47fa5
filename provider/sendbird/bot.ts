/**
 * sendbird.Bot: the resource class programs use, and the handlers the shim runs in the provider
 * process. Inputs are the documented create/update fields in camelCase. The handlers follow the
 * state contract of core/contract.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { boundedString, httpUrl, oneOf, pathId } from "../core/codec";
import { applyUpdate, pick, Props, settle, warnDiffering } from "../core/contract";
import { createReconciled } from "../core/create";
import {
  defineResource,
  fieldTable,
  handlersOf,
  schemaOf,
  stateFlag,
  vendorBody,
  vendorFields,
  vendorValues,
  type Inputs as DefinedInputs,
} from "../core/definition";
import { goneBeforeUpdate, InputError } from "../core/errors";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/sendbird-bot");
import { BotResource, isAlreadyExists, SendbirdApi, sendbirdApi } from "./api";
import { definedResource } from "../core/resource";
/**
 * The inputs of a {@link Bot}: Sendbird's create/update fields in camelCase. Lengths count
 * characters (Unicode code points), as Sendbird does. Bad values fail at `pulumi preview`, naming
 * the property and the rule, never the value.
 */
export interface BotArgs {
  /**
   * Unique ID of the bot: 1 to 80 characters, not blank, not "." or "..", no control characters
   * (it is a URL path segment). Also the resource id. Changing it replaces the bot.
   */
  botUserid: pulumi.Input<string>;
  /** The bot's display name: 1 to 80 characters, not blank. Updated in place. */
  botNickname: pulumi.Input<string>;
  /**
   * URL of the profile image: an absolute http(s) URL of at most 2,048 characters, written out in
   * full (`https://host/...`, no spaces or control characters), or "" for none. Updated in place.
   */
  botProfileUrl: pulumi.Input<string>;
  /**
   * Free-form category: 1 to 128 characters, not blank. Sendbird cannot change it: a change
   * replaces the bot (the old one is deleted first, since the new one has the same botUserid).
   */
  botType: pulumi.Input<string>;
  /**
   * Where Sendbird POSTs the messages the bot receives: an absolute http(s) URL of at most 1,024
   * characters, written out in full (https recommended). Updated in place.
   */
  botCallbackUrl: pulumi.Input<string>;
  /** true: only messages starting with "/" or mentioning the bot are forwarded. Updated in place. */
  isPrivacyMode: pulumi.Input<boolean>;
  /** Mark messages as read when the bot receives them. Default true. Updated in place. */
  enableMarkAsRead?: pulumi.Input<boolean>;
  /** Include channel members in callbacks. Default false. Updated in place. */
  showMember?: pulumi.Input<boolean>;
  /** 0: join channels automatically when invited; 1: invitations must be accepted. Default 0. */
  channelInvitationPreference?: pulumi.Input<0 | 1>;
  /**
   * Take over a bot that already exists with this botUserid (and bring it to the declared state)
   * instead of failing. The stand-in for `pulumi import`, which dynamic resources lack. Default
   * false; changing it only updates the stack's state.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The fields of a sendbird.Bot and Sendbird's name for each. Sendbird documents no normalisation of
 * them (and check refuses URLs it could read otherwise than written), so each is compared exactly:
 * no field needs a `same` rule.
 */
const fields = fieldTable({
  botUserid: {
    codec: pathId(80),
    required: true,
    replaces: true,
    vendor: "bot_userid",
    doc: "Unique ID of the bot; the resource id.",
  },
  botNickname: {
    codec: boundedString(80, { min: 1, nonBlank: true }),
    required: true,
    vendor: "bot_nickname",
    doc: "The bot's display name.",
  },
  botProfileUrl: {
    codec: httpUrl(2048, { allowEmpty: true }),
    required: true,
    vendor: "bot_profile_url",
    doc: 'URL of the profile image, or "" for none.',
  },
  // Sendbird cannot change it in place: the update page's body omits it (docs/vendors/sendbird.md).
  botType: {
    codec: boundedString(128, { min: 1, nonBlank: true }),
    required: true,
    replaces: true,
    vendor: "bot_type",
    doc: "Free-form category.",
  },
  botCallbackUrl: {
    codec: httpUrl(1024),
    required: true,
    vendor: "bot_callback_url",
    doc: "Where Sendbird POSTs the messages the bot receives.",
  },
  isPrivacyMode: {
    codec: t.boolean,
    required: true,
    vendor: "is_privacy_mode",
    doc: 'Only messages starting with "/" or mentioning the bot are forwarded.',
  },
  enableMarkAsRead: {
    codec: t.boolean,
    default: true,
    vendor: "enable_mark_as_read",
    doc: "Mark messages as read when the bot receives them.",
  },
  showMember: {
    codec: t.boolean,
    default: false,
    vendor: "show_member",
    doc: "Include channel members in callbacks.",
  },
  channelInvitationPreference: {
    codec: oneOf([0, 1]),
    default: 0,
    vendor: "channel_invitation_preference",
    doc: "0: join channels automatically when invited; 1: invitations must be accepted.",
  },
  adopt: stateFlag("Take over a bot that already exists."),
});

/** sendbird.Bot: its fields, its outputs, and what Sendbird does at each step of the lifecycle. */
export const definition = defineResource({
  module: "sendbird",
  name: "Bot",
  stateVersion: 1,
  fields,
  outputs: {
    botToken: {
      secret: true,
      doc: "Sent with every callback so the receiver can tell it comes from Sendbird.",
    },
    botMetadata: { doc: "Sendbird's metadata of the bot user." },
    createdAt: { doc: "Unix seconds, when Sendbird returns it." },
  },
  uniqueKey: "botUserid",
  api: sendbirdApi,

  create: (api, inputs) => createBot(api, inputs),

  async read(api, id, previous) {
    const resource = await api.getBot(id);
    if (!resource) return undefined; // Sendbird's own not-found code: deleted outside Pulumi
    // Contract rule 5: the state's value stays wherever Sendbird's is the same.
    const { values } = settle(FIELD_NAMES, previous, fieldValues(resource));
    return toOutputs(values, resource, previous);
  },

  async update(api, id, { previous, news, changed }) {
    // A create that failed half-way (ResourceInitError) is recorded without a token.
    const halfMade = previous.botToken === undefined;
    if (changed.length === 0 && !halfMade) return previous;
    const before = await api.getBot(id);
    if (!before) {
      // The half-made create never reached Sendbird (its lookups failed): make it now, as the
      // init error promised. A bot that was fully created is not made again behind the user's
      // back: someone deleted it, and refresh is how they tell Pulumi so.
      if (halfMade) return (await createBot(api, news)).outs;
      throw goneBeforeUpdate(describe(id));
    }
    const resource = changed.length > 0 ? await updateFields(api, id, changed, news, before) : before;
    const applied = settle(changed, news, fieldValues(resource));
    await warnDiffering("Sendbird", describe(id), applied.differing);
    // Contract rule 5: fields not sent keep their state values.
    return toOutputs({ ...previous, ...applied.values }, resource, previous);
  },

  delete: (api, id) => api.deleteBot(id),
});

type Inputs = DefinedInputs<typeof fields>;
const { updatable: UPDATABLE } = schemaOf(definition);
/** The fields Sendbird holds: every one but `adopt`. */
const FIELD_NAMES = vendorFields(fields);
/** Fields Sendbird returns inside `bot` (the others are at the top of its answer). */
const IN_BOT = new Set(["botUserid", "botNickname", "botProfileUrl", "botType"]);

/** The bot's fields by input name, as Sendbird returned them (absent or null: undefined). */
function fieldValues(resource: BotResource): Props {
  return vendorValues(fields, (f) => (IN_BOT.has(f) ? resource.bot : resource));
}

/** Outputs: the settled field values, what only Sendbird knows (token, metadata), and `adopt`. */
function toOutputs(values: Props, resource: BotResource | undefined, previous: Props): Props {
  const outs: Props = { ...pick(values, FIELD_NAMES), adopt: previous.adopt ?? false };
  outs.botToken = resource?.bot.bot_token ?? previous.botToken;
  outs.botMetadata = resource?.bot.bot_metadata ?? previous.botMetadata ?? {};
  // None when Sendbird never returned it: the host drops an undefined output (core/host.ts).
  outs.createdAt = resource?.created_at ?? previous.createdAt;
  return outs;
}

const describe = (id: unknown) => `Sendbird bot "${String(id)}"`;

/**
 * Sends the fields of `changed` to the bot (contract rule 3: fields Sendbird resets although they
 * were not sent get their live values from `before` back) and returns Sendbird's last answer.
 */
async function updateFields(
  api: SendbirdApi,
  id: string,
  changed: readonly string[],
  declared: Props,
  before: BotResource,
): Promise<BotResource> {
  let resource = before;
  await applyUpdate({
    changed,
    updatable: UPDATABLE,
    declared,
    before: fieldValues(before),
    what: describe(id),
    send: async (values) => {
      resource = await api.updateBot(id, vendorBody(fields, values));
      return fieldValues(resource);
    },
  });
  return resource;
}

/** Takes over an existing bot: refuses a botType that cannot change, then updates what differs. */
async function adoptExisting(api: SendbirdApi, existing: BotResource, inputs: Props): Promise<BotResource> {
  const id = existing.bot.bot_userid;
  if (settle(["botType"], inputs, fieldValues(existing)).differing.length > 0) {
    throw new InputError(
      `cannot adopt ${describe(id)}: its botType differs from the declared one, and Sendbird cannot ` +
        "change botType; declare the bot's botType or use another botUserid",
    );
  }
  const differing = settle(UPDATABLE, inputs, fieldValues(existing)).differing;
  return differing.length > 0 ? updateFields(api, id, differing, inputs, existing) : existing;
}

function alreadyExists(botUserid: string): InputError {
  return new InputError(
    `a Sendbird bot with botUserid "${botUserid}" already exists. To manage it with Pulumi, set ` +
      `\`adopt: true\` on this resource (the bot is then brought to the declared state), or choose another botUserid`,
  );
}

/**
 * Creates the bot `inputs` declare, through createReconciled: a lost answer is looked up, never
 * sent again blindly. Used by create, and by update to finish a create that never reached Sendbird.
 */
async function createBot(api: SendbirdApi, inputs: Inputs): Promise<{ id: string; outs: Props }> {
  const id = inputs.botUserid;
  const declared = pick(inputs, FIELD_NAMES);
  const resource = await createReconciled<BotResource>({
    what: describe(id),
    send: () => api.createBot(vendorBody(fields, inputs)),
    lookup: () => api.getBot(id),
    isOurs: (found) => settle(FIELD_NAMES, declared, fieldValues(found)).differing.length === 0,
    isConflict: isAlreadyExists,
    adopt: inputs.adopt === true ? (found) => adoptExisting(api, found, inputs) : undefined,
    conflictError: () => alreadyExists(id),
    // No token yet: that marks the record as a half-made create, which the next `up` (update) finishes.
    recordAs: () => ({ id, properties: toOutputs(declared, undefined, inputs) }),
  });
  const { values, differing } = settle(FIELD_NAMES, declared, fieldValues(resource));
  await warnDiffering("Sendbird", describe(id), differing);
  return { id, outs: toOutputs(values, resource, inputs) };
}

export const botHandlers: ResourceHandlers = handlersOf(definition);

/**
 * A Sendbird bot (Chat Platform API v3). Settings: `sendbird:appId` (or `sendbird:apiUrl`) and the
 * secret `sendbird:apiToken`, or the SENDBIRD_* environment variables. Delete deletes the bot.
 *
 * `Bot.get(name, id)`: reads an existing bot by botUserid into the program, without managing it.
 */
export class Bot extends definedResource<BotArgs, Bot>(definition, provider) {
  /** The bot's unique ID, as declared; also the resource id. */
  declare public readonly botUserid: pulumi.Output<string>;
  /** The display name, as Sendbird holds it. */
  declare public readonly botNickname: pulumi.Output<string>;
  /** The profile image URL ("" for none). */
  declare public readonly botProfileUrl: pulumi.Output<string>;
  /** The bot's category. */
  declare public readonly botType: pulumi.Output<string>;
  /** Where Sendbird POSTs the messages the bot receives. */
  declare public readonly botCallbackUrl: pulumi.Output<string>;
  /** Whether only messages starting with "/" or mentioning the bot are forwarded. */
  declare public readonly isPrivacyMode: pulumi.Output<boolean>;
  /** Whether messages are marked as read when the bot receives them. */
  declare public readonly enableMarkAsRead: pulumi.Output<boolean>;
  /** Whether callbacks include the channel members. */
  declare public readonly showMember: pulumi.Output<boolean>;
  /** 0: joins channels automatically when invited; 1: invitations must be accepted. */
  declare public readonly channelInvitationPreference: pulumi.Output<0 | 1>;
  /** The declared `adopt` (state only, never sent). */
  declare public readonly adopt: pulumi.Output<boolean>;
  /**
   * Sent with every callback so the receiver can tell it comes from Sendbird. Secret (shown as
   * [secret]); a replacement issues a new one.
   */
  declare public readonly botToken: pulumi.Output<string>;
  /** Sendbird's metadata of the bot user (read only). */
  declare public readonly botMetadata: pulumi.Output<Record<string, string>>;
  /** Unix seconds, when Sendbird returns it. */
  declare public readonly createdAt: pulumi.Output<number | undefined>;
}
