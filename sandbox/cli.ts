/**
 * Command-line starter for a sandbox:
 *
 *   SENDBIRD_API_TOKEN=... node dist/sandbox/cli.js sendbird [--port N] [--state-file PATH]
 *                                                           [--no-rate-limit] [--not-found-status 400|404]
 *
 * Once listening it prints one JSON line, {"platform":"sendbird","url":"http://127.0.0.1:PORT/v3"},
 * to stdout and runs until SIGTERM or SIGINT. The token is read from the environment, never from
 * the command line (which other local users can see), and is never printed.
 */
import { startSendbirdSandbox, type SendbirdSandboxOptions } from "./sendbird";

const USAGE =
  "usage: cli.js sendbird [--port N] [--state-file PATH] [--no-rate-limit] [--not-found-status 400|404]\n" +
  "       (the accepted API token is read from SENDBIRD_API_TOKEN)";

class UsageError extends Error {}

interface CliOptions {
  platform: "sendbird";
  port: number;
  stateFile?: string;
  rateLimit: boolean;
  notFoundStatus?: 400 | 404;
}

export function parseArguments(args: string[]): CliOptions {
  const [platform, ...rest] = args;
  if (platform !== "sendbird")
    throw new UsageError(`unknown or missing platform ${JSON.stringify(platform)}`);
  const options: CliOptions = { platform, port: 0, rateLimit: true };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => {
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--port": {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError("--port must be 0..65535");
        options.port = port;
        break;
      }
      case "--state-file":
        options.stateFile = value();
        break;
      case "--no-rate-limit":
        options.rateLimit = false;
        break;
      case "--not-found-status": {
        const status = Number(value());
        if (status !== 400 && status !== 404) throw new UsageError("--not-found-status must be 400 or 404");
        options.notFoundStatus = status;
        break;
      }
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

  const options: SendbirdSandboxOptions = { apiToken, port: cli.port };
  if (cli.stateFile !== undefined) options.stateFile = cli.stateFile;
  if (!cli.rateLimit) options.rateLimit = false;
  if (cli.notFoundStatus !== undefined) options.notFoundStatus = cli.notFoundStatus;
  const sandbox = await startSendbirdSandbox(options);
  process.stdout.write(JSON.stringify({ platform: cli.platform, url: sandbox.url }) + "\n");

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
