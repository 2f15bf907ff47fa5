export {
  Chatbot,
  ChatbotArgs,
  ChatbotResponse,
  ChatbotTrigger,
  TextResponse,
  MediaResponse,
  ButtonsResponse,
  CtaResponse,
  ListResponse,
  TriggerType,
} from "./chatbot";
