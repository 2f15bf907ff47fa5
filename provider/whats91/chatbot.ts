/**
 * whats91.Chatbot: a WhatsApp auto-reply rule on Whats91. Whats91's API can create, get and list
 * chatbots, but not change or remove one. So, safe by default:
 * - A change to an existing chatbot fails at preview (`check` sees the old inputs): it could only be
 *   made by creating a second chatbot while the first stays live, answering the same messages.
 *   `replaceLeavesOldActive: true` lets the change through as a replacement, and the preview and
 *   the run warn, naming the chatbot left behind.
 * - Delete only removes the chatbot from the stack, and warns naming what remains on Whats91.
 * - Create is not idempotent and names are not unique: the chatbots a sender had before a create
 *   are noted (one listing shared by the creates that start within a moment, ledger.ts), so after
 *   a lost answer only a new match that no other create claimed counts as ours, and nothing is
 *   sent twice.
 * What Whats91 documents, and leaves open, is in docs/vendors/whats91.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import {
  boundedString,
  closedObject,
  containsUnknown,
  httpsUrl,
  integerIn,
  checkedArray,
  nonBlankString,
  oneOf,
  publicHttpsUrl,
  refine,
} from "../core/codec";
import { deepEqual, pick, Props, settle } from "../core/contract";
import { createReconciled } from "../core/create";
import {
  checkDefined,
  defineResource,
  fieldTable,
  handlersOf,
  schemaOf,
  stateFlag,
  vendorBody,
  type Inputs as DefinedInputs,
} from "../core/definition";
import type { DiffSpec } from "../core/diff";
import { ApiError, ResourceInitError } from "../core/errors";
import { warn } from "../core/log";
import type { ResourceHandlers } from "../core/shim";
import provider = require("../shims/whats91-chatbot");
import { ledgerOf, type SenderIds } from "./ledger";
import {
  ChatbotSummary,
  ChatbotWithSender,
  CODES,
  configuredSenderId,
  CreateBody,
  CreateRoute,
  statusName,
  Whats91Api,
  whats91Api,
} from "./api";
import { definedResource } from "../core/resource";

// ---- the inputs, as TypeScript types users get completion for -------------------------------

/**
 * How a message triggers a chatbot: it contains, equals, starts or ends with a keyword, contains it
 * as a whole word, matches it as a regular expression (`regex`), or is the first message of a
 * conversation (`welcome`).
 */
export type TriggerType =
  "contains" | "exact" | "starts_with" | "ends_with" | "contains_whole_word" | "regex" | "welcome";

/** A chatbot's trigger: `{type, keywords}` or `{type, keyword}`, stored as `{type, keywords}`. */
export interface ChatbotTrigger {
  /** One of the {@link TriggerType} values. */
  type: TriggerType;
  /**
   * The words that trigger the reply: unique, each not blank and without control characters. Give
   * `keywords` or `keyword`, not both. Every type but `welcome` needs at least one; Whats91
   * documents them as required on every create route, `welcome` included, so give a `welcome`
   * trigger keywords too (a Whats91 account that applies the rule refuses one without).
   */
  keywords?: string[];
  /** A single keyword: the same as `keywords: [keyword]`. */
  keyword?: string;
}

/** A plain text reply (created on Whats91's text route; botType "simple"). */
export interface TextResponse {
  /** The kind: "text". */
  type: "text";
  /** The reply: not blank, no control characters. */
  text: string;
}
/** An image, video, audio or document reply (created on Whats91's media route; botType "media"). */
export interface MediaResponse {
  /** The kind: "media". */
  type: "media";
  /** The file to send. */
  media: {
    /** "IMAGE", "VIDEO", "AUDIO" or "DOCUMENT". */
    type: "IMAGE" | "VIDEO" | "AUDIO" | "DOCUMENT";
    /**
     * A public https URL that Whats91 and Meta can fetch, at most 2,048 characters: not localhost,
     * an internal or single-label name, or a private, reserved or special-use IP address, and
     * without a user name or password.
     */
    url: string;
    /** The file name shown to the recipient; recommended for DOCUMENT. */
    fileName?: string;
  };
  /** Caption. */
  text?: string;
}
/** A reply with 1 to 3 quick-reply buttons (interactive route; botType "advanced"). */
export interface ButtonsResponse {
  /** The kind: "buttons". */
  type: "buttons";
  /** The message above the buttons. */
  text: string;
  /** A line under the message. */
  footerText?: string;
  /** 1 to 3 buttons with unique ids. */
  buttons: Array<{
    /** 1 to 256 characters; unique among the buttons. */
    id: string;
    /** 1 to 20 characters, not blank. */
    label: string;
  }>;
}
/** A reply with one call-to-action link button (interactive route; botType "advanced"). */
export interface CtaResponse {
  /** The kind: "cta". */
  type: "cta";
  /** The message above the button. */
  text: string;
  /** The button's label. */
  ctaText: string;
  /** Where the button leads: an absolute https URL of at most 2,048 characters. */
  ctaUrl: string;
}
/** A reply with a list menu (interactive route; botType "advanced"). */
export interface ListResponse {
  /** The kind: "list". */
  type: "list";
  /** The message above the list. */
  text: string;
  /** A line under the message. */
  footerText?: string;
  /** 1 or more sections, each with at least one row; at most 10 rows across all sections. */
  sections: Array<{
    /** The section's heading. */
    title: string;
    /** The section's rows. */
    rows: Array<{
      /** The row's id, returned when the user picks it. */
      id: string;
      /** The row's label. */
      title: string;
      /** A second line under the label. */
      description?: string;
    }>;
  }>;
}
/**
 * What a chatbot answers: one of the five kinds, told apart by `type`. Every text in it (`text`,
 * `footerText`, `ctaText`, titles, row ids, descriptions, file names) must not be blank and has no
 * control characters, line breaks included. A property not listed for the kind is refused by name.
 */
export type ChatbotResponse = TextResponse | MediaResponse | ButtonsResponse | CtaResponse | ListResponse;

/**
 * The inputs of a {@link Chatbot}. Whats91 can neither change nor delete a chatbot, so every field
 * but `replaceLeavesOldActive` forces a replacement, and a change to an existing chatbot fails at
 * preview unless `replaceLeavesOldActive` is true.
 */
export interface ChatbotArgs {
  /**
   * The WhatsApp sender number: 7 to 15 digits with country code, no "+" or leading 0. Default:
   * whats91:senderId or WHATS91_SENDER_ID; omit all three with a token bound to one sender.
   * Changing it replaces the chatbot.
   */
  senderId?: pulumi.Input<string>;
  /** The chatbot's name: not blank, no control characters; not unique on Whats91. */
  name: pulumi.Input<string>;
  /** What triggers the reply (see {@link ChatbotTrigger}). */
  trigger: pulumi.Input<ChatbotTrigger>;
  /** An integer from 0 to 255 (Whats91 would clamp other values silently; they are refused). */
  priority?: pulumi.Input<number>;
  /** "ACTIVE" or "INACTIVE". Default "ACTIVE". */
  status?: pulumi.Input<"ACTIVE" | "INACTIVE">;
  /** The reply (see {@link ChatbotResponse}). */
  response: pulumi.Input<ChatbotResponse>;
  /**
   * Whats91 cannot change or delete a chatbot. Set this to let a change go through anyway, as a
   * new chatbot: the old one stays on Whats91, live unless you deactivate it in the dashboard.
   * Default false; changing it only updates the stack's state.
   */
  replaceLeavesOldActive?: pulumi.Input<boolean>;
}

// ---- schema ------------------------------------------------------------------------------------

const TRIGGER_TYPES: TriggerType[] = [
  "contains",
  "exact",
  "starts_with",
  "ends_with",
  "contains_whole_word",
  "regex",
  "welcome",
];

const keyword = nonBlankString();

/**
 * keyword or keywords (not both), normalised to keywords. Whats91 documents `trigger.keywords` and
 * `trigger.keyword` as "Required unless" the other is supplied, on every create route, with no
 * exception for `welcome` (docs/vendors/whats91.md, "Triggers"). Every type but `welcome` needs at
 * least one. A `welcome` trigger takes keywords and sends them; one without keywords still passes,
 * since whether Whats91 applies the rule to `welcome` is not documented either way: where it does,
 * the create fails with VALIDATION_FAILED and `welcomeAdvice` says what to add.
 */
const triggerCodec = new t.Type<{ type: TriggerType; keywords?: string[] }, unknown, unknown>(
  "trigger",
  // Stryker disable next-line BooleanLiteral: io-ts calls `validate`, never `is`, when decoding
  (_u): _u is { type: TriggerType; keywords?: string[] } => false,
  (u, c) => {
    const shape = closedObject(
      "a trigger {type, keywords} or {type, keyword}",
      { type: oneOf(TRIGGER_TYPES) },
      { keywords: t.array(keyword), keyword },
    ).validate(u, c);
    if (shape._tag === "Left") return shape;
    const { type, keywords, keyword: single } = shape.right;
    const at = (key: string) => [...c, { key, type: t.unknown, actual: undefined }];
    if (keywords !== undefined && single !== undefined) {
      return t.failure(undefined, at("keyword"), "give keywords or keyword, not both");
    }
    const all = keywords ?? (single === undefined ? [] : [single]);
    if (all.length === 0) {
      return type === "welcome"
        ? t.success({ type })
        : t.failure(undefined, at("keywords"), `a "${type}" trigger needs at least one keyword`);
    }
    if (new Set(all).size !== all.length)
      return t.failure(undefined, at("keywords"), "keywords must be unique");
    return t.success({ type, keywords: all });
  },
  t.identity,
);

const text = nonBlankString();

const RESPONSE_CODECS: Record<ChatbotResponse["type"], t.Decoder<unknown, unknown>> = {
  text: closedObject("a text response", { type: t.literal("text"), text }, {}),
  media: closedObject(
    "a media response",
    {
      type: t.literal("media"),
      media: closedObject(
        "media {type, url, fileName}",
        { type: oneOf(["IMAGE", "VIDEO", "AUDIO", "DOCUMENT"]), url: publicHttpsUrl(2048) },
        { fileName: nonBlankString() },
      ),
    },
    { text },
  ),
  buttons: closedObject(
    "a buttons response",
    {
      type: t.literal("buttons"),
      text,
      buttons: checkedArray(
        closedObject(
          "a button {id, label}",
          { id: boundedString(256, { min: 1 }), label: boundedString(20, { min: 1, nonBlank: true }) },
          {},
        ),
        (b) => b.length >= 1 && b.length <= 3 && new Set(b.map((x) => x.id)).size === b.length,
        "1 to 3 buttons with unique ids",
      ),
    },
    { footerText: text },
  ),
  cta: closedObject(
    "a cta response",
    { type: t.literal("cta"), text, ctaText: text, ctaUrl: httpsUrl(2048) },
    {},
  ),
  list: closedObject(
    "a list response",
    {
      type: t.literal("list"),
      text,
      sections: checkedArray(
        closedObject(
          "a section {title, rows}",
          {
            title: text,
            rows: t.array(
              closedObject(
                "a row {id, title, description}",
                { id: text, title: text },
                { description: text },
              ),
            ),
          },
          {},
        ),
        (sections) => {
          const rows = sections.flatMap((s) => s.rows);
          return sections.length >= 1 && sections.every((s) => s.rows.length >= 1) && rows.length <= 10;
        },
        "1 or more sections, each with rows, at most 10 rows in all",
      ),
    },
    { footerText: text },
  ),
};

/** A discriminated union on `type`: the error names the member's own rules, not all five. */
const responseCodec = new t.Type<ChatbotResponse, unknown, unknown>(
  "response",
  // Stryker disable next-line BooleanLiteral: io-ts calls `validate`, never `is`, when decoding
  (_u): _u is ChatbotResponse => false,
  (u, c) => {
    const type = (u as { type?: unknown } | null)?.type;
    // Own keys only: a type of "constructor" or "__proto__" is no response kind.
    if (!Object.prototype.hasOwnProperty.call(RESPONSE_CODECS, String(type))) {
      return t.failure(
        undefined,
        [...c, { key: "type", type: t.unknown, actual: undefined }],
        `expected one of ${Object.keys(RESPONSE_CODECS)
          .map((k) => JSON.stringify(k))
          .join(", ")}`,
      );
    }
    return RESPONSE_CODECS[String(type) as ChatbotResponse["type"]].validate(
      u,
      c,
    ) as t.Validation<ChatbotResponse>;
  },
  t.identity,
);

/**
 * The fields of a whats91.Chatbot. Whats91 can neither change nor delete a chatbot, so every field
 * it sees replaces it. The chatbot's own fields go in the create body's `chatbot`, by the same
 * names; `senderId` goes beside it (createBody). None needs a `same` rule: each is compared exactly.
 */
const fields = fieldTable({
  senderId: {
    codec: refine(t.string, (s) => /^[1-9][0-9]{6,14}$/.test(s), "digits with country code, no +"),
    replaces: true,
    doc: "The WhatsApp sender number, with country code.",
  },
  name: {
    codec: nonBlankString(),
    required: true,
    replaces: true,
    vendor: "name",
    doc: "The chatbot's name; not unique on Whats91.",
  },
  trigger: {
    codec: triggerCodec,
    required: true,
    replaces: true,
    vendor: "trigger",
    doc: "What triggers the reply.",
  },
  priority: {
    codec: integerIn(0, 255),
    replaces: true,
    vendor: "priority",
    doc: "An integer from 0 to 255.",
  },
  status: {
    codec: oneOf(["ACTIVE", "INACTIVE"]),
    default: "ACTIVE",
    replaces: true,
    vendor: "status",
    doc: '"ACTIVE" or "INACTIVE".',
  },
  response: {
    codec: responseCodec,
    required: true,
    replaces: true,
    vendor: "response",
    doc: "The reply.",
  },
  replaceLeavesOldActive: stateFlag("Let a change through as a new chatbot, the old one staying on Whats91."),
});

/** What a replacement leaves behind on Whats91, by the old chatbot's status. */
function leftBehind(status: unknown): string {
  return status === "INACTIVE"
    ? "stays on Whats91 (INACTIVE)"
    : "stays ACTIVE on Whats91, answering the same messages as the new one";
}

/**
 * The safety rule, once every field passed its own: a change to an existing chatbot (old inputs
 * given) fails unless `replaceLeavesOldActive` says the user accepts what stays behind.
 */
function consentMissing(
  inputs: Props,
  olds: Props,
  failed: ReadonlySet<string>,
): pulumi.dynamic.CheckFailure[] {
  const consent = inputs.replaceLeavesOldActive;
  // An unknown consent is checked again at `up`, once resolved.
  if (failed.size > 0 || Object.keys(olds).length === 0 || consent === true || containsUnknown(consent)) {
    return [];
  }
  const changed = FIELDS.filter((f) => !containsUnknown(inputs[f]) && !deepEqual(olds[f], inputs[f]));
  if (changed.length === 0) return [];
  const reason =
    `Whats91 cannot change or delete a chatbot: changing ${changed.join(", ")} means creating a new ` +
    `chatbot, and the current one ${leftBehind(olds.status)}. To proceed, ` +
    "deactivate the current chatbot in the Whats91 dashboard (Chatbots), then set " +
    "`replaceLeavesOldActive: true` on this resource; or undo the change";
  return changed.map((property) => ({ property, reason }));
}

/** whats91.Chatbot: its fields, its outputs, and what Whats91 allows at each step of the lifecycle. */
export const definition = defineResource({
  module: "whats91",
  name: "Chatbot",
  stateVersion: 1,
  fields,
  outputs: {
    chatbotUid: { doc: "The chatbot's public id (also the resource id)." },
    botType: { doc: "What Whats91 calls the kind: simple, media or advanced." },
    phoneNumberId: { doc: "The WhatsApp phone number id of the sender, when Whats91 returns it." },
    wabaId: { doc: "The WhatsApp Business Account id of the sender, when Whats91 returns it." },
    resolvedSenderId: { doc: "The sender the chatbot was created on." },
  },
  api: whats91Api,
  crossCheck: consentMissing,

  async onReplace(previous) {
    await warn(
      `replacing ${describe(previous.chatbotUid, previous.name)} creates a new chatbot; Whats91 cannot ` +
        `delete the old one, which ${leftBehind(previous.status)}. ` +
        "Deactivate it in the Whats91 dashboard (Chatbots)",
    );
  },

  async create(api, inputs) {
    const senderId = inputs.senderId ?? configuredSenderId();
    const declared = pick(inputs, FIELDS);
    const ledger = ledgerOf(api.account);
    // Listed before the create, and shared with the creates that start within a moment of it: after
    // a lost answer, only a chatbot not among these, and claimed by no other create, can be ours.
    const existing = await ledger.existing(senderId ?? "", async () =>
      (await api.list(senderId, {})).map((c) => c.chatbotUid),
    );
    const created = await createReconciled<ChatbotWithSender>({
      what: `Whats91 chatbot "${inputs.name}"`,
      gate: ledger.gate,
      send: async () => {
        const answer = await api
          .create(routeFor(inputs.response), createBody(inputs, senderId))
          .catch((err: unknown) => {
            throw welcomeAdvice(err, inputs);
          });
        ledger.claim(answer.chatbot.chatbotUid);
        return answer;
      },
      lookup: async () => {
        const ours = (await lookalikes(api, inputs, senderId)).find(
          (c) => !existing.has(c.chatbotUid) && !ledger.isClaimed(c.chatbotUid),
        );
        // Claimed with no await since the check: a lookup running next never takes it too.
        if (ours) ledger.claim(ours.chatbotUid);
        return ours && { chatbot: ours, senderId };
      },
      isOurs: () => true,
      // Names are not unique: Whats91 never refuses a create as a duplicate.
      isConflict: () => false,
      // Stryker disable next-line all: never called, since isConflict is always false
      conflictError: () => new Error("unreachable: Whats91 has no duplicate check"),
      recordAs: () => undefined,
    });
    const uid = created.chatbot.chatbotUid;
    const sender = created.senderId ?? undefined;
    try {
      // The per-kind routes answer without the sender's Meta ids (the generic route's example has
      // them): they are the same for every chatbot of the sender, so one read per sender gives them.
      let ids: SenderIds | undefined;
      if (sender !== undefined && (created.phoneNumberId != null || created.wabaId != null)) {
        ids = { phoneNumberId: created.phoneNumberId, wabaId: created.wabaId };
        ledger.rememberIds(sender, ids);
      } else if (sender !== undefined) {
        ids = await ledger.senderIds(sender, () => api.get(uid, senderId));
      }
      if (ids && created.chatbot.botType != null) {
        return { id: uid, outs: toOutputs(declared, { ...created, ...ids }, inputs) };
      }
      // An answer short of an output (no sender, no botType), or a shared read of the sender that
      // failed: a read of this chatbot completes the outputs.
      const found = await api.get(uid, senderId);
      return { id: uid, outs: toOutputs(declared, found ?? created, inputs) };
    } catch (err) {
      const partial = toOutputs(declared, created, inputs);
      throw new ResourceInitError(uid, partial, err as Error, describe(uid, inputs.name));
    }
  },

  async read(api, id, previous) {
    const found = await api.get(id, senderOf(previous));
    if (!found) return undefined; // CHATBOT_NOT_FOUND for this sender: removed in the dashboard
    const live = visibleOf(found.chatbot);
    let values: Props;
    if (previous.chatbotUid === undefined) {
      // `Chatbot.get`: no state; take what Whats91 shows (the response only where it is text).
      values = withLive({ name: live.name, status: live.status, priority: live.priority }, live, [
        "triggerType",
      ]);
      if (found.chatbot.botType === "simple") values.response = { type: "text", text: live.replyText };
    } else {
      const compared = ["name", "triggerType", "replyTrigger", "replyText", "status"];
      if (previous.priority !== undefined) compared.push("priority");
      const declared = visible(previous);
      const { differing } = settle(compared, declared, comparable(declared, live));
      values = withLive(pick(previous, FIELDS), live, differing);
    }
    return toOutputs(values, found, previous);
  },

  // Every vendor field replaces: the core has already put `replaceLeavesOldActive` in `previous`.
  // What is left is completing a create whose outputs a failure cut short.
  async update(api, id, { previous }) {
    if (previous.phoneNumberId !== undefined) return previous;
    const found = await api.get(id, senderOf(previous));
    return toOutputs(pick(previous, FIELDS), found, previous);
  },

  // Whats91 has no delete API: the chatbot is only forgotten (no client, so no settings needed),
  // and the warning says what remains.
  async forget(id, previous) {
    const where = previous.resolvedSenderId ? ` on sender ${String(previous.resolvedSenderId)}` : "";
    await warn(
      `Whats91 has no API to delete a chatbot: ${describe(id, previous.name)} was removed from the stack ` +
        `only and ${previous.status === "INACTIVE" ? "still exists (INACTIVE)" : "is still ACTIVE"}${where}. ` +
        "Deactivate or delete it in the Whats91 dashboard (Chatbots)",
    );
  },
});

const schema = schemaOf(definition);
const { inputSchema } = schema;
/** The inputs that make the chatbot: every one replaces it, since Whats91 cannot change any. */
// Stryker disable next-line ArrayDeclaration: schemaOf always gives forceNew
const FIELDS = schema.diffSpec.forceNew ?? [];

/**
 * The diff spec: every field owned, the ones Whats91 sees replacing. The table has no `same` rule
 * and no unique key, so these two say all (handlersOf's own spec has them empty).
 */
export const diffSpec: DiffSpec = { keys: schema.diffSpec.keys, forceNew: FIELDS };

/**
 * The handler's check, synchronously (the handlers' is async): the field rules, then the safety
 * rule, which adds failures only when every field passed.
 */
export function checkChatbot(olds: Props, news: Props): pulumi.dynamic.CheckResult {
  return checkDefined(inputSchema, definition.crossCheck, olds, news);
}

// ---- mapping ---------------------------------------------------------------------------------

/** The route with the strongest validation for the response kind. */
function routeFor(response: ChatbotResponse): CreateRoute {
  return response.type === "text" ? "text" : response.type === "media" ? "media" : "interactive";
}

/** The botType Whats91 reports for each route. */
const BOT_TYPES: Record<CreateRoute, string> = { text: "simple", media: "media", interactive: "advanced" };

/** The create request: the sender beside the chatbot, whose fields go by their vendor names. */
function createBody(inputs: DefinedInputs<typeof fields>, senderId: string | undefined): CreateBody {
  return {
    senderId, // an undefined senderId is left out of the JSON body
    chatbot: vendorBody(fields, inputs),
  };
}

/**
 * What get and list show of a chatbot (docs/vendors/whats91.md, "Answers"), by the names compared: name, trigger type, the keywords as
 * Whats91 joins them (", "; splitting would be ambiguous for a keyword with a comma), the reply
 * text, status and priority. Buttons, CTA, list sections, footer and media are not shown.
 */
function visible(values: Props): Props {
  const trigger = values.trigger as { type?: string; keywords?: string[] } | undefined;
  const response = values.response as { text?: string } | undefined;
  return {
    name: values.name,
    triggerType: trigger?.type,
    // Stryker disable next-line ArrayDeclaration: only a welcome trigger has no keywords, and `comparable` reads its empty replyTrigger as no drift
    replyTrigger: (trigger?.keywords ?? []).join(", "),
    replyText: response?.text,
    status: values.status,
    priority: values.priority,
  };
}

function visibleOf(found: ChatbotSummary): Props {
  return {
    name: found.name ?? undefined,
    triggerType: found.triggerType ?? undefined,
    replyTrigger: found.replyTrigger ?? undefined,
    replyText: found.replyText ?? undefined,
    status: statusName(found.status),
    priority: found.priority ?? undefined,
  };
}

/** The declared fields with Whats91's values where a read shows they differ (for refresh). */
function withLive(previous: Props, live: Props, differing: readonly string[]): Props {
  const next: Props = { ...previous };
  if (differing.includes("name")) next.name = live.name;
  if (differing.includes("status")) next.status = live.status;
  if (differing.includes("priority")) next.priority = live.priority;
  if (differing.includes("triggerType") || differing.includes("replyTrigger")) {
    const type = String(live.triggerType ?? (previous.trigger as Props | undefined)?.type);
    const joined = String(live.replyTrigger ?? "");
    next.trigger = joined === "" ? { type } : { type, keywords: joined.split(", ") };
  }
  if (differing.includes("replyText"))
    next.response = { ...(previous.response as Props), text: live.replyText };
  return next;
}

/**
 * What a read shows, as compared with what was declared. Whether Whats91 keeps the keywords of a
 * `welcome` trigger is not documented (docs/vendors/whats91.md, "Triggers"): an empty replyTrigger
 * on a welcome chatbot says nothing about the declared keywords, so it is not drift.
 */
function comparable(declared: Props, live: Props): Props {
  const unshown =
    declared.triggerType === "welcome" && live.triggerType === "welcome" && live.replyTrigger === "";
  return unshown ? { ...live, replyTrigger: declared.replyTrigger } : live;
}

const describe = (uid: unknown, name: unknown) => `Whats91 chatbot ${String(uid)} ("${String(name)}")`;

function toOutputs(values: Props, found: ChatbotWithSender | undefined, previous: Props): Props {
  const outs: Props = {
    ...pick(values, FIELDS),
    replaceLeavesOldActive: previous.replaceLeavesOldActive ?? false,
  };
  for (const [key, value] of [
    ["chatbotUid", found?.chatbot.chatbotUid ?? previous.chatbotUid],
    ["botType", found?.chatbot.botType ?? previous.botType],
    ["phoneNumberId", found?.phoneNumberId ?? previous.phoneNumberId],
    ["wabaId", found?.wabaId ?? previous.wabaId],
    ["resolvedSenderId", found?.senderId ?? previous.resolvedSenderId],
  ] as const) {
    if (value !== undefined && value !== null) outs[key] = value;
  }
  return outs;
}

/** The sender a chatbot lives on: the one it was created with, else the declared or configured one. */
function senderOf(props: Props): string | undefined {
  return (props.resolvedSenderId ?? props.senderId ?? configuredSenderId()) as string | undefined;
}

/** The chatbots a create of `inputs` could be confused with: same sender, trigger and kind. */
async function lookalikes(api: Whats91Api, inputs: Props, senderId: string | undefined) {
  const trigger = inputs.trigger as { type: string; keywords?: string[] };
  const kind = BOT_TYPES[routeFor(inputs.response as ChatbotResponse)];
  // A welcome chatbot's keywords may not be kept, hence not searchable (see `comparable`).
  const search = trigger.type === "welcome" ? undefined : trigger.keywords?.[0];
  const candidates = await api.list(senderId, { type: kind, trigger: search });
  const expected = visible(inputs);
  // Everything the listing shows of what was declared: two creates that differ in any of it are
  // never taken for each other.
  const shown = ["name", "triggerType", "replyTrigger", "replyText", "status"];
  if (inputs.priority !== undefined) shown.push("priority");
  return candidates.filter(
    (c) => settle(shown, expected, comparable(expected, visibleOf(c))).differing.length === 0,
  );
}

/**
 * A create of a `welcome` trigger without keywords refused with VALIDATION_FAILED: Whats91 applies
 * its documented rule (keywords or keyword "Required unless" the other is supplied, on every route)
 * to `welcome` too. The error keeps Whats91's words and says what to add.
 */
function welcomeAdvice(err: unknown, inputs: Props): unknown {
  const trigger = inputs.trigger as { type: string; keywords?: string[] };
  if (!(err instanceof ApiError) || err.vendorCode !== CODES.validationFailed) return err;
  if (trigger.type !== "welcome" || (trigger.keywords ?? []).length > 0) return err;
  const advice =
    'The "welcome" trigger has no keywords, and Whats91 documents trigger.keywords (or ' +
    "trigger.keyword) as required on every create route, welcome included " +
    "(https://developers.whats91.com/chatbots/create): give the trigger keywords, e.g. " +
    'trigger: { type: "welcome", keywords: ["hi"] }';
  return new ApiError(err, `${/[.!?]$/.test(err.message) ? err.message : `${err.message}.`} ${advice}`);
}

export const chatbotHandlers: ResourceHandlers = handlersOf(definition);

/**
 * A Whats91 WhatsApp chatbot (an auto-reply rule of one sender number). Settings: the secret
 * `whats91:apiToken` and `whats91:senderId` (or WHATS91_API_TOKEN, WHATS91_SENDER_ID). Whats91 has
 * no update and no delete: a change fails at preview unless `replaceLeavesOldActive` is set, and
 * destroying the resource only removes it from the stack, with a warning naming what stays live.
 *
 * `Chatbot.get(name, id)`: reads an existing chatbot by its chatbotUid, without managing it.
 */
export class Chatbot extends definedResource<ChatbotArgs, Chatbot>(definition, provider, {
  idOutput: "chatbotUid",
}) {
  /** The chatbot's public id (also the resource id). */
  declare public readonly chatbotUid: pulumi.Output<string>;
  /** What Whats91 calls the kind: simple (text), media or advanced (buttons, cta, list). */
  declare public readonly botType: pulumi.Output<string>;
  /** The WhatsApp phone number id of the sender, when Whats91 returns it. */
  declare public readonly phoneNumberId: pulumi.Output<string | undefined>;
  /** The WhatsApp Business Account id of the sender, when Whats91 returns it. */
  declare public readonly wabaId: pulumi.Output<string | undefined>;
  /** The sender the chatbot was created on (the declared, configured or token's own number). */
  declare public readonly resolvedSenderId: pulumi.Output<string | undefined>;
  /** The declared sender number, if any. */
  declare public readonly senderId: pulumi.Output<string | undefined>;
  /** The chatbot's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The trigger, with a single `keyword` stored as `keywords`. */
  declare public readonly trigger: pulumi.Output<{
    /** The trigger type. */
    type: TriggerType;
    /** The keywords; absent for a `welcome` trigger declared without any. */
    keywords?: string[];
  }>;
  /** The priority, when declared. */
  declare public readonly priority: pulumi.Output<number | undefined>;
  /** "ACTIVE" or "INACTIVE". */
  declare public readonly status: pulumi.Output<"ACTIVE" | "INACTIVE">;
  /** The reply, as declared (refresh can only see its text). */
  declare public readonly response: pulumi.Output<ChatbotResponse>;
  /** The declared `replaceLeavesOldActive` (state only, never sent). */
  declare public readonly replaceLeavesOldActive: pulumi.Output<boolean>;
}
