/**
 * One LINE WORKS access token per app for every resource made under the same policies: in the
 * provider process, the handlers the shim runs (production's policies), lineworks.Bot and
 * lineworks.BotDomain alike. Tests give their own policies and so their own tokens.
 */
import { startLineWorksSandbox, type LineWorksSandbox } from "../../sandbox";
import { botHandlers, definition as botDefinition } from "../../provider/lineworks/bot";
import { botDomainHandlers, definition as botDomainDefinition } from "../../provider/lineworks/botDomain";
import { resetConfiguration } from "../../provider/core/credentials";
import { handlersOf } from "../../provider/core/definition";
import type { ResourceHandlers } from "../../provider/core/shim";
import { newTestApp, remember, serviceAccountOf } from "./lineworks-helpers";
import { testPolicies } from "./handler-kit";

type Props = Record<string, unknown>;

const app = newTestApp();
const privateKeyPem = remember(app.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
let sandbox: LineWorksSandbox;

beforeEach(async () => {
  sandbox = await startLineWorksSandbox({
    apps: [serviceAccountOf(app)],
    rateLimit: false,
    domains: [10000001],
  });
  process.env.LINEWORKS_API_URL = sandbox.url;
  process.env.LINEWORKS_AUTH_URL = sandbox.authUrl;
  process.env.LINEWORKS_CLIENT_ID = app.clientId;
  process.env.LINEWORKS_CLIENT_SECRET = app.clientSecret;
  process.env.LINEWORKS_SERVICE_ACCOUNT = app.serviceAccount;
  process.env.LINEWORKS_PRIVATE_KEY = privateKeyPem;
  process.env.LINEWORKS_READS_PER_SECOND = "100";
  process.env.LINEWORKS_WRITES_PER_SECOND = "100";
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of Object.keys(process.env).filter((n) => n.startsWith("LINEWORKS_")))
    delete process.env[name];
});

/** A bot and its domain registration, each read back. */
async function botAndDomain(bot: ResourceHandlers, domain: ResourceHandlers): Promise<void> {
  const declared = {
    botName: "Shared",
    photoUrl: "https://example.com/b.png",
    description: "One token for both",
    administrators: ["a@example.com"],
  };
  const made = await bot.create((await bot.check({}, declared)).inputs as Props);
  await bot.read(made.id, made.outs as Props);
  const inputs = (await domain.check({}, { botId: made.id, domainId: 10000001 })).inputs as Props;
  const registered = await domain.create(inputs);
  await domain.read(registered.id, registered.outs as Props);
}

test("the provider's handlers: lineworks.Bot and lineworks.BotDomain share one token", async () => {
  await botAndDomain(botHandlers, botDomainHandlers);
  expect(sandbox.tokensIssued()).toBe(1);
});

test("handlers of one set of policies share a token; another set's get their own", async () => {
  const mine = testPolicies();
  await botAndDomain(handlersOf(botDefinition, mine), handlersOf(botDomainDefinition, mine));
  expect(sandbox.tokensIssued()).toBe(1);
  const theirs = testPolicies();
  await botAndDomain(handlersOf(botDefinition, theirs), handlersOf(botDomainDefinition, theirs));
  expect(sandbox.tokensIssued()).toBe(2);
});
