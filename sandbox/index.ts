/** Local emulators ("sandboxes") of the chat platforms' APIs, for tests and the root stack. */
export {
  startSendbirdSandbox,
  SendbirdErrorCode,
  type SendbirdBotRecord,
  type SendbirdSandbox,
  type SendbirdSandboxOptions,
} from "./sendbird";
export type { Fault, FaultInjector, FaultRule, RecordedRequest } from "./http";
