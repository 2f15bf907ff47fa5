/**
 * What a sandbox platform says about itself (`SandboxPlatform`, at the end of each sandbox module)
 * for the consumers of the list in platforms.ts. Types only: the sandbox modules import them
 * without importing the list back.
 */
import type { SandboxBase } from "./common";
import type { RecordedRequest } from "./http";
import type SANDBOX_PLATFORMS from "./platforms";

/** A running sandbox, as the consumers of the list see it. */
export type PlatformSandbox = SandboxBase<never> & {
  /** A second URL, where the vendor has one (a token endpoint of its own). */
  readonly authUrl?: string;
};

/** The options startLocalSandboxes gives every sandbox. */
export interface CommonSandboxOptions {
  /** The JSON file it keeps its state in across runs; absent: in memory only. */
  stateFile?: string;
  latencyMs?: number;
  /** false: no rate limit; absent: the vendor's lowest documented one. */
  rateLimit?: false;
}

/** The flags every platform's command line takes; the CLI parses them (sandbox/cli.ts). */
export interface CommonCliOptions {
  port?: number;
  stateFile?: string;
  latencyMs?: number;
  rateLimit?: unknown;
}

/**
 * The command line's flags as a platform reads its own: `flag` is the current one; every reader
 * takes its value (the next argument) and fails with a usage error naming the flag and the rule.
 */
export interface CliFlags {
  readonly flag: string;
  value(): string;
  /** A whole number of at least `min`, in decimal digits only (`text`: the value by default). */
  integer(min: number, text?: string): number;
  /** One of the numbers `allowed`. */
  oneOf<T extends number>(allowed: readonly T[]): T;
  /** One of the words `allowed`. */
  choice<T extends string>(allowed: readonly T[]): T;
  /** A comma-separated list without empty items; `of` names them in the message. */
  list(of?: string): string[];
  /** A usage error with `message`. */
  fail(message: string): never;
}

/** What a platform's CLI start may read and say (the environment, stderr); never a secret said. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stderr: { write(text: string): unknown };
}

/** The limit a request counts against: its name and the requests a second it allows. */
export type RateBucket = readonly [name: string, perSecond: number];

/** A documented rate plan, as the benchmark measures against it. */
export interface RatePlan {
  /** The plan, in the vendor's words, as the benchmark's report names it. */
  readonly plan: string;
  /** The limit a request counts against; undefined for a request no limit counts. */
  bucket(request: RecordedRequest): RateBucket | undefined;
}

/** The requests a second of the provider's read and write pacing. */
export interface Pacing<T> {
  readonly reads: T;
  readonly writes: T;
}

/** A sandbox's command line (`cli.js <module> [options]`): its own flags and how it starts. */
export interface PlatformCli<Sandbox, Options extends CommonCliOptions> {
  /** The usage text: the command and one line a flag. */
  readonly usage: string;
  /** The environment variable holding the secret the sandbox accepts, and what the vendor calls it. */
  readonly secret: { readonly variable: string; readonly noun: string };
  /** The value of --rate-limit. */
  rateLimit(flags: CliFlags): Options["rateLimit"];
  /** Takes the platform's own flag `flags.flag` into `options`; false for a flag it does not know. */
  flag(flags: CliFlags, options: Options): boolean;
  /**
   * Starts the sandbox that accepts `secret`; undefined, after saying why on `io.stderr`, when
   * something it needs is missing.
   */
  start(options: Options, secret: string, io: CliIo): Promise<Sandbox | undefined>;
}

/** One sandbox platform: everything the consumers of the list need of it. */
export interface SandboxPlatform<
  Module extends string,
  Sandbox extends PlatformSandbox,
  LocalOptions extends object,
  CliOptions extends CommonCliOptions,
> {
  /**
   * The provider's module name: the key of startLocalSandboxes' result, the CLI's first argument,
   * the name of its state file.
   */
  readonly module: Module;
  /** The vendor's name as it writes it, for messages. */
  readonly title: string;
  /** The provider's settings for it, by environment variable. */
  readonly provider: {
    /** The prefix of every environment variable the provider reads for it (e.g. "ACME_"). */
    readonly envPrefix: string;
    /**
     * The settings that hold its credential, as [config key, environment variable]: with one of
     * them set, the platform is meant for the vendor's real API, not the sandbox.
     */
    readonly credentials: ReadonlyArray<readonly [key: string, variable: string]>;
    /** The environment variables of the provider's pacing (requests a second). */
    readonly pacing: Pacing<string>;
  };
  /**
   * Starts it with credentials generated for this run and the common options. `env` is the
   * provider's environment for it (URLs and credentials): it holds secrets, never print it.
   */
  startLocal(
    common: CommonSandboxOptions,
    options: LocalOptions,
  ): Promise<{ sandbox: Sandbox; env: Record<string, string> }>;
  readonly cli: PlatformCli<Sandbox, CliOptions>;
  /** The vendor's documented rate plans, which the sandbox enforces. */
  readonly rates: {
    /** The smallest documented limit: the sandbox's default one. */
    readonly lowest: RatePlan;
    /**
     * The largest documented plan: the sandbox's `rateLimit` for it (false: none documented, so
     * none) and the provider pacing that matches it (absent: no limit to match).
     */
    readonly largest: RatePlan & {
      readonly rateLimit: Parameters<Sandbox["setRateLimit"]>[0];
      readonly pacing?: Pacing<number>;
    };
  };
}

// ---- derived from the list ----------------------------------------------------------------------

/** Any platform of the list. */
export type Platform = (typeof SANDBOX_PLATFORMS)[number];
/** A platform's running sandbox. */
export type SandboxOf<P extends Platform> = Awaited<ReturnType<P["startLocal"]>>["sandbox"];
/** The options a platform's CLI parses (its own and the common flags). */
export type CliOptionsOf<P extends Platform> = Parameters<P["cli"]["flag"]>[1];
/** The options a platform's startLocal takes besides the common ones. */
export type LocalOptionsOf<P extends Platform> = Parameters<P["startLocal"]>[1];
