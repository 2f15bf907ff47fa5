export { Bot, BotArgs } from "./bot";
