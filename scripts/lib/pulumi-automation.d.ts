// Types of ./pulumi-automation.js for the TypeScript tests (the benchmark uses it from plain Node).
import type { Deployment, EngineEvent, OutputMap } from "@pulumi/pulumi/automation";

export declare class HarnessError extends Error {}

export interface PulumiWorkspace {
  readonly dir: string;
  /** The file backend's directory. */
  readonly stateDir: string;
  readonly envVars: Record<string, string | undefined>;
  readonly pulumiHome: string;
  cleanup(): void;
}

export declare function pulumiWorkspace(prefix?: string): PulumiWorkspace;

export interface OperationOptions {
  /** Resolve with ok: false instead of rejecting with a HarnessError. */
  allowFailure?: boolean;
  /** Variables for this operation only. */
  extraEnv?: Record<string, string | undefined>;
  /** Collect the engine events (a preview always does). */
  events?: boolean;
  /** false: no /proc sampling beside the command. */
  sample?: boolean;
  /** Cancel after this long, and kill 30 s later. */
  timeoutMs?: number;
  parallel?: number;
  expectNoChanges?: boolean;
  diff?: boolean;
  refresh?: boolean;
  continueOnError?: boolean;
  runProgram?: boolean;
  logToStdErr?: boolean;
  logVerbosity?: number;
  targetDependents?: boolean;
  target?: string[];
  replace?: string[];
}

export interface OperationResult {
  ok: boolean;
  /** Stopped at its time limit. */
  cutOff: boolean;
  stdout: string;
  stderr: string;
  events: EngineEvent[];
  ms: number;
  cpuMs: number;
  cpuMsByRole: Record<string, number>;
  providerPeakRss: number;
}

/** A plain config value, or {value, secret}. */
export type ConfigInput = string | number | boolean | { value: string; secret?: boolean };

export interface PulumiStack {
  readonly name: string;
  init(config?: Record<string, ConfigInput>): Promise<void>;
  open(): Promise<void>;
  setConfig(config: Record<string, ConfigInput>): Promise<void>;
  removeConfig(...keys: string[]): Promise<void>;
  outputs(): Promise<OutputMap>;
  exportState(): Promise<Deployment>;
  importState(deployment: Deployment): Promise<void>;
  storedState(): string;
  storedDeployment(): Deployment;
  /** Forced unless `force: false` (then it fails on a stack that still has resources). */
  remove(opts?: { force?: boolean }): Promise<void>;
  up(opts?: OperationOptions): Promise<OperationResult>;
  preview(opts?: OperationOptions): Promise<OperationResult>;
  refresh(opts?: OperationOptions): Promise<OperationResult>;
  destroy(opts?: OperationOptions): Promise<OperationResult>;
  /** `pulumi refresh --preview-only`: fails where `pulumi refresh` fails in its preview. */
  previewRefresh(opts?: OperationOptions): Promise<OperationResult>;
  /** `pulumi destroy --preview-only`. */
  previewDestroy(opts?: OperationOptions): Promise<OperationResult>;
}

export declare function pulumiStack(
  ws: PulumiWorkspace,
  projectDir: string,
  name: string,
  extraEnv?: Record<string, string | undefined>,
): PulumiStack;

/** The resource steps of an operation's engine events that are not "same" (the stack's own excluded). */
export declare function changedSteps(
  events: EngineEvent[],
): import("@pulumi/pulumi/automation").StepEventMetadata[];

/** The engine's diagnostics of `severity` among an operation's events. */
export declare function diagnostics(events: EngineEvent[], severity: string): string[];
