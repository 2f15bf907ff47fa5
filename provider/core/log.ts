/**
 * Warnings from the provider process, shown by the Pulumi CLI like any other warning.
 *
 * Pulumi's dynamic-provider host does not connect `pulumi.log` to the engine, so a plain
 * `console.warn` would only show as unlabelled plugin output. The host is started with the engine's
 * address as its first argument; warnings go there over the engine's Log RPC. Outside the host
 * (tests, scripts) they go to a sink, stderr by default.
 */
type Sink = (message: string) => void;

let sink: Sink | undefined;

/** Replaces where warnings go outside the provider host (tests capture them); undefined restores stderr. */
export function setWarningSink(next: Sink | undefined): void {
  sink = next;
}

interface EngineLog {
  log(message: string): Promise<void>;
}
let engine: EngineLog | null | undefined;

function engineLog(): EngineLog | null {
  if (engine !== undefined) return engine;
  engine = null;
  const main = require.main?.filename ?? "";
  const address = process.argv[2];
  if (!/dynamic-provider/.test(main) || !address) return engine;
  try {
    // The engine client the Pulumi SDK itself uses, resolved from the SDK that runs this host.
    const sdk = require
      .resolve("@pulumi/pulumi/package.json", { paths: [main] })
      .replace(/package\.json$/, "");
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
    const rpc = require(`${sdk}proto/engine_grpc_pb`);
    const proto = require(`${sdk}proto/engine_pb`);
    const client = new rpc.EngineClient(address, grpc.credentials.createInsecure());
    engine = {
      log: (message) =>
        new Promise<void>((resolve) => {
          const req = new proto.LogRequest();
          req.setSeverity(proto.LogSeverity.WARNING);
          req.setMessage(message);
          req.setUrn("");
          client.log(req, (err: Error | null) => {
            if (err) console.error(`warning: ${message}`);
            resolve();
          });
        }),
    };
  } catch {
    engine = null;
  }
  return engine;
}

/** Shows a warning to the user running Pulumi. Never pass a credential or an input's value. */
export async function warn(message: string): Promise<void> {
  const text = `pulumi-chatbots: ${message}`;
  if (sink) return sink(text);
  const target = engineLog();
  if (target) await target.log(text);
  else console.error(`warning: ${text}`);
}
