/**
 * Every platform's sandbox at once (the list in platforms.ts), with credentials generated for this
 * run: what the root stack, the examples' tests and the benchmarks point the provider at, and what
 * a user's own tests can use (`require("pulumi-chatbots/sandbox")`).
 *
 *   const local = await startLocalSandboxes();
 *   // run `pulumi up` (or a program) with { ...process.env, ...local.env }
 *   await local.stop();
 *
 * `env` holds the provider's environment variables (API URLs and credentials) for every platform,
 * so no config has to be set; it contains secrets, so never print it.
 */
import * as path from "node:path";
import type { LocalOptionsOf, Platform, SandboxOf } from "./descriptor";
import SANDBOX_PLATFORMS from "./platforms";

/** The options of every platform's sandbox. */
export interface LocalSandboxesCommonOptions {
  /**
   * If set, each sandbox keeps its bots in `<stateDir>/<platform>.json` across runs (so a second
   * `pulumi up` finds what the first made). Default: in memory only.
   */
  stateDir?: string;
  /** Milliseconds every API request waits before being handled; default 0. */
  latencyMs?: number;
  /**
   * true (default): each sandbox enforces its vendor's lowest documented rate limit, as the real
   * API would. false: no rate limits.
   */
  rateLimits?: boolean;
}

/** `A | B` as `A & B`. */
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The common options and each platform's own (e.g. `lineWorksDomains`). */
export type LocalSandboxesOptions = LocalSandboxesCommonOptions & Intersection<LocalOptionsOf<Platform>>;

/** The running sandboxes, by platform (`local.sendbird`, ...), and the provider's environment for them. */
export type LocalSandboxes = {
  /** The provider's environment variables for every platform (URLs and generated credentials). */
  readonly env: Readonly<Record<string, string>>;
  /** Stops them all. */
  stop(): Promise<void>;
} & { readonly [P in Platform as P["module"]]: SandboxOf<P> };

export async function startLocalSandboxes(options: LocalSandboxesOptions = {}): Promise<LocalSandboxes> {
  const started: [string, { stop(): Promise<void> }][] = [];
  const stop = async () => {
    await Promise.all(started.map(([, sandbox]) => sandbox.stop()));
  };
  try {
    const env: Record<string, string> = {};
    for (const platform of SANDBOX_PLATFORMS) {
      const common = {
        ...(options.stateDir !== undefined && {
          stateFile: path.join(options.stateDir, `${platform.module}.json`),
        }),
        ...(options.latencyMs !== undefined && { latencyMs: options.latencyMs }),
        ...(options.rateLimits === false && { rateLimit: false as const }),
      };
      const { sandbox, env: platformEnv } = await platform.startLocal(common, options);
      started.push([platform.module, sandbox]);
      Object.assign(env, platformEnv);
    }
    return { env, ...Object.fromEntries(started), stop } as LocalSandboxes;
  } catch (error) {
    await stop();
    throw error;
  }
}
