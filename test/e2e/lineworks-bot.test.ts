/**
 * lineworks.Bot and BotDomain on the real Pulumi engine against the LINE WORKS sandbox: service
 * account authentication (a JWT signed with a key generated here), domains wired to `bot.botId`,
 * 20 domains at `--parallel 16` without overlapping mutations of the bot, a token that expires
 * mid-run, drift, and destroy.
 */
import { randomBytes } from "node:crypto";
import { lineworksStackConfig, newTestApp } from "../integration/lineworks-helpers";
import * as path from "node:path";
import { startLineWorksSandbox, type LineWorksSandbox } from "../../sandbox";
import { printing } from "./printing";
import {
  e2eStack,
  e2eWorkspace,
  resourceSteps,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
} from "./stacks";

jest.setTimeout(15 * 60 * 1000);

const project = path.join(__dirname, "projects", "lineworks-bot");
const BOT_TYPE = "pulumi-nodejs:dynamic/lineworks:Bot";
const DOMAIN_TYPE = "pulumi-nodejs:dynamic/lineworks:BotDomain";
const DOMAINS = Array.from({ length: 20 }, (_, i) => 40_000_001 + i);

// The app's key pair and credentials are made for this run.
const app = newTestApp();
const privateKeyPem = app.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
/** The base64 body of the key: what would show if the PEM leaked anywhere. */
const keyBody = privateKeyPem.split("\n")[1];

let sandbox: LineWorksSandbox;
let ws: PulumiWorkspace;
let stack: PulumiStack;
/** Everything the CLI printed, and the outputs and states read. */
const printed: string[] = [];

/** The stack's state as stored (secrets encrypted), its bots and its domains. */
function state() {
  const text = stack.storedState();
  return {
    text,
    bots: storedResources(text, BOT_TYPE),
    domains: storedResources(text, DOMAIN_TYPE),
  };
}

const steps = async () => resourceSteps((await stack.preview()).events);

beforeAll(async () => {
  sandbox = await startLineWorksSandbox({ apps: [app], domains: DOMAINS });
  ws = e2eWorkspace();
  stack = printing(e2eStack(ws, project, `e2e-${randomBytes(4).toString("hex")}`), printed);
  // Credentials as a user sets them: secrets encrypted in the stack config.
  await stack.init({ ...lineworksStackConfig(app, sandbox), domainIds: DOMAINS.slice(0, 2).join(",") });
});

afterAll(async () => {
  await stack?.remove();
  ws?.cleanup();
  await sandbox?.stop();
});

test("up, no-op preview and refresh, bot update with wired domains, 20 domains in parallel, token expiry, drift, destroy", async () => {
  const started = Date.now();

  // 0. A documented constraint fails at preview, naming the field, calling nothing.
  await stack.setConfig({ administrators: "a@x.com,b@x.com,c@x.com,d@x.com" });
  const rejected = await stack.preview({ allowFailure: true });
  expect(rejected.ok).toBe(false);
  expect(rejected.stdout + rejected.stderr).toMatch(/administrators/);
  expect(sandbox.requests).toHaveLength(0);
  await stack.removeConfig("administrators");

  // 1. up: the bot at the tenant, then each domain (wired to bot.botId); one token for the run.
  await stack.up();
  expect(sandbox.bots()).toHaveLength(1);
  const botId = String(sandbox.bots()[0].botId);
  expect(sandbox.domains(botId).map((d) => d.domainId)).toEqual(DOMAINS.slice(0, 2));
  expect(sandbox.tokensIssued()).toBe(1);
  expect(await stack.outputs()).toEqual({
    botId: { value: botId, secret: false },
    domains: { value: DOMAINS.slice(0, 2).map((d) => `${botId}/${d}`), secret: false },
  });

  // 2. Nothing changed: preview and refresh agree.
  await stack.preview({ expectNoChanges: true });
  await stack.refresh({ expectNoChanges: true });
  await stack.preview({ expectNoChanges: true });

  // 3. A new description updates the bot in place; the domains wired to bot.botId are untouched.
  await stack.setConfig({ description: "Answers more questions" });
  const before = sandbox.requests.length;
  expect((await steps()).map((s) => [s.op, s.urn.split("::").pop(), s.changed])).toEqual([
    ["update", "helpdesk", ["description"]],
  ]);
  expect(sandbox.requests).toHaveLength(before); // preview calls no vendor API
  await stack.up();
  expect(sandbox.bot(botId)?.description).toBe("Answers more questions");
  await stack.preview({ expectNoChanges: true });

  // 4. 20 domains at --parallel 16: every mutation of the bot is serialised (the sandbox holds each
  // one for 50 ms and refuses any that overlaps), and the token expires half-way through the run.
  sandbox.setMutationMs(50);
  await stack.setConfig({ domainIds: DOMAINS.join(",") });
  const tokensBefore = sandbox.tokensIssued();
  // Expire the token once the run has made a few domains with it.
  let expired = false;
  const expiry = setInterval(() => {
    if (!expired && sandbox.domains(botId).length >= 5) {
      sandbox.expireTokens();
      expired = true;
    }
  }, 20);
  const parallelStarted = Date.now();
  await stack.up({ parallel: 16 });
  clearInterval(expiry);
  expect(expired).toBe(true);
  const parallelSeconds = (Date.now() - parallelStarted) / 1000;
  expect(sandbox.overlappingMutations()).toBe(0);
  expect(
    sandbox
      .domains(botId)
      .map((d) => d.domainId)
      .sort(),
  ).toEqual([...DOMAINS].sort());
  // A fresh provider process gets one token, and one more after the expiry.
  expect(sandbox.tokensIssued() - tokensBefore).toBeGreaterThanOrEqual(2);
  console.log(`lineworks: 18 domains added at --parallel 16 in ${parallelSeconds.toFixed(1)} s`);
  sandbox.setMutationMs(0);
  const listsBefore = sandbox.requests.filter(
    (r) => r.method === "GET" && r.path.endsWith("/domains"),
  ).length;
  await stack.refresh({ expectNoChanges: true });
  const lists = sandbox.requests.filter((r) => r.method === "GET" && r.path.endsWith("/domains")).length;
  console.log(`lineworks: refresh of 20 domains listed domains ${lists - listsBefore} time(s)`);
  expect(lists - listsBefore).toBeLessThanOrEqual(3);

  // 5. Drift: refresh shows a change made in the Developer Console, up restores the declared value.
  sandbox.editBot(botId, { description: "Changed by hand" });
  const drift = await stack.refresh({ expectNoChanges: true, allowFailure: true });
  expect(drift.ok).toBe(false);
  expect(drift.stdout).toMatch(/description/);
  expect((await steps()).map((s) => [s.op, s.changed])).toEqual([["update", ["description"]]]);
  await stack.up();
  expect(sandbox.bot(botId)?.description).toBe("Answers more questions");

  // 6. A domain removed behind Pulumi's back: refresh drops it, up adds it again.
  sandbox.removeDomain(botId, DOMAINS[5]);
  await stack.refresh();
  expect(state().domains).toHaveLength(19);
  await stack.up();
  expect(sandbox.domains(botId)).toHaveLength(20);
  await stack.preview({ expectNoChanges: true });

  // 7. No secret in the state or anything the CLI printed.
  const stored = state().text;
  for (const secret of [app.clientSecret, keyBody]) {
    expect(stored).not.toContain(secret);
    for (const text of printed) expect(text).not.toContain(secret);
  }

  // 8. destroy removes the domains and the bot.
  await stack.destroy({ parallel: 16 });
  expect(sandbox.bots()).toHaveLength(0);
  expect(sandbox.overlappingMutations()).toBe(0);
  const after = state();
  expect([after.bots.length, after.domains.length]).toEqual([0, 0]);

  console.log(`lineworks e2e lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
