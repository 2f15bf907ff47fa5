/**
 * Command-line starter for one platform's sandbox (the platforms of the list in platforms.ts):
 *
 *   <SECRET VARIABLE>=... node dist/sandbox/cli.js <platform> [options]          (see each usage)
 *
 * Once listening it prints one JSON line, e.g. {"platform":"<platform>","url":"http://127.0.0.1:PORT/v3"}
 * (with "authUrl" too where the vendor has a token endpoint of its own), to stdout and runs until
 * SIGTERM or SIGINT. The token or key is read from the environment, never from the command line
 * (which other local users can see), and is never printed.
 */
import type {
  CliFlags,
  CliOptionsOf,
  CommonCliOptions,
  Platform,
  PlatformCli,
  PlatformSandbox,
} from "./descriptor";
import SANDBOX_PLATFORMS from "./platforms";

class UsageError extends Error {}

/** What the command line parsed: the platform, and the options its sandbox starts with. */
export type CliOptions = {
  [P in Platform as P["module"]]: { platform: P["module"] } & CliOptionsOf<P>;
}[Platform["module"]];

/** Walks the flags; the value readers throw a UsageError naming the current flag. */
class Flags implements CliFlags {
  private index = -1;
  flag = "";

  constructor(private readonly args: string[]) {}

  next(): boolean {
    this.index += 1;
    if (this.index >= this.args.length) return false;
    this.flag = this.args[this.index];
    return true;
  }

  value(): string {
    const next = this.args[++this.index];
    if (next === undefined) throw new UsageError(`${this.flag} needs a value`);
    return next;
  }

  integer(min: number, text = this.value()): number {
    const parsed = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
    if (!(parsed >= min)) throw new UsageError(`${this.flag} must be an integer >= ${min}`);
    return parsed;
  }

  oneOf<T extends number>(allowed: readonly T[]): T {
    const text = this.value();
    const chosen = allowed.find((candidate) => String(candidate) === text);
    if (chosen === undefined) throw new UsageError(`${this.flag} must be ${allowed.join(" or ")}`);
    return chosen;
  }

  choice<T extends string>(allowed: readonly T[]): T {
    const text = this.value();
    const chosen = allowed.find((candidate) => candidate === text);
    if (chosen === undefined) throw new UsageError(`${this.flag} must be ${allowed.join(", ")}`);
    return chosen;
  }

  list(of?: string): string[] {
    const items = this.value().split(",");
    if (items.some((item) => item.length === 0)) {
      throw new UsageError(
        `${this.flag} must be a comma-separated list${of === undefined ? "" : ` of ${of}`}`,
      );
    }
    return items;
  }

  fail(message: string): never {
    throw new UsageError(message);
  }
}

/**
 * Parses the flags every platform has (--port, --state-file, --latency-ms, --rate-limit,
 * --no-rate-limit) and hands the others to the platform's own, which returns false for an unknown one.
 */
function parseFlags<O extends CommonCliOptions>(args: string[], cli: PlatformCli<unknown, O>): O {
  const options = { port: 0 } as O;
  const flags = new Flags(args);
  while (flags.next()) {
    const flag = flags.flag;
    switch (flag) {
      case "--port": {
        const port = flags.integer(0);
        if (port > 65535) throw new UsageError("--port must be 0..65535");
        options.port = port;
        break;
      }
      case "--state-file":
        options.stateFile = flags.value();
        break;
      case "--latency-ms":
        options.latencyMs = flags.integer(0);
        break;
      case "--no-rate-limit":
      case "--rate-limit":
        if (options.rateLimit !== undefined) {
          throw new UsageError("give --rate-limit or --no-rate-limit once, not both");
        }
        options.rateLimit = flag === "--no-rate-limit" ? false : cli.rateLimit(flags);
        break;
      default:
        if (!cli.flag(flags, options)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return options;
}

const platformNamed = (name: string | undefined): Platform | undefined =>
  SANDBOX_PLATFORMS.find((platform) => platform.module === name);

/** The platform the command line names and the options its sandbox starts with. */
function parse(args: string[]): { platform: Platform; options: CommonCliOptions } {
  const [name, ...rest] = args;
  const platform = platformNamed(name);
  if (platform === undefined) {
    // The argument itself is not quoted: the message names the rule and the choices.
    const choices = SANDBOX_PLATFORMS.map((known) => known.module).join(", ");
    throw new UsageError(
      name === undefined
        ? `no platform given: the first argument must be one of ${choices}`
        : `unknown platform: the first argument must be one of ${choices}`,
    );
  }
  return { platform, options: parseFlags<CommonCliOptions>(rest, platform.cli) };
}

export function parseArguments(args: string[]): CliOptions {
  const { platform, options } = parse(args);
  return { platform: platform.module, ...options } as CliOptions;
}

/** The usage text of the named platform, or of all of them. */
function usageFor(name: string | undefined): string {
  const platform = platformNamed(name);
  return platform !== undefined
    ? platform.cli.usage
    : SANDBOX_PLATFORMS.map((known) => known.cli.usage).join("\n");
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${usageFor(args[0])}\n`);
    return 2;
  }
  const { platform, options } = parsed;
  const cli: PlatformCli<PlatformSandbox, CommonCliOptions> = platform.cli;

  const { variable, noun } = cli.secret;
  const secret = process.env[variable];
  if (secret === undefined || secret.length === 0) {
    process.stderr.write(`${variable} is not set: refusing to start a sandbox that accepts no ${noun}.\n`);
    return 1;
  }

  const sandbox = await cli.start(options, secret, { env: process.env, stderr: process.stderr });
  if (sandbox === undefined) return 1;
  // A vendor with a token endpoint of its own has a second URL; the others print none.
  const announcement = { platform: platform.module, url: sandbox.url, authUrl: sandbox.authUrl };
  process.stdout.write(JSON.stringify(announcement) + "\n");

  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await sandbox.stop();
  return 0;
}

if (require.main === module) {
  main().then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stderr.write(`sandbox failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
