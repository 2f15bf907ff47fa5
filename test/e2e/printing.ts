/**
 * For the e2e tests that check no secret is ever shown: a stack (./stacks.ts) that keeps everything
 * it shows, as the CLI and `pulumi stack export` would have shown it.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { PulumiStack } from "./stacks";

/**
 * An engine event a user is shown without --debug: not a debug diagnostic. (@pulumi/pulumi's own
 * debug log of a RegisterResource answer, "RegisterResource RPC finished: ... resp: ...", holds
 * every output in plain text, secrets too; the CLI prints it with --debug only.)
 */
// (The Automation API's type leaves "debug" out of the severities; the event log holds it.)
const shown = (event: EngineEvent) => (event.diagnosticEvent?.severity as string | undefined) !== "debug";

/**
 * `stack`, with all it shows added to `printed`: each operation's output (stdout and stderr, failed
 * or not) and its engine events (what `--json` prints: every step's inputs and outputs, the default
 * provider's with the stack's config), the outputs as `pulumi stack output` shows them (secret ones
 * hidden), and the state as stored (secrets encrypted).
 */
export function printing(stack: PulumiStack, printed: string[]): PulumiStack {
  const keep =
    (operation: PulumiStack["up"]): PulumiStack["up"] =>
    async (opts) => {
      const result = await operation({ events: true, ...opts });
      printed.push(result.stdout, result.stderr, JSON.stringify(result.events.filter(shown)));
      return result;
    };
  return {
    ...stack,
    up: keep(stack.up),
    preview: keep(stack.preview),
    refresh: keep(stack.refresh),
    destroy: keep(stack.destroy),
    previewRefresh: keep(stack.previewRefresh),
    previewDestroy: keep(stack.previewDestroy),
    async outputs() {
      const outputs = await stack.outputs();
      printed.push(JSON.stringify(Object.values(outputs).filter((o) => !o.secret)));
      return outputs;
    },
    storedState() {
      const text = stack.storedState();
      printed.push(text);
      return text;
    },
  };
}
