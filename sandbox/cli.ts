/**
 * Command-line starter for a sandbox:
 *
 *   SENDBIRD_API_TOKEN=... node dist/sandbox/cli.js sendbird [options]   (see USAGE)
 *
 * Once listening it prints one JSON line, {"platform":"sendbird","url":"http://127.0.0.1:PORT/v3"},
 * to stdout and runs until SIGTERM or SIGINT. The token is read from the environment, never from
 * the command line (which other local users can see), and is never printed.
 */
import { startSendbirdSandbox, type SendbirdSandboxOptions } from "./sendbird";

const USAGE = `usage: cli.js sendbird [options]   (the accepted API token is read from SENDBIRD_API_TOKEN)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots in this JSON file across runs
  --rate-limit GET,MUTATE       calls per second allowed for GET and for POST/PUT/DELETE (default 10,5)
  --no-rate-limit               no rate limit
  --not-found-status 400|404    HTTP status sent with code 400201, bot not found (default 400)
  --bad-token-status 400|401    HTTP status sent with code 400401, bad Api-Token (default 400)
  --page-token-ttl-ms N         how long a list page token stays valid (default 60000)
  --latency-ms N                how long each API request waits before being handled (default 0)`;

class UsageError extends Error {}

/** The sandbox options the command line sets (all but the token, which comes from the environment). */
type CliOptions = { platform: "sendbird" } & Pick<
  SendbirdSandboxOptions,
  "port" | "stateFile" | "rateLimit" | "notFoundStatus" | "badTokenStatus" | "pageTokenTtlMs" | "latencyMs"
>;

export function parseArguments(args: string[]): CliOptions {
  const [platform, ...rest] = args;
  if (platform !== "sendbird")
    throw new UsageError(`unknown or missing platform ${JSON.stringify(platform)}`);
  const options: CliOptions = { platform, port: 0 };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => {
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    /** A whole number of at least `min`, written in decimal digits only. */
    const integer = (min: number, text = value()): number => {
      const parsed = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
      if (!(parsed >= min)) throw new UsageError(`${flag} must be an integer >= ${min}`);
      return parsed;
    };
    const oneOf = <T extends number>(allowed: readonly T[]): T => {
      const text = value();
      const chosen = allowed.find((candidate) => String(candidate) === text);
      if (chosen === undefined) throw new UsageError(`${flag} must be ${allowed.join(" or ")}`);
      return chosen;
    };
    switch (flag) {
      case "--port": {
        const port = integer(0);
        if (port > 65535) throw new UsageError("--port must be 0..65535");
        options.port = port;
        break;
      }
      case "--state-file":
        options.stateFile = value();
        break;
      case "--no-rate-limit":
      case "--rate-limit": {
        if (options.rateLimit !== undefined) {
          throw new UsageError("give --rate-limit or --no-rate-limit once, not both");
        }
        if (flag === "--no-rate-limit") {
          options.rateLimit = false;
          break;
        }
        const parts = value().split(",");
        if (parts.length !== 2) throw new UsageError("--rate-limit must be GET_PER_SECOND,MUTATE_PER_SECOND");
        options.rateLimit = { getPerSecond: integer(0, parts[0]), mutatePerSecond: integer(0, parts[1]) };
        break;
      }
      case "--not-found-status":
        options.notFoundStatus = oneOf([400, 404] as const);
        break;
      case "--bad-token-status":
        options.badTokenStatus = oneOf([400, 401] as const);
        break;
      case "--page-token-ttl-ms":
        options.pageTokenTtlMs = integer(1);
        break;
      case "--latency-ms":
        options.latencyMs = integer(0);
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return options;
}

async function main(): Promise<number> {
  let cli: CliOptions;
  try {
    cli = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }

  const apiToken = process.env.SENDBIRD_API_TOKEN;
  if (apiToken === undefined || apiToken.length === 0) {
    process.stderr.write(
      "SENDBIRD_API_TOKEN is not set: refusing to start a sandbox that accepts no token.\n",
    );
    return 1;
  }

  const { platform, ...options } = cli;
  const sandbox = await startSendbirdSandbox({ apiToken, ...options });
  process.stdout.write(JSON.stringify({ platform, url: sandbox.url }) + "\n");

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
