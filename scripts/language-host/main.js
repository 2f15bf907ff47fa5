// @ts-check
/**
 * A small Pulumi "nodejs" language host, standing in for the official Go binary
 * `pulumi-language-nodejs`, which cannot be obtained here (it has no release tags, so the Go
 * module proxy cannot serve it at a released version).
 *
 * Protocol (sdk/go/common/resource/plugin: plugin.go newPlugin, langruntime_plugin.go):
 * - The engine starts `pulumi-language-nodejs [flags] <engine address>` in the program directory.
 *   Flags we may see: `-root=…`, `--logtostderr`, `-v=N`, `--tracing <url>`; all are ignored.
 * - We listen on 127.0.0.1 with an ephemeral port, print "<port>\n" on stdout, and serve the
 *   `pulumirpc.LanguageRuntime` gRPC service until the engine interrupts us.
 * - `Run` starts `node @pulumi/pulumi/cmd/run …` for the program, like the official host does.
 *   Anything else on our stdout/stderr (including the program's) is shown by the engine.
 *
 * Only what `pulumi up/preview/refresh/destroy/stack/config` need for a plain JavaScript program
 * is implemented; every other RPC answers UNIMPLEMENTED (grpc-js does that for missing handlers).
 * Set PULUMI_CHATBOTS_LANGHOST_LOG=<file> to append one line per RPC call to that file.
 *
 * Plain CommonJS on purpose: this runs before any TypeScript build.
 */
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The "Program exited after logging a user-actionable message" exit code of @pulumi/pulumi/cmd/run. */
const EXIT_CODE_BAIL = 32;

/**
 * Parses the command line. Flags come first (`-k=v`, `--k=v`, `--flag`, or `--tracing v`);
 * the engine's address is the last positional argument.
 * @param {string[]} argv
 */
function parseArgs(argv) {
  /** Flags the engine may pass with their value as a separate argument. */
  const valueFlags = new Set(["tracing", "root"]);
  /** @type {Record<string, string>} */
  const flags = {};
  /** @type {string[]} */
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      positional.push(arg);
    } else if (m[2] !== undefined) {
      flags[m[1]] = m[2];
    } else if (valueFlags.has(m[1]) && i + 1 < argv.length) {
      flags[m[1]] = argv[++i];
    } else {
      flags[m[1]] = "true";
    }
  }
  return { flags, engineAddress: positional.length > 0 ? positional[positional.length - 1] : "" };
}

/**
 * Finds a module from the first directory that can resolve it (program directory first, the
 * repository last), like `require.resolve` from each of them.
 * @param {string} request
 * @param {string[]} dirs
 * @returns {string | undefined}
 */
function resolveFrom(request, dirs) {
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      return require.resolve(request, { paths: [dir] });
    } catch {
      // try the next directory
    }
  }
  return undefined;
}

/** @param {string[]} dirs @returns {string} the directory of the @pulumi/pulumi package to use */
function pulumiPackageDir(dirs) {
  const pkgJson = resolveFrom("@pulumi/pulumi/package.json", [...dirs, REPO_ROOT]);
  if (!pkgJson) {
    throw new Error(
      `cannot find @pulumi/pulumi from ${[...dirs, REPO_ROOT].join(", ")}; has \`npm install\` been run?`,
    );
  }
  return path.dirname(pkgJson);
}

/** @param {string} file @returns {any} */
function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** @param {string} message */
function log(message) {
  const file = process.env.PULUMI_CHATBOTS_LANGHOST_LOG;
  if (file) {
    fs.appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${message}\n`);
  }
}

function main() {
  const { flags, engineAddress: initialEngineAddress } = parseArgs(process.argv.slice(2));
  let engineAddress = initialEngineAddress;
  const startDir = process.cwd();

  // The gRPC stubs and grpc-js come from the same @pulumi/pulumi the program uses, when possible.
  const pulumiDir = pulumiPackageDir([startDir]);
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
  const services = require(path.join(pulumiDir, "proto", "language_grpc_pb.js"));
  const languagePb = require(path.join(pulumiDir, "proto", "language_pb.js"));
  const pluginPb = require(path.join(pulumiDir, "proto", "plugin_pb.js"));
  const emptyPb = require(
    require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }),
  );
  const sdkVersion = String(readJson(path.join(pulumiDir, "package.json")).version || "");

  /** @type {Set<import("node:child_process").ChildProcess>} */
  const running = new Set();

  /**
   * Wraps a unary handler: logs the call and turns exceptions into gRPC errors.
   * @param {string} name
   * @param {(req: any) => any | Promise<any>} fn
   */
  const unary = (name, fn) => (/** @type {any} */ call, /** @type {Function} */ callback) => {
    log(name);
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err) => {
          log(`${name} failed: ${err && err.stack ? err.stack : err}`);
          callback({ code: grpc.status.UNKNOWN, details: String(err && err.message ? err.message : err) });
        },
      );
  };

  /** @param {any} req the RunRequest @returns {Promise<any>} the RunResponse */
  const run = (req) => {
    const info = req.getInfo();
    const pwd = req.getPwd() || (info && info.getProgramDirectory()) || startDir;
    const programDir = (info && info.getProgramDirectory()) || pwd;
    const rootDir = (info && info.getRootDirectory()) || programDir;
    // The engine passes a file name relative to the program directory, or "." for the directory
    // itself (then @pulumi/pulumi's run uses package.json "main", or index.js).
    const entryPoint = (info && info.getEntryPoint()) || req.getProgram() || ".";

    const runPath =
      process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH ||
      resolveFrom("@pulumi/pulumi/cmd/run", [programDir, rootDir, startDir]) ||
      path.join(pulumiDir, "cmd", "run");

    /** @type {string[]} */
    const args = [runPath];
    /** `--k=v` (not `--k v`): minimist would not take a value starting with "-" as in "--parallel -1". */
    const opt = (/** @type {string} */ k, /** @type {string} */ v) => {
      if (v) args.push(`--${k}=${v}`);
    };
    opt("monitor", req.getMonitorAddress());
    opt("engine", engineAddress);
    opt("organization", req.getOrganization());
    opt("project", req.getProject());
    opt("stack", req.getStack());
    opt("pwd", pwd);
    if (req.getDryrun()) args.push("--dry-run");
    opt("parallel", String(req.getParallel()));
    opt("tracing", flags.tracing || "");
    opt("root-directory", rootDir);
    args.push(entryPoint, ...req.getArgsList());

    /** @type {Record<string, string>} */
    const config = {};
    req.getConfigMap().forEach((/** @type {string} */ v, /** @type {string} */ k) => {
      config[k] = v;
    });
    const env = {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    };
    log(`Run: ${process.execPath} ${args.join(" ")} (cwd ${pwd})`);

    return new Promise((resolve) => {
      const res = new languagePb.RunResponse();
      const child = childProcess.spawn(process.execPath, args, {
        cwd: pwd,
        env,
        stdio: ["ignore", "inherit", "inherit"],
      });
      running.add(child);
      child.on("error", (err) => {
        running.delete(child);
        res.setError(`Problem executing program (could not run language executor): ${err.message}`);
        resolve(res);
      });
      child.on("exit", (code, signal) => {
        running.delete(child);
        if (code === EXIT_CODE_BAIL) {
          // The program already reported a user-actionable error; the engine should not add one.
          res.setBail(true);
        } else if (code !== 0 && code !== null) {
          res.setError(`Program exited with non-zero exit code: ${code}`);
        } else if (signal) {
          res.setError(`Program exited unexpectedly: killed by signal ${signal}`);
        }
        log(`Run finished: code=${code} signal=${signal}`);
        resolve(res);
      });
    });
  };

  /** Name and installed version of the program's dependencies (from its package.json). */
  const programDependencies = (/** @type {any} */ req) => {
    const info = req.getInfo();
    const dir = (info && info.getProgramDirectory()) || startDir;
    const res = new languagePb.GetProgramDependenciesResponse();
    const pkgJson = resolveFrom("./package.json", [dir]);
    if (!pkgJson) return res;
    const pkg = readJson(pkgJson);
    const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).sort();
    for (const name of names) {
      const depJson = resolveFrom(`${name}/package.json`, [path.dirname(pkgJson)]);
      if (!depJson) continue;
      const dep = new languagePb.DependencyInfo();
      dep.setName(name);
      dep.setVersion(String(readJson(depJson).version || ""));
      res.addDependencies(dep);
    }
    return res;
  };

  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  server.addService(services.LanguageRuntimeService, {
    getPluginInfo: unary("GetPluginInfo", () => {
      const res = new pluginPb.PluginInfo();
      res.setVersion(sdkVersion);
      return res;
    }),
    handshake: unary("Handshake", (req) => {
      if (req.getEngineAddress()) engineAddress = req.getEngineAddress();
      return new languagePb.LanguageHandshakeResponse();
    }),
    // Programs here use only dynamic providers, which need no plugin downloads.
    getRequiredPlugins: unary("GetRequiredPlugins", () => new languagePb.GetRequiredPluginsResponse()),
    getRequiredPackages: unary("GetRequiredPackages", () => new languagePb.GetRequiredPackagesResponse()),
    run: unary("Run", run),
    // Dependencies are installed by `npm ci` (scripts/with-toolchain.sh), not by the engine.
    installDependencies: (/** @type {any} */ call) => {
      log("InstallDependencies");
      call.end();
    },
    about: unary("About", () => {
      const res = new languagePb.AboutResponse();
      res.setExecutable(process.execPath);
      res.setVersion(process.version.replace(/^v/, ""));
      return res;
    }),
    getProgramDependencies: unary("GetProgramDependencies", programDependencies),
    // The engine cancels before shutting a plugin down; running programs are stopped on SIGINT below.
    cancel: unary("Cancel", () => new emptyPb.Empty()),
  });

  const shutdown = (/** @type {NodeJS.Signals} */ signal) => {
    log(`received ${signal}`);
    for (const child of running) child.kill(signal);
    server.forceShutdown();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  server.bindAsync(
    "127.0.0.1:0",
    grpc.ServerCredentials.createInsecure(),
    (/** @type {Error|null} */ err, /** @type {number} */ port) => {
      if (err) {
        process.stderr.write(`pulumi-language-nodejs: could not start the gRPC server: ${err.message}\n`);
        process.exit(1);
      }
      log(`listening on ${port}; args ${JSON.stringify(process.argv.slice(2))}; cwd ${startDir}`);
      process.stdout.write(`${port}\n`);
    },
  );
}

main();
