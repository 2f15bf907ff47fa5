/**
 * The sandbox CLI (sandbox/cli.ts) starts each platform the way its descriptor (the list in
 * sandbox/platforms.ts) says: the secret from the platform's variable, what else it needs from
 * flags or the environment, and one announcement line naming the platform and its URLs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expectCliExit, randomSecret, useSandboxCli } from "./sandbox-kit";
import { jwtGrantFields, newTestApp, postToken } from "./lineworks-helpers";

const runCli = useSandboxCli({
  LINEWORKS_CLIENT_SECRET: undefined,
  LINEWORKS_CLIENT_ID: undefined,
  LINEWORKS_SERVICE_ACCOUNT: undefined,
  LINEWORKS_PUBLIC_KEY_FILE: undefined,
  LINEWORKS_STATIC_TOKEN: undefined,
  WHATS91_API_TOKEN: undefined,
  WHATS91_SENDER_ID: undefined,
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-cli-start-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test("lineworks: the app from the environment, the secret from LINEWORKS_CLIENT_SECRET; both URLs announced", async () => {
  const app = newTestApp();
  const publicKeyFile = path.join(dir, "public.pem");
  fs.writeFileSync(publicKeyFile, app.publicKeyPem);
  const run = runCli(["lineworks", "--no-rate-limit"], {
    LINEWORKS_CLIENT_SECRET: app.clientSecret,
    LINEWORKS_CLIENT_ID: app.clientId,
    LINEWORKS_SERVICE_ACCOUNT: app.serviceAccount,
    LINEWORKS_PUBLIC_KEY_FILE: publicKeyFile,
  });
  try {
    const announcement = JSON.parse(await run.firstLine);
    expect(announcement).toEqual({
      platform: "lineworks",
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0$/),
      authUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/oauth2\/v2\.0\/token$/),
    });
    // The sandbox knows the app: a token for its assertion, and the API with that token.
    const token = await postToken(announcement.authUrl, jwtGrantFields(app));
    expect(token.status).toBe(200);
    const bots = await fetch(`${announcement.url}/bots`, {
      headers: { Authorization: `Bearer ${token.body.access_token}` },
    });
    expect(bots.status).toBe(200);
  } finally {
    run.child.kill("SIGTERM");
  }
  expect(await run.exited).toBe(0);
  const { stdout, stderr } = run.output();
  expect(stdout + stderr).not.toContain(app.clientSecret);
}, 30_000);

test("lineworks: flags win over the environment for the app's identity", async () => {
  const app = newTestApp();
  const publicKeyFile = path.join(dir, "public.pem");
  fs.writeFileSync(publicKeyFile, app.publicKeyPem);
  const run = runCli(
    [
      "lineworks",
      "--client-id",
      app.clientId,
      "--service-account",
      app.serviceAccount,
      "--public-key-file",
      publicKeyFile,
    ],
    {
      LINEWORKS_CLIENT_SECRET: app.clientSecret,
      LINEWORKS_CLIENT_ID: "another-client",
      LINEWORKS_SERVICE_ACCOUNT: "another.serviceaccount@example-tenant",
      LINEWORKS_PUBLIC_KEY_FILE: path.join(dir, "missing.pem"),
    },
  );
  try {
    const { authUrl } = JSON.parse(await run.firstLine);
    expect((await postToken(authUrl, jwtGrantFields(app))).status).toBe(200);
  } finally {
    run.child.kill("SIGTERM");
  }
  expect(await run.exited).toBe(0);
}, 30_000);

test("lineworks: without the app's identity it names what is missing and starts nothing", async () => {
  await expectCliExit(
    runCli(["lineworks"], { LINEWORKS_CLIENT_SECRET: randomSecret() }),
    1,
    "lineworks needs --client-id (or LINEWORKS_CLIENT_ID), --service-account (or LINEWORKS_SERVICE_ACCOUNT), " +
      "--public-key-file (or LINEWORKS_PUBLIC_KEY_FILE).",
  );
  await expectCliExit(
    runCli(
      [
        "lineworks",
        "--client-id",
        "c",
        "--service-account",
        "s",
        "--public-key-file",
        path.join(dir, "none"),
      ],
      {
        LINEWORKS_CLIENT_SECRET: randomSecret(),
      },
    ),
    1,
    "cannot read the public key file",
  );
}, 30_000);

test("whats91: a token bound to the sender WHATS91_SENDER_ID names, the only sender", async () => {
  const token = randomSecret();
  const senderId = "15550002222";
  const run = runCli(["whats91", "--token-scope", "specific_number"], {
    WHATS91_API_TOKEN: token,
    WHATS91_SENDER_ID: senderId,
  });
  try {
    const announcement = JSON.parse(await run.firstLine);
    expect(announcement).toEqual({
      platform: "whats91",
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/),
    });
    const list = (sender: string) =>
      fetch(`${announcement.url}/chatbots?senderId=${sender}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    expect((await list(senderId)).status).toBe(200);
    // The default sender is not the account's: the sender came from the environment.
    expect((await list("15550001111")).status).not.toBe(200);
  } finally {
    run.child.kill("SIGTERM");
  }
  expect(await run.exited).toBe(0);
  const { stdout, stderr } = run.output();
  expect(stdout + stderr).not.toContain(token);
}, 30_000);

test("refuses to start a platform whose secret variable is unset, naming the variable", async () => {
  await expectCliExit(runCli(["whats91"], {}), 1, "WHATS91_API_TOKEN is not set");
  await expectCliExit(runCli(["lineworks"], {}), 1, "LINEWORKS_CLIENT_SECRET is not set");
}, 30_000);
