/**
 * What the shim loads at run time (package subpath "pulumi-chatbots/handlers"): the handlers of each
 * resource type, by key, and the provider's `configure`. Handler modules load on first use.
 */
import type { ResourceHandlers } from "./core/shim";

export { configure } from "./core/credentials";

const registry: Record<string, () => ResourceHandlers> = {
  "sendbird:Bot": () => require("./sendbird/bot").botHandlers,
};

export function handlersFor(resource: string): ResourceHandlers {
  const load = registry[resource];
  if (!load) {
    // State written by a newer release of the package, run by an older one.
    throw new Error(`pulumi-chatbots: no handlers for resource type "${resource}"; upgrade the package`);
  }
  return load();
}
