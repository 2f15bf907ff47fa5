/**
 * The sandbox platforms: the one list that startLocalSandboxes (local.ts), the sandbox command line
 * (cli.ts), `pulumi-chatbots-sandbox` (run.ts), scripts/local-stack.js and the benchmark
 * (scripts/bench) derive from, and each platform's part of the package's sandbox exports (index.ts
 * re-exports this module).
 *
 * A platform describes itself in a `SandboxPlatform` (descriptor.ts), at the end of its sandbox
 * module (sandbox/<platform>.ts). A new platform is its descriptor in the list below and its
 * exports here.
 * The list is this module's default export: index.ts's `export *` leaves a default export out, so
 * the descriptors stay out of the package's surface. The JS scripts load it from the build,
 * `require("dist/sandbox/platforms").default`.
 */
import { sendbirdPlatform } from "./sendbird";
import { deadSimpleChatPlatform } from "./deadsimplechat";
import { lineWorksPlatform } from "./lineworks";
import { whats91Platform } from "./whats91";

/** The order is the CLI's (its usage and its list of choices), the env's and the benchmark's. */
const SANDBOX_PLATFORMS = [
  sendbirdPlatform,
  deadSimpleChatPlatform,
  lineWorksPlatform,
  whats91Platform,
] as const;
export default SANDBOX_PLATFORMS;

// ---- each platform's exports (the package's `pulumi-chatbots/sandbox`) ---------------------------

export {
  startSendbirdSandbox,
  SendbirdErrorCode,
  type SendbirdBotRecord,
  type SendbirdRateLimit,
  type SendbirdSandbox,
  type SendbirdSandboxOptions,
} from "./sendbird";
export {
  startDeadSimpleChatSandbox,
  DeadSimpleChatMessage,
  DEADSIMPLECHAT_API_PATH,
  type DeadSimpleChatBot,
  type DeadSimpleChatRateLimit,
  type DeadSimpleChatSandbox,
  type DeadSimpleChatSandboxOptions,
} from "./deadsimplechat";
export {
  startLineWorksSandbox,
  LineWorksErrorCode,
  LINEWORKS_API_PATH,
  LINEWORKS_TOKEN_PATH,
  LINEWORKS_JWT_BEARER_GRANT,
  LINEWORKS_LANGUAGES,
  LINEWORKS_CALLBACK_EVENTS,
  LINEWORKS_CHANNEL_EVENTS,
  type LineWorksBot,
  type LineWorksBotDomain,
  type LineWorksCallbackEvent,
  type LineWorksChannelEvent,
  type LineWorksI18nBotName,
  type LineWorksI18nDescription,
  type LineWorksI18nPhotoUrl,
  type LineWorksLanguage,
  type LineWorksNotFoundAnswer,
  type LineWorksAlreadyExistAnswer,
  type LineWorksRateLimit,
  type LineWorksSandbox,
  type LineWorksSandboxOptions,
  type LineWorksServiceAccount,
} from "./lineworks";
export {
  startWhats91Sandbox,
  whats91Sender,
  Whats91ErrorCode,
  Whats91Message,
  WHATS91_API_PATH,
  WHATS91_DEFAULT_SENDER_ID,
  type Whats91BotType,
  type Whats91Chatbot,
  type Whats91ChatbotEdit,
  type Whats91CreateRoute,
  type Whats91ErrorCodeValue,
  type Whats91RateLimit,
  type Whats91Sandbox,
  type Whats91SandboxOptions,
  type Whats91Sender,
  type Whats91Token,
  type Whats91WelcomeKeywords,
} from "./whats91";
