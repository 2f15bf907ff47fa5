/**
 * lineworks.Bot: the resource class programs use, and the handlers the shim runs in the provider
 * process. Inputs are the documented bot fields (docs/vendors/lineworks.md, "Bots"), already
 * camelCase. The handlers follow the state contract of core/contract.ts. What LINE WORKS makes them do:
 * - updates are PATCHes of exactly the changed fields (PUT would reset every field it omits);
 * - the bot id is server-assigned and no field is unique, so a create whose answer is lost is
 *   found again by listing the bots and matching every declared field and the creation time;
 * - every mutation of a bot runs through the per-bot queue of api.ts.
 *
 * Optional fields, one rule: an omitted field takes the value a bot created without it has, so
 * removing it from the program brings that value back and refresh shows no difference. These are
 * the documented defaults (enableCallback and enableGroupJoin false) and, undocumented but what a
 * bot created without them holds, empty lists. callbackUrl and defaultRichmenuId have no such
 * value (absent until set, and no request can unset them): omitted, they are left unmanaged,
 * neither sent nor compared. (channelEvents, documented only on the JP/KR pages, is not managed.)
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import {
  boundedString,
  canonicalJson,
  closedObject,
  integerIn,
  nonBlankString,
  oneOf,
  publicHttpsUrl,
} from "../core/codec";
import {
  applyUpdate,
  declaredFields as declaredFieldsOf,
  declaredUpdate,
  deepEqual,
  pick,
  Props,
  readDeclared,
  Same,
  settle,
  warnDiffering,
} from "../core/contract";
import { CreateGate, createReconciled } from "../core/create";
import {
  defineResource,
  fieldTable,
  handlersOf,
  schemaOf,
  vendorFields,
  vendorValues,
} from "../core/definition";
import { goneBeforeUpdate, InputError } from "../core/errors";
import { warn } from "../core/log";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/lineworks-bot");
import { BotRecord, CALLBACK_EVENTS, LANGUAGES, LineWorksApi, lineworksApi } from "./api";
import { definedResource } from "../core/resource";

/** A language of the i18n fields: "ko_KR", "ja_JP", "en_US", "zh_CN" or "zh_TW". */
export type Language = (typeof LANGUAGES)[number];
/** A message type users may send a bot: text, location, sticker, image, file, audio or video. */
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/**
 * The inputs of a {@link Bot}: LINE WORKS' bot fields. Every field is updated in place (PATCH of
 * the changed fields only); nothing forces a replacement. The lists are sets: their order never
 * shows as a change.
 */
export interface BotArgs {
  /** 1 to 100 characters, not blank. A line break becomes a space, as LINE WORKS stores it. */
  botName: pulumi.Input<string>;
  /**
   * The bot's picture: an https URL on a public host, at most 1,000 characters (PNG, 640x640
   * recommended).
   */
  photoUrl: pulumi.Input<string>;
  /** 1 to 100 characters, not blank. */
  description: pulumi.Input<string>;
  /** 1 to 3 user ids (or login emails), each at most once. The order does not matter. */
  administrators: pulumi.Input<pulumi.Input<string>[]>;
  /** 0 to 3 user ids, each at most once. Default none. */
  subadministrators?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Ids of the domains where the bot may be registered (lineworks.BotDomain): positive integers,
   * each at most once. Default none. Narrowing it makes LINE WORKS remove the bot from the domains
   * left out (a warning says which).
   */
  allowDomains?: pulumi.Input<pulumi.Input<number>[]>;
  /** Send events to callbackUrl. Default false. */
  enableCallback?: pulumi.Input<boolean>;
  /** The message types users may send the bot, each at most once. Default none. */
  callbackEvents?: pulumi.Input<pulumi.Input<CallbackEvent>[]>;
  /**
   * Where LINE WORKS POSTs events: an https URL on a public host with a CA-signed certificate, at
   * most 1,000 characters; "" sends none. Left unmanaged when omitted.
   */
  callbackUrl?: pulumi.Input<string>;
  /** Allow the bot in group and 1:N rooms (false: 1:1 only; turning it off removes it from them). Default false. */
  enableGroupJoin?: pulumi.Input<boolean>;
  /** The default rich menu of the bot: not blank. Left unmanaged when omitted. */
  defaultRichmenuId?: pulumi.Input<string>;
  /** The name per language, each language at most once. Default none. */
  i18nBotNames?: pulumi.Input<
    pulumi.Input<{
      /** The language. */
      language: pulumi.Input<Language>;
      /** The name in that language: as botName. */
      botName: pulumi.Input<string>;
    }>[]
  >;
  /** The description per language, each language at most once. Default none. */
  i18nDescriptions?: pulumi.Input<
    pulumi.Input<{
      /** The language. */
      language: pulumi.Input<Language>;
      /** The description in that language: as description. */
      description: pulumi.Input<string>;
    }>[]
  >;
  /** The picture per language, each language at most once. Default none. */
  i18nPhotoUrls?: pulumi.Input<
    pulumi.Input<{
      /** The language. */
      language: pulumi.Input<Language>;
      /** The picture for that language: as photoUrl. */
      photoUrl: pulumi.Input<string>;
    }>[]
  >;
  /**
   * Take over this existing bot (its botId: a positive integer, or its digits as a string) instead
   * of creating one, and bring it to the declared state: the stand-in for `pulumi import`, which
   * dynamic resources lack. Read at create only; changing it later only updates the stack's state.
   */
  adoptBotId?: pulumi.Input<string | number>;
}

const NEWLINES = /\r\n|\r|\n/g;
const HAS_NEWLINE = /[\r\n]/;

/**
 * A bot name: each line break (CRLF, LF or CR) becomes a space, as LINE WORKS stores it, so the
 * stored name never differs from the declared one; then 1 to 100 characters, not blank.
 */
function botName() {
  const bounded = boundedString(100, { min: 1, nonBlank: true });
  return new t.Type<string, string, unknown>(
    bounded.name,
    (u): u is string => bounded.is(u) && !HAS_NEWLINE.test(u as string),
    (u, c) => bounded.validate(typeof u === "string" ? u.replace(NEWLINES, " ") : u, c),
    t.identity,
  );
}

/** A list of `item`s, each at most once, `min` to `max` long. */
function uniqueList<A>(item: t.Type<A, unknown, unknown>, what: string, min = 0, max?: number) {
  const rule =
    max === undefined
      ? `a list of ${what}, each at most once`
      : `a list of ${min === 0 ? "at most" : `${min} to`} ${max} ${what}, each at most once`;
  const list = t.array(item);
  const ok = (a: unknown[]) =>
    a.length >= min &&
    (max === undefined || a.length <= max) &&
    new Set(a.map(canonicalJson)).size === a.length;
  return new t.Type<A[], A[], unknown>(
    rule,
    (u): u is A[] => list.is(u) && ok(u),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected ${rule}`);
      const items = list.validate(u, c);
      if (isLeft(items)) return items;
      return ok(items.right) ? t.success(items.right) : t.failure(u, c, `expected ${rule}`);
    },
    t.identity,
  );
}

/** A list of {language, <key>} objects, each language at most once. */
function i18nList<K extends string, C extends t.Mixed>(key: K, value: C) {
  // Typed by key and value, so the definition's check against BotArgs covers these lists too.
  type Entry = { language: Language } & { [k in K]: t.TypeOf<C> };
  const entry = closedObject(`a {language, ${key}} object`, { language: oneOf(LANGUAGES), [key]: value }, {});
  const rule = `a list of {language, ${key}} objects, each language (${LANGUAGES.join(", ")}) at most once`;
  const list = t.array(entry);
  const ok = (a: Array<{ language?: unknown }>) => new Set(a.map((e) => e.language)).size === a.length;
  return new t.Type<Entry[], Entry[], unknown>(
    rule,
    (u): u is Entry[] => list.is(u) && ok(u as Props[]),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected ${rule}`);
      const items = list.validate(u, c);
      if (isLeft(items)) return items;
      const values = items.right as Props[];
      return ok(values) ? t.success(values as Entry[]) : t.failure(u, c, `expected ${rule}`);
    },
    t.identity,
  );
}

/** An https URL the vendor can fetch (a private or loopback host never works), at most 1,000 characters. */
const url = () => publicHttpsUrl(1000);

/** callbackUrl: such a URL, or "" (documented: no callbacks). */
function callbackUrl() {
  const https = url();
  const rule = `${https.name}, or "" for none`;
  return new t.Type<string, string, unknown>(
    rule,
    (u): u is string => u === "" || https.is(u),
    (u, c) => (u === "" || https.is(u) ? t.success(u as string) : t.failure(u, c, `expected ${rule}`)),
    t.identity,
  );
}

/** A bot id as a user writes it: a positive integer, or its digits as a string; stored as the string. */
export function botIdInput() {
  const rule = "a bot id: a positive integer, or its digits as a string";
  return new t.Type<string, string, unknown>(
    rule,
    (u): u is string => typeof u === "string" && /^[1-9]\d{0,18}$/.test(u),
    (u, c) => {
      if (typeof u === "number" && Number.isSafeInteger(u) && u > 0) return t.success(String(u));
      if (typeof u === "string" && /^[1-9]\d{0,18}$/.test(u)) return t.success(u);
      return t.failure(u, c, `expected ${rule}`);
    },
    t.identity,
  );
}

const text100 = () => boundedString(100, { min: 1, nonBlank: true });
const userIds = (min: number) => uniqueList(nonBlankString(), "user ids", min, 3);

/** An empty list, typed as one the field's values accept (a `[]` in the table would be `readonly []`). */
const none = (): never[] => [];

/** Lists that are sets: the order never makes a difference (the i18n lists are keyed by language). */
const sameSet: Same = (a, b) => {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  const key = (list: unknown[]) => list.map(canonicalJson).sort();
  return deepEqual(key(a), key(b));
};

/**
 * The fields of a lineworks.Bot; input names are the API's (the request body names them so). Every
 * field changes in place (PATCH), so none replaces the bot. `adoptBotId` is owned but never sent: it
 * matters at create only, and changing it only rewrites the state. (Replacing on it would delete
 * the very bot just adopted when it names the current one.)
 */
const fields = fieldTable({
  botName: { codec: botName(), required: true, doc: "The bot's name." },
  photoUrl: { codec: url(), required: true, doc: "The bot's picture: an https URL on a public host." },
  description: { codec: text100(), required: true, doc: "The bot's description." },
  administrators: { codec: userIds(1), required: true, same: sameSet, doc: "1 to 3 user ids." },
  subadministrators: { codec: userIds(0), default: none(), same: sameSet, doc: "0 to 3 user ids." },
  allowDomains: {
    codec: uniqueList(integerIn(1, Number.MAX_SAFE_INTEGER), "domain ids"),
    default: none(),
    same: sameSet,
    doc: "Ids of the domains where the bot may be registered.",
  },
  enableCallback: { codec: t.boolean, default: false, doc: "Send events to callbackUrl." },
  callbackEvents: {
    codec: uniqueList(oneOf(CALLBACK_EVENTS), "callback events"),
    default: none(),
    same: sameSet,
    doc: "The message types users may send the bot.",
  },
  callbackUrl: { codec: callbackUrl(), doc: 'Where LINE WORKS POSTs events; "" sends none.' },
  enableGroupJoin: { codec: t.boolean, default: false, doc: "Allow the bot in group and 1:N rooms." },
  defaultRichmenuId: { codec: nonBlankString(), doc: "The default rich menu of the bot." },
  i18nBotNames: {
    codec: i18nList("botName", botName()),
    default: none(),
    same: sameSet,
    doc: "The name per language.",
  },
  i18nDescriptions: {
    codec: i18nList("description", text100()),
    default: none(),
    same: sameSet,
    doc: "The description per language.",
  },
  i18nPhotoUrls: {
    codec: i18nList("photoUrl", url()),
    default: none(),
    same: sameSet,
    doc: "The picture per language.",
  },
  adoptBotId: {
    codec: botIdInput(),
    stateOnly: true,
    doc: "Take over this existing bot instead of creating one.",
  },
});

/** lineworks.Bot: its fields, its outputs, and what LINE WORKS does at each step of the lifecycle. */
export const definition = defineResource({
  module: "lineworks",
  name: "Bot",
  stateVersion: 1,
  fields,
  outputs: {
    botId: { doc: "The bot's id (int64, as a string); also the resource id." },
    createdTime: { doc: "When the bot was created." },
    modifiedTime: { doc: "When the bot was last changed." },
  },
  api: lineworksApi,

  async create(api, inputs) {
    const declared = pick(inputs, FIELD_NAMES);
    const name = declared.botName;
    let bot: BotRecord;
    if (inputs.adoptBotId !== undefined) {
      bot = await adoptExisting(api, String(inputs.adoptBotId), declared);
    } else {
      let since: number | undefined;
      bot = await createReconciled<BotRecord>({
        what: describe(name),
        gate: gateOf(api),
        send: async () => {
          since ??= Date.now();
          const made = await api.createBot(apiBody(declared));
          claimed.add(claimKey(api, made.botId));
          return made;
        },
        // Only our own bot is ever returned: names are not unique, so there is no "conflict".
        lookup: () => findCreated(api, declared, since ?? Date.now()),
        isOurs: () => true,
        isConflict: () => false,
        conflictError: () => new Error(`${describe(name)}: unexpected conflict`),
        // The id comes only from LINE WORKS' answer: without one there is nothing to record.
        recordAs: () => undefined,
      });
    }
    claimed.add(claimKey(api, bot.botId));
    const { values, differing } = settle(declaredFields(declared), declared, fieldValues(bot), rules);
    await warnDiffering("LINE WORKS", describe(name, bot.botId), differing);
    return { id: bot.botId, outs: toOutputs({ ...declared, ...values }, bot, inputs) };
  },

  async read(api, id, previous) {
    const bot = await api.getBot(id);
    // A documented gone answer: deleted outside Pulumi (docs/vendors/lineworks.md, "Gone").
    if (!bot) return undefined;
    // `Bot.get` reads with no state: then every field LINE WORKS returns is taken.
    const values = readDeclared(FIELD_NAMES, previous, fieldValues(bot), rules, previous.botId === undefined);
    return toOutputs(values, bot, previous);
  },

  async update(api, id, { previous, news, changed }) {
    const { declared, toSend, kept } = declaredUpdate(FIELD_NAMES, previous, news, changed);
    if (toSend.length === 0) return toOutputs(kept(declared), undefined, previous);
    const before = await api.getBot(id);
    if (!before) throw goneBeforeUpdate(describe(undefined, id));
    const bot = await updateFields(api, before, toSend, declared);
    const applied = settle(toSend, declared, fieldValues(bot), rules);
    await warnDiffering("LINE WORKS", describe(bot.botName, id), applied.differing);
    return toOutputs(kept(applied.values), bot, previous);
  },

  delete: (api, id) => api.deleteBot(id),
});

const { rules } = schemaOf(definition);
/** The fields sent to LINE WORKS, by their own names: all but the state-only ones. */
const FIELD_NAMES = vendorFields(fields);

function apiBody(values: Props): Record<string, unknown> {
  return pick(values, FIELD_NAMES);
}

/** The bot's fields by input name, as LINE WORKS returned them (absent or null: undefined). */
function fieldValues(bot: BotRecord): Props {
  return vendorValues(fields, () => bot);
}

/** The fields this resource manages: the declared ones (see the rule at the top). */
const declaredFields = (props: Props) => declaredFieldsOf(FIELD_NAMES, props);

/** Outputs: the settled field values, the declared `adoptBotId`, and what only LINE WORKS knows. */
function toOutputs(values: Props, bot: BotRecord | undefined, previous: Props): Props {
  const outs: Props = pick(values, FIELD_NAMES);
  outs.adoptBotId = previous.adoptBotId; // undefined when not declared: the host drops it (core/host.ts)
  outs.botId = bot?.botId ?? previous.botId;
  for (const k of ["createdTime", "modifiedTime"] as const) {
    const v = bot?.[k] ?? previous[k];
    if (v !== undefined) outs[k] = v;
  }
  return outs;
}

const describe = (name: unknown, id?: string) =>
  `LINE WORKS bot ${name === undefined ? id : `"${String(name)}"${id ? ` (id ${id})` : ""}`}`;

/**
 * Sends the changed fields. PATCH, not PUT: PUT resets every field its body omits, so it would
 * rewrite fields the user did not change or hides with ignoreChanges (contract rule 2). applyUpdate
 * still checks the answer for reset fields (rule 3), in case PATCH ever behaves otherwise.
 */
async function updateFields(
  api: LineWorksApi,
  before: BotRecord,
  changed: readonly string[],
  declared: Props,
): Promise<BotRecord> {
  let bot = before;
  await applyUpdate({
    changed,
    updatable: FIELD_NAMES,
    declared,
    before: fieldValues(before),
    rules,
    what: describe(before.botName, before.botId),
    send: async (values) => {
      await warnSideEffects(api, before, values);
      const answer = await api.patchBot(before.botId, apiBody(values));
      if (!answer) throw goneBeforeUpdate(describe(undefined, before.botId));
      bot = answer;
      return fieldValues(bot);
    },
  });
  return bot;
}

/** Says what LINE WORKS does besides the change itself (documented side effects of PATCH). */
async function warnSideEffects(api: LineWorksApi, before: BotRecord, values: Props): Promise<void> {
  const what = describe(before.botName, before.botId);
  const allowed = values.allowDomains as number[] | undefined;
  if (allowed && allowed.length > 0) {
    const dropped = ((await api.listDomains(before.botId)) ?? [])
      .map((d) => d.domainId)
      .filter((d) => !allowed.includes(d));
    if (dropped.length > 0) {
      await warn(
        `the new allowDomains of ${what} leave out domain${dropped.length > 1 ? "s" : ""} ${dropped.join(", ")}, ` +
          "where the bot is registered: LINE WORKS removes those registrations (a lineworks.BotDomain of " +
          "them reads as gone at the next refresh)",
      );
    }
  }
  if (values.enableGroupJoin === false && before.enableGroupJoin === true) {
    await warn(`enableGroupJoin false: LINE WORKS removes ${what} from its group and 1:N rooms`);
  }
}

/** Takes over an existing bot: updates what differs from the declared state. */
async function adoptExisting(api: LineWorksApi, botId: string, declared: Props): Promise<BotRecord> {
  const existing = await api.getBot(botId);
  if (!existing) {
    throw new InputError(
      `adoptBotId: LINE WORKS has no bot with id ${botId} in this tenant (deleted, or another tenant's ` +
        "credentials): check the id in the Developer Console under Bot, or remove adoptBotId to create a bot",
    );
  }
  const differing = settle(declaredFields(declared), declared, fieldValues(existing), rules).differing;
  return differing.length > 0 ? updateFields(api, existing, differing, declared) : existing;
}

/**
 * How far LINE WORKS' clock (createdTime, whole seconds) may lag ours. Missing our own bot makes a
 * duplicate; a false match needs a bot identical in every declared field made within these seconds.
 */
const CLOCK_SKEW_MS = 5_000;

// Bots this process created or found as its own, by endpoint and id: never claimed twice (two
// identical resources whose answers were both lost).
const claimed = new Set<string>();
const claimKey = (api: LineWorksApi, botId: string) => `${api.endpoint} ${botId}`;

// By endpoint: a lookup after a lost answer waits for the creates in flight, whose answers claim
// their bots first, so it never takes the bot of a create still being answered (core/create.ts).
const gates = new Map<string, CreateGate>();
function gateOf(api: LineWorksApi): CreateGate {
  let gate = gates.get(api.endpoint);
  if (!gate) gates.set(api.endpoint, (gate = new CreateGate()));
  return gate;
}

/**
 * The bot a create since `since` (ms, our clock) made: same name and picture in the listing, then
 * every declared field and a createdTime no earlier than `since` (less the skew) in its details.
 */
async function findCreated(
  api: LineWorksApi,
  declared: Props,
  since: number,
): Promise<BotRecord | undefined> {
  const earliest = Math.floor(since / 1000) * 1000 - CLOCK_SKEW_MS;
  const candidates = (await api.listBots())
    .filter(
      (b) =>
        !claimed.has(claimKey(api, b.botId)) &&
        (b.botName ?? declared.botName) === declared.botName &&
        (b.photoUrl ?? declared.photoUrl) === declared.photoUrl,
    )
    // Newest first: ours is the latest of its name.
    .sort((a, b) => b.botId.length - a.botId.length || (b.botId > a.botId ? 1 : -1));
  for (const candidate of candidates) {
    const bot = await api.getBot(candidate.botId);
    if (!bot) continue;
    const created = Date.parse(bot.createdTime ?? "");
    if (!(created >= earliest)) continue;
    if (settle(declaredFields(declared), declared, fieldValues(bot), rules).differing.length > 0) continue;
    // Checked and claimed with no await between: two lookups running at once never pick the same bot.
    const key = claimKey(api, bot.botId);
    if (claimed.has(key)) continue;
    claimed.add(key);
    return bot;
  }
  return undefined;
}

export const botHandlers: ResourceHandlers = handlersOf(definition);

/**
 * A LINE WORKS bot (API 2.0), created at the tenant; register it in domains with
 * lineworks.BotDomain. Settings: a service account (`lineworks:clientId`, `clientSecret`,
 * `serviceAccount`, `privateKey`) or `lineworks:accessToken`, or the LINEWORKS_* environment
 * variables. Delete deletes the bot.
 *
 * `Bot.get(name, id)`: reads an existing bot by its botId into the program, without managing it.
 */
export class Bot extends definedResource<BotArgs, Bot>(definition, provider, { idOutput: "botId" }) {
  /**
   * The bot's id (int64, as a string). It is the resource id, so a dependent wired to it (a
   * BotDomain) sees it known during the preview of an update and is not replaced.
   */
  declare public readonly botId: pulumi.Output<string>;
  /** The bot's name. */
  declare public readonly botName: pulumi.Output<string>;
  /** The bot's picture URL. */
  declare public readonly photoUrl: pulumi.Output<string>;
  /** The bot's description. */
  declare public readonly description: pulumi.Output<string>;
  /** The administrators' user ids. */
  declare public readonly administrators: pulumi.Output<string[]>;
  /** The sub-administrators' user ids. */
  declare public readonly subadministrators: pulumi.Output<string[]>;
  /** The domains where the bot may be registered. */
  declare public readonly allowDomains: pulumi.Output<number[]>;
  /** Whether events are sent to callbackUrl. */
  declare public readonly enableCallback: pulumi.Output<boolean>;
  /** The message types users may send the bot. */
  declare public readonly callbackEvents: pulumi.Output<CallbackEvent[]>;
  /** Where LINE WORKS POSTs events, when declared. */
  declare public readonly callbackUrl: pulumi.Output<string | undefined>;
  /** Whether the bot may join group and 1:N rooms. */
  declare public readonly enableGroupJoin: pulumi.Output<boolean>;
  /** The default rich menu, when declared. */
  declare public readonly defaultRichmenuId: pulumi.Output<string | undefined>;
  /** The name per language. */
  declare public readonly i18nBotNames: pulumi.Output<
    Array<{
      /** The language. */
      language: Language;
      /** The name in that language. */
      botName: string;
    }>
  >;
  /** The description per language. */
  declare public readonly i18nDescriptions: pulumi.Output<
    Array<{
      /** The language. */
      language: Language;
      /** The description in that language. */
      description: string;
    }>
  >;
  /** The picture per language. */
  declare public readonly i18nPhotoUrls: pulumi.Output<
    Array<{
      /** The language. */
      language: Language;
      /** The picture for that language. */
      photoUrl: string;
    }>
  >;
  /** The declared `adoptBotId` (state only, never sent). */
  declare public readonly adoptBotId: pulumi.Output<string | undefined>;
  /** When the bot was created (`YYYY-MM-DDThh:mm:ssTZD`). */
  declare public readonly createdTime: pulumi.Output<string | undefined>;
  /** When the bot was last changed. */
  declare public readonly modifiedTime: pulumi.Output<string | undefined>;
}
