/**
 * lineworks.Bot and BotDomain on the real Pulumi engine against the LINE WORKS sandbox: service
 * account authentication (a JWT signed with a key generated here), domains wired to `bot.botId`,
 * 20 domains at `--parallel 16` without overlapping mutations of the bot, a token that expires
 * mid-run, drift, and destroy.
 */
import { randomBytes } from "node:crypto";
import { newTestApp } from "../integration/lineworks-helpers";
import * as path from "node:path";
import { startLineWorksSandbox, type LineWorksSandbox } from "../../sandbox";
import {
  previewSteps,
  pulumiWorkspace,
  removeStackConfig,
  stateResources,
  type PulumiWorkspace,
} from "./pulumi-cli";

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
const stack = `e2e-${randomBytes(4).toString("hex")}`;
const printed: string[] = [];

async function pulumi(args: string[], opts?: { allowFailure?: boolean }) {
  const result = await ws.run(project, [...args, "--stack", stack], opts);
  printed.push(result.stdout, result.stderr);
  return result;
}

async function state() {
  const { stdout } = await pulumi(["stack", "export"]);
  return {
    text: stdout,
    bots: stateResources(stdout, BOT_TYPE),
    domains: stateResources(stdout, DOMAIN_TYPE),
  };
}

const steps = async () => previewSteps((await pulumi(["preview", "--json"])).stdout);

beforeAll(async () => {
  sandbox = await startLineWorksSandbox({ apps: [app], domains: DOMAINS });
  ws = pulumiWorkspace();
  await ws.run(project, ["stack", "init", stack]);
  // Credentials as a user sets them: secrets encrypted in the stack config.
  await pulumi(["config", "set", "lineworks:clientId", app.clientId]);
  // set-all takes key=value: a generated secret may begin with "-", which `config set` reads as a flag.
  await pulumi(["config", "set-all", "--secret", `lineworks:clientSecret=${app.clientSecret}`]);
  await pulumi(["config", "set", "lineworks:serviceAccount", app.serviceAccount]);
  // set-all takes key=value, so a PEM (which starts with "-") is not read as a flag.
  await pulumi(["config", "set-all", "--secret", `lineworks:privateKey=${privateKeyPem}`]);
  await pulumi(["config", "set", "lineworks:apiUrl", sandbox.url]);
  await pulumi(["config", "set", "lineworks:authUrl", sandbox.authUrl]);
  await pulumi(["config", "set", "domainIds", DOMAINS.slice(0, 2).join(",")]);
});

afterAll(async () => {
  await ws?.run(project, ["stack", "rm", "--yes", "--force", "--stack", stack], { allowFailure: true });
  removeStackConfig(project, stack);
  ws?.cleanup();
  await sandbox?.stop();
});

test("up, no-op preview and refresh, bot update with wired domains, 20 domains in parallel, token expiry, drift, destroy", async () => {
  const started = Date.now();

  // 0. A documented constraint fails at preview, naming the field, calling nothing.
  await pulumi(["config", "set", "administrators", "a@x.com,b@x.com,c@x.com,d@x.com"]);
  const rejected = await pulumi(["preview"], { allowFailure: true });
  expect(rejected.code).not.toBe(0);
  expect(rejected.stdout + rejected.stderr).toMatch(/administrators/);
  expect(sandbox.requests).toHaveLength(0);
  await pulumi(["config", "rm", "administrators"]);

  // 1. up: the bot at the tenant, then each domain (wired to bot.botId); one token for the run.
  await pulumi(["up", "--yes"]);
  expect(sandbox.bots()).toHaveLength(1);
  const botId = String(sandbox.bots()[0].botId);
  expect(sandbox.domains(botId).map((d) => d.domainId)).toEqual(DOMAINS.slice(0, 2));
  expect(sandbox.tokensIssued()).toBe(1);
  const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout);
  expect(outputs).toEqual({ botId, domains: DOMAINS.slice(0, 2).map((d) => `${botId}/${d}`) });

  // 2. Nothing changed: preview and refresh agree.
  await pulumi(["preview", "--expect-no-changes"]);
  await pulumi(["refresh", "--yes", "--expect-no-changes"]);
  await pulumi(["preview", "--expect-no-changes"]);

  // 3. A new description updates the bot in place; the domains wired to bot.botId are untouched.
  await pulumi(["config", "set", "description", "Answers more questions"]);
  const before = sandbox.requests.length;
  expect((await steps()).map((s) => [s.op, s.urn.split("::").pop(), s.changed])).toEqual([
    ["update", "helpdesk", ["description"]],
  ]);
  expect(sandbox.requests).toHaveLength(before); // preview calls no vendor API
  await pulumi(["up", "--yes"]);
  expect(sandbox.bot(botId)?.description).toBe("Answers more questions");
  await pulumi(["preview", "--expect-no-changes"]);

  // 4. 20 domains at --parallel 16: every mutation of the bot is serialised (the sandbox holds each
  // one for 50 ms and refuses any that overlaps), and the token expires half-way through the run.
  sandbox.setMutationMs(50);
  await pulumi(["config", "set", "domainIds", DOMAINS.join(",")]);
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
  await pulumi(["up", "--yes", "--parallel", "16"]);
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
  await pulumi(["refresh", "--yes", "--expect-no-changes"]);
  const lists = sandbox.requests.filter((r) => r.method === "GET" && r.path.endsWith("/domains")).length;
  console.log(`lineworks: refresh of 20 domains listed domains ${lists - listsBefore} time(s)`);
  expect(lists - listsBefore).toBeLessThanOrEqual(3);

  // 5. Drift: refresh shows a change made in the Developer Console, up restores the declared value.
  sandbox.editBot(botId, { description: "Changed by hand" });
  const drift = await pulumi(["refresh", "--yes", "--expect-no-changes"], { allowFailure: true });
  expect(drift.code).not.toBe(0);
  expect(drift.stdout).toMatch(/description/);
  expect((await steps()).map((s) => [s.op, s.changed])).toEqual([["update", ["description"]]]);
  await pulumi(["up", "--yes"]);
  expect(sandbox.bot(botId)?.description).toBe("Answers more questions");

  // 6. A domain removed behind Pulumi's back: refresh drops it, up adds it again.
  sandbox.removeDomain(botId, DOMAINS[5]);
  await pulumi(["refresh", "--yes"]);
  expect((await state()).domains).toHaveLength(19);
  await pulumi(["up", "--yes"]);
  expect(sandbox.domains(botId)).toHaveLength(20);
  await pulumi(["preview", "--expect-no-changes"]);

  // 7. No secret in the state or anything the CLI printed.
  const exported = (await state()).text;
  for (const secret of [app.clientSecret, keyBody]) {
    expect(exported).not.toContain(secret);
    for (const text of printed) expect(text).not.toContain(secret);
  }

  // 8. destroy removes the domains and the bot.
  await pulumi(["destroy", "--yes", "--parallel", "16"]);
  expect(sandbox.bots()).toHaveLength(0);
  expect(sandbox.overlappingMutations()).toBe(0);
  const after = await state();
  expect([after.bots.length, after.domains.length]).toEqual([0, 0]);

  console.log(`lineworks e2e lifecycle: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
