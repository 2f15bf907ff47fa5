/** Local emulators ("sandboxes") of the chat platforms' APIs, for tests, benchmarks and the root stack. */
// Each platform's exports, from the list of platforms (whose default export, the list itself, is
// left out).
export * from "./platforms";
export type { Basis, DocumentedAnswer, DocumentedAnswers } from "./documented";
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
export { startLocalSandboxes, type LocalSandboxes, type LocalSandboxesOptions } from "./local";
