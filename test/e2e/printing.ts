/**
 * For the e2e tests that check no secret is ever shown: a stack (./stacks.ts) that keeps everything
 * it shows, as the CLI and `pulumi stack export` would have shown it.
 */
import type { PulumiStack } from "./stacks";

/**
 * `stack`, with all it shows added to `printed`: each operation's output (stdout and stderr, failed
 * or not), the outputs as `pulumi stack output` shows them (secret ones hidden), and the state as
 * stored (secrets encrypted).
 */
export function printing(stack: PulumiStack, printed: string[]): PulumiStack {
  const keep =
    (operation: PulumiStack["up"]): PulumiStack["up"] =>
    async (opts) => {
      const result = await operation(opts);
      printed.push(result.stdout, result.stderr);
      return result;
    };
  return {
    ...stack,
    up: keep(stack.up),
    preview: keep(stack.preview),
    refresh: keep(stack.refresh),
    destroy: keep(stack.destroy),
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
