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
import type { DiagnosticEvent, EngineEvent } from "@pulumi/pulumi/automation";
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
import { e2eStack, e2eWorkspace, type PulumiWorkspace } from "./stacks";

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

/** Every diagnostic event among an operation's engine events, whatever its severity. */
function diagnostics(events: EngineEvent[]): DiagnosticEvent[] {
  return events.map((event) => event.diagnosticEvent).filter((d): d is DiagnosticEvent => d !== undefined);
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
  const stackName = "engine-log";

  afterAll(async () => {
    ws?.cleanup(); // the stack's backend and state with it
    project?.cleanup();
    await local?.stop();
  });

  test("a provider warning is a warning diagnostic, not plugin output", async () => {
    project = await createUserProject(packed.tarball, sdkVersion, programDir);
    local = await startLocalSandboxes();
    ws = e2eWorkspace();
    // The credentials reach the provider as environment variables.
    const stack = e2eStack(ws, project.dir, stackName, local.env);
    await stack.init();

    // The host that serves the provider is the program's SDK, not the repository's.
    const created = await stack.up({ logToStdErr: true, logVerbosity: 7 });
    expect(dynamicProviderSdkVersions(created.stderr)).toEqual([sdkVersion]);
    expect(local.whats91.chatbots().map((c) => c.name)).toEqual(["Opening hours"]);

    await stack.setConfig({ keep: "false" });
    // The engine's events (the Automation API's event log) beside the CLI's usual output.
    const dropped = await stack.up({ events: true });
    expect(local.whats91.chatbots()).toHaveLength(1); // Whats91 cannot delete it: it stays

    // The engine's record: once, as a warning, with the text as the provider wrote it. Written to
    // the plugin's stderr instead (without the engine's Log RPC), it would be severity "info#err".
    const ours = diagnostics(dropped.events).filter((d) => d.message.includes("pulumi-chatbots:"));
    expect(ours.map((d) => d.severity)).toEqual(["warning"]);
    expect(ours[0].message).toMatch(
      new RegExp(`^${WARNING}.*was removed from the stack only and is still ACTIVE`),
    );

    // What the user reads: the CLI's "warning:" line with the text.
    expect(dropped.stdout).toMatch(new RegExp(`^\\s*warning: ${WARNING}`, "m"));
  });
});
