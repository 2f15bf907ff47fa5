/**
 * One definition per resource. A resource is its type, its state version, a table of its fields
 * and outputs, and the vendor hooks that do what only it knows (create, read, update, delete);
 * `handlersOf` derives everything else from that, once for every resource:
 *
 * - check: each field's codec, `required` and `default` (core/check.ts), then the resource's own
 *   cross-field rule, if any;
 * - diff: every input is owned; a `replaces` field forces a replacement, `same` rules compare
 *   (core/diff.ts);
 * - the handler skeleton: state from older releases migrated on entry and refused from newer ones
 *   (core/state.ts), every errors' credentials redacted by the platform's client, the state version
 *   stamped on every output, the engine's own `__provider` never returned as an output, results
 *   the host can carry (core/host.ts);
 * - the inputs a read implies, the output names a resource class must declare, its secret outputs.
 *
 * The hooks see typed inputs, already checked, and return outputs by name; contract.ts says what
 * they must hold to. Nothing here imports @pulumi/pulumi at run time: the same definitions are
 * meant to drive a native provider.
 */
import * as t from "io-ts";
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, type InputSchema } from "./check";
import { changedFields, type FieldRules, type Props, type Same } from "./contract";
import { diffOwned, type DiffSpec } from "./diff";
import { ResourceInitError } from "./errors";
import { forTheHost } from "./host";
import { productionPolicies, underPolicies, type Policies } from "./policies";
import type { ResourceHandlers } from "./shim";
import { migrateState, STATE_VERSION_KEY, type StateSchema } from "./state";

/** One input of a resource. */
export interface FieldDef<T = unknown> {
  /** Checks and canonicalises the declared value; its rule is quoted in check failures. */
  codec: t.Decoder<unknown, T>;
  /** `check` fails when the input is absent. */
  required?: boolean;
  /** Filled in when the input is absent: what the vendor applies by default. */
  default?: T;
  /** The vendor cannot change it in place: a change replaces the resource. */
  replaces?: boolean;
  /** When two values mean the same to the vendor (contract rule 1); default: structural equality. */
  same?: Same;
  /** Never sent to the vendor (`adopt`): a change is an update that rewrites the state only. */
  stateOnly?: boolean;
  /** The vendor's name for the field, where the request body names it so. */
  vendor?: string;
  /** The doc line (the resource's args interface carries it for editors). */
  doc: string;
}

/** One output that is not an input. */
export interface OutputDef {
  doc: string;
  /** Marked secret by the resource class (shown as [secret]). */
  secret?: boolean;
}

export type FieldTable = Record<string, FieldDef>;

type Value<F> = F extends FieldDef<infer T> ? T : never;
type HasValue<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false;

/** The checked inputs a hook sees: required and defaulted fields present, others optional. */
export type Inputs<F extends FieldTable> = {
  [K in keyof F as HasValue<F[K]> extends true ? K : never]: Value<F[K]>;
} & {
  [K in keyof F as HasValue<F[K]> extends true ? never : K]?: Value<F[K]>;
};

/** What an update hook is told. */
export interface Change<F extends FieldTable> {
  /** The state (migrated), with the state-only fields already at their declared values. */
  previous: Props;
  news: Inputs<F>;
  /** The fields diff reported as changed that the vendor can update in place (contract rule 2). */
  changed: string[];
}

/** What every platform's client offers the lifecycle: errors leave it with credentials redacted. */
export interface RedactingClient {
  redacting<R>(action: () => Promise<R>): Promise<R>;
}

export type OutputTable = Record<string, OutputDef>;

export interface ResourceDefinition<
  F extends FieldTable = FieldTable,
  Api extends RedactingClient = RedactingClient,
  O extends OutputTable = OutputTable,
> {
  /** The platform, as in `sendbird.Bot` and the type token `sendbird:Bot`. */
  module: string;
  name: string;
  /** The state version this release writes, and the steps from each earlier one (core/state.ts). */
  stateVersion: number;
  migrations?: StateSchema["steps"];
  fields: F;
  /** The outputs that are not inputs. */
  outputs: O;
  /**
   * The vendor-unique field: when a replacement keeps it, the old resource goes first, or the new
   * one would collide with it.
   */
  uniqueKey?: keyof F & string;
  /** The platform's client, made per call (settings can differ between calls). */
  api(): Api;
  /**
   * Rules across fields, after each field passed its own: failures to add. `failed` names the
   * fields that already failed.
   */
  crossCheck?(inputs: Props, olds: Props, failed: ReadonlySet<string>): pulumi.dynamic.CheckFailure[];
  /** Called by diff when the change replaces the resource (to warn what that leaves behind). */
  onReplace?(previous: Props): Promise<void>;
  /** Creates the resource; returns its id and outputs by name. */
  create(api: Api, inputs: Inputs<F>): Promise<{ id: string; outs: Props }>;
  /** The resource's outputs as the vendor holds it now, or undefined once it is gone. */
  read(api: Api, id: string, previous: Props): Promise<Props | undefined>;
  /**
   * Sends the change; returns the outputs. Absent where every vendor field replaces: then only
   * state-only fields change, and the state is returned with them.
   */
  update?(api: Api, id: string, change: Change<F>): Promise<Props>;
  /** Deletes the resource at the vendor (one already gone counts as deleted). */
  delete?(api: Api, id: string, previous: Props): Promise<void>;
  /**
   * Instead of `delete`, where the vendor has no way to delete at all: what to do as the resource
   * leaves the stack (say what remains), without a client, so a destroy needs no settings.
   */
  forget?(id: string, previous: Props): Promise<void>;
}

/**
 * A switch the user declares that is never sent to the vendor (`adopt`, `replaceLeavesOldActive`):
 * a boolean, false when absent, kept in the state.
 */
export function stateFlag<const D extends string>(doc: D) {
  return { codec: t.boolean, default: false, stateOnly: true, doc } as const;
}

/** A field table, its names and options kept as literal types (so `Inputs` can type the hooks). */
export function fieldTable<const F extends FieldTable>(fields: F): F {
  return fields;
}

/**
 * A definition, with its field and output names kept as literal types (for the compile-time checks
 * of the args interface and the class below) and its hooks typed by its fields.
 */
export function defineResource<
  const F extends FieldTable,
  const O extends OutputTable,
  Api extends RedactingClient,
>(def: ResourceDefinition<F, Api, O>): ResourceDefinition<F, Api, O> {
  return def;
}

/** What is known of a definition without its hooks: enough for its schema, state and names. */
export interface DefinitionShape {
  module: string;
  name: string;
  stateVersion: number;
  fields: FieldTable;
  outputs: OutputTable;
  uniqueKey?: string;
}

/** `sendbird.Bot`, as users write it. */
export const resourceName = (def: DefinitionShape) => `${def.module}.${def.name}`;

/** `sendbird:Bot`: the key of the handlers, the shims and the engine's type token. */
export const typeKey = (def: DefinitionShape) => `${def.module}:${def.name}`;

const ENGINE_OWNED = "__provider";

/** What the check, diff and classes of a definition are made of. */
export function schemaOf(def: DefinitionShape) {
  const entries = Object.entries(def.fields);
  const names = (keep: (f: FieldDef) => boolean) => entries.filter(([, f]) => keep(f)).map(([k]) => k);
  const inputSchema: InputSchema = Object.fromEntries(
    entries.map(([k, f]) => [k, { codec: f.codec, required: f.required, default: f.default }]),
  );
  const rules: FieldRules = Object.fromEntries(
    entries.filter(([, f]) => f.same !== undefined).map(([k, f]) => [k, f.same as Same]),
  );
  const diffSpec: DiffSpec = {
    keys: names(() => true),
    forceNew: names((f) => f.replaces === true),
    uniqueKey: def.uniqueKey,
    rules,
  };
  return {
    inputSchema,
    diffSpec,
    rules,
    /** The fields the vendor can change in place. */
    updatable: names((f) => f.replaces !== true && f.stateOnly !== true),
    /** Every output a resource class declares: the inputs, then the others. */
    outputNames: [...names(() => true), ...Object.keys(def.outputs)],
    secretOutputs: Object.entries(def.outputs)
      .filter(([, o]) => o.secret === true)
      .map(([k]) => k),
  };
}

/** The state to write: `outs` stamped with the state version, without the engine's own key. */
function stamped(def: DefinitionShape, outs: Props): Props {
  const { [ENGINE_OWNED]: _engineOwned, ...rest } = outs;
  return { ...rest, [STATE_VERSION_KEY]: def.stateVersion };
}

/**
 * Runs a hook that may leave a resource behind: the state a ResourceInitError records is stamped
 * like any other (the host adds the shim to it: core/host.ts).
 */
async function recording<R>(def: DefinitionShape, hook: () => Promise<R>): Promise<R> {
  try {
    return await hook();
  } catch (err) {
    if (err instanceof ResourceInitError) err.properties = stamped(def, err.properties);
    throw err;
  }
}

type VendorName<D> = D extends { vendor: infer V extends string } ? V : never;

/**
 * The request body a table makes from whole inputs: every field with a vendor name, under that
 * name; required where the input has a value (required or defaulted). An API client can type its
 * request bodies as this, so the table and the client cannot disagree on a name or a type.
 */
export type VendorBody<F extends FieldTable> = {
  [K in keyof F as HasValue<F[K]> extends true ? VendorName<F[K]> : never]: Value<F[K]>;
} & {
  [K in keyof F as HasValue<F[K]> extends true ? never : VendorName<F[K]>]?: Value<F[K]>;
};

/** The request body of the fields in `values` that have a vendor name, by that name. */
export function vendorBody<F extends FieldTable>(fields: F, values: Inputs<F>): VendorBody<F>;
/** The body of some of the fields (an update's changed ones). */
export function vendorBody<F extends FieldTable>(fields: F, values: Props): Partial<VendorBody<F>>;
export function vendorBody(fields: FieldTable, values: Props): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields)) {
    if (f.vendor !== undefined && values[k] !== undefined) body[f.vendor] = values[k];
  }
  return body;
}

/** The fields the vendor holds (every one but the state-only ones), in table order. */
export function vendorFields<F extends FieldTable>(fields: F): Array<keyof F & string> {
  return Object.keys(fields).filter((k) => fields[k].stateOnly !== true);
}

/**
 * The inverse of vendorBody: each field the vendor holds, by input name, as the vendor's answer
 * has it (under the field's vendor name, else its own); absent or null is undefined. `container`
 * gives the object a field is read from, where the answer nests some (Sendbird's `bot`).
 */
export function vendorValues(fields: FieldTable, container: (field: string) => object): Props {
  const values: Props = {};
  for (const f of vendorFields(fields)) {
    values[f] = (container(f) as Record<string, unknown>)[fields[f].vendor ?? f] ?? undefined;
  }
  return values;
}

/** The inputs a read implies: what a program declaring the resource as it is now would pass. */
export function inputsOf(def: DefinitionShape, outs: Props): Props {
  const inputs: Props = {};
  for (const [k, f] of Object.entries(def.fields)) {
    const value = outs[k] ?? (f.stateOnly ? f.default : undefined);
    if (value !== undefined) inputs[k] = value;
  }
  return inputs;
}

/**
 * check, synchronously: each field by the table, then the cross-field rule (told which fields
 * already failed). The handlers' `check` is this.
 */
export function checkDefined(
  inputSchema: InputSchema,
  crossCheck: ResourceDefinition["crossCheck"],
  olds: Props,
  news: Props,
): pulumi.dynamic.CheckResult {
  const result = checkInputs(inputSchema, news);
  if (!crossCheck) return result;
  const failed = new Set((result.failures ?? []).map((f) => f.property));
  const more = crossCheck(result.inputs as Props, olds, failed);
  return more.length === 0
    ? result
    : { inputs: result.inputs, failures: [...(result.failures ?? []), ...more] };
}

/**
 * The handlers the shim runs for a definition: the whole lifecycle around its hooks, every call
 * under `policies` (core/policies.ts; tests give their own).
 */
export function handlersOf<F extends FieldTable, Api extends RedactingClient, O extends OutputTable>(
  def: ResourceDefinition<F, Api, O>,
  policies: Policies = productionPolicies,
): ResourceHandlers {
  const generic: DefinitionShape = def;
  const { inputSchema, diffSpec, rules, updatable } = schemaOf(generic);
  const state: StateSchema = {
    resource: resourceName(generic),
    version: def.stateVersion,
    steps: def.migrations,
  };
  const migrate = (props: Props) => migrateState(state, props);
  const stateOnly = Object.keys(def.fields).filter((k) => def.fields[k].stateOnly === true);
  if ((def.delete === undefined) === (def.forget === undefined)) {
    throw new Error(`${state.resource}: a definition has either a delete or a forget hook`);
  }

  const handlers = forTheHost({
    async check(olds, news) {
      return checkDefined(inputSchema, def.crossCheck, olds, news);
    },

    async diff(_id, olds, news) {
      const previous = migrate(olds);
      const result = diffOwned(diffSpec, previous, news);
      if (def.onReplace && (result.replaces ?? []).length > 0) await def.onReplace(previous);
      return result;
    },

    async create(inputs) {
      const api = def.api();
      const { id, outs } = await api.redacting(() =>
        recording(generic, () => def.create(api, inputs as Inputs<F>)),
      );
      return { id, outs: stamped(generic, outs) };
    },

    async read(id, props) {
      const api = def.api();
      const previous = migrate(props);
      const outs = await api.redacting(() => def.read(api, id, previous));
      if (outs === undefined) return {}; // gone: deleted outside Pulumi
      const state = stamped(generic, outs);
      return { id, props: state, inputs: inputsOf(generic, state) };
    },

    async update(id, olds, news) {
      const previous = migrate(olds);
      // State-only fields take their declared values: changing one only rewrites the state.
      for (const k of stateOnly) previous[k] = news[k] ?? def.fields[k].default;
      if (!def.update) return { outs: stamped(generic, previous) };
      const changed = changedFields(updatable, previous, news, rules);
      const api = def.api();
      const update = def.update;
      const outs = await api.redacting(() =>
        recording(generic, () => update(api, id, { previous, news: news as Inputs<F>, changed })),
      );
      return { outs: stamped(generic, outs) };
    },

    async delete(id, olds) {
      const previous = migrate(olds); // refuses state from a newer release, as every handler does
      const { delete: remove, forget } = def;
      if (forget) return forget(id, previous);
      const api = def.api();
      if (remove) await api.redacting(() => remove(api, id, previous));
    },
  });
  return underPolicies(policies, handlers);
}

// ---- compile-time checks of the hand-written args interfaces and classes ---------------------

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type RequiredFields<F extends FieldTable> = {
  [K in keyof F]: F[K] extends { required: true } ? K : never;
}[keyof F];
type Unwrapped<T> = pulumi.Unwrap<T>;

/**
 * `true` when an args interface has exactly the definition's fields, the required ones required,
 * and each accepts what the field's codec yields; otherwise a description of the mismatch, which
 * fails `ok<...>()` at compile time.
 */
export type ArgsMatch<Args, D> =
  D extends ResourceDefinition<infer F, RedactingClient, OutputTable>
    ? Equal<keyof Args, keyof F> extends false
      ? {
          error: "the args interface and the definition name different fields";
          args: keyof Args;
          fields: keyof F;
        }
      : Equal<RequiredKeys<Args>, RequiredFields<F>> extends false
        ? { error: "the args interface requires other fields than the definition"; args: RequiredKeys<Args> }
        : { [K in keyof F & keyof Args]: Value<F[K]> extends Unwrapped<Args[K]> ? never : K }[keyof F &
              keyof Args] extends never
          ? true
          : { error: "a field's codec yields values its args type does not accept" }
    : never;

type OutputKeys<C> = { [K in keyof C]: C[K] extends pulumi.Output<unknown> ? K : never }[keyof C];

/** `true` when a resource class declares exactly the definition's inputs and outputs as outputs. */
export type ClassMatch<C, D> =
  D extends ResourceDefinition<infer F, RedactingClient, infer O>
    ? Equal<Exclude<OutputKeys<C>, "id" | "urn">, keyof F | keyof O> extends true
      ? true
      : {
          error: "the class declares other outputs than the definition";
          declared: Exclude<OutputKeys<C>, "id" | "urn">;
        }
    : never;

/** Compiles only for `true`: `type Checked = Assert<ArgsMatch<BotArgs, typeof definition>>`. */
export type Assert<T extends true> = T;
