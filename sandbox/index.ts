/** Local emulators ("sandboxes") of the chat platforms' APIs, for tests and the root stack. */
export {
  startSendbirdSandbox,
  SendbirdErrorCode,
  type SendbirdBotRecord,
  type SendbirdRateLimit,
  type SendbirdSandbox,
  type SendbirdSandboxOptions,
} from "./sendbird";
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
