/** What every resource class hands `pulumi.dynamic.Resource`. */

/**
 * The props of a resource: a key for every output (Pulumi makes outputs only of the keys it is
 * given; an undefined one resolves from the provider's result), then the declared args. Without
 * the keys, `Resource.get` (which passes no args) would read a resource whose outputs never resolve.
 */
export function outputSlots(outputs: readonly string[], args: object): Record<string, unknown> {
  return { ...Object.fromEntries(outputs.map((k) => [k, undefined])), ...args };
}
