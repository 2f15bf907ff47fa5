/**
 * All four sandboxes at once, with credentials generated for this run: what the root stack, the
 * examples' tests and the benchmarks point the provider at, and what a user's own tests can use
 * (`require("pulumi-chatbots/sandbox")`).
 *
 *   const local = await startLocalSandboxes();
 *   // run `pulumi up` (or a program) with { ...process.env, ...local.env }
 *   await local.stop();
 *
 * `env` holds the provider's environment variables (API URLs and credentials) for every platform,
 * so no config has to be set; it contains secrets, so never print it.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as path from "node:path";
import { startDeadSimpleChatSandbox, type DeadSimpleChatSandbox } from "./deadsimplechat";
import { startLineWorksSandbox, type LineWorksSandbox } from "./lineworks";
import { startSendbirdSandbox, type SendbirdSandbox } from "./sendbird";
import { startWhats91Sandbox, WHATS91_DEFAULT_SENDER_ID, type Whats91Sandbox } from "./whats91";

export interface LocalSandboxesOptions {
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
  /** The LINE WORKS tenant's domain ids; default [10000001, 10000002, 10000003]. */
  lineWorksDomains?: number[];
}

export interface LocalSandboxes {
  /** The provider's environment variables for all four platforms (URLs and generated credentials). */
  readonly env: Readonly<Record<string, string>>;
  readonly sendbird: SendbirdSandbox;
  readonly deadsimplechat: DeadSimpleChatSandbox;
  readonly lineworks: LineWorksSandbox;
  readonly whats91: Whats91Sandbox;
  /** Stops all four. */
  stop(): Promise<void>;
}

const secret = () => randomBytes(24).toString("hex");

export async function startLocalSandboxes(options: LocalSandboxesOptions = {}): Promise<LocalSandboxes> {
  const common = (platform: string) => ({
    ...(options.stateDir !== undefined && { stateFile: path.join(options.stateDir, `${platform}.json`) }),
    ...(options.latencyMs !== undefined && { latencyMs: options.latencyMs }),
    ...(options.rateLimits === false && { rateLimit: false as const }),
  });

  const sendbirdToken = secret();
  const deadSimpleChatKey = secret();
  const whats91Token = secret();
  // A LINE WORKS app whose key pair exists only for this run.
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const lineWorksApp = {
    clientId: `client-${randomBytes(6).toString("hex")}`,
    clientSecret: secret(),
    serviceAccount: `svc-${randomBytes(4).toString("hex")}.serviceaccount@example.com`,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };

  const started: { stop(): Promise<void> }[] = [];
  const track = <T extends { stop(): Promise<void> }>(sandbox: T): T => {
    started.push(sandbox);
    return sandbox;
  };
  const stop = async () => {
    await Promise.all(started.map((sandbox) => sandbox.stop()));
  };
  try {
    const sendbird = track(await startSendbirdSandbox({ apiToken: sendbirdToken, ...common("sendbird") }));
    const deadsimplechat = track(
      await startDeadSimpleChatSandbox({ apiKey: deadSimpleChatKey, ...common("deadsimplechat") }),
    );
    const lineworks = track(
      await startLineWorksSandbox({
        apps: [lineWorksApp],
        ...(options.lineWorksDomains !== undefined && { domains: options.lineWorksDomains }),
        ...common("lineworks"),
      }),
    );
    const whats91 = track(
      await startWhats91Sandbox({ tokens: [{ token: whats91Token, scope: "global" }], ...common("whats91") }),
    );
    const env: Record<string, string> = {
      SENDBIRD_API_URL: sendbird.url,
      SENDBIRD_API_TOKEN: sendbirdToken,
      DEADSIMPLECHAT_API_URL: deadsimplechat.url,
      DEADSIMPLECHAT_API_KEY: deadSimpleChatKey,
      LINEWORKS_API_URL: lineworks.url,
      LINEWORKS_AUTH_URL: lineworks.authUrl,
      LINEWORKS_CLIENT_ID: lineWorksApp.clientId,
      LINEWORKS_CLIENT_SECRET: lineWorksApp.clientSecret,
      LINEWORKS_SERVICE_ACCOUNT: lineWorksApp.serviceAccount,
      LINEWORKS_PRIVATE_KEY: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      WHATS91_API_URL: whats91.url,
      WHATS91_API_TOKEN: whats91Token,
      WHATS91_SENDER_ID: WHATS91_DEFAULT_SENDER_ID,
    };
    return { env, sendbird, deadsimplechat, lineworks, whats91, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
