/**
 * startLocalSandboxes: all four sandboxes with credentials generated for the run, the provider's
 * environment for them, and state kept per platform in a directory a first run creates.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalSandboxes } from "../../sandbox";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-local-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const createSendbirdBot = (url: string, token: string) =>
  fetch(`${url}/bots`, {
    method: "POST",
    headers: { "Api-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify({
      bot_userid: "kept_bot",
      bot_nickname: "Kept",
      bot_profile_url: "",
      bot_type: "support",
      bot_callback_url: "https://example.com/callback",
      is_privacy_mode: true,
    }),
  });

test("env points the provider at every sandbox with credentials each one accepts", async () => {
  const local = await startLocalSandboxes();
  try {
    const { env } = local;
    expect(env).toMatchObject({
      SENDBIRD_API_URL: local.sendbird.url,
      DEADSIMPLECHAT_API_URL: local.deadsimplechat.url,
      LINEWORKS_API_URL: local.lineworks.url,
      LINEWORKS_AUTH_URL: local.lineworks.authUrl,
      WHATS91_API_URL: local.whats91.url,
    });
    expect((await createSendbirdBot(env.SENDBIRD_API_URL, env.SENDBIRD_API_TOKEN)).status).toBe(200);
    expect((await createSendbirdBot(env.SENDBIRD_API_URL, "not-the-token")).status).not.toBe(200);
    const dsc = await fetch(`${env.DEADSIMPLECHAT_API_URL}/bots?auth=${env.DEADSIMPLECHAT_API_KEY}`);
    expect(dsc.status).toBe(200);
    const whats91 = await fetch(`${env.WHATS91_API_URL}/chatbots?senderId=${env.WHATS91_SENDER_ID}`, {
      headers: { Authorization: `Bearer ${env.WHATS91_API_TOKEN}` },
    });
    expect(whats91.status).toBe(200);
    // Fresh credentials every start: two runs never share a token.
    const other = await startLocalSandboxes();
    expect(other.env.SENDBIRD_API_TOKEN).not.toBe(env.SENDBIRD_API_TOKEN);
    expect(other.env.LINEWORKS_PRIVATE_KEY).not.toBe(env.LINEWORKS_PRIVATE_KEY);
    await other.stop();
  } finally {
    await local.stop();
  }
});

test("stateDir keeps each platform's bots across runs, in a directory the first run creates", async () => {
  const stateDir = path.join(dir, "not", "made", "yet");
  const first = await startLocalSandboxes({ stateDir });
  try {
    const created = await createSendbirdBot(first.env.SENDBIRD_API_URL, first.env.SENDBIRD_API_TOKEN);
    expect(created.status).toBe(200);
  } finally {
    await first.stop();
  }
  expect(fs.readdirSync(stateDir)).toContain("sendbird.json");
  const second = await startLocalSandboxes({ stateDir });
  try {
    expect(second.sendbird.bots().map((b) => b.bot.bot_userid)).toEqual(["kept_bot"]);
  } finally {
    await second.stop();
  }
});
