export { Bot, BotArgs } from "./bot";
export { BotChatRoom, BotChatRoomArgs } from "./botChatRoom";
