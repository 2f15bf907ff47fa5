/**
 * What the shim calls at run time (package subpath "pulumi-chatbots/handlers"): the handlers of
 * each resource type, made from its definition (resources.ts), and the provider's `configure`.
 */
import { configure } from "./core/credentials";
import { handlersOf, typeKey } from "./core/definition";
import { failuresNamingNoValue } from "./core/host";
import type { ResourceHandlers, ShimMethod } from "./core/shim";
import type { Props } from "./core/contract";
import { RESOURCES } from "./resources";

const registry = new Map<string, ResourceHandlers>(RESOURCES.map((def) => [typeKey(def), handlersOf(def)]));

export function handlersFor(type: string): ResourceHandlers {
  const handlers = registry.get(type);
  if (!handlers) {
    // State written by a newer release of the package, run by an older one.
    throw new Error(`pulumi-chatbots: no handlers for resource type "${type}"; upgrade the package`);
  }
  return handlers;
}

/** Entry point of every shim method. */
export async function run(type: string, method: ShimMethod, args: unknown[]): Promise<unknown> {
  if (method === "configure") return configure(args[0] as Parameters<typeof configure>[0]);
  const handlers = handlersFor(type);
  if (method === "check") return failuresNamingNoValue(await handlers.check(...(args as [Props, Props])));
  return (handlers[method] as (...a: unknown[]) => Promise<unknown>)(...args);
}
