/**
 * Vendor answers built to harm the provider process: a JSON object holding a "__proto__" key
 * (JSON.parse makes it an own data property) must reach the outputs as that, a plain property of
 * a plain object, never as the prototype of the output object (prototype replacement or pollution).
 */
import { randomBytes } from "node:crypto";
import { startSendbirdSandbox, type SendbirdSandbox } from "../../sandbox";
import { definition } from "../../provider/sendbird/bot";
import { handlersOf } from "../../provider/core/definition";
import { resetConfiguration } from "../../provider/core/credentials";
import { sendbirdBotArgs } from "../fixtures";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { testPolicies } from "./handler-kit";

/** What a hostile Sendbird stores as the bot's metadata: JSON text, parsed as the client parses it. */
const HOSTILE_METADATA = '{"__proto__": {"polluted": "yes"}, "team": "support"}';

let sandbox: SendbirdSandbox;
// Warnings are not what these tests look at.
const botHandlers = handlersOf(definition, testPolicies({ warn: () => undefined }));

beforeEach(async () => {
  const apiToken = randomBytes(20).toString("hex");
  sandbox = await startSendbirdSandbox({
    apiToken,
    canonicalize: (record) => {
      record.bot.bot_metadata = JSON.parse(HOSTILE_METADATA) as Record<string, string>;
    },
  });
  process.env.SENDBIRD_API_URL = sandbox.url;
  process.env.SENDBIRD_API_TOKEN = apiToken;
});

afterEach(async () => {
  await sandbox.stop();
  resetConfiguration();
  delete process.env.SENDBIRD_API_URL;
  delete process.env.SENDBIRD_API_TOKEN;
});

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await botHandlers.check({}, news);
  if (r.failures) throw new Error(JSON.stringify(r.failures));
  return r.inputs as Record<string, unknown>;
}

/** The metadata output is a plain object holding the vendor's "__proto__" as an own data property. */
function expectPlainMetadata(outs: Record<string, unknown> | undefined): void {
  const metadata = outs?.botMetadata as Record<string, unknown>;
  expect(Object.getPrototypeOf(outs)).toBe(Object.prototype);
  expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  expect(Object.keys(metadata).sort()).toEqual(["__proto__", "team"]);
  expect(Object.getOwnPropertyDescriptor(metadata, "__proto__")).toMatchObject({
    value: { polluted: "yes" },
    enumerable: true,
    writable: true,
  });
  expect(metadata.polluted).toBeUndefined();
  expect(metadata.team).toBe("support");
  // Nothing leaked into every object, and the engine's encoding carries the key as data.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  const sent = Struct.fromJavaScript(outs as never)
    .getFieldsMap()
    .get("botMetadata");
  expect(sent?.getStructValue()?.getFieldsMap().get("__proto__")?.toJavaScript()).toEqual({
    polluted: "yes",
  });
}

test('a "__proto__" key in Sendbird\'s bot_metadata stays a plain property through create, read and update', async () => {
  const created = await botHandlers.create(await checked(sendbirdBotArgs));
  expectPlainMetadata(created.outs);

  const read = await botHandlers.read("helper_bot", created.outs);
  expectPlainMetadata(read.props);

  const updated = await botHandlers.update(
    "helper_bot",
    created.outs,
    await checked({ ...sendbirdBotArgs, botNickname: "Helper 2" }),
  );
  expectPlainMetadata(updated.outs);
});
