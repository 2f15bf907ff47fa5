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
 * - `Run` starts `node [nodeargs] @pulumi/pulumi/cmd/run …` for the program, like the official host
 *   does, with the same environment: Pulumi.yaml's runtime options (`runtime: {name: nodejs,
 *   options: {...}}`) become PULUMI_NODEJS_TYPESCRIPT=true (unless `typescript: false`) and
 *   PULUMI_NODEJS_TSCONFIG_PATH (`tsconfig`); cmd/run then registers ts-node, which type-checks
 *   against the project's tsconfig (unless PULUMI_NODEJS_TRANSPILE_ONLY=true or `noCheck`) and
 *   lets `require` of the program directory find index.ts. Without that, Node 22 would run .ts
 *   files through its own type stripping: no type check, no enums, no index.ts.
 *   Anything else on our stdout/stderr (including the program's) is shown by the engine.
 *
 * Only what `pulumi up/preview/refresh/destroy/stack/config` need for a JavaScript or TypeScript
 * program is implemented; every other RPC answers UNIMPLEMENTED (grpc-js does that for missing handlers).
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

/**
 * The nodejs runtime options of Pulumi.yaml, checked as the official host checks them
 * (pulumi-language-nodejs parseOptions): `typescript` defaults to true. `packagemanager` is not
 * read: dependencies are installed by npm, not by this host.
 * @param {Record<string, unknown>} options
 * @returns {{ typescript: boolean, tsconfig: string, nodeargs: string }}
 */
function parseRuntimeOptions(options) {
  const parsed = { typescript: true, tsconfig: "", nodeargs: "" };
  if ("typescript" in options) {
    if (typeof options.typescript !== "boolean") {
      throw new Error("the nodejs runtime option typescript must be a boolean");
    }
    parsed.typescript = options.typescript;
  }
  for (const key of /** @type {const} */ (["tsconfig", "nodeargs"])) {
    if (key in options) {
      const value = options[key];
      if (typeof value !== "string") throw new Error(`the nodejs runtime option ${key} must be a string`);
      parsed[key] = value;
    }
  }
  return parsed;
}

/**
 * Splits `nodeargs` into arguments like a POSIX shell would, without expansions (the official
 * host uses shlex): blanks separate, quotes group, a backslash escapes outside single quotes.
 * @param {string} text
 * @returns {string[]}
 */
function splitArgs(text) {
  /** @type {string[]} */
  const args = [];
  let current = "";
  let inArg = false;
  /** @type {string | undefined} */
  let quote;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
    } else if (c === "\\" && i + 1 < text.length && (quote === undefined || /["\\$`]/.test(text[i + 1]))) {
      current += text[++i];
      inArg = true;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) args.push(current);
      current = "";
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (quote !== undefined) throw new Error("the nodejs runtime option nodeargs has an unclosed quote");
  if (inArg) args.push(current);
  return args;
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
    // itself (then @pulumi/pulumi's run uses package.json "main", or else `require`s the directory,
    // which finds index.ts too once ts-node is registered).
    const entryPoint = (info && info.getEntryPoint()) || req.getProgram() || ".";

    const runPath =
      process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH ||
      resolveFrom("@pulumi/pulumi/cmd/run", [programDir, rootDir, startDir]) ||
      path.join(pulumiDir, "cmd", "run");

    const res = new languagePb.RunResponse();
    /** @type {ReturnType<typeof parseRuntimeOptions>} */
    let options;
    /** @type {string[]} */
    let nodeArgs;
    try {
      const optionsStruct = info && info.getOptions();
      options = parseRuntimeOptions(optionsStruct ? optionsStruct.toJavaScript() : {});
      nodeArgs = splitArgs(options.nodeargs);
    } catch (err) {
      res.setError(String(err instanceof Error ? err.message : err));
      return Promise.resolve(res);
    }

    /** @type {string[]} */
    const args = [...nodeArgs, runPath];
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
    /** @type {NodeJS.ProcessEnv} */
    const env = {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    };
    // As the official host: set when on, left as the user's environment has it when off.
    if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    log(`Run: ${process.execPath} ${args.join(" ")} (cwd ${pwd})`);

    return new Promise((resolve) => {
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
