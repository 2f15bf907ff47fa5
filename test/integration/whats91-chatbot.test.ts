/**
 * whats91.Chatbot handlers against the Whats91 sandbox over real HTTP: the code the provider process
 * runs, minus the engine. Credentials come from the environment, as in a stack without config.
 */
import { randomBytes } from "node:crypto";
import { startWhats91Sandbox, type Whats91Sandbox, type Whats91SandboxOptions } from "../../sandbox";
import { definition } from "../../provider/whats91/chatbot";
import { SNAPSHOT_TTL_MS } from "../../provider/whats91/ledger";
import { handlersOf } from "../../provider/core/definition";
import { resetConfiguration } from "../../provider/core/credentials";
import { ResourceInitError } from "../../provider/core/errors";
import { errorTexts, failure, jsonAnswer, testPolicies } from "./handler-kit";

type Props = Record<string, unknown>;

const SENDER = "15550001111";
const OTHER_SENDER = "447700900123";

const textBot = {
  name: "Help desk",
  trigger: { type: "contains", keywords: ["help", "support"] },
  response: { type: "text", text: "How can we help?" },
};

const responses: Record<string, Props> = {
  text: { type: "text", text: "Hello" },
  media: {
    type: "media",
    media: { type: "DOCUMENT", url: "https://cdn.example.com/catalog.pdf", fileName: "catalog.pdf" },
    text: "Our catalog",
  },
  buttons: {
    type: "buttons",
    text: "Pick one",
    footerText: "Reply any time",
    buttons: [
      { id: "sales", label: "Sales" },
      { id: "support", label: "Support" },
    ],
  },
  cta: { type: "cta", text: "Visit us", ctaText: "Open", ctaUrl: "https://example.com/shop" },
  list: {
    type: "list",
    text: "Menu",
    sections: [{ title: "Plans", rows: [{ id: "basic", title: "Basic", description: "For one" }] }],
  },
};

let sandbox: Whats91Sandbox;
let token: string;
let warnings: string[];
const chatbotHandlers = handlersOf(definition, testPolicies({ warn: (m) => void warnings.push(m) }));
const tokens: string[] = [];

async function checked(news: Props, olds: Props = {}): Promise<Props> {
  const r = await chatbotHandlers.check(olds, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Props;
}

async function useSandbox(opts: Partial<Whats91SandboxOptions> = {}): Promise<void> {
  await sandbox?.stop();
  token = `w91_live_${randomBytes(20).toString("hex")}`;
  tokens.push(token);
  sandbox = await startWhats91Sandbox({
    tokens: [{ token, scope: "global" }],
    senders: [
      { senderId: SENDER, phoneNumberId: "pn-1", wabaId: "waba-1" },
      { senderId: OTHER_SENDER, phoneNumberId: "pn-2", wabaId: "waba-2" },
    ],
    rateLimit: false,
    ...opts,
  });
  process.env.WHATS91_API_URL = sandbox.url;
  process.env.WHATS91_API_TOKEN = token;
  process.env.WHATS91_SENDER_ID = SENDER;
  process.env.WHATS91_READS_PER_SECOND = "100";
  process.env.WHATS91_WRITES_PER_SECOND = "100";
}

const creates = () => sandbox.requests.filter((r) => r.method === "POST");
const listings = () => sandbox.requests.filter((r) => r.method === "GET" && /\/chatbots$/.test(r.path));
const reads = () => sandbox.requests.filter((r) => r.method === "GET" && /\/chatbots\/[^/]+$/.test(r.path));

/** A chatbot made outside the stack (the dashboard, another tool), through the API; its uid. */
async function byHand(bot: Props): Promise<string> {
  const res = await fetch(`${sandbox.url}/chatbots/text`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ senderId: SENDER, chatbot: { ...bot, status: "ACTIVE" } }),
  });
  const answer = (await res.json()) as { data: { chatbot: { chatbotUid: string } } };
  return answer.data.chatbot.chatbotUid;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

beforeEach(async () => {
  warnings = [];
  await useSandbox();
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  for (const name of [
    "WHATS91_API_URL",
    "WHATS91_API_TOKEN",
    "WHATS91_SENDER_ID",
    "WHATS91_READS_PER_SECOND",
    "WHATS91_WRITES_PER_SECOND",
  ])
    delete process.env[name];
});

describe("whats91.Chatbot lifecycle", () => {
  test.each(Object.keys(responses))(
    "a %s chatbot is created on its own route and reads back unchanged",
    async (kind) => {
      const inputs = await checked({ ...textBot, name: `Bot ${kind}`, response: responses[kind] });
      const created = await chatbotHandlers.create(inputs);
      const stored = sandbox.chatbot(created.id);
      const route = kind === "text" || kind === "media" ? kind : "interactive";
      expect(stored).toMatchObject({ route, status: "ACTIVE", senderId: SENDER, response: responses[kind] });
      expect(created.outs).toMatchObject({
        ...inputs,
        chatbotUid: created.id,
        botType: { text: "simple", media: "media", interactive: "advanced" }[route],
        phoneNumberId: "pn-1",
        wabaId: "waba-1",
        resolvedSenderId: SENDER,
      });
      const read = await chatbotHandlers.read(created.id, created.outs);
      expect(read).toEqual({ id: created.id, props: created.outs, inputs });
    },
  );

  test("`keyword` becomes `keywords`", async () => {
    const one = await checked({ ...textBot, trigger: { type: "exact", keyword: "hi" } });
    expect(one.trigger).toEqual({ type: "exact", keywords: ["hi"] });
    const created = await chatbotHandlers.create(one);
    expect(sandbox.chatbot(created.id)).toMatchObject({ triggerType: "exact", keywords: ["hi"] });
    expect((await chatbotHandlers.read(created.id, created.outs)).props).toEqual(created.outs);
  });
});

// Whats91 documents trigger.keywords / trigger.keyword as required on every create route, with no
// exception for `welcome`; what it does with them on a welcome trigger is not documented
// (docs/vendors/whats91.md, "Triggers"). The provider's answer under each of the sandbox's readings.
describe.each(["required", "optional", "ignored"] as const)(
  "welcome triggers (welcomeKeywords: %s)",
  (reading) => {
    beforeEach(() => useSandbox({ welcomeKeywords: reading }));

    const welcomeBot = { ...textBot, trigger: { type: "welcome", keywords: ["hi", "hello"] } };

    test("with keywords: accepted, sent, and read, diffed and checked again with no change", async () => {
      const welcome = await checked(welcomeBot);
      expect(welcome.trigger).toEqual({ type: "welcome", keywords: ["hi", "hello"] });
      const created = await chatbotHandlers.create(welcome);
      expect(creates().at(-1)?.body).toMatchObject({
        chatbot: { trigger: { type: "welcome", keywords: ["hi", "hello"] } },
      });
      expect(sandbox.chatbot(created.id)).toMatchObject({
        triggerType: "welcome",
        keywords: reading === "ignored" ? [] : ["hi", "hello"],
      });
      expect(created.outs).toMatchObject({ trigger: { type: "welcome", keywords: ["hi", "hello"] } });
      const read = await chatbotHandlers.read(created.id, created.outs);
      expect(read).toEqual({ id: created.id, props: created.outs, inputs: welcome });
      expect(await chatbotHandlers.diff(created.id, read.props, welcome)).toMatchObject({ changes: false });
      expect((await chatbotHandlers.check(read.inputs, welcomeBot)).failures).toBeUndefined();
      expect(warnings).toEqual([]);
    });

    test("with keywords, a create whose answer is lost is found, never sent again", async () => {
      const earlier = await chatbotHandlers.create(await checked(welcomeBot));
      sandbox.faults.inject({
        method: "POST",
        path: "/api/v2/chatbots/text",
        fault: { kind: "lose-response" },
      });
      const created = await chatbotHandlers.create(await checked(welcomeBot));
      expect(created.id).not.toBe(earlier.id);
      expect(sandbox.chatbots().map((c) => c.chatbotUid)).toEqual([earlier.id, created.id]);
      expect(creates()).toHaveLength(2);
    });

    test("keywords changed in the dashboard show on refresh, where Whats91 keeps them", async () => {
      const created = await chatbotHandlers.create(await checked(welcomeBot));
      sandbox.edit(created.id, { keywords: ["start"] });
      const read = await chatbotHandlers.read(created.id, created.outs);
      expect(read.inputs).toMatchObject({
        trigger: reading === "ignored" ? welcomeBot.trigger : { type: "welcome", keywords: ["start"] },
      });
    });

    test("without keywords: created where Whats91 allows it, else refused saying to add keywords", async () => {
      const inputs = await checked({ ...textBot, trigger: { type: "welcome" } });
      if (reading === "required") {
        const err = await failure(chatbotHandlers.create(inputs));
        expect(err.message).toContain("HTTP 400 code VALIDATION_FAILED");
        expect(err.message).toContain(
          'The "welcome" trigger has no keywords, and Whats91 documents trigger.keywords (or trigger.keyword) ' +
            "as required on every create route, welcome included",
        );
        expect(err.message).toMatch(/\(request id [0-9a-f-]{36}\)/);
        expect(sandbox.chatbots()).toHaveLength(0);
        return;
      }
      const created = await chatbotHandlers.create(inputs);
      expect(sandbox.chatbot(created.id)).toMatchObject({ triggerType: "welcome", keywords: [] });
      const read = await chatbotHandlers.read(created.id, created.outs);
      expect(read).toEqual({ id: created.id, props: created.outs, inputs });
    });
  },
);

describe("whats91.Chatbot lifecycle, continued", () => {
  test("refresh sees drift in what get shows, and a chatbot removed in the dashboard is gone", async () => {
    const created = await chatbotHandlers.create(await checked({ ...textBot, priority: 5 }));
    sandbox.edit(created.id, { name: "Renamed", status: "INACTIVE", priority: 7, replyText: "Changed" });
    const read = await chatbotHandlers.read(created.id, created.outs);
    expect(read.inputs).toMatchObject({
      name: "Renamed",
      status: "INACTIVE",
      priority: 7,
      response: { type: "text", text: "Changed" },
      trigger: textBot.trigger,
    });
    sandbox.edit(created.id, { keywords: ["assist"] });
    const again = await chatbotHandlers.read(created.id, created.outs);
    expect(again.inputs).toMatchObject({ trigger: { type: "contains", keywords: ["assist"] } });
    sandbox.remove(created.id);
    expect(await chatbotHandlers.read(created.id, created.outs)).toEqual({});
  });

  test("refresh keeps the state's values where Whats91 answers null (it shows nothing there)", async () => {
    const created = await chatbotHandlers.create(await checked({ ...textBot, priority: 5 }));
    const chatbot = Object.fromEntries(
      ["name", "status", "priority", "replyText", "triggerType", "replyTrigger"].map((k) => [k, null]),
    );
    const body = {
      success: true,
      data: { chatbot: { ...chatbot, chatbotUid: created.id }, phoneNumberId: null, wabaId: null },
    };
    sandbox.faults.inject({
      method: "GET",
      path: /\/chatbots\/[^/?]+$/,
      fault: jsonAnswer(200, body),
    });
    const read = await chatbotHandlers.read(created.id, created.outs);
    expect(read.props).toEqual(created.outs);
  });

  test("a change fails at check unless replaceLeavesOldActive; diff replaces and warns naming the old chatbot", async () => {
    const olds = await checked(textBot);
    const created = await chatbotHandlers.create(olds);
    const changed = { ...textBot, response: { type: "text", text: "New reply" } };
    const refused = await chatbotHandlers.check(olds, changed);
    expect(refused.failures).toEqual([
      { property: "response", reason: expect.stringContaining("Whats91 cannot change or delete a chatbot") },
    ]);
    expect(refused.failures?.[0].reason).toContain("the current one stays ACTIVE");
    // No input value, old or new: the engine shows the reason, and a name may be a secret.
    expect(refused.failures?.[0].reason).not.toContain("Help desk");
    expect(refused.failures?.[0].reason).toContain("replaceLeavesOldActive: true");
    // Unchanged inputs pass; so does the change once the user accepts what stays behind.
    expect((await chatbotHandlers.check(olds, textBot)).failures).toBeUndefined();
    const news = await checked({ ...changed, replaceLeavesOldActive: true }, olds);

    const diff = await chatbotHandlers.diff(created.id, created.outs, news);
    expect(diff).toMatchObject({ changes: true, replaces: ["response"], deleteBeforeReplace: false });
    expect(warnings).toEqual([
      expect.stringContaining(`replacing Whats91 chatbot ${created.id} ("Help desk")`),
    ]);
    expect(warnings[0]).toContain("stays ACTIVE");
  });

  test("delete only forgets the chatbot, and warns naming what remains", async () => {
    const created = await chatbotHandlers.create(await checked(textBot));
    await chatbotHandlers.delete(created.id, created.outs);
    expect(sandbox.chatbot(created.id)?.status).toBe("ACTIVE");
    expect(creates()).toHaveLength(1);
    expect(warnings).toEqual([
      expect.stringContaining(
        `Whats91 has no API to delete a chatbot: Whats91 chatbot ${created.id} ("Help desk") was removed ` +
          `from the stack only and is still ACTIVE on sender ${SENDER}`,
      ),
    ]);
  });

  test("changing only replaceLeavesOldActive updates the state and calls nothing", async () => {
    const created = await chatbotHandlers.create(await checked(textBot));
    const before = sandbox.requests.length;
    const news = await checked({ ...textBot, replaceLeavesOldActive: true });
    const updated = await chatbotHandlers.update(created.id, { ...created.outs, __provider: "x" }, news);
    expect(updated.outs).toEqual({ ...created.outs, replaceLeavesOldActive: true });
    expect(sandbox.requests).toHaveLength(before);
  });

  test("deleting an INACTIVE chatbot, or one with no recorded sender, says exactly what remains", async () => {
    await chatbotHandlers.delete("bot_1", { name: "Plans", status: "INACTIVE", resolvedSenderId: SENDER });
    await chatbotHandlers.delete("bot_2", { name: "Menu", status: "ACTIVE" });
    expect(warnings).toEqual([
      expect.stringContaining(
        `("Plans") was removed from the stack only and still exists (INACTIVE) on sender ${SENDER}. `,
      ),
      expect.stringContaining('("Menu") was removed from the stack only and is still ACTIVE. Deactivate'),
    ]);
  });

  test("`Chatbot.get` reads what Whats91 shows of a chatbot it did not make", async () => {
    const created = await chatbotHandlers.create(await checked({ ...textBot, priority: 4 }));
    const read = await chatbotHandlers.read(created.id, {});
    expect(read.props).toMatchObject({
      chatbotUid: created.id,
      name: "Help desk",
      trigger: textBot.trigger,
      status: "ACTIVE",
      priority: 4,
      response: textBot.response,
      botType: "simple",
      phoneNumberId: "pn-1",
      resolvedSenderId: SENDER,
    });
  });

  test("a sender-bound token needs no senderId", async () => {
    const bound = `w91_live_${randomBytes(20).toString("hex")}`;
    tokens.push(bound);
    sandbox.addToken({ token: bound, scope: "specific_number", senderId: OTHER_SENDER });
    process.env.WHATS91_API_TOKEN = bound;
    delete process.env.WHATS91_SENDER_ID;
    const created = await chatbotHandlers.create(await checked(textBot));
    expect(sandbox.chatbot(created.id)?.senderId).toBe(OTHER_SENDER);
    expect(created.outs.resolvedSenderId).toBe(OTHER_SENDER);
    expect((await chatbotHandlers.read(created.id, created.outs)).props).toEqual(created.outs);
  });
});

describe("no second live rule", () => {
  test.each([
    ["lose-response", { kind: "lose-response" }],
    ["commit-then-status", { kind: "commit-then-status", status: 502 }],
  ] as const)("a create whose answer is lost (%s) is found, never sent again", async (_name, fault) => {
    // An identical chatbot made by hand before the stack's creates must not be mistaken for ours.
    const earlier = await byHand(textBot);
    sandbox.faults.inject({ method: "POST", path: "/api/v2/chatbots/text", fault });
    const created = await chatbotHandlers.create(await checked(textBot));
    expect(sandbox.chatbots().map((c) => c.chatbotUid)).toEqual([earlier, created.id]);
    expect(creates()).toHaveLength(2);
  });

  test("of two look-alike chatbots created at once, the one whose answer is lost is found, not the other", async () => {
    // The other's answer is slow: it is stored before the lost one, so a lookup that did not wait
    // for it would see it first among the new look-alikes and take it.
    sandbox.faults.inject({
      method: "POST",
      path: "/api/v2/chatbots/text",
      fault: { kind: "slow-answer", ms: 1_000 },
    });
    sandbox.faults.inject({
      method: "POST",
      path: "/api/v2/chatbots/text",
      fault: { kind: "lose-response" },
    });
    const inputs = await checked(textBot);
    const slow = chatbotHandlers.create(inputs);
    await until(() => sandbox.chatbots().length === 1);
    const lost = chatbotHandlers.create(inputs);
    const [first, second] = await Promise.all([slow, lost]);
    const stored = sandbox.chatbots().map((c) => c.chatbotUid);
    expect([first.id, second.id]).toEqual(stored);
    expect(creates()).toHaveLength(2);
  });

  test("a look-alike made by hand after the last listing went stale is not taken for ours", async () => {
    await chatbotHandlers.create(await checked({ ...textBot, name: "Unrelated" }));
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_TTL_MS + 100));
    const foreign = await byHand(textBot);
    sandbox.faults.inject({
      method: "POST",
      path: "/api/v2/chatbots/text",
      fault: { kind: "lose-response" },
    });
    const created = await chatbotHandlers.create(await checked(textBot));
    expect(created.id).not.toBe(foreign);
    expect(sandbox.chatbots().map((c) => c.chatbotUid)).toContain(created.id);
    expect(creates()).toHaveLength(3);
    expect(listings().filter((r) => r.query.trigger === undefined)).toHaveLength(2);
  });

  test("look-alikes that differ in status are never taken for each other", async () => {
    // A listing now serves both creates; then the first create's lookup fails once, so the second
    // create's lookup runs first and sees both chatbots.
    await chatbotHandlers.create(await checked({ ...textBot, name: "Unrelated" }));
    sandbox.faults.inject({
      method: "POST",
      path: "/api/v2/chatbots/text",
      fault: { kind: "lose-response" },
      times: 2,
    });
    sandbox.faults.inject({
      method: "GET",
      path: "/api/v2/chatbots",
      fault: { kind: "status", status: 503 },
      times: 5,
    });
    const activeInputs = await checked(textBot);
    const inactiveInputs = await checked({ ...textBot, status: "INACTIVE" });
    const active = chatbotHandlers.create(activeInputs);
    await until(() => creates().length === 2);
    const inactive = chatbotHandlers.create(inactiveInputs);
    const [a, b] = await Promise.all([active, inactive]);
    expect(sandbox.chatbot(a.id)?.status).toBe("ACTIVE");
    expect(sandbox.chatbot(b.id)?.status).toBe("INACTIVE");
    expect(creates()).toHaveLength(3);
  });

  test("two look-alike creates whose answers are both lost each find one of the two", async () => {
    sandbox.faults.inject({
      method: "POST",
      path: "/api/v2/chatbots/text",
      fault: { kind: "lose-response" },
      times: 2,
    });
    const inputs = await checked(textBot);
    const made = await Promise.all([chatbotHandlers.create(inputs), chatbotHandlers.create(inputs)]);
    expect(made.map((m) => m.id).sort()).toEqual(
      sandbox
        .chatbots()
        .map((c) => c.chatbotUid)
        .sort(),
    );
    expect(new Set(made.map((m) => m.id)).size).toBe(2);
    expect(creates()).toHaveLength(2);
  });

  test("when the chatbot is made but cannot be read, the stack records it and update completes it", async () => {
    sandbox.faults.inject({
      method: "GET",
      path: /\/chatbots\/bot_/,
      fault: { kind: "status", status: 503 },
      times: 5,
    });
    const inputs = await checked(textBot);
    const err = await failure(chatbotHandlers.create(inputs));
    expect(err).toBeInstanceOf(ResourceInitError);
    const recorded = err as ResourceInitError;
    expect(recorded.id).toBe(sandbox.chatbots()[0].chatbotUid);
    expect(recorded.properties).not.toHaveProperty("phoneNumberId");
    const updated = await chatbotHandlers.update(recorded.id, recorded.properties, inputs);
    expect(updated.outs).toMatchObject({ phoneNumberId: "pn-1", wabaId: "waba-1" });
    expect(sandbox.chatbots()).toHaveLength(1);
  });
});

describe("calls per create", () => {
  test("creates on one sender share one listing and one read of the sender's ids: one POST each", async () => {
    const made = await Promise.all(
      ["a", "b", "c", "d", "e", "f"].map(async (name) =>
        chatbotHandlers.create(await checked({ ...textBot, name })),
      ),
    );
    const later = await chatbotHandlers.create(await checked({ ...textBot, name: "g" }));
    for (const m of [...made, later]) {
      expect(m.outs).toMatchObject({
        phoneNumberId: "pn-1",
        wabaId: "waba-1",
        resolvedSenderId: SENDER,
        botType: "simple",
      });
      expect((await chatbotHandlers.read(m.id, m.outs)).props).toEqual(m.outs);
    }
    expect(creates()).toHaveLength(7);
    expect(listings()).toHaveLength(1);
    expect(reads()).toHaveLength(1 + 7); // the sender's ids once, then the seven refreshes above
  });

  test("each sender is listed and read once", async () => {
    await chatbotHandlers.create(await checked(textBot));
    await chatbotHandlers.create(await checked({ ...textBot, senderId: OTHER_SENDER }));
    const other = await chatbotHandlers.create(
      await checked({ ...textBot, name: "x", senderId: OTHER_SENDER }),
    );
    expect(other.outs).toMatchObject({
      phoneNumberId: "pn-2",
      wabaId: "waba-2",
      resolvedSenderId: OTHER_SENDER,
    });
    expect(listings().map((r) => r.query.senderId)).toEqual([SENDER, OTHER_SENDER]);
    expect(reads().map((r) => r.query.senderId)).toEqual([SENDER, OTHER_SENDER]);
  });

  test("an answer that carries the sender's ids needs no read", async () => {
    const answer = {
      success: true,
      message: "Chatbot created",
      data: {
        senderId: SENDER,
        phoneNumberId: "pn-9",
        wabaId: "waba-9",
        chatbot: { chatbotUid: "bot_answered", name: "Help desk", botType: "simple", status: 1 },
      },
    };
    sandbox.faults.inject({ method: "POST", fault: jsonAnswer(200, answer) });
    const created = await chatbotHandlers.create(await checked(textBot));
    expect(created.outs).toMatchObject({
      chatbotUid: "bot_answered",
      phoneNumberId: "pn-9",
      wabaId: "waba-9",
    });
    const next = await chatbotHandlers.create(await checked({ ...textBot, name: "next" }));
    expect(next.outs).toMatchObject({ phoneNumberId: "pn-9", wabaId: "waba-9" });
    expect(reads()).toHaveLength(0);
  });

  test("an answer without a sender is completed by a read of the chatbot", async () => {
    const created = await chatbotHandlers.create(await checked(textBot));
    const answer = {
      success: true,
      data: { chatbot: { chatbotUid: created.id, botType: "simple" } },
    };
    sandbox.faults.inject({ method: "POST", fault: jsonAnswer(200, answer) });
    const again = await chatbotHandlers.create(await checked({ ...textBot, name: "other" }));
    expect(again.outs).toMatchObject({ resolvedSenderId: SENDER, phoneNumberId: "pn-1" });
    expect(reads()).toHaveLength(2);
  });

  test("a failed read of the sender's ids is not kept: the next create reads again", async () => {
    sandbox.faults.inject({
      method: "GET",
      path: /\/chatbots\/bot_/,
      fault: { kind: "status", status: 503 },
      times: 5,
    });
    const err = await failure(chatbotHandlers.create(await checked(textBot)));
    expect(err).toBeInstanceOf(ResourceInitError);
    expect(reads()).toHaveLength(5); // the shared read of the sender's ids: every attempt failed
    const next = await chatbotHandlers.create(await checked({ ...textBot, name: "next" }));
    expect(next.outs).toMatchObject({ phoneNumberId: "pn-1", wabaId: "waba-1" });
    expect(reads()).toHaveLength(6); // read again, since the failed read was not kept
  });
});

describe("pacing with nothing configured", () => {
  test("under a limit Whats91 does not document, creates refused for it are paced and resent, and all succeed", async () => {
    await useSandbox({ rateLimit: { requestsPerSecond: 5 } });
    delete process.env.WHATS91_READS_PER_SECOND;
    delete process.env.WHATS91_WRITES_PER_SECOND;
    const names = Array.from({ length: 20 }, (_, i) => `Paced ${i}`);
    const made = await Promise.all(
      names.map(async (name) => chatbotHandlers.create(await checked({ ...textBot, name }))),
    );
    expect(new Set(made.map((m) => m.id)).size).toBe(20);
    expect(
      sandbox
        .chatbots()
        .map((c) => c.chatbotUid)
        .sort(),
    ).toEqual(made.map((m) => m.id).sort());
    expect(creates().filter((r) => r.status !== 429)).toHaveLength(20);
  }, 60_000);
});

describe("errors tell the user what to fix, with Whats91's request id, and never the token", () => {
  test.each([
    [
      "an expired token",
      () => sandbox.expireToken(token),
      "Whats91 rejected the API token (invalid, expired or revoked)",
    ],
    [
      "a sender-bound token used for another sender",
      () => {
        const bound = `w91_live_${randomBytes(20).toString("hex")}`;
        tokens.push(bound);
        sandbox.addToken({ token: bound, scope: "specific_number", senderId: OTHER_SENDER });
        process.env.WHATS91_API_TOKEN = bound;
      },
      "the API token is bound to another sender number",
    ],
    ["a plan without chatbots", () => sandbox.setChatbotsFeature(false), "does not include chatbots"],
    [
      "a sender whose setup is incomplete",
      () => sandbox.setSenderSetupIncomplete(SENDER, true),
      "Whats91 could not resolve the sender",
    ],
  ])("%s", async (_name, arrange, advice) => {
    arrange();
    const err = await failure(chatbotHandlers.create(await checked(textBot)));
    expect(err.message).toContain(advice);
    expect(err.message).toMatch(/\(request id [0-9a-f-]{36}\)/);
    expect(sandbox.chatbots()).toHaveLength(0);
  });

  test("no token in any message or warning", async () => {
    sandbox.faults.inject({ fault: { kind: "status", status: 500 }, times: Infinity });
    await failure(chatbotHandlers.read("bot_x", {}));
    sandbox.faults.clear();
    process.env.WHATS91_API_URL = `http://127.0.0.1:1/${token}`;
    await failure(chatbotHandlers.read("bot_x", {}));
    for (const m of [...errorTexts, ...warnings]) for (const t of tokens) expect(m).not.toContain(t);
  }, 60_000);
});

describe("the welcome advice is for a welcome trigger without keywords refused as invalid, and only that", () => {
  /** Whats91's error envelope (docs/vendors/whats91.md, "Errors"), with the code and message given. */
  const refusal = (status: number, code: string, message: string) =>
    jsonAnswer(status, { success: false, error: { code, message } });
  const WELCOME_ADVICE = 'The "welcome" trigger has no keywords, and Whats91 documents trigger.keywords';

  test.each([
    ["Validation failed.", ": Validation failed."],
    ["Validation failed", ": Validation failed."],
    ["trigger.keywords is required", ": trigger.keywords is required."],
  ])("a vendor message %j is followed by one full stop, then the advice", async (message, joined) => {
    sandbox.faults.inject({ method: "POST", fault: refusal(400, "VALIDATION_FAILED", message) });
    const err = await failure(
      chatbotHandlers.create(await checked({ ...textBot, trigger: { type: "welcome" } })),
    );
    expect(err.message).toBe(
      `Whats91 API POST /chatbots/text failed with HTTP 400 code VALIDATION_FAILED${joined} ${WELCOME_ADVICE} ` +
        "(or trigger.keyword) as required on every create route, welcome included " +
        "(https://developers.whats91.com/chatbots/create): give the trigger keywords, e.g. " +
        'trigger: { type: "welcome", keywords: ["hi"] }',
    );
  });

  test("a keyword trigger refused as invalid gets Whats91's words only", async () => {
    sandbox.faults.inject({ method: "POST", fault: refusal(400, "VALIDATION_FAILED", "Validation failed.") });
    const err = await failure(chatbotHandlers.create(await checked(textBot)));
    expect(err.message).toContain("code VALIDATION_FAILED: Validation failed.");
    expect(err.message).not.toContain(WELCOME_ADVICE);
  });

  test("a welcome trigger refused for another reason gets that reason's advice, not this one", async () => {
    sandbox.faults.inject({ method: "POST", fault: refusal(403, "FEATURE_NOT_AVAILABLE", "Not in plan") });
    const err = await failure(
      chatbotHandlers.create(await checked({ ...textBot, trigger: { type: "welcome" } })),
    );
    expect(err.message).toContain("the Whats91 subscription does not include chatbots");
    expect(err.message).not.toContain(WELCOME_ADVICE);
  });
});
