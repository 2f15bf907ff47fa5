/** The public surface of pulumi-chatbots (see DESIGN.md): one namespace per platform. */
export * as sendbird from "./sendbird";
export * as deadsimplechat from "./deadsimplechat";
export * as whats91 from "./whats91";
export * as lineworks from "./lineworks";
