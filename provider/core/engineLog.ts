/**
 * Warnings to the Pulumi engine from inside Pulumi's dynamic-provider host: the one place that uses
 * files the Pulumi SDK does not publish as API.
 *
 * Why it exists: the host (`@pulumi/pulumi/cmd/dynamic-provider`, 3.216.0 to 3.259.0 at least) is
 * started with the engine's address as its first argument but connects no engine to `pulumi.log`,
 * which there only writes to stderr: the CLI shows that as unlabelled plugin output, not as a
 * warning. There is no public way in, so this module sends the engine's Log RPC itself, as the
 * SDK's runtime does for programs.
 *
 * What it depends on, all in the SDK that runs the host (resolved from the host's main module, not
 * from this package, whose own @pulumi/pulumi may differ): the main module's path holding
 * "dynamic-provider", the engine's address in argv[2], `proto/engine_grpc_pb` (EngineClient),
 * `proto/engine_pb` (LogRequest, LogSeverity.WARNING) and the SDK's own `@grpc/grpc-js`.
 * test/e2e/engine-log.test.ts checks, at both ends of the peer range, that a warning reaches the
 * CLI as a warning. If anything is missing, or outside the host (tests, scripts), warnings go to
 * stderr as "warning: ...".
 */
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

/** Shows `text` as a warning: through the engine inside the provider host, else on stderr. */
export async function showWarning(text: string): Promise<void> {
  const target = engineLog();
  if (target) await target.log(text);
  else console.error(`warning: ${text}`);
}
