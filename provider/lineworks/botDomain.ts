/**
 * lineworks.BotDomain: a bot registered in one domain of the tenant, which makes it usable there
 * (a bot alone exists at tenant level only). Id `<botId>/<domainId>`; both force a replacement,
 * `visible` and `allowToSelectedMember` change in place (PATCH). LINE WORKS has no get-one for a
 * registration, so reads go through the bot's domain list, which concurrent reads share.
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { integerIn } from "../core/codec";
import { applyUpdate, pick, Props, settle, warnDiffering } from "../core/contract";
import { CREATE_UNSETTLED, createReconciled } from "../core/create";
import {
  defineResource,
  fieldTable,
  handlersOf,
  schemaOf,
  stateFlag,
  type FieldTable,
} from "../core/definition";
import { ApiError, goneBeforeUpdate, InputError } from "../core/errors";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/lineworks-bot-domain");
import { DomainBody, DomainRecord, isAlreadyExist, isGone, LineWorksApi, lineworksApi } from "./api";
import { botIdInput } from "./bot";
import { definedResource } from "../core/resource";

/**
 * The inputs of a {@link BotDomain}: which bot, in which domain, and how it shows there. `botId`
 * and `domainId` force a replacement; the others are updated in place.
 */
export interface BotDomainArgs {
  /**
   * The bot, typically `bot.botId` of a lineworks.Bot: a positive integer as a string. Changing it
   * replaces the registration.
   */
  botId: pulumi.Input<string>;
  /**
   * The domain's id, a positive integer; it must be in the bot's allowDomains (when that is not
   * empty). Changing it replaces the registration.
   */
  domainId: pulumi.Input<number>;
  /** Show the bot in the domain's organisation chart and bot list. Default false (documented). */
  visible?: pulumi.Input<boolean>;
  /** true: only selected members may use the bot; false: everyone in the domain. Default false (documented). */
  allowToSelectedMember?: pulumi.Input<boolean>;
  /**
   * Take over the registration if the bot is already registered in the domain (an adopted bot's,
   * say), bringing it to the declared state, instead of failing. Default false; changing it only
   * updates the stack's state.
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The fields of a lineworks.BotDomain. `botId` and `domainId` name the registration (its id), so a
 * change of either replaces it; `visible` and `allowToSelectedMember` change in place (PATCH).
 * `adopt` is owned but never sent: changing it only rewrites the state.
 */
const fields = fieldTable({
  botId: { codec: botIdInput(), required: true, replaces: true, doc: "The bot, typically `bot.botId`." },
  domainId: {
    codec: integerIn(1, Number.MAX_SAFE_INTEGER),
    required: true,
    replaces: true,
    doc: "The domain's id, a positive integer.",
  },
  visible: {
    codec: t.boolean,
    default: false,
    doc: "Show the bot in the domain's organisation chart and bot list.",
  },
  allowToSelectedMember: {
    codec: t.boolean,
    default: false,
    doc: "true: only selected members may use the bot; false: everyone in the domain.",
  },
  adopt: stateFlag("Take over the registration if the bot is already registered in the domain."),
});

/** lineworks.BotDomain: its fields, and what LINE WORKS does at each step of the lifecycle. */
export const definition = defineResource({
  module: "lineworks",
  name: "BotDomain",
  stateVersion: 1,
  fields,
  outputs: {},
  api: lineworksApi,

  create: (api, inputs) => register(api, inputs),

  async read(api, id, previous) {
    // With no state (`get`), the id says which bot and domain.
    const [botId, domainId] =
      previous.botId === undefined ? splitId(id) : [String(previous.botId), Number(previous.domainId)];
    // A bot that is gone took its registrations with it; a domain absent from its list is gone.
    const found = await api.findDomain(botId, domainId);
    if (!found) return undefined;
    const { values } = settle(UPDATABLE, previous, domainValues(found));
    return outputs({ ...previous, botId, domainId, ...values });
  },

  async update(api, _id, { previous, news, changed }) {
    const botId = String(previous.botId);
    const domainId = Number(previous.domainId);
    // Also with nothing to send: the engine updates a registration recorded after a create that
    // may not have reached LINE WORKS (ResourceInitError), and the record must not be trusted blindly.
    const before = await api.findDomain(botId, domainId);
    if (!before) {
      // That create never reached LINE WORKS: make it now, as the init error promised. A
      // registration that was fully made is not made again behind the user's back: someone
      // removed it, and refresh is how they tell Pulumi so.
      if (previous[CREATE_UNSETTLED] === true) return (await register(api, news)).outs;
      throw domainGone(botId, domainId);
    }
    if (changed.length === 0) return outputs(previous);
    const record = await updateFields(api, botId, domainId, before, changed, news);
    const applied = settle(changed, news, domainValues(record));
    await warnDiffering("LINE WORKS", describe(botId, domainId), applied.differing);
    return outputs({ ...previous, ...applied.values });
  },

  async delete(api, id, previous) {
    const [botId, domainId] =
      previous.botId === undefined ? splitId(id) : [String(previous.botId), Number(previous.domainId)];
    // Already gone, or its bot is: nothing left to do.
    await api.deleteDomain(botId, domainId);
  },
});

/** The fields LINE WORKS changes in place, by their own names in its request body. */
const { updatable: UPDATABLE } = schemaOf(definition);

const idOf = (botId: string, domainId: number) => `${botId}/${domainId}`;

function splitId(id: string): [string, number] {
  const m = /^(\d+)\/(\d+)$/.exec(id);
  if (!m) throw new InputError(`a lineworks.BotDomain id is "<botId>/<domainId>" (two integers)`);
  return [m[1], Number(m[2])];
}

const describe = (botId: string, domainId: number) =>
  `the registration of LINE WORKS bot ${botId} in domain ${domainId}`;

function domainValues(record: DomainRecord): Props {
  return {
    visible: record.visible ?? undefined,
    allowToSelectedMember: record.allowToSelectedMember ?? undefined,
  };
}

/** The outputs: the fields, nothing else (a state-only one at its default when absent). */
function outputs(props: Props): Props {
  return Object.fromEntries(
    Object.entries(fields as FieldTable).map(([k, f]) => [
      k,
      f.stateOnly ? (props[k] ?? f.default) : props[k],
    ]),
  );
}

function body(values: Props): DomainBody {
  return pick(values, UPDATABLE) as DomainBody;
}

/** Sends the changed fields with PATCH (PUT resets what it omits); returns LINE WORKS' last answer. */
async function updateFields(
  api: LineWorksApi,
  botId: string,
  domainId: number,
  before: DomainRecord,
  changed: readonly string[],
  declared: Props,
): Promise<DomainRecord> {
  let record = before;
  await applyUpdate({
    changed,
    updatable: UPDATABLE,
    declared,
    before: domainValues(before),
    what: describe(botId, domainId),
    send: async (values) => {
      const answer = await api.patchDomain(botId, domainId, body(values));
      if (!answer) throw domainGone(botId, domainId);
      record = answer;
      return domainValues(record);
    },
  });
  return record;
}

function alreadyRegistered(botId: string, domainId: number): InputError {
  return new InputError(
    `LINE WORKS bot ${botId} is already registered in domain ${domainId}. To manage that registration ` +
      "with Pulumi, set `adopt: true` on this resource (it is then brought to the declared state)",
  );
}

/**
 * Adds advice the user can act on to a refused registration: a missing bot or domain, a domain
 * outside allowDomains. Which documented code each case gets is not documented
 * (docs/vendors/lineworks.md, "Gone"), so the bot is looked up to tell them apart.
 */
async function explainRefusal(
  api: LineWorksApi,
  err: unknown,
  botId: string,
  domainId: number,
): Promise<unknown> {
  if (!(err instanceof ApiError)) return err;
  if (isGone(err)) {
    const bot = await api.getBot(botId).catch(() => null);
    if (bot === undefined) {
      return new InputError(
        `${err.message}. LINE WORKS has no bot ${botId} (deleted outside Pulumi?): check botId, or run \`pulumi refresh\``,
      );
    }
    if (bot !== null) {
      return new InputError(
        `${err.message}. LINE WORKS bot ${botId} exists, so domain ${domainId} is what LINE WORKS did not ` +
          "find: check domainId (it must be a domain of this tenant)",
      );
    }
    return err;
  }
  if (err.status === 400) {
    const bot = await api.getBot(botId);
    const allowed = bot?.allowDomains ?? [];
    if (allowed.length > 0 && !allowed.includes(domainId)) {
      return new InputError(
        `${err.message}. Domain ${domainId} is not in the allowDomains of LINE WORKS bot ${botId}: add it to ` +
          "the bot's allowDomains (and pass `botId: bot.botId`, so the bot is updated before the registration)",
      );
    }
  }
  return err;
}

/**
 * Registers the bot in the domain `inputs` declare, through createReconciled: a lost answer is
 * looked up, never sent again blindly. Used by create, and by update to finish a create that never
 * reached LINE WORKS.
 */
async function register(api: LineWorksApi, inputs: Props): Promise<{ id: string; outs: Props }> {
  const botId = String(inputs.botId);
  const domainId = Number(inputs.domainId);
  const declared = pick(inputs, UPDATABLE);
  const record = await createReconciled<DomainRecord>({
    what: describe(botId, domainId),
    send: async () => {
      try {
        return await api.createDomain(botId, domainId, body(declared));
      } catch (err) {
        throw await explainRefusal(api, err, botId, domainId);
      }
    },
    lookup: () => api.findDomain(botId, domainId),
    isOurs: (found) => settle(UPDATABLE, declared, domainValues(found)).differing.length === 0,
    isConflict: isAlreadyExist,
    adopt:
      inputs.adopt === true
        ? async (found) => {
            const differing = settle(UPDATABLE, declared, domainValues(found)).differing;
            if (differing.length === 0) return found;
            return updateFields(api, botId, domainId, found, differing, declared);
          }
        : undefined,
    conflictError: () => alreadyRegistered(botId, domainId),
    // The id is ours to make: a registration the vendor may hold is recorded, not lost, and
    // marked as such, so the next `up` (update) makes it if it never reached LINE WORKS.
    recordAs: () => ({
      id: idOf(botId, domainId),
      properties: { ...outputs(inputs), [CREATE_UNSETTLED]: true },
    }),
  });
  const { values, differing } = settle(UPDATABLE, declared, domainValues(record));
  await warnDiffering("LINE WORKS", describe(botId, domainId), differing);
  return { id: idOf(botId, domainId), outs: outputs({ ...inputs, botId, domainId, ...values }) };
}

/** An update of a registration LINE WORKS no longer has. */
function domainGone(botId: string, domainId: number) {
  const cause = "removed outside Pulumi, or the bot's allowDomains left the domain out";
  return goneBeforeUpdate(describe(botId, domainId), cause, "add it again");
}

export const botDomainHandlers: ResourceHandlers = handlersOf(definition);

/**
 * A LINE WORKS bot registered in one domain, which makes it usable there. Id: `<botId>/<domainId>`.
 * Delete removes the registration.
 *
 * `BotDomain.get(name, id)`: reads an existing registration by its id `<botId>/<domainId>`, without managing it.
 */
export class BotDomain extends definedResource<BotDomainArgs, BotDomain>(definition, provider) {
  /** The bot's id. */
  declare public readonly botId: pulumi.Output<string>;
  /** The domain's id. */
  declare public readonly domainId: pulumi.Output<number>;
  /** Whether the bot shows in the domain's organisation chart and bot list. */
  declare public readonly visible: pulumi.Output<boolean>;
  /** true: only selected members may use the bot; false: everyone in the domain. */
  declare public readonly allowToSelectedMember: pulumi.Output<boolean>;
  /** The declared `adopt` (state only, never sent). */
  declare public readonly adopt: pulumi.Output<boolean>;
}
