/**
 * sendbird.Bot: the resource class programs use, and the handlers the shim runs in the provider
 * process. Inputs are the documented create/update fields in camelCase. The handlers follow the
 * state contract of core/contract.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { boundedString, httpUrl, oneOf, pathId } from "../core/codec";
import { checkInputs, InputSchema } from "../core/check";
import { applyUpdate, changedFields, Props, settle, warnDiffering } from "../core/contract";
import { createReconciled } from "../core/create";
import { diffOwned, DiffSpec } from "../core/diff";
import { InputError } from "../core/errors";
import { forTheHost } from "../core/host";
import { migrateState, StateSchema } from "../core/state";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/sendbird-bot");
import { BotCreateBody, BotResource, BotUpdateBody, isAlreadyExists, SendbirdApi, sendbirdApi } from "./api";
import { outputSlots } from "../core/resource";
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

/** State this code writes; `migrateState` reads any earlier version and refuses a newer one. */
const STATE: StateSchema = { resource: "sendbird.Bot", version: 1 };

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
/** Sendbird cannot change these in place: the update page's body omits them (docs/vendors/sendbird.md). */
const FORCE_NEW: Field[] = ["botUserid", "botType"];
const UPDATABLE = FIELD_NAMES.filter((f) => !FORCE_NEW.includes(f));

const OUTPUT_ONLY = ["botToken", "botMetadata", "createdAt"] as const;

export const inputSchema: InputSchema = {
  botUserid: { codec: pathId(80), required: true },
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

/**
 * Sendbird documents no normalisation of these fields (and check refuses URLs it could read
 * otherwise than written), so each is compared exactly: no field needs a `same` rule. `adopt` is
 * owned but never sent: changing it updates the state only.
 */
export const diffSpec: DiffSpec = {
  keys: [...FIELD_NAMES, "adopt"],
  forceNew: FORCE_NEW,
  uniqueKey: "botUserid",
};

function apiBody(values: Props): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of FIELD_NAMES) if (values[f] !== undefined) body[FIELDS[f].api] = values[f];
  return body;
}

/** The bot's fields by input name, as Sendbird returned them (absent or null: undefined). */
function fieldValues(resource: BotResource): Props {
  const values: Props = {};
  for (const f of FIELD_NAMES) {
    const source: Record<string, unknown> = FIELDS[f].nested ? resource.bot : resource;
    values[f] = source[FIELDS[f].api] ?? undefined;
  }
  return values;
}

function pick(props: Props, keys: readonly string[]): Props {
  return Object.fromEntries(keys.map((k) => [k, props[k]]));
}

/** Outputs: the settled field values, what only Sendbird knows (token, metadata), and `adopt`. */
function toOutputs(values: Props, resource: BotResource | undefined, previous: Props): Props {
  const outs: Props = { ...pick(values, FIELD_NAMES), adopt: previous.adopt ?? false };
  outs.botToken = resource?.bot.bot_token ?? previous.botToken;
  outs.botMetadata = resource?.bot.bot_metadata ?? previous.botMetadata ?? {};
  const createdAt = resource?.created_at ?? previous.createdAt;
  if (createdAt !== undefined) outs.createdAt = createdAt;
  outs.__stateVersion = STATE.version;
  return outs;
}

/** The inputs a read implies: what a program declaring this bot as it is now would pass. */
function inputsOf(outs: Props): Props {
  return { ...pick(outs, FIELD_NAMES), adopt: outs.adopt ?? false };
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
      resource = await api.updateBot(id, apiBody(values) as BotUpdateBody);
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
async function createBot(api: SendbirdApi, inputs: Props): Promise<{ id: string; outs: Props }> {
  const id = String(inputs.botUserid);
  const declared = pick(inputs, FIELD_NAMES);
  const resource = await createReconciled<BotResource>({
    what: describe(id),
    send: () => api.createBot(apiBody(declared) as unknown as BotCreateBody),
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

function goneBeforeUpdate(id: string): InputError {
  return new InputError(
    `${describe(id)} no longer exists (deleted outside Pulumi): run \`pulumi refresh\` ` +
      "to drop it from the stack, then `pulumi up` to create it again",
  );
}

const migrate = (props: Props) => migrateState(STATE, props);

export const botHandlers: ResourceHandlers = forTheHost({
  async check(_olds, news) {
    return checkInputs(inputSchema, news);
  },

  async diff(_id, olds, news) {
    return diffOwned(diffSpec, migrate(olds), news);
  },

  async create(inputs) {
    const api = sendbirdApi();
    return api.redacting(() => createBot(api, inputs));
  },

  async read(id, props) {
    const api = sendbirdApi();
    return api.redacting(async () => {
      const previous = migrate(props);
      const resource = await api.getBot(id);
      if (!resource) return {}; // Sendbird's own not-found code: deleted outside Pulumi
      // Contract rule 5: the state's value stays wherever Sendbird's is the same.
      const { values } = settle(FIELD_NAMES, previous, fieldValues(resource));
      const outs = toOutputs(values, resource, previous);
      return { id, props: outs, inputs: inputsOf(outs) };
    });
  },

  async update(id, olds, news) {
    const api = sendbirdApi();
    return api.redacting(async () => {
      const previous: Props = { ...migrate(olds), adopt: news.adopt ?? false };
      // Contract rule 2: exactly the fields diff showed.
      const changed = changedFields(UPDATABLE, previous, news);
      // A create that failed half-way (ResourceInitError) is recorded without a token.
      const halfMade = previous.botToken === undefined;
      if (changed.length === 0 && !halfMade) {
        const { __provider: _engineOwned, ...outs } = previous;
        return { outs };
      }
      const before = await api.getBot(id);
      if (!before) {
        // The half-made create never reached Sendbird (its lookups failed): make it now, as the
        // init error promised. A bot that was fully created is not made again behind the user's
        // back: someone deleted it, and refresh is how they tell Pulumi so.
        if (halfMade) return { outs: (await createBot(api, news)).outs };
        throw goneBeforeUpdate(id);
      }
      const resource = changed.length > 0 ? await updateFields(api, id, changed, news, before) : before;
      const applied = settle(changed, news, fieldValues(resource));
      await warnDiffering("Sendbird", describe(id), applied.differing);
      // Contract rule 5: fields not sent keep their state values.
      return { outs: toOutputs({ ...previous, ...applied.values }, resource, previous) };
    });
  },

  async delete(id, olds) {
    migrate(olds); // refuses state from a newer release, as every handler does
    const api = sendbirdApi();
    await api.redacting(() => api.deleteBot(id));
  },
});

/**
 * A Sendbird bot (Chat Platform API v3). Settings: `sendbird:appId` (or `sendbird:apiUrl`) and the
 * secret `sendbird:apiToken`, or the SENDBIRD_* environment variables. Delete deletes the bot.
 */
export class Bot extends pulumi.dynamic.Resource {
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

  constructor(name: string, args: BotArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      outputSlots([...FIELD_NAMES, "adopt", ...OUTPUT_ONLY], args),
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
