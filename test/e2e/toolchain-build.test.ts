/**
 * The first run of scripts/with-toolchain.sh builds the Pulumi CLI for minutes: it must say what
 * it is doing while it does (phase, elapsed time, packages compiled of the total), not stay silent.
 * A stand-in `go` on PATH plays the build (the real one takes minutes), with an empty cache
 * directory and no `pulumi` on PATH, so the script takes its build path.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

jest.setTimeout(5 * 60 * 1000);

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Answers the go commands the script runs. `go build -v` prints its packages one by one, slowly
 * enough for several progress reports, then writes a `pulumi` that reports the version it was
 * stamped with (-ldflags ...Version=vX).
 */
const FAKE_GO = `#!/usr/bin/env bash
set -euo pipefail
case "$1 \${2:-}" in
  "version "*) echo "go version go1.0-fake linux/amd64" ;;
  "env GOMODCACHE") echo "$FAKE_GO_HOME/mod" ;;
  "mod init") echo "module $3" >go.mod ;;
  "mod edit")
    if [ "\${3:-}" = "-json" ]; then printf '{\\n}\\n'; fi ;;
  "mod download")
    if [ "\${3:-}" = "-json" ]; then echo "{\\"GoMod\\": \\"$PWD/go.mod\\"}"; else
      mkdir -p "$FAKE_GO_HOME/mod/cache/download" && touch "$FAKE_GO_HOME/mod/cache/download/m.zip"; fi ;;
  "list "*) printf 'example.com/a\\nexample.com/b\\nexample.com/c\\nexample.com/d\\n' ;;
  "build "*)
    out= version=
    for arg in "$@"; do
      [ "\${prev:-}" = "-o" ] && out=$arg
      case "$arg" in *Version=v*) version=\${arg##*Version=} ;; esac
      prev=$arg
    done
    for p in a b c d; do sleep 1; echo "example.com/$p" >&2; done
    mkdir -p "$(dirname "$out")"
    printf '#!/bin/sh\\necho %s\\n' "$version" >"$out" && chmod +x "$out" ;;
  *) echo "fake go: unexpected: $*" >&2; exit 1 ;;
esac
`;

test("a first run reports the CLI build's phase, elapsed time and packages compiled, then uses the CLI", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbots-toolchain-"));
  try {
    const fakeBin = path.join(dir, "bin");
    fs.mkdirSync(fakeBin);
    fs.writeFileSync(path.join(fakeBin, "go"), FAKE_GO, { mode: 0o755 });
    // Node (this test's, >= 22) and the basic tools, but no pulumi and no real go.
    const PATH = [fakeBin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(":");
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        "bash",
        ["scripts/with-toolchain.sh", "pulumi", "version"],
        {
          cwd: REPO_ROOT,
          env: {
            PATH,
            HOME: dir,
            PULUMI_CHATBOTS_CACHE: path.join(dir, "cache"),
            PULUMI_CHATBOTS_PROGRESS_SECONDS: "1",
            FAKE_GO_HOME: dir,
          },
        },
        (error, out, err) =>
          error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err }),
      ),
    );
    const version = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ).version;
    expect(stdout.trim()).toBe(`v${version}`);
    expect(stderr).toContain(`building the Pulumi CLI v${version} with go1.0-fake`);
    const reports = stderr.match(
      /building the Pulumi CLI: compile, \d+s elapsed, \d+ of 4 packages compiled/g,
    );
    expect(reports?.length).toBeGreaterThanOrEqual(2);
    // The count moves as packages compile.
    const counts = (reports ?? []).map((line) => Number(/(\d+) of 4/.exec(line)?.[1]));
    expect(Math.max(...counts)).toBeGreaterThan(Math.min(...counts));
    expect(stderr).toMatch(new RegExp(`built the Pulumi CLI v${version} in \\d+s`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
