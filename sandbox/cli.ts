/**
 * Command-line starter for a sandbox:
 *
 *   SENDBIRD_API_TOKEN=... node dist/sandbox/cli.js sendbird [options]            (see USAGE)
 *   DEADSIMPLECHAT_API_KEY=... node dist/sandbox/cli.js deadsimplechat [options]
 *   WHATS91_API_TOKEN=... [WHATS91_SENDER_ID=...] node dist/sandbox/cli.js whats91 [options]
 *
 * Once listening it prints one JSON line, e.g. {"platform":"sendbird","url":"http://127.0.0.1:PORT/v3"}
 * or {"platform":"deadsimplechat","url":"http://127.0.0.1:PORT/consumer/api/v2"}, to stdout and runs
 * until SIGTERM or SIGINT. The token or key is read from the environment, never from the command
 * line (which other local users can see), and is never printed.
 */
import * as fs from "node:fs";
import { startDeadSimpleChatSandbox, type DeadSimpleChatSandboxOptions } from "./deadsimplechat";
import {
  LINEWORKS_ALREADY_EXIST_ANSWERS,
  LINEWORKS_NOT_FOUND_ANSWERS,
  startLineWorksSandbox,
  type LineWorksSandboxOptions,
} from "./lineworks";
import { startSendbirdSandbox, type SendbirdSandboxOptions } from "./sendbird";
import {
  startWhats91Sandbox,
  WHATS91_DEFAULT_SENDER_ID,
  whats91Sender,
  type Whats91SandboxOptions,
  type Whats91Token,
} from "./whats91";

const SENDBIRD_USAGE = `usage: cli.js sendbird [options]   (the accepted API token is read from SENDBIRD_API_TOKEN)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots in this JSON file across runs
  --rate-limit GET,MUTATE       calls per second allowed for GET and for POST/PUT/DELETE (default 10,5)
  --no-rate-limit               no rate limit
  --not-found-status 400|404    HTTP status sent with code 400201, bot not found (default 400)
  --bad-token-status 400|401    HTTP status sent with code 400401, bad Api-Token (default 400)
  --page-token-ttl-ms N         how long a list page token stays valid (default 60000)
  --page-tokens-expire-on-change  a list page token stops working once a bot is created or deleted
  --update-resets-omitted-fields  PUT resets the fields its body omits
  --latency-ms N                how long each API request waits before being handled (default 0)`;

const DEADSIMPLECHAT_USAGE = `usage: cli.js deadsimplechat [options]   (the accepted private key is read from DEADSIMPLECHAT_API_KEY)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots in this JSON file across runs
  --rate-limit N                requests per second allowed, all endpoints together (default 5)
  --no-rate-limit               no rate limit
  --latency-ms N                how long each API request waits before being handled (default 0)
  --duplicate-names-allowed     create accepts a name another bot has (a rename onto one is still refused)
  --list-omits-optional-fields  GET /bots returns only the fields the vendor's list example shows
  --create-name-conflict update-page|heading   create's answer to a taken name (default update-page)
  --update-resets-omitted-fields  PUT resets the optional fields its body omits
  --answers-omit-optional-fields  create, update, enable and disable answer with only the list's fields
  --chat-rooms ID,ID,...        the account's chat rooms (default: every room id exists)`;

const LINEWORKS_USAGE = `usage: cli.js lineworks [options]   (the accepted client secret is read from LINEWORKS_CLIENT_SECRET)
  --client-id ID                the app's client id (default: LINEWORKS_CLIENT_ID)
  --service-account ID          the app's service account (default: LINEWORKS_SERVICE_ACCOUNT)
  --public-key-file PATH        PEM file with the app's RSA public key (default: LINEWORKS_PUBLIC_KEY_FILE)
  --scopes S,S,...              scopes the app may be granted (default bot,bot.read)
  --domains ID,ID,...           the tenant's domain ids (default 10000001,10000002,10000003)
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the bots and their domains in this JSON file across runs
  --rate-limit N                requests per minute allowed per API operation (default 60)
  --no-rate-limit               no rate limit
  --latency-ms N                how long each request takes (default 0)
  --mutation-ms N               how long a mutation holds its bot; a parallel one is refused (default 0)
  --token-ttl-seconds N         expires_in of issued access tokens (default 86400)
  --bot-limit N                 bots allowed in the tenant (default 300)
  --end-of-list null|absent|empty   how a list's last page shows nextCursor (default null)
  --expires-in-type string|number   JSON type of expires_in (default string)
  --get-one-domain              serve the undocumented GET /bots/{botId}/domains/{domainId}
  --not-found-answer NOT_FOUND|BOT_NOT_EXIST|DELETED   the documented "gone" answer sent (default NOT_FOUND)
  --already-exist-answer ALREADY_EXIST|BOT_DOMAIN_ALREADY_EXIST   the documented 409 sent (default ALREADY_EXIST)
  LINEWORKS_STATIC_TOKEN, if set, is accepted as an access token (scope bot) as well.`;

const WHATS91_USAGE = `usage: cli.js whats91 [options]   (the accepted API token is read from WHATS91_API_TOKEN)
  WHATS91_SENDER_ID, if set, is the sender's number (default ${WHATS91_DEFAULT_SENDER_ID}).
  --port N                      port on 127.0.0.1 (default 0: any free port)
  --state-file PATH             keep the chatbots in this JSON file across runs
  --rate-limit N                requests per second allowed, all endpoints together (default 5)
  --no-rate-limit               no rate limit
  --latency-ms N                how long each API request waits before being handled (default 0)
  --token-scope SCOPE           global (default), selected_number or specific_number (bound to the sender)
  --page-size-max N             the largest list page size (limit) accepted (default 100)
  --create-status 200|201       HTTP status of a successful create (default 200)
  --welcome-keywords required|optional|ignored   whether a welcome trigger needs keywords (default required)
  --no-chatbots-feature         the subscription lacks chatbots: every chatbot route answers 403
  --global-token-sender-fallback  a global token that gives no senderId works on the sender
  --unknown-fields-ignored      undocumented request fields are ignored instead of refused`;

const PLATFORMS = {
  sendbird: SENDBIRD_USAGE,
  deadsimplechat: DEADSIMPLECHAT_USAGE,
  lineworks: LINEWORKS_USAGE,
  whats91: WHATS91_USAGE,
};
/** The environment variable holding each platform's secret, and what the vendor calls it. */
const SECRETS = {
  sendbird: { variable: "SENDBIRD_API_TOKEN", noun: "token" },
  deadsimplechat: { variable: "DEADSIMPLECHAT_API_KEY", noun: "key" },
  lineworks: { variable: "LINEWORKS_CLIENT_SECRET", noun: "client secret" },
  whats91: { variable: "WHATS91_API_TOKEN", noun: "token" },
} as const;
const WHATS91_TOKEN_SCOPES = ["global", "selected_number", "specific_number"] as const;

class UsageError extends Error {}

/** The sandbox options the command line sets (all but the secret, which comes from the environment). */
type SendbirdCliOptions = { platform: "sendbird" } & Pick<
  SendbirdSandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "notFoundStatus"
  | "badTokenStatus"
  | "pageTokenTtlMs"
  | "pageTokensExpireOnChange"
  | "updateResetsOmittedFields"
  | "latencyMs"
>;
type DeadSimpleChatCliOptions = { platform: "deadsimplechat" } & Pick<
  DeadSimpleChatSandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "latencyMs"
  | "duplicateNamesAllowed"
  | "listOmitsOptionalFields"
  | "createNameConflict"
  | "updateResetsOmittedFields"
  | "answersOmitOptionalFields"
  | "chatRooms"
>;
/** The app's identity comes from flags or, when a flag is absent, the environment (see main). */
type LineWorksCliOptions = {
  platform: "lineworks";
  clientId?: string;
  serviceAccount?: string;
  publicKeyFile?: string;
  scopes?: string[];
} & Pick<
  LineWorksSandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "latencyMs"
  | "mutationMs"
  | "tokenTtlSeconds"
  | "botLimit"
  | "domains"
  | "endOfListCursor"
  | "expiresInType"
  | "getOneDomain"
  | "notFoundAnswer"
  | "alreadyExistAnswer"
>;
/** One token is accepted; with a bound scope it is bound to the one sender (see main). */
type Whats91CliOptions = { platform: "whats91"; tokenScope?: Whats91Token["scope"] } & Pick<
  Whats91SandboxOptions,
  | "port"
  | "stateFile"
  | "rateLimit"
  | "latencyMs"
  | "pageSizeMax"
  | "createStatus"
  | "welcomeKeywords"
  | "chatbotsFeature"
  | "globalTokenSenderFallback"
  | "unknownFieldsIgnored"
>;
export type CliOptions =
  SendbirdCliOptions | DeadSimpleChatCliOptions | LineWorksCliOptions | Whats91CliOptions;

/** Walks the flags; the value readers throw a UsageError naming the current flag. */
class Flags {
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

  /** A whole number of at least `min`, written in decimal digits only. */
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
}

interface CommonCliOptions {
  port?: number;
  stateFile?: string;
  latencyMs?: number;
  rateLimit?: unknown;
}

/**
 * Parses the flags every platform has (--port, --state-file, --latency-ms, --rate-limit,
 * --no-rate-limit) and hands the others to `platformFlag`, which returns false for an unknown one.
 */
/** The flag's value, which must be one of `allowed`. */
function choice<T extends string>(flags: Flags, allowed: readonly T[]): T {
  const text = flags.value();
  const chosen = allowed.find((candidate) => candidate === text);
  if (chosen === undefined) throw new UsageError(`${flags.flag} must be ${allowed.join(", ")}`);
  return chosen;
}

function parseFlags<O extends CommonCliOptions>(
  args: string[],
  options: O,
  rateLimitValue: (flags: Flags) => O["rateLimit"],
  platformFlag: (flags: Flags) => boolean,
): O {
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
        options.rateLimit = flag === "--no-rate-limit" ? (false as O["rateLimit"]) : rateLimitValue(flags);
        break;
      default:
        if (!platformFlag(flags)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return options;
}

function parseSendbird(args: string[]): SendbirdCliOptions {
  const options: SendbirdCliOptions = { platform: "sendbird", port: 0 };
  const rateLimit = (flags: Flags): SendbirdCliOptions["rateLimit"] => {
    const parts = flags.value().split(",");
    if (parts.length !== 2) throw new UsageError("--rate-limit must be GET_PER_SECOND,MUTATE_PER_SECOND");
    return { getPerSecond: flags.integer(0, parts[0]), mutatePerSecond: flags.integer(0, parts[1]) };
  };
  return parseFlags(args, options, rateLimit, (flags) => {
    switch (flags.flag) {
      case "--not-found-status":
        options.notFoundStatus = flags.oneOf([400, 404] as const);
        return true;
      case "--bad-token-status":
        options.badTokenStatus = flags.oneOf([400, 401] as const);
        return true;
      case "--page-token-ttl-ms":
        options.pageTokenTtlMs = flags.integer(1);
        return true;
      case "--page-tokens-expire-on-change":
        options.pageTokensExpireOnChange = true;
        return true;
      case "--update-resets-omitted-fields":
        options.updateResetsOmittedFields = true;
        return true;
      default:
        return false;
    }
  });
}

function parseDeadSimpleChat(args: string[]): DeadSimpleChatCliOptions {
  const options: DeadSimpleChatCliOptions = { platform: "deadsimplechat", port: 0 };
  const rateLimit = (flags: Flags): DeadSimpleChatCliOptions["rateLimit"] => ({
    requestsPerSecond: flags.integer(0),
  });
  return parseFlags(args, options, rateLimit, (flags) => {
    switch (flags.flag) {
      case "--duplicate-names-allowed":
        options.duplicateNamesAllowed = true;
        return true;
      case "--list-omits-optional-fields":
        options.listOmitsOptionalFields = true;
        return true;
      case "--update-resets-omitted-fields":
        options.updateResetsOmittedFields = true;
        return true;
      case "--answers-omit-optional-fields":
        options.answersOmitOptionalFields = true;
        return true;
      case "--create-name-conflict":
        options.createNameConflict = choice(flags, ["update-page", "heading"] as const);
        return true;
      case "--chat-rooms": {
        const rooms = flags.value().split(",");
        if (rooms.some((room) => room.length === 0)) {
          throw new UsageError("--chat-rooms must be a comma-separated list of room ids");
        }
        options.chatRooms = rooms;
        return true;
      }
      default:
        return false;
    }
  });
}

function parseLineWorks(args: string[]): LineWorksCliOptions {
  const options: LineWorksCliOptions = { platform: "lineworks", port: 0 };
  const rateLimit = (flags: Flags): LineWorksCliOptions["rateLimit"] => ({
    requestsPerMinute: flags.integer(0),
  });
  const list = (flags: Flags): string[] => {
    const items = flags.value().split(",");
    if (items.some((item) => item.length === 0))
      throw new UsageError(`${flags.flag} must be a comma-separated list`);
    return items;
  };
  return parseFlags(args, options, rateLimit, (flags) => {
    switch (flags.flag) {
      case "--client-id":
        options.clientId = flags.value();
        return true;
      case "--service-account":
        options.serviceAccount = flags.value();
        return true;
      case "--public-key-file":
        options.publicKeyFile = flags.value();
        return true;
      case "--scopes":
        options.scopes = list(flags);
        return true;
      case "--domains":
        options.domains = list(flags).map((domainId) => flags.integer(1, domainId));
        return true;
      case "--mutation-ms":
        options.mutationMs = flags.integer(0);
        return true;
      case "--token-ttl-seconds":
        options.tokenTtlSeconds = flags.integer(1);
        return true;
      case "--bot-limit":
        options.botLimit = flags.integer(0);
        return true;
      case "--end-of-list":
        options.endOfListCursor = choice(flags, ["null", "absent", "empty"] as const);
        return true;
      case "--expires-in-type":
        options.expiresInType = choice(flags, ["string", "number"] as const);
        return true;
      case "--not-found-answer":
        options.notFoundAnswer = choice(flags, LINEWORKS_NOT_FOUND_ANSWERS);
        return true;
      case "--already-exist-answer":
        options.alreadyExistAnswer = choice(flags, LINEWORKS_ALREADY_EXIST_ANSWERS);
        return true;
      case "--get-one-domain":
        options.getOneDomain = true;
        return true;
      default:
        return false;
    }
  });
}

/**
 * The LINE WORKS app from the flags, the environment filling what they leave out, and the client
 * secret; undefined (after saying why on stderr) if something is missing. Prints no secret.
 */
function lineWorksApp(cli: LineWorksCliOptions, clientSecret: string) {
  const clientId = cli.clientId ?? process.env.LINEWORKS_CLIENT_ID;
  const serviceAccount = cli.serviceAccount ?? process.env.LINEWORKS_SERVICE_ACCOUNT;
  const publicKeyFile = cli.publicKeyFile ?? process.env.LINEWORKS_PUBLIC_KEY_FILE;
  const missing = [
    clientId ? undefined : "--client-id (or LINEWORKS_CLIENT_ID)",
    serviceAccount ? undefined : "--service-account (or LINEWORKS_SERVICE_ACCOUNT)",
    publicKeyFile ? undefined : "--public-key-file (or LINEWORKS_PUBLIC_KEY_FILE)",
  ].filter((item) => item !== undefined);
  if (missing.length > 0) {
    process.stderr.write(`lineworks needs ${missing.join(", ")}.\n`);
    return undefined;
  }
  let publicKeyPem: string;
  try {
    publicKeyPem = fs.readFileSync(publicKeyFile as string, "utf8");
  } catch {
    process.stderr.write(`cannot read the public key file ${publicKeyFile}.\n`);
    return undefined;
  }
  return {
    clientId: clientId as string,
    clientSecret,
    serviceAccount: serviceAccount as string,
    publicKeyPem,
    ...(cli.scopes !== undefined && { scopes: cli.scopes }),
  };
}

function parseWhats91(args: string[]): Whats91CliOptions {
  const options: Whats91CliOptions = { platform: "whats91", port: 0 };
  const rateLimit = (flags: Flags): Whats91CliOptions["rateLimit"] => ({
    requestsPerSecond: flags.integer(0),
  });
  return parseFlags(args, options, rateLimit, (flags) => {
    switch (flags.flag) {
      case "--token-scope": {
        const text = flags.value();
        const scope = WHATS91_TOKEN_SCOPES.find((candidate) => candidate === text);
        if (scope === undefined)
          throw new UsageError(`--token-scope must be ${WHATS91_TOKEN_SCOPES.join(", ")}`);
        options.tokenScope = scope;
        return true;
      }
      case "--page-size-max":
        options.pageSizeMax = flags.integer(1);
        return true;
      case "--create-status":
        options.createStatus = flags.oneOf([200, 201] as const);
        return true;
      case "--welcome-keywords":
        options.welcomeKeywords = choice(flags, ["required", "optional", "ignored"] as const);
        return true;
      case "--no-chatbots-feature":
        options.chatbotsFeature = false;
        return true;
      case "--global-token-sender-fallback":
        options.globalTokenSenderFallback = true;
        return true;
      case "--unknown-fields-ignored":
        options.unknownFieldsIgnored = true;
        return true;
      default:
        return false;
    }
  });
}

export function parseArguments(args: string[]): CliOptions {
  const [platform, ...rest] = args;
  if (platform === "sendbird") return parseSendbird(rest);
  if (platform === "deadsimplechat") return parseDeadSimpleChat(rest);
  if (platform === "lineworks") return parseLineWorks(rest);
  if (platform === "whats91") return parseWhats91(rest);
  // The argument itself is not quoted: the message names the rule and the choices.
  const choices = Object.keys(PLATFORMS).join(", ");
  throw new UsageError(
    platform === undefined
      ? `no platform given: the first argument must be one of ${choices}`
      : `unknown platform: the first argument must be one of ${choices}`,
  );
}

/** The usage text of the named platform, or of all of them. */
function usageFor(platform: string | undefined): string {
  return platform !== undefined && Object.hasOwn(PLATFORMS, platform)
    ? PLATFORMS[platform as keyof typeof PLATFORMS]
    : Object.values(PLATFORMS).join("\n");
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let cli: CliOptions;
  try {
    cli = parseArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${usageFor(args[0])}\n`);
    return 2;
  }

  const { variable, noun } = SECRETS[cli.platform];
  const secret = process.env[variable];
  if (secret === undefined || secret.length === 0) {
    process.stderr.write(`${variable} is not set: refusing to start a sandbox that accepts no ${noun}.\n`);
    return 1;
  }

  let sandbox: { url: string; authUrl?: string; stop(): Promise<void> };
  if (cli.platform === "sendbird") {
    const { platform: _, ...options } = cli;
    sandbox = await startSendbirdSandbox({ apiToken: secret, ...options });
  } else if (cli.platform === "deadsimplechat") {
    const { platform: _, ...options } = cli;
    sandbox = await startDeadSimpleChatSandbox({ apiKey: secret, ...options });
  } else if (cli.platform === "whats91") {
    const { platform: _, tokenScope = "global", ...options } = cli;
    // The sender's number is no secret; a malformed one makes the start fail with a message.
    const senderId = process.env.WHATS91_SENDER_ID || WHATS91_DEFAULT_SENDER_ID;
    const token: Whats91Token =
      tokenScope === "global"
        ? { token: secret, scope: "global" }
        : { token: secret, scope: tokenScope, senderId };
    sandbox = await startWhats91Sandbox({ tokens: [token], senders: [whats91Sender(senderId)], ...options });
  } else {
    const {
      platform: _,
      clientId: _id,
      serviceAccount: _sa,
      publicKeyFile: _file,
      scopes: _s,
      ...options
    } = cli;
    const app = lineWorksApp(cli, secret);
    if (app === undefined) return 1;
    const staticToken = process.env.LINEWORKS_STATIC_TOKEN;
    sandbox = await startLineWorksSandbox({
      apps: [app],
      ...(staticToken ? { staticTokens: [staticToken] } : {}),
      ...options,
    });
  }
  // LINE WORKS has a second URL, the token endpoint; the other platforms print none.
  const announcement = { platform: cli.platform, url: sandbox.url, authUrl: sandbox.authUrl };
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
