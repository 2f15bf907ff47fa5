/**
 * pulumi-chatbots: Pulumi dynamic resources for chat bots, one namespace per platform. See the
 * README for settings, and each resource class for what its vendor can and cannot do.
 *
 * @packageDocumentation
 */
/** Sendbird: {@link sendbird.Bot}. */
export * as sendbird from "./sendbird";
/** DeadSimpleChat: {@link deadsimplechat.Bot} and {@link deadsimplechat.BotChatRoom}. */
export * as deadsimplechat from "./deadsimplechat";
/** Whats91 (WhatsApp): {@link whats91.Chatbot}. */
export * as whats91 from "./whats91";
/** LINE WORKS: {@link lineworks.Bot} and {@link lineworks.BotDomain}. */
export * as lineworks from "./lineworks";
