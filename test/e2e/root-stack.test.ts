/**
 * The root stack (Pulumi.yaml at the repository root: the quickstart) with plain `pulumi up` in its
 * directory, credentials from SENDBIRD_* environment variables as a CI job would pass them.
 * Needs the built quickstart (examples/quickstart/bin), which `npm test` builds first.
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { startSendbirdSandbox, type SendbirdSandbox } from "../../sandbox";
import { pulumiWorkspace, removeStackConfig, type PulumiWorkspace } from "./pulumi-cli";

jest.setTimeout(10 * 60 * 1000);

const root = path.join(__dirname, "..", "..");
const apiToken = randomBytes(20).toString("hex");
const stack = `e2e-root-${randomBytes(4).toString("hex")}`;
let sandbox: SendbirdSandbox;
let ws: PulumiWorkspace;

beforeAll(async () => {
  sandbox = await startSendbirdSandbox({ apiToken });
  ws = pulumiWorkspace({ SENDBIRD_API_URL: sandbox.url, SENDBIRD_API_TOKEN: apiToken });
});

afterAll(async () => {
  await ws?.run(root, ["stack", "rm", "--yes", "--force", "--stack", stack], { allowFailure: true });
  removeStackConfig(root, stack);
  ws?.cleanup();
  await sandbox?.stop();
});

test("pulumi up in the repository root creates the quickstart bot; destroy removes it", async () => {
  await ws.run(root, ["stack", "init", stack]);
  await ws.run(root, ["up", "--yes", "--stack", stack]);
  expect(sandbox.bots().map((b) => [b.bot.bot_userid, b.bot.bot_nickname])).toEqual([
    ["helper_bot", "Helper"],
  ]);
  const outputs = JSON.parse((await ws.run(root, ["stack", "output", "--json", "--stack", stack])).stdout);
  expect(outputs).toEqual({ botUserid: "helper_bot", botNickname: "Helper", botToken: "[secret]" });
  await ws.run(root, ["preview", "--expect-no-changes", "--stack", stack]);
  await ws.run(root, ["destroy", "--yes", "--stack", stack]);
  expect(sandbox.bots()).toHaveLength(0);
});
