/**
 * Every resource of the package, as its definition: the one list the handlers (handlers.ts), the
 * shims' test and the docs are checked against. A new resource is one line here.
 */
import type { ResourceDefinition } from "./core/definition";
import { definition as sendbirdBot } from "./sendbird/bot";
import { definition as deadSimpleChatBot } from "./deadsimplechat/bot";
import { definition as deadSimpleChatBotChatRoom } from "./deadsimplechat/botChatRoom";
import { definition as lineWorksBot } from "./lineworks/bot";
import { definition as lineWorksBotDomain } from "./lineworks/botDomain";
import { definition as whats91Chatbot } from "./whats91/chatbot";

/** Any resource's definition: its own field table and client types matter only in its own file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource has a table of its own
export type AnyDefinition = ResourceDefinition<any, any, any>;

export const RESOURCES: readonly AnyDefinition[] = [
  sendbirdBot,
  deadSimpleChatBot,
  deadSimpleChatBotChatRoom,
  lineWorksBot,
  lineWorksBotDomain,
  whats91Chatbot,
];
