/**
 * Every example project (each examples/<name>/ with a Pulumi.yaml, found by listing, so a new one is
 * picked up) run as its README tells a user to: plain `pulumi` commands in its own directory, with
 * the credentials in environment variables, here pointing at the four local sandboxes. up creates
 * the bots it declares, a second preview shows no change, destroy removes them (or leaves them where
 * the vendor cannot delete, with a warning naming each), and `stack rm` finds the stack empty.
 * The quickstart has no Pulumi.yaml of its own: it is the root stack (root-stack.test.ts).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { startLocalSandboxes, type LocalSandboxes } from "../../sandbox";
import {
  e2eStack,
  e2eWorkspace,
  engineWarnings,
  resourceSteps,
  storedResources,
  type PulumiStack,
  type PulumiWorkspace,
  type StateResource,
} from "./stacks";
import { run as runCommand, userEnv } from "./package-kit";
import { printing } from "./printing";

// Each example runs the Pulumi CLI several times against rate-limited sandboxes: minutes each.
jest.setTimeout(20 * 60 * 1000);

const examplesDir = path.join(__dirname, "..", "..", "examples");
const examples = fs
  .readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, "Pulumi.yaml")))
  .sort();

/** What the sandboxes hold, in the fields that say which bot it is and whether it is live; by name. */
interface Inventory {
  sendbird: { botUserid: string; nickname: string }[];
  deadsimplechat: { name: string; enabled: boolean; rooms: string[] }[];
  lineworks: { botName: string; domains: number[] }[];
  whats91: { name: string; status: string }[];
}

function inventory(local: LocalSandboxes): Inventory {
  // Pulumi creates independent resources in parallel: the sandboxes' creation order varies.
  const byName =
    <T>(key: (item: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  const inventory: Inventory = {
    sendbird: local.sendbird
      .bots()
      .map((b) => ({ botUserid: b.bot.bot_userid, nickname: b.bot.bot_nickname })),
    deadsimplechat: local.deadsimplechat.bots().map((b) => ({
      name: b.name,
      enabled: b.enabled,
      rooms: local.deadsimplechat.rooms(b._id) ?? [],
    })),
    lineworks: local.lineworks.bots().map((b) => ({
      botName: b.botName,
      domains: local.lineworks.domains(b.botId).map((d) => d.domainId),
    })),
    whats91: local.whats91.chatbots().map((c) => ({ name: c.name, status: c.status })),
  };
  inventory.sendbird.sort(byName((b) => b.botUserid));
  inventory.deadsimplechat.sort(byName((b) => b.name));
  inventory.lineworks.sort(byName((b) => b.botName));
  inventory.whats91.sort(byName((c) => c.name));
  return inventory;
}

const nothing: Inventory = { sendbird: [], deadsimplechat: [], lineworks: [], whats91: [] };

/** One example's run: its directory, stack, sandboxes and Pulumi workspace. */
interface ExampleRun {
  dir: string;
  /** The example's stack; what its operations print is recorded. */
  stack: PulumiStack;
  local: LocalSandboxes;
  ws: PulumiWorkspace;
}

interface Expected {
  /** Stack config the example needs against the sandboxes (plain values). */
  config?: (run: ExampleRun) => Record<string, string>;
  afterUp: Inventory;
  /** What destroy leaves: bots the vendor cannot delete, and bots the program retains. */
  afterDestroy: Inventory;
  /** Checks of what the example shows, after up (and before destroy). */
  check?: (run: ExampleRun) => Promise<void>;
  /** Checks after destroy. */
  checkDestroyed?: (run: ExampleRun) => void;
}

const helpDeskLineWorksBot = { botName: "Help desk", domains: [10000001, 10000002] };

/** The bots each example declares. A new example fails until it gets an entry here. */
const EXPECTED: Record<string, Expected> = {
  deadsimplechat: {
    afterUp: {
      ...nothing,
      deadsimplechat: [{ name: "Support Bot", enabled: true, rooms: ["help-desk", "lobby"] }],
    },
    // DeadSimpleChat cannot delete a bot: destroy disables it, in its rooms and globally.
    afterDestroy: { ...nothing, deadsimplechat: [{ name: "Support Bot", enabled: false, rooms: [] }] },
  },
  lineworks: {
    config: () => ({ domainIds: "10000001,10000002" }),
    afterUp: { ...nothing, lineworks: [helpDeskLineWorksBot] },
    afterDestroy: nothing,
  },
  whats91: {
    afterUp: {
      ...nothing,
      whats91: [
        { name: "Menu", status: "ACTIVE" },
        { name: "Opening hours", status: "ACTIVE" },
      ],
    },
    // Whats91 cannot delete a chatbot: destroy only removes them from the stack.
    afterDestroy: {
      ...nothing,
      whats91: [
        { name: "Menu", status: "ACTIVE" },
        { name: "Opening hours", status: "ACTIVE" },
      ],
    },
  },
  "multi-platform": {
    config: (run) => ({
      lineWorksDomainIds: "10000001,10000002",
      callbackServerEnvFile: path.join(run.ws.dir, "callback-server.env"),
    }),
    afterUp: {
      sendbird: [{ botUserid: "helpdesk_assistant", nickname: "Help desk assistant" }],
      deadsimplechat: [{ name: "Help desk", enabled: true, rooms: [] }],
      lineworks: [helpDeskLineWorksBot],
      whats91: [{ name: "Help desk", status: "ACTIVE" }],
    },
    afterDestroy: {
      ...nothing,
      // retainOnDelete: left live, not disabled.
      deadsimplechat: [{ name: "Help desk", enabled: true, rooms: [] }],
      whats91: [{ name: "Help desk", status: "ACTIVE" }],
    },
    check: checkMultiPlatform,
    // SecretFile's delete removed the token from the callback server's file.
    checkDestroyed: (run) => expect(fs.existsSync(path.join(run.ws.dir, "callback-server.env"))).toBe(false),
  },
};

/** The multi-platform example's wiring, its secret's path and its resource options. */
async function checkMultiPlatform(run: ExampleRun): Promise<void> {
  const { local } = run;
  const [lineWorksBot] = local.lineworks.bots();
  const [sendbirdBot] = local.sendbird.bots();

  // The Sendbird callback URL was built from the LINE WORKS bot's id.
  expect(sendbirdBot.bot_callback_url).toBe(
    `https://bots.example.com/sendbird/escalate-to/lineworks/${lineWorksBot.botId}`,
  );

  // The bot token reached its consumer, readable by its owner only...
  const envFile = path.join(run.ws.dir, "callback-server.env");
  expect(fs.readFileSync(envFile, "utf8")).toBe(`SENDBIRD_BOT_TOKEN=${sendbirdBot.bot.bot_token}\n`);
  expect(fs.statSync(envFile).mode & 0o777).toBe(0o600);
  // ...and is held encrypted in the state, as the consumer's input and output alike.
  const state = run.stack.storedState();
  const [secretFile] = storedResources(state, "pulumi-nodejs:dynamic/examples:SecretFile");
  const option = (type: string, flag: "protect" | "retainOnDelete") =>
    storedResources(state, `pulumi-nodejs:dynamic/${type}`).map((r) => hasOption(r, flag));
  // What the README promises of the options (their effects: the lifecycle test and below).
  expect(option("sendbird:Bot", "protect")).toEqual([true]);
  expect(option("deadsimplechat:Bot", "retainOnDelete")).toEqual([true]);
  expect(secretFile.inputs?.content).toEqual(expect.objectContaining({ ciphertext: expect.any(String) }));
  expect(secretFile.outputs?.content).toEqual(expect.objectContaining({ ciphertext: expect.any(String) }));

  // ignoreChanges: a picture changed in the LINE WORKS admin console is not undone, while another
  // field changed there is (refresh sees both).
  local.lineworks.editBot(lineWorksBot.botId, {
    photoUrl: "https://example.com/campaign.png",
    description: "Edited in the admin console",
  });
  const steps = resourceSteps((await run.stack.preview({ refresh: true })).events);
  const changes = steps.filter((s) => s.op !== "refresh");
  expect(changes.map((s) => [s.op, s.urn.split("::").pop(), s.changed])).toEqual([
    ["update", "helpdesk", ["description"]],
  ]);
  local.lineworks.editBot(lineWorksBot.botId, { description: lineWorksBot.description });
}

/** The provider credentials among the sandboxes' environment variables (the rest are URLs and ids). */
const CREDENTIAL_VARIABLES = [
  "SENDBIRD_API_TOKEN",
  "DEADSIMPLECHAT_API_KEY",
  "LINEWORKS_CLIENT_SECRET",
  "LINEWORKS_PRIVATE_KEY",
  "WHATS91_API_TOKEN",
];

const DEADSIMPLECHAT_BOT = "pulumi-nodejs:dynamic/deadsimplechat:Bot";
const WHATS91_CHATBOT = "pulumi-nodejs:dynamic/whats91:Chatbot";

test("every example directory with a Pulumi.yaml is found", () => {
  expect(examples).toEqual(
    expect.arrayContaining(["deadsimplechat", "lineworks", "multi-platform", "whats91"]),
  );
});

describe.each(examples)("examples/%s", (name) => {
  const dir = path.join(examplesDir, name);
  const stackName = `examples-${name}-${randomBytes(4).toString("hex")}`;
  /** Everything the CLI printed (./printing.ts): no credential or bot token may be in it. */
  const printed: string[] = [];
  let run: ExampleRun;

  beforeAll(async () => {
    const local = await startLocalSandboxes();
    const ws = e2eWorkspace();
    // The credentials reach the provider as environment variables, as in a CI job.
    const stack = e2eStack(ws, dir, stackName, local.env);
    run = {
      dir,
      stack: printing(stack, printed),
      local,
      ws,
    };
  });

  afterAll(async () => {
    await run?.stack.remove();
    run?.ws.cleanup();
    await run?.local.stop();
  });

  test("stack init, up, a no-change preview, destroy, stack rm", async () => {
    const started = Date.now();
    const { local, stack } = run;
    const expected = EXPECTED[name];
    await stack.init(expected?.config?.(run) ?? {});

    // up creates what the example declares; a second look finds nothing to do.
    await stack.up();
    const created = inventory(local);
    if (expected === undefined) {
      throw new Error(`examples/${name} is new: add the bots it creates to EXPECTED in ${__filename}`);
    }
    expect(created).toEqual(expected.afterUp);
    await stack.preview({ expectNoChanges: true });
    await expected.check?.(run);

    // Nothing secret in plaintext in the state as stored (nor, checked at the end, in what the CLI
    // printed).
    const state = stack.storedState();
    const secrets = [
      ...CREDENTIAL_VARIABLES.map((variable) => local.env[variable]),
      ...local.sendbird.bots().map((b) => b.bot.bot_token),
    ];
    for (const secret of secrets) expect(state).not.toContain(secret);

    // A protected resource makes destroy refuse before anything is deleted; a user lifts it
    // (`pulumi state unprotect`, or the example's own config) and destroys.
    const resources = storedResources(state);
    if (resources.some((r) => hasOption(r, "protect"))) {
      // `pulumi destroy` refuses in its preview. The Automation API's destroy skips that preview
      // (--skip-preview), and then deletes the unprotected resources before it stops: preview only.
      const refused = await stack.previewDestroy({ allowFailure: true });
      expect(refused.ok).toBe(false);
      expect(refused.stdout + refused.stderr).toMatch(/protected/);
      expect(inventory(local)).toEqual(created);
      // The README's command, as a user runs it (the Automation API has none for it), in the
      // stack's backend with the workspace's passphrase and PULUMI_HOME.
      const ws = run.ws;
      const unprotected = await runCommand(
        "pulumi",
        ["state", "unprotect", "--all", "--yes", "--stack", stack.name],
        {
          cwd: dir,
          env: { ...userEnv(), ...ws.envVars, PULUMI_HOME: ws.pulumiHome },
        },
      );
      printed.push(unprotected.stdout, unprotected.stderr);
      expect(storedResources(stack.storedState()).filter((r) => hasOption(r, "protect"))).toEqual([]);
    }

    // destroy: gone, or left behind with a warning naming each bot the vendor cannot delete.
    const destroyed = await stack.destroy({ events: true });
    expect(inventory(local)).toEqual(expected.afterDestroy);
    const warnings = engineWarnings(destroyed.events).join("\n");
    const undeletable = resources.filter(
      (r) => (r.type === DEADSIMPLECHAT_BOT || r.type === WHATS91_CHATBOT) && !hasOption(r, "retainOnDelete"),
    );
    for (const r of undeletable) expect(warnings).toContain(String(r.id));
    expected.checkDestroyed?.(run);
    expect(storedResources(stack.storedState())).toEqual([]);

    // No --force: stack rm refuses a stack that still has resources.
    await stack.remove({ force: false });
    for (const secret of secrets) for (const text of printed) expect(text).not.toContain(secret);
    console.log(`examples/${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});

function hasOption(resource: StateResource, option: "retainOnDelete" | "protect"): boolean {
  return (resource as StateResource & Record<string, unknown>)[option] === true;
}
