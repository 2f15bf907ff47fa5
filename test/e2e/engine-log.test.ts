/**
 * Provider warnings reach the Pulumi CLI as warnings, at both ends of the @pulumi/pulumi peer
 * range. The SDK's dynamic-provider host connects no engine to `pulumi.log`, so the provider sends
 * the engine's Log RPC itself through files the SDK does not publish as API
 * (provider/core/engineLog.ts): this is what shows that they still work with the lowest SDK the
 * package admits and with the one the repository runs. The CLI is the toolchain's; the SDK of the
 * throwaway program, which serves the provider host, is what varies.
 *
 * The warning needs no misbehaving vendor: Whats91 has no delete, so an `up` that drops a
 * whats91.Chatbot from the program warns that it stays at Whats91.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalSandboxes, type LocalSandboxes } from "../../sandbox";
import {
  buildAndPack,
  createUserProject,
  dynamicProviderSdkVersions,
  peerRangeLowerBound,
  repoPulumiVersion,
  type PackedPackage,
  type UserProject,
} from "./package-kit";
import { pulumiWorkspace, type PulumiWorkspace } from "./pulumi-cli";

jest.setTimeout(20 * 60 * 1000);

/** The program: one Whats91 chatbot, declared while the stack's `keep` setting is not false. */
const PROGRAM = {
  "Pulumi.yaml": "name: chatbots-engine-log\nruntime: nodejs\n",
  "index.js": [
    '"use strict";',
    'const pulumi = require("@pulumi/pulumi");',
    'const chatbots = require("pulumi-chatbots");',
    'if (new pulumi.Config().getBoolean("keep") !== false) {',
    '  new chatbots.whats91.Chatbot("hours", {',
    '    name: "Opening hours",',
    '    trigger: { type: "contains", keywords: ["hours"] },',
    '    response: { type: "text", text: "We are open 9-17." },',
    "  });",
    "}",
    "",
  ].join("\n"),
};

const WARNING = "pulumi-chatbots: Whats91 has no API to delete a chatbot: Whats91 chatbot ";

interface DiagnosticEvent {
  severity: string;
  message: string;
}

/** Every diagnostic event of an engine event log (`--event-log`: one event per line). */
function diagnostics(upJson: string): DiagnosticEvent[] {
  return upJson
    .split("\n")
    .filter((line) => line.startsWith('{"'))
    .map((line) => JSON.parse(line).diagnosticEvent as DiagnosticEvent | undefined)
    .filter((d): d is DiagnosticEvent => d !== undefined);
}

let packDir: string;
let programDir: string;
let packed: PackedPackage;

beforeAll(async () => {
  packDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-engine-log-pack-"));
  programDir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-engine-log-program-"));
  for (const [file, text] of Object.entries(PROGRAM)) fs.writeFileSync(path.join(programDir, file), text);
  packed = await buildAndPack(packDir);
});

afterAll(() => {
  for (const dir of [packDir, programDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ["the lowest @pulumi/pulumi the peer range admits", peerRangeLowerBound()],
  ["the @pulumi/pulumi the repository runs", repoPulumiVersion()],
])("with %s (%s)", (_what, sdkVersion) => {
  let project: UserProject | undefined;
  let local: LocalSandboxes | undefined;
  let ws: PulumiWorkspace | undefined;
  const stack = "engine-log";

  afterAll(async () => {
    ws?.cleanup(); // the stack's backend and state with it
    project?.cleanup();
    await local?.stop();
  });

  test("a provider warning is a warning diagnostic, not plugin output", async () => {
    project = await createUserProject(packed.tarball, sdkVersion, programDir);
    local = await startLocalSandboxes();
    const workspace = (ws = pulumiWorkspace(local.env));
    const { dir } = project;
    // PULUMI_DEBUG_COMMANDS shows the CLI's --event-log flag: the engine's events beside its usual output.
    const pulumi = (args: string[]) =>
      workspace.run(dir, [...args, "--stack", stack], { env: { PULUMI_DEBUG_COMMANDS: "true" } });
    await workspace.run(dir, ["stack", "init", stack]);

    // The host that serves the provider is the program's SDK, not the repository's.
    const created = await pulumi(["up", "--yes", "--logtostderr", "-v=7"]);
    expect(dynamicProviderSdkVersions(created.stderr)).toEqual([sdkVersion]);
    expect(local.whats91.chatbots().map((c) => c.name)).toEqual(["Opening hours"]);

    await pulumi(["config", "set", "keep", "false"]);
    const events = path.join(dir, "events.jsonl");
    const dropped = await pulumi(["up", "--yes", "--event-log", events]);
    expect(local.whats91.chatbots()).toHaveLength(1); // Whats91 cannot delete it: it stays

    // The engine's record: once, as a warning, with the text as the provider wrote it. Written to
    // the plugin's stderr instead (without the engine's Log RPC), it would be severity "info#err".
    const ours = diagnostics(fs.readFileSync(events, "utf8")).filter((d) =>
      d.message.includes("pulumi-chatbots:"),
    );
    expect(ours.map((d) => d.severity)).toEqual(["warning"]);
    expect(ours[0].message).toMatch(
      new RegExp(`^${WARNING}.*was removed from the stack only and is still ACTIVE`),
    );

    // What the user reads: the CLI's "warning:" line with the text.
    expect(dropped.stdout).toMatch(new RegExp(`^\\s*warning: ${WARNING}`, "m"));
  });
});
