/**
 * Versioned state. Pulumi runs the installed package's handlers on state written by whichever
 * release last touched a resource (the thin shim), so every resource stores `__stateVersion` and
 * reads state through `migrateState`: older state is brought forward step by step, and state from
 * a newer release (after a downgrade) is refused instead of being misread.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StateVersionError } from "./errors";
import type { Props } from "./contract";

export const STATE_VERSION_KEY = "__stateVersion";

export interface StateSchema {
  /** The resource type as users write it, e.g. "sendbird.Bot". */
  resource: string;
  /** The version this release writes. */
  version: number;
  /** steps[n - 1] turns version n state into version n + 1; state without a version is version 1. */
  steps?: ReadonlyArray<(props: Props) => Props>;
}

export function migrateState(schema: StateSchema, props: Props): Props {
  const stored = props[STATE_VERSION_KEY];
  let version = typeof stored === "number" ? stored : 1;
  if (version > schema.version) {
    throw new StateVersionError(
      `this ${schema.resource} was written by a newer pulumi-chatbots (state version ${version}); ` +
        `the installed pulumi-chatbots ${packageVersion()} reads state up to version ${schema.version}. ` +
        "Install the newer release again (the downgrade cannot read this state)",
    );
  }
  let migrated = props;
  for (; version < schema.version; version++) {
    const step = schema.steps?.[version - 1];
    if (!step) throw new Error(`${schema.resource}: no migration from state version ${version}`);
    migrated = step(migrated);
  }
  return { ...migrated, [STATE_VERSION_KEY]: schema.version };
}

let version: string | undefined;

/** The version of this package, from the package.json above this file (source or built). */
export function packageVersion(): string {
  if (version !== undefined) return version;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-chatbots") return (version = pkg.version ?? "unknown");
    }
    if (path.dirname(dir) === dir) return (version = "unknown");
  }
}
