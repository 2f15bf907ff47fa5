/** Local emulators ("sandboxes") of the chat platforms' APIs, for tests and the root stack. */
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
export type {
  CommitThenStatusFault,
  Fault,
  FaultInjector,
  FaultRule,
  ForeignFault,
  RecordedRequest,
  ResetThenCommitFault,
  StatusFault,
} from "./http";
