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
