/**
 * Warnings from the provider, shown by the Pulumi CLI like any other warning. Where they go is a
 * policy (core/policies.ts): in production the engine's log (core/engineLog.ts), in tests wherever
 * the test's policies say.
 */
import { policies } from "./policies";

/** Shows a warning to the user running Pulumi. Never pass a credential or an input's value. */
export async function warn(message: string): Promise<void> {
  return policies().warn(`pulumi-chatbots: ${message}`);
}
