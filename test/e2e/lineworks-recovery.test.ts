/**
 * LINE WORKS' documented answers on the real Pulumi engine, on the recovery paths the provider
 * advertises (docs/vendors/lineworks.md, "Gone" and "Already exists"): a registration that exists
 * already is refused with word of `adopt: true`, then adopted; a bot deleted outside Pulumi, under
 * 404 BOT_NOT_EXIST and under 410 DELETED, is dropped by `pulumi refresh`, and `pulumi destroy`
 * succeeds whether or not a refresh came first.
 */
import { randomBytes } from "node:crypto";
import { lineworksStackConfig, newTestApp } from "../integration/lineworks-helpers";
import * as path from "node:path";
import { startLineWorksSandbox, type LineWorksSandbox } from "../../sandbox";
import type { LineWorksNotFoundAnswer } from "../../sandbox/lineworks";
import { e2eStack, e2eWorkspace, storedResources, type PulumiStack, type PulumiWorkspace } from "./stacks";

jest.setTimeout(15 * 60 * 1000);

const botProject = path.join(__dirname, "projects", "lineworks-bot");
const domainProject = path.join(__dirname, "projects", "lineworks-bot-domain");
const DOMAINS = [50_000_001, 50_000_002];

// The app's key pair and credentials are made for this run.
const app = newTestApp();

let ws: PulumiWorkspace;
const stacks: PulumiStack[] = [];

beforeAll(() => {
  ws = e2eWorkspace();
});

afterAll(async () => {
  for (const stack of stacks) await stack.remove();
  ws?.cleanup();
});

/** A new stack of `project`, configured for `sandbox` as a user would (secrets encrypted). */
async function newStack(project: string, sandbox: LineWorksSandbox, config: Record<string, string>) {
  const stack = e2eStack(ws, project, `e2e-${randomBytes(4).toString("hex")}`);
  stacks.push(stack);
  await stack.init({ ...lineworksStackConfig(app, sandbox), ...config });
  return stack;
}

/** The LINE WORKS resources in the stack's state as stored. */
function resourcesIn(stack: PulumiStack): number {
  return storedResources(stack.storedState()).filter((r) =>
    r.type.startsWith("pulumi-nodejs:dynamic/lineworks:"),
  ).length;
}

test("an existing registration is refused with word of adopt, then adopted with adopt: true", async () => {
  const sandbox = await startLineWorksSandbox({ apps: [app], domains: DOMAINS });
  try {
    const owner = await newStack(botProject, sandbox, { domainIds: String(DOMAINS[0]) });
    await owner.up();
    const botId = String(sandbox.bots()[0].botId);
    expect(sandbox.domains(botId)).toMatchObject([{ domainId: DOMAINS[0], visible: false }]);

    const other = await newStack(domainProject, sandbox, {
      botId,
      domainId: String(DOMAINS[0]),
      visible: "true",
    });
    const refused = await other.up({ allowFailure: true });
    expect(refused.ok).toBe(false);
    const said = refused.stdout + refused.stderr;
    expect(said).toContain(`LINE WORKS bot ${botId} is already registered in domain ${DOMAINS[0]}`);
    expect(said).toContain("adopt: true");
    expect(sandbox.requests.some((r) => r.status === 409 && r.basis !== undefined)).toBe(true);

    await other.setConfig({ adopt: "true" });
    await other.up();
    expect(sandbox.domains(botId)).toMatchObject([{ domainId: DOMAINS[0], visible: true }]);
    await other.preview({ expectNoChanges: true });

    // The adopting stack removes the registration; the first one's destroy finds it gone.
    await other.destroy();
    expect(sandbox.domains(botId)).toEqual([]);
    await owner.destroy();
    expect(sandbox.bots()).toEqual([]);
  } finally {
    await sandbox.stop();
  }
});

test.each<LineWorksNotFoundAnswer>(["BOT_NOT_EXIST", "DELETED"])(
  "a bot deleted outside Pulumi (%s): destroy succeeds without a refresh; refresh drops it, and destroy succeeds",
  async (notFoundAnswer) => {
    const sandbox = await startLineWorksSandbox({ apps: [app], domains: DOMAINS, notFoundAnswer });
    try {
      const stack = await newStack(botProject, sandbox, { domainIds: DOMAINS.join(",") });
      const goneStatus = notFoundAnswer === "DELETED" ? 410 : 404;

      // Deleted in the console, then destroyed with no refresh: every delete meets a gone answer.
      await stack.up();
      sandbox.removeBot(sandbox.bots()[0].botId);
      const before = sandbox.requests.length;
      await stack.destroy();
      const deletes = sandbox.requests.slice(before).filter((r) => r.method === "DELETE");
      expect(deletes.map((r) => r.status)).toEqual([goneStatus, goneStatus, goneStatus]);
      expect(resourcesIn(stack)).toBe(0);

      // Deleted again, then refreshed: the bot and its registrations are dropped; destroy is clean.
      await stack.up();
      sandbox.removeBot(sandbox.bots()[0].botId);
      const refreshed = sandbox.requests.length;
      await stack.refresh();
      expect(sandbox.requests.slice(refreshed).filter((r) => r.status === goneStatus).length).toBeGreaterThan(
        0,
      );
      expect(resourcesIn(stack)).toBe(0);
      await stack.destroy();
      expect(sandbox.bots()).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  },
);
