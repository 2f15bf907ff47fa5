/**
 * sendbird.Bot handlers against the Sendbird sandbox over real HTTP: the code the provider process
 * runs, minus the engine. Credentials come from the environment, as in a stack without config.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { startSendbirdSandbox, type SendbirdSandbox } from "../../sandbox";
import { botHandlers } from "../../provider/sendbird/bot";
import { configure, resetConfiguration } from "../../provider/core/credentials";
import { sendbirdBotArgs } from "../fixtures";

const declared = sendbirdBotArgs;

let sandbox: SendbirdSandbox;
let apiToken: string;

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await botHandlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Record<string, unknown>;
}

function useSandbox(sb: SendbirdSandbox, token: string): void {
  sandbox = sb;
  apiToken = token;
  process.env.SENDBIRD_API_URL = sb.url;
  process.env.SENDBIRD_API_TOKEN = token;
}

const posts = () => sandbox.requests.filter((r) => r.method === "POST" && r.path === "/v3/bots");

beforeEach(async () => {
  const token = randomBytes(20).toString("hex");
  useSandbox(await startSendbirdSandbox({ apiToken: token }), token);
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  delete process.env.SENDBIRD_API_URL;
  delete process.env.SENDBIRD_API_TOKEN;
});

describe("lifecycle", () => {
  test("create, read, update, delete", async () => {
    const inputs = await checked(declared);
    const created = await botHandlers.create(inputs);
    expect(created.id).toBe("helper_bot");
    const stored = sandbox.bot("helper_bot");
    expect(stored).toMatchObject({
      bot: { bot_nickname: "Helper", bot_type: "support" },
      enable_mark_as_read: true,
      show_member: false,
      channel_invitation_preference: 0,
    });
    expect(created.outs).toMatchObject({ ...inputs, botToken: stored?.bot.bot_token, botMetadata: {} });
    expect(created.outs.createdAt).toBe(stored?.created_at);

    // Refresh of an unchanged bot returns exactly the stored state, and the matching inputs.
    const read = await botHandlers.read("helper_bot", created.outs);
    expect(read).toEqual({ id: "helper_bot", props: created.outs, inputs: { ...inputs } });

    const news = await checked({ ...declared, botNickname: "Helper 2", showMember: true });
    const updated = await botHandlers.update("helper_bot", created.outs, news);
    expect(updated.outs).toMatchObject({
      botNickname: "Helper 2",
      showMember: true,
      botToken: stored?.bot.bot_token,
    });
    const put = sandbox.requests.find((r) => r.method === "PUT");
    // Only the changed fields are sent.
    expect(put?.body).toEqual({ bot_nickname: "Helper 2", show_member: true });

    await botHandlers.delete("helper_bot", updated.outs ?? {});
    expect(sandbox.bots()).toHaveLength(0);
    expect(await botHandlers.read("helper_bot", updated.outs ?? {})).toEqual({});
    // Deleting what is already gone succeeds.
    await expect(botHandlers.delete("helper_bot", {})).resolves.toBeUndefined();
  });

  test("path values are URL-encoded", async () => {
    const id = "team/helper bot?ü";
    const created = await botHandlers.create(await checked({ ...declared, botUserid: id }));
    expect(created.id).toBe(id);
    expect(sandbox.bot(id)).toBeDefined();
    expect((await botHandlers.read(id, created.outs)).id).toBe(id);
    await botHandlers.delete(id, created.outs);
    expect(sandbox.bot(id)).toBeUndefined();
  });

  test("Bot.get's read: only the id is known, everything comes from Sendbird", async () => {
    await botHandlers.create(await checked(declared));
    const read = await botHandlers.read("helper_bot", {});
    expect(read.props).toMatchObject({
      ...declared,
      adopt: false,
      botToken: sandbox.bot("helper_bot")?.bot.bot_token,
    });
  });

  test("drift made outside Pulumi shows in read, in props and inputs", async () => {
    const created = await botHandlers.create(await checked(declared));
    const res = await fetch(`${sandbox.url}/bots/helper_bot`, {
      method: "PUT",
      headers: { "Api-Token": apiToken, "Content-Type": "application/json" },
      body: JSON.stringify({ bot_nickname: "Changed by hand" }),
    });
    expect(res.status).toBe(200);
    const read = await botHandlers.read("helper_bot", created.outs);
    expect(read.props?.botNickname).toBe("Changed by hand");
    expect(read.inputs?.botNickname).toBe("Changed by hand");
  });

  test("updating a bot deleted outside Pulumi fails with Sendbird's not-found code", async () => {
    const created = await botHandlers.create(await checked(declared));
    await botHandlers.delete("helper_bot", created.outs);
    await expect(
      botHandlers.update("helper_bot", created.outs, await checked({ ...declared, botNickname: "x" })),
    ).rejects.toThrow(/PUT \/bots\/helper_bot failed with HTTP 400 code 400201/);
  });
});

describe("PUT semantics the docs leave open", () => {
  test("if PUT resets the fields it omits, the whole declared state is sent again", async () => {
    await sandbox.stop();
    const token = randomBytes(20).toString("hex");
    useSandbox(await startSendbirdSandbox({ apiToken: token, updateResetsOmittedFields: true }), token);
    const created = await botHandlers.create(
      await checked({ ...declared, showMember: true, enableMarkAsRead: false }),
    );
    const news = await checked({
      ...declared,
      showMember: true,
      enableMarkAsRead: false,
      botNickname: "Helper 2",
    });
    const updated = await botHandlers.update("helper_bot", created.outs, news);
    expect(sandbox.bot("helper_bot")).toMatchObject({
      bot: { bot_nickname: "Helper 2" },
      show_member: true,
      enable_mark_as_read: false,
    });
    expect(updated.outs).toMatchObject({
      botNickname: "Helper 2",
      showMember: true,
      enableMarkAsRead: false,
    });
    expect(
      sandbox.requests.filter((r) => r.method === "PUT").map((r) => Object.keys(r.body as object).length),
    ).toEqual([1, 7]);
  });
});

describe("adopting an existing bot", () => {
  beforeEach(async () => {
    await botHandlers.create(await checked({ ...declared, botNickname: "Made by hand" }));
  });

  test("without adopt, create fails and says how to adopt", async () => {
    await expect(botHandlers.create(await checked(declared))).rejects.toThrow(
      'a Sendbird bot with botUserid "helper_bot" already exists. To manage it with Pulumi, set `adopt: true`',
    );
    expect(sandbox.bot("helper_bot")?.bot.bot_nickname).toBe("Made by hand");
  });

  test("with adopt, create takes it over and brings it to the declared state", async () => {
    const created = await botHandlers.create(await checked({ ...declared, adopt: true, showMember: true }));
    expect(created.id).toBe("helper_bot");
    expect(created.outs).toMatchObject({ botNickname: "Helper", showMember: true, adopt: true });
    expect(sandbox.bots()).toHaveLength(1);
    expect(sandbox.bot("helper_bot")).toMatchObject({ bot: { bot_nickname: "Helper" }, show_member: true });
  });

  test("adopt refuses a bot whose botType differs (Sendbird cannot change it)", async () => {
    await expect(
      botHandlers.create(await checked({ ...declared, adopt: true, botType: "sales" })),
    ).rejects.toThrow(
      /cannot adopt Sendbird bot "helper_bot": its botType is "support" but "sales" is declared/,
    );
  });
});

describe("reliability", () => {
  test("a create whose response is lost after the bot was stored yields one bot, not two", async () => {
    sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "lose-response" } });
    const created = await botHandlers.create(await checked(declared));
    expect(created.id).toBe("helper_bot");
    expect(created.outs.botToken).toBe(sandbox.bot("helper_bot")?.bot.bot_token);
    expect(sandbox.bots()).toHaveLength(1);
    // Sent once; the handler then looked the bot up instead of sending again.
    expect(posts()).toHaveLength(1);
    expect(sandbox.requests.some((r) => r.method === "GET" && r.path === "/v3/bots/helper_bot")).toBe(true);
  });

  test("a create dropped before Sendbird acted on it is looked up, then sent again", async () => {
    sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "drop" } });
    const created = await botHandlers.create(await checked(declared));
    expect(created.id).toBe("helper_bot");
    expect(posts()).toHaveLength(2);
    expect(sandbox.bots()).toHaveLength(1);
  });

  test("a 5xx on create is ambiguous too: reconciled, no duplicate", async () => {
    sandbox.faults.inject({ method: "POST", path: "/v3/bots", fault: { kind: "status", status: 503 } });
    await botHandlers.create(await checked(declared));
    expect(sandbox.bots()).toHaveLength(1);
  });

  test("429 on create is retried after the vendor's X-RateLimit-RetryAfter", async () => {
    sandbox.faults.inject({
      method: "POST",
      path: "/v3/bots",
      fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
    });
    const started = Date.now();
    await botHandlers.create(await checked(declared));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(posts().map((r) => r.status)).toEqual([429, 200]);
  });

  test("5xx and dropped connections on reads are retried", async () => {
    const created = await botHandlers.create(await checked(declared));
    sandbox.faults.inject({ method: "GET", fault: { kind: "status", status: 502 } });
    sandbox.faults.inject({ method: "GET", fault: { kind: "drop" } });
    expect((await botHandlers.read("helper_bot", created.outs)).id).toBe("helper_bot");
  });

  test("an endpoint that does not answer is named in the error", async () => {
    const url = sandbox.url;
    await sandbox.stop();
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
      `Sendbird API GET /bots/helper_bot failed after 5 attempts: network error ECONNREFUSED reaching ${url}`,
    );
    const token = randomBytes(20).toString("hex");
    useSandbox(await startSendbirdSandbox({ apiToken: token }), token); // for afterEach
  }, 60_000);

  test("gives up after a bounded number of tries with a clear error", async () => {
    sandbox.faults.inject({ method: "GET", fault: { kind: "status", status: 500 }, times: Infinity });
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
      /Sendbird API GET \/bots\/helper_bot failed with HTTP 500 .*after 5 attempts/,
    );
    expect(sandbox.requests.filter((r) => r.method === "GET")).toHaveLength(5);
  }, 60_000);

  test("many bots at once stay under the rate limit or recover from it", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `bulk_${i}`);
    await Promise.all(
      ids.map(async (id) => botHandlers.create(await checked({ ...declared, botUserid: id }))),
    );
    expect(
      sandbox
        .bots()
        .map((b) => b.bot.bot_userid)
        .sort(),
    ).toEqual([...ids].sort());
  }, 60_000);
});

describe("not found", () => {
  test("a 404 carrying 400201 means gone", async () => {
    await sandbox.stop();
    const token = randomBytes(20).toString("hex");
    useSandbox(await startSendbirdSandbox({ apiToken: token, notFoundStatus: 404 }), token);
    expect(await botHandlers.read("nobody", {})).toEqual({});
    await expect(botHandlers.delete("nobody", {})).resolves.toBeUndefined();
  });

  test("a 404 for a wrong base URL is an error, so refresh never drops every bot", async () => {
    process.env.SENDBIRD_API_URL = sandbox.url.replace(/\/v3$/, "/v2");
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(/failed with HTTP 404 code 400404/);
  });
});

describe("credentials", () => {
  test("stack config (configure) is used before the environment", async () => {
    process.env.SENDBIRD_API_TOKEN = "wrong-token-from-env";
    configure({ config: { get: (key) => (key === "sendbird:apiToken" ? apiToken : undefined) } });
    await expect(botHandlers.create(await checked(declared))).resolves.toMatchObject({ id: "helper_bot" });
  });

  test("a missing token is a clear error naming the config key and the variable", async () => {
    delete process.env.SENDBIRD_API_TOKEN;
    await expect(botHandlers.read("helper_bot", {})).rejects.toThrow(
      "sendbird:apiToken is not set: run `pulumi config set --secret sendbird:apiToken <value>` or set the SENDBIRD_API_TOKEN environment variable",
    );
  });

  test("a rejected token is reported without the token", async () => {
    const wrong = randomBytes(20).toString("hex");
    process.env.SENDBIRD_API_TOKEN = wrong;
    const err: Error = await botHandlers.read("helper_bot", {}).then(
      () => new Error("expected a failure"),
      (e: Error) => e,
    );
    expect(err.message).toMatch(/HTTP 401 code 400401/);
    expect(err.message).not.toContain(wrong);
  });

  test("a vendor message that echoes the token is redacted", async () => {
    const token = randomBytes(20).toString("hex");
    // A misbehaving server (or proxy) that puts the credential in its error text.
    const echo = http.createServer((req, res) => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({ error: true, code: 400111, message: `bad token ${req.headers["api-token"]}` }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    try {
      process.env.SENDBIRD_API_URL = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v3`;
      process.env.SENDBIRD_API_TOKEN = token;
      const err: Error = await botHandlers.read("helper_bot", {}).then(
        () => new Error("expected a failure"),
        (e: Error) => e,
      );
      expect(err.message).toContain("bad token [REDACTED]");
      expect(err.message).not.toContain(token);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
