/** What every resource class hands `pulumi.dynamic.Resource`, made from its definition. */
import * as pulumi from "@pulumi/pulumi";
import { schemaOf, type DefinitionShape } from "./definition";

/**
 * The props of a resource: a key for every output (Pulumi makes outputs only of the keys it is
 * given; an undefined one resolves from the provider's result), then the declared args. Without
 * the keys, `Resource.get` (which passes no args) would read a resource whose outputs never resolve.
 */
export function outputSlots(outputs: readonly string[], args: object): Record<string, unknown> {
  return { ...Object.fromEntries(outputs.map((k) => [k, undefined])), ...args };
}

/**
 * The arguments of `super(...)` in a resource class: its shim, name, output slots, options (its
 * secret outputs marked) and the type, `pulumi-nodejs:dynamic/<module>:<name>`, all from `def`.
 */
export function resourceArgs(
  def: DefinitionShape,
  provider: pulumi.dynamic.ResourceProvider,
  name: string,
  args: object,
  opts: pulumi.CustomResourceOptions | undefined,
): [
  pulumi.dynamic.ResourceProvider,
  string,
  Record<string, unknown>,
  pulumi.CustomResourceOptions | undefined,
  string,
  string,
] {
  const { outputNames, secretOutputs } = schemaOf(def);
  // Options are passed as given where nothing is secret (mergeOptions would rewrite `provider`).
  const options =
    secretOutputs.length > 0 ? pulumi.mergeOptions(opts, { additionalSecretOutputs: secretOutputs }) : opts;
  return [provider, name, outputSlots(outputNames, args), options, def.module, def.name];
}

/** The definition each resource class was made from (resources.ts finds them through the exports). */
const definitions = new WeakMap<object, DefinitionShape>();

/** The definition of a class made by `definedResource` (or of a class extending one), if any. */
export function definitionOf(cls: unknown): DefinitionShape | undefined {
  for (let c = cls; typeof c === "function"; c = Object.getPrototypeOf(c)) {
    const def = definitions.get(c);
    if (def) return def;
  }
  return undefined;
}

/** Of `cls` and the classes it extends, the one that directly extends `base`. */
function childOf(base: object, cls: object): object {
  const parent = Object.getPrototypeOf(cls) as object;
  return parent === base ? cls : childOf(base, parent);
}

export interface DefinedResourceOptions {
  /** The output that is the resource id: it is set from `this.id`. */
  idOutput?: string;
}

/**
 * What `definedResource` makes (a named type: declaration files cannot name an anonymous class).
 * `Self` is the resource class itself, so `get` has the plain signature a class's own static
 * method had: it returns that class, and fits wherever `{ get(name, id): R }` is expected.
 */
export interface DefinedResourceClass<Args, Self> {
  new (name: string, args: Args, opts?: pulumi.CustomResourceOptions): pulumi.dynamic.Resource;
  /**
   * Reads an existing resource by its id into the program, without managing it (the id is
   * described on the class).
   */
  get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Self;
}

/**
 * The base of a resource class: the constructor and `get` every resource has, from its definition
 * and its shim. The class itself only declares its outputs, with their doc comments:
 *
 *   export class Bot extends definedResource<BotArgs, Bot>(definition, provider) {
 *     declare public readonly botId: pulumi.Output<string>;
 *   }
 */
export function definedResource<Args extends object, Self>(
  def: DefinitionShape,
  provider: pulumi.dynamic.ResourceProvider,
  options: DefinedResourceOptions = {},
): DefinedResourceClass<Args, Self> {
  const { idOutput } = options;
  const base = class extends pulumi.dynamic.Resource {
    constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
      super(...resourceArgs(def, provider, name, args, opts));
      // The engine keeps an updating resource's id known, where an output would be unknown.
      if (idOutput !== undefined)
        (this as unknown as Record<string, pulumi.Output<string>>)[idOutput] = this.id;
    }

    static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Self {
      // The resource's own class (the one extending this base), also when called on a subclass of
      // it: `Bot.get` made a Bot, whatever the subclass's constructor takes. Called detached
      // (`const get = Bot.get`), there is no class to go by: the base makes the same resource.
      const Own = (typeof this === "function" ? childOf(base, this) : base) as new (
        name: string,
        args: Args,
        opts?: pulumi.CustomResourceOptions,
      ) => Self;
      return new Own(name, {} as Args, { ...opts, id });
    }
  };
  definitions.set(base, def);
  return base as unknown as DefinedResourceClass<Args, Self>;
}
