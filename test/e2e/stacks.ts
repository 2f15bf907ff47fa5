/**
 * Stacks for the e2e tests on the real Pulumi engine, driven through the Automation API of
 * @pulumi/pulumi (scripts/lib/pulumi-automation.js, which the benchmark uses too): a local file
 * backend and a generated passphrase in a temporary directory, nothing from the user's own Pulumi
 * setup; and what the tests read from an operation's engine events and from the state.
 */
import type { Deployment, EngineEvent } from "@pulumi/pulumi/automation";
import {
  changedSteps,
  diagnostics,
  pulumiStack,
  pulumiWorkspace,
  type OperationOptions,
  type PulumiStack,
  type PulumiWorkspace,
} from "../../scripts/lib/pulumi-automation";

export type { OperationResult, PulumiStack, PulumiWorkspace } from "../../scripts/lib/pulumi-automation";

export function e2eWorkspace(): PulumiWorkspace {
  return pulumiWorkspace("chatbots-e2e-");
}

/** How long an e2e operation may run before it is cancelled (a stall fails the step, not the run). */
const OPERATION_LIMIT_MS = 10 * 60 * 1000;

/**
 * The stack `name` of the project in `projectDir` (pulumiStack), its operations unsampled (the
 * tests time nothing, and the sampler would read /proc beside every command) and cancelled after
 * OPERATION_LIMIT_MS unless they say otherwise.
 */
export function e2eStack(
  ws: PulumiWorkspace,
  projectDir: string,
  name: string,
  extraEnv?: Record<string, string | undefined>,
): PulumiStack {
  const stack = pulumiStack(ws, projectDir, name, extraEnv);
  const unsampled =
    (operation: PulumiStack["up"]): PulumiStack["up"] =>
    (opts: OperationOptions = {}) =>
      operation({ sample: false, timeoutMs: OPERATION_LIMIT_MS, ...opts });
  return {
    ...stack,
    up: unsampled(stack.up),
    preview: unsampled(stack.preview),
    refresh: unsampled(stack.refresh),
    destroy: unsampled(stack.destroy),
    previewRefresh: unsampled(stack.previewRefresh),
    previewDestroy: unsampled(stack.previewDestroy),
  };
}

export interface Step {
  op: string;
  urn: string;
  olds: Record<string, unknown>;
  news: Record<string, unknown>;
  /** The inputs this step changes, sorted. */
  changed: string[];
}

/** A default provider's URN: the engine makes one per package, and `pulumi preview` never lists it. */
const DEFAULT_PROVIDER = /::pulumi:providers:[^:]+::default(_[\w-]+)?$/;

/**
 * The resource steps among an operation's engine events (not the stack's, not "same" ones), one per
 * resource as `pulumi preview` lists them: a replacement is its "replace" step, without the
 * "create-replacement" and "delete-replaced" steps that carry it out; no default provider's step
 * (the dynamic-provider one is updated whenever the stack's config changes).
 */
export function resourceSteps(events: EngineEvent[]): Step[] {
  return changedSteps(events)
    .filter(
      (s) => s.op !== "create-replacement" && s.op !== "delete-replaced" && !DEFAULT_PROVIDER.test(s.urn),
    )
    .map((s) => {
      const olds: Record<string, unknown> = s.old?.inputs ?? {};
      const news: Record<string, unknown> = s.new?.inputs ?? {};
      const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
      const changed = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
      return { op: s.op, urn: s.urn, olds, news, changed };
    });
}

export interface StateResource {
  type: string;
  urn: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
  protect?: boolean;
}

/** The resources of an exported state (PulumiStack.exportState), of one type when given. */
export function stateResources(exported: Deployment, type?: string): StateResource[] {
  const resources: StateResource[] = exported.deployment.resources ?? [];
  return type === undefined ? resources : resources.filter((r) => r.type === type);
}

/** The resources of the state as stored (PulumiStack.storedState: secrets encrypted), of one type when given. */
export function storedResources(stored: string, type?: string): StateResource[] {
  const resources: StateResource[] = JSON.parse(stored).checkpoint.latest?.resources ?? [];
  return type === undefined ? resources : resources.filter((r) => r.type === type);
}

/** The engine's warning messages among an operation's engine events (collected with `events: true`). */
export function engineWarnings(events: EngineEvent[]): string[] {
  return diagnostics(events, "warning");
}
