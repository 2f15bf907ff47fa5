/**
 * deadsimplechat.Bot: the resource class programs use, and the handlers the shim runs in the
 * provider process. Inputs are the documented create/update fields in camelCase (`webhookURL` ->
 * `webhookUrl`). The handlers follow the state contract of core/contract.ts. DeadSimpleChat's gaps
 * and what the handlers do about them:
 * - no get-one: read lists every bot (one shared listing per refresh) and matches `_id`;
 * - no delete: delete disables the bot and warns that DeadSimpleChat keeps it (and its name);
 * - unique names: a create that meets an existing bot of that name adopts it only with `adopt`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import {
  boundedString,
  canonicalJsonText,
  containsUnknown,
  httpUrl,
  integerIn,
  jsonDocument,
  nonBlankString,
  oneOf,
} from "../core/codec";
import {
  applyUpdate,
  declaredFields as declaredFieldsOf,
  declaredUpdate,
  pick,
  Props,
  readDeclared,
  settle,
  warnDiffering,
} from "../core/contract";
import { createReconciled } from "../core/create";
import {
  checkDefined,
  defineResource,
  fieldTable,
  handlersOf,
  schemaOf,
  stateFlag,
  vendorBody,
  vendorFields,
  vendorValues,
} from "../core/definition";
import { goneBeforeUpdate, InputError, ResourceInitError } from "../core/errors";
import { warn } from "../core/log";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/deadsimplechat-bot");
import { BotRecord, DeadSimpleChatApi, deadSimpleChatApi, isNameConflict, sameName } from "./api";
import { definedResource } from "../core/resource";

/**
 * The inputs of a {@link Bot}: DeadSimpleChat's bot fields in camelCase. Every field is updated in
 * place; nothing forces a replacement. An optional field without a default that you leave out
 * (description, trigger, messageVisibility, messageHistoryLimit, metadata) is not managed: never
 * sent, never compared.
 */
export interface BotArgs {
  /**
   * The bot's name: not blank, no control characters; unique in the account (compared without
   * regard to case). A rename is an update; a rename onto another bot's name fails before anything
   * is sent.
   */
  name: pulumi.Input<string>;
  /** At most 1,000 characters. Not managed when omitted. */
  description?: pulumi.Input<string>;
  /** "message": every message calls the bot; "mention": only messages that mention it. Not managed when omitted. */
  trigger?: pulumi.Input<"message" | "mention">;
  /**
   * Who sees the bot's messages: "public" or "private". "private" needs `trigger: "mention"`, set
   * explicitly (checked at preview). Not managed when omitted.
   */
  messageVisibility?: pulumi.Input<"public" | "private">;
  /** Allowed in every chat room of the account. Default false. */
  isAllowedInAllChatRooms?: pulumi.Input<boolean>;
  /** How many past messages the bot can access: an integer >= 0. Not managed when omitted. */
  messageHistoryLimit?: pulumi.Input<number>;
  /**
   * Where DeadSimpleChat calls the bot (the API's `webhookURL`): an absolute http(s) URL of at most
   * 2,048 characters, written out in full (no spaces or control characters).
   */
  webhookUrl: pulumi.Input<string>;
  /**
   * Free-form JSON, at most 10,000 characters once serialised: a plain object or JSON text. It is
   * stored in canonical form (keys sorted), so key order never shows as a change. Not managed when
   * omitted.
   */
  metadata?: pulumi.Input<string | Record<string, unknown>>;
  /** Whether the bot is enabled. Default true. (Delete disables it: DeadSimpleChat has no delete.) */
  enabled?: pulumi.Input<boolean>;
  /**
   * Take over a bot that already exists with this name (for example one a `pulumi destroy` left
   * disabled) and bring it to the declared state, instead of failing. The stand-in for
   * `pulumi import`, which dynamic resources lack. Default false; changing it only updates the
   * stack's state.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The fields of a deadsimplechat.Bot and DeadSimpleChat's name for each. Every field is updated in
 * place (a rename keeps the id), so none replaces.
 */
const fields = fieldTable({
  name: {
    codec: nonBlankString(),
    required: true,
    vendor: "name",
    doc: "The bot's name, unique in the account regardless of case.",
  },
  description: { codec: boundedString(1000), vendor: "description", doc: "At most 1,000 characters." },
  trigger: {
    codec: oneOf(["message", "mention"]),
    vendor: "trigger",
    doc: '"message": every message calls the bot; "mention": only messages that mention it.',
  },
  messageVisibility: {
    codec: oneOf(["public", "private"]),
    vendor: "messageVisibility",
    doc: 'Who sees the bot\'s messages; "private" needs trigger "mention".',
  },
  // The two defaults DeadSimpleChat's list example shows. The others have no documented default:
  // left out, they are not managed (neither sent nor compared).
  isAllowedInAllChatRooms: {
    codec: t.boolean,
    default: false,
    vendor: "isAllowedInAllChatRooms",
    doc: "Allowed in every chat room of the account.",
  },
  messageHistoryLimit: {
    codec: integerIn(0),
    vendor: "messageHistoryLimit",
    doc: "How many past messages the bot can access.",
  },
  webhookUrl: {
    codec: httpUrl(2048),
    required: true,
    vendor: "webhookURL",
    doc: "Where DeadSimpleChat calls the bot.",
  },
  metadata: {
    codec: jsonDocument(10_000),
    // Compared as JSON: DeadSimpleChat may hand back the same document differently spaced.
    same: (a, b) =>
      typeof a === "string" && typeof b === "string"
        ? (canonicalJsonText(a) ?? a) === (canonicalJsonText(b) ?? b)
        : (a ?? null) === (b ?? null),
    vendor: "metadata",
    doc: "Free-form JSON, stored as canonical text (keys sorted).",
  },
  enabled: { codec: t.boolean, default: true, vendor: "enabled", doc: "Whether the bot is enabled." },
  adopt: stateFlag("Take over a bot that already exists with this name."),
});

/** DeadSimpleChat's own words for its one cross-field rule. */
export const TRIGGER_VISIBILITY_RULE =
  "Bots cannot be configured to trigger on every message when message visibility is set to private. " +
  'Either change the bot trigger to "mention" or set the message visibility to "public".';

/** DeadSimpleChat's trigger/visibility rule, naming both fields; not judged where either failed. */
function triggerVisibility(inputs: Props, failed: ReadonlySet<string>): pulumi.dynamic.CheckFailure[] {
  if (failed.has("trigger") || failed.has("messageVisibility")) return [];
  const { trigger, messageVisibility } = inputs;
  // Private visibility needs trigger "mention" declared: DeadSimpleChat's default trigger is not
  // documented, so an omitted one may well be "message".
  if (messageVisibility !== "private" || trigger === "mention" || containsUnknown(trigger)) return [];
  const reason =
    `trigger must be "mention" when messageVisibility is "private"` +
    `${trigger === undefined ? " (set it explicitly: the default trigger is not documented)" : ""}. ` +
    `DeadSimpleChat: ${TRIGGER_VISIBILITY_RULE}`;
  return [
    { property: "trigger", reason },
    { property: "messageVisibility", reason },
  ];
}

/** deadsimplechat.Bot: its fields, its outputs, and what DeadSimpleChat does at each step. */
export const definition = defineResource({
  module: "deadsimplechat",
  name: "Bot",
  stateVersion: 1,
  fields,
  outputs: {
    botId: { doc: "The bot's id (DeadSimpleChat `_id`); also the resource id." },
    customer: { doc: "The account's customer id." },
    created: { doc: "When the bot was created (ISO 8601)." },
  },
  api: deadSimpleChatApi,
  crossCheck: (inputs, _olds, failed) => triggerVisibility(inputs, failed),

  async create(api, inputs) {
    const name = String(inputs.name);
    const declared = pick(inputs, FIELD_NAMES);
    const isOurs = (found: BotRecord) =>
      settle(declaredFields(declared), declared, fieldValues(found), rules).differing.length === 0;
    // True once the bot is DeadSimpleChat's answer to our create or adopt, not a listing's record.
    let answered = false;
    let bot = await createReconciled<BotRecord>({
      what: describe(name),
      send: async () => {
        const created = await api.createBot(vendorBody(fields, inputs));
        answered = true;
        return created;
      },
      // Names are unique; should an account allow duplicates, the one matching what we sent wins.
      lookup: async () => {
        const named = (await api.listBots()).filter((b) => sameName(b.name, name));
        return named.find(isOurs) ?? named[0];
      },
      isOurs,
      isConflict: isNameConflict,
      adopt:
        inputs.adopt === true
          ? async (found) => {
              const adopted = await bringToDeclared(api, found, declared);
              answered = true;
              return adopted;
            }
          : undefined,
      conflictError: () => alreadyExists(name),
      // The id comes only from DeadSimpleChat's answer: without one there is nothing to record.
      recordAs: () => undefined,
    });
    if (!answered) {
      // Found by the lookup after a create whose answer was lost: the listing matched what it
      // shows, and what it cannot show is sent rather than assumed. Should that fail, the bot is
      // recorded without those fields, so the next `up` sends them.
      const found = bot;
      const unsure = unreadable(declared, found);
      bot = await bringToDeclared(api, found, declared).catch((err: Error) => {
        const known = pick(
          declared,
          FIELD_NAMES.filter((f) => !unsure.includes(f)),
        );
        throw new ResourceInitError(
          found._id,
          toOutputs(known, found, inputs),
          err,
          describe(name, found._id),
        );
      });
    }
    const { values, differing } = settle(declaredFields(declared), declared, fieldValues(bot), rules);
    await warnDiffering("DeadSimpleChat", describe(name, bot._id), differing);
    return { id: bot._id, outs: toOutputs({ ...declared, ...values }, bot, inputs) };
  },

  async read(api, id, previous) {
    const bot = await api.findBot(id);
    if (!bot) return undefined; // absent from the account's bots: deleted outside Pulumi
    // `Bot.get` reads with no state: then every field the listing returns is taken.
    const values = readDeclared(FIELD_NAMES, previous, fieldValues(bot), rules, previous.botId === undefined);
    return toOutputs(values, bot, previous);
  },

  async update(api, id, { previous, news, changed }) {
    const { declared, toSend, kept } = declaredUpdate(FIELD_NAMES, previous, news, changed);
    if (toSend.length === 0) return toOutputs(kept(declared), undefined, previous);
    const before = await api.findBot(id);
    if (!before) throw goneBeforeUpdate(`DeadSimpleChat bot ${id}`);
    if (toSend.includes("name")) await refuseRenameCollision(api, before, declared);
    const bot = await updateFields(api, before, toSend, declared);
    const applied = settle(toSend, declared, fieldValues(bot), rules);
    await warnDiffering("DeadSimpleChat", describe(bot.name, id), applied.differing);
    // A field not sent keeps its state value (contract rule 5), except where the listing cannot
    // show it: then the update's answer is the only reading there is, and a value that differs
    // (changed in the dashboard, or reset by this PUT) is taken, so the next preview shows it.
    const unseen = unreadable(declared, before).filter((f) => !toSend.includes(f));
    const seen = settle(unseen, previous, fieldValues(bot), rules);
    await warnSeenInAnswer(describe(bot.name, id), seen.differing);
    return toOutputs({ ...kept(applied.values), ...seen.values }, bot, previous);
  },

  async delete(api, id, previous) {
    const disabled = await api.disableBot(id);
    if (!disabled) return; // already gone from the account
    await warn(
      `DeadSimpleChat has no API to delete a bot: ${describe(previous.name ?? disabled.name, id)} was ` +
        "disabled and stays in the account, keeping its name. Delete it in the DeadSimpleChat dashboard, " +
        "or declare a bot of this name with `adopt: true` to take it over again",
    );
  },
});

type Field = keyof typeof fields;
const { inputSchema, rules, updatable } = schemaOf(definition);
/** The fields DeadSimpleChat holds: every one but `adopt`. */
const FIELD_NAMES = vendorFields(fields);

/**
 * check, synchronously: the field rules, then the trigger/visibility rule (what the handler's check
 * does, the core composing the two the same way).
 */
export function checkBot(news: Props): pulumi.dynamic.CheckResult {
  return checkDefined(inputSchema, definition.crossCheck, {}, news);
}

/** The bot's fields by input name, as DeadSimpleChat returned them (absent or null: undefined). */
function fieldValues(bot: BotRecord): Props {
  return vendorValues(fields, () => bot);
}

/** The fields this resource manages: those declared (an omitted optional field is left alone). */
const declaredFields = (props: Props) => declaredFieldsOf(FIELD_NAMES, props);

function toOutputs(values: Props, bot: BotRecord | undefined, previous: Props): Props {
  const outs: Props = { ...pick(values, FIELD_NAMES), adopt: previous.adopt ?? false };
  // An output DeadSimpleChat never returned stays undefined: the host drops it (core/host.ts).
  outs.botId = bot?._id ?? previous.botId;
  outs.customer = bot?.customer ?? previous.customer;
  outs.created = bot?.created ?? previous.created;
  return outs;
}

const describe = (name: unknown, id?: string) =>
  `DeadSimpleChat bot "${String(name)}"${id ? ` (id ${id})` : ""}`;

/** Sends the changed fields with PUT, following contract rule 3; returns DeadSimpleChat's last answer. */
async function updateFields(
  api: DeadSimpleChatApi,
  before: BotRecord,
  changed: readonly string[],
  declared: Props,
): Promise<BotRecord> {
  let bot = before;
  const what = describe(before.name, before._id);
  await applyUpdate({
    changed,
    updatable,
    declared,
    before: fieldValues(before),
    rules,
    what,
    send: async (values) => {
      try {
        const answer = await api.updateBot(before._id, vendorBody(fields, values));
        if (!answer) throw goneBeforeUpdate(`DeadSimpleChat bot ${before._id}`);
        bot = answer;
      } catch (err) {
        // Another bot took the name between our check and the PUT: nothing was applied.
        if (isNameConflict(err) && values.name !== undefined)
          throw await renameCollision(api, before, values);
        throw err;
      }
      return fieldValues(bot);
    },
  });
  return bot;
}

/** Refuses, before sending anything, a rename onto the name of another bot of the account. */
async function refuseRenameCollision(api: DeadSimpleChatApi, before: BotRecord, declared: Props) {
  const name = String(declared.name);
  const other = (await api.listBots()).find((b) => b._id !== before._id && sameName(b.name, name));
  if (other) throw collision(before, name, other);
}

async function renameCollision(api: DeadSimpleChatApi, before: BotRecord, values: Props): Promise<Error> {
  const name = String(values.name);
  const other = (await api.listBots()).find((b) => b._id !== before._id && sameName(b.name, name));
  return collision(before, name, other);
}

function collision(before: BotRecord, name: string, other: BotRecord | undefined): InputError {
  const holder = other ? describe(other.name, other._id) : "another bot";
  return new InputError(
    `cannot rename ${describe(before.name, before._id)} to "${name}": ${holder} already has that name ` +
      "(names are unique in a DeadSimpleChat account, regardless of case). Nothing was changed; choose " +
      "another name, or rename or remove the other bot first",
  );
}

/**
 * Declared fields whose live value the bot's record does not show. The list page's example bot
 * carries only _id, name, webhookURL, isAllowedInAllChatRooms, enabled, customer and created
 * (docs/vendors/deadsimplechat.md), so a listing may well omit the others.
 */
function unreadable(declared: Props, bot: BotRecord): Field[] {
  const live = fieldValues(bot);
  return declaredFields(declared).filter((f) => live[f] === undefined);
}

/**
 * Brings an existing bot (one to adopt, perhaps left disabled by a destroy) to the declared state:
 * sends what differs, and every declared field whose live value cannot be read, never assuming
 * that one equal.
 */
async function bringToDeclared(
  api: DeadSimpleChatApi,
  existing: BotRecord,
  declared: Props,
): Promise<BotRecord> {
  const differing = settle(declaredFields(declared), declared, fieldValues(existing), rules).differing;
  const toSend = [...differing, ...unreadable(declared, existing).filter((f) => !differing.includes(f))];
  return toSend.length > 0 ? updateFields(api, existing, toSend, declared) : existing;
}

/** Warns that an update's answer showed fields the listing cannot, with values other than the state's. */
async function warnSeenInAnswer(what: string, fields: readonly string[]): Promise<void> {
  if (fields.length === 0) return;
  await warn(
    `DeadSimpleChat's answer to the update of ${what} shows ${fields.join(", ")} other than the ` +
      "state held (changed in the dashboard, or reset by the update); its bot list does not show " +
      `${fields.length > 1 ? "them" : "it"}, so the state now holds DeadSimpleChat's value and the next ` +
      "preview shows the difference",
  );
}

function alreadyExists(name: string): InputError {
  return new InputError(
    `a DeadSimpleChat bot named "${name}" already exists in this account (perhaps one a \`pulumi destroy\` ` +
      "disabled: DeadSimpleChat cannot delete bots). To manage it with Pulumi, set `adopt: true` on this " +
      "resource (it is then brought to the declared state and enabled), or choose another name",
  );
}

export const botHandlers: ResourceHandlers = handlersOf(definition);

/**
 * A DeadSimpleChat bot (consumer API v2). Settings: the secret `deadsimplechat:apiKey` (or
 * DEADSIMPLECHAT_API_KEY). DeadSimpleChat has no delete: destroying the resource disables the bot
 * and warns that it stays in the account.
 *
 * `Bot.get(name, id)`: reads an existing bot by its id into the program, without managing it.
 */
export class Bot extends definedResource<BotArgs, Bot>(definition, provider, { idOutput: "botId" }) {
  /**
   * The bot's id (DeadSimpleChat `_id`). It is the resource id, so a dependent wired to it (a
   * BotChatRoom) sees it known during the preview of an update and is not replaced.
   */
  declare public readonly botId: pulumi.Output<string>;
  /** The bot's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The description, when declared. */
  declare public readonly description: pulumi.Output<string | undefined>;
  /** "message" or "mention", when declared. */
  declare public readonly trigger: pulumi.Output<"message" | "mention" | undefined>;
  /** "public" or "private", when declared. */
  declare public readonly messageVisibility: pulumi.Output<"public" | "private" | undefined>;
  /** Whether the bot is allowed in every chat room of the account. */
  declare public readonly isAllowedInAllChatRooms: pulumi.Output<boolean>;
  /** How many past messages the bot can access, when declared. */
  declare public readonly messageHistoryLimit: pulumi.Output<number | undefined>;
  /** Where DeadSimpleChat calls the bot (the API's `webhookURL`). */
  declare public readonly webhookUrl: pulumi.Output<string>;
  /** The metadata as canonical JSON text (keys sorted), when declared. */
  declare public readonly metadata: pulumi.Output<string | undefined>;
  /** Whether the bot is enabled. */
  declare public readonly enabled: pulumi.Output<boolean>;
  /** The declared `adopt` (state only, never sent). */
  declare public readonly adopt: pulumi.Output<boolean>;
  /** The account's customer id. */
  declare public readonly customer: pulumi.Output<string | undefined>;
  /** When the bot was created (ISO 8601). */
  declare public readonly created: pulumi.Output<string | undefined>;
}
