export { Bot, BotArgs } from "./bot";
export { BotDomain, BotDomainArgs } from "./botDomain";
