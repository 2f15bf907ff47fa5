/**
 * What the shim calls at run time (package subpath "pulumi-chatbots/handlers"): the handlers of
 * each resource type, by key, and the provider's `configure`. Handler modules load on first use.
 */
import { configure } from "./core/credentials";
import { failuresNamingNoValue } from "./core/host";
import type { ResourceHandlers, ShimMethod } from "./core/shim";
import type { Props } from "./core/contract";

const registry: Record<string, () => ResourceHandlers> = {
  "sendbird:Bot": () => require("./sendbird/bot").botHandlers,
  "deadsimplechat:Bot": () => require("./deadsimplechat/bot").botHandlers,
  "deadsimplechat:BotChatRoom": () => require("./deadsimplechat/botChatRoom").botChatRoomHandlers,
  "whats91:Chatbot": () => require("./whats91/chatbot").chatbotHandlers,
  "lineworks:Bot": () => require("./lineworks/bot").botHandlers,
  "lineworks:BotDomain": () => require("./lineworks/botDomain").botDomainHandlers,
};

export function handlersFor(type: string): ResourceHandlers {
  const load = registry[type];
  if (!load) {
    // State written by a newer release of the package, run by an older one.
    throw new Error(`pulumi-chatbots: no handlers for resource type "${type}"; upgrade the package`);
  }
  return load();
}

/** Entry point of every shim method. */
export async function run(type: string, method: ShimMethod, args: unknown[]): Promise<unknown> {
  if (method === "configure") return configure(args[0] as Parameters<typeof configure>[0]);
  const handlers = handlersFor(type);
  if (method === "check") return failuresNamingNoValue(await handlers.check(...(args as [Props, Props])));
  return (handlers[method] as (...a: unknown[]) => Promise<unknown>)(...args);
}
