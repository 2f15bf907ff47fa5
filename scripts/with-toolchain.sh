#!/usr/bin/env bash
# Usage: bash scripts/with-toolchain.sh <command...>
#
# Makes sure everything the project needs is present, then execs <command> with an
# environment in which `node` (>= 22), `pulumi` (same version as the installed
# @pulumi/pulumi), the Pulumi plugins `pulumi-resource-pulumi-nodejs` and
# `pulumi-language-nodejs`, and node_modules/.bin are on PATH.
#
# Nothing is downloaded from Pulumi's own sites: Node 22 comes from the npm package
# node-linux-<arch>, and the Pulumi CLI is built from the Go module proxy with the Go
# toolchain (the first time only; the result is cached).
#
# Cache (outside the repo, shared by all clones):
#   ${PULUMI_CHATBOTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-chatbots}
#     node-v<version>-linux-<arch>/bin/node
#     pulumi-v<version>/bin/pulumi          (plus pulumi-v<version>.build.log)
#
# Progress goes to stderr; stdout belongs to <command>.
set -euo pipefail

# Node version used when the `node` on PATH is older than 22 (@pulumi/pulumi needs >= 22).
NODE_PIN=22.23.3
NODE_MIN_MAJOR=22

say() { printf '[with-toolchain] %s\n' "$*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

[ "$#" -gt 0 ] || die "usage: bash scripts/with-toolchain.sh <command...>"

# --- (1) repository root ---------------------------------------------------------------
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

CACHE_DIR=${PULUMI_CHATBOTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-chatbots}
mkdir -p "$CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)

# Runs "$@" in a subshell, holding an exclusive lock on $CACHE_DIR/<name>.lock (when flock
# exists), so that two first runs at the same time do not both download or build the same thing.
with_lock() {
  local name=$1
  shift
  (
    if command -v flock >/dev/null 2>&1; then
      flock 9
    fi
    "$@"
  ) 9>"$CACHE_DIR/$name.lock"
}

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# --- (3) Node >= 22 ----------------------------------------------------------------------
# Done before `npm ci` so that npm itself runs on a Node that satisfies the packages'
# "engines" (npm is the machine's; its `#!/usr/bin/env node` picks up PATH).
fetch_node() {
  local dir=$1 arch=$2 tmp tarball
  [ -x "$dir/bin/node" ] && return 0
  say "fetching Node $NODE_PIN (npm package node-linux-$arch) into $dir"
  tmp=$(mktemp -d "$CACHE_DIR/.node.XXXXXX")
  tarball=$(cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_PIN" | tail -n 1) ||
    {
      rm -rf "$tmp"
      die "npm pack node-linux-$arch@$NODE_PIN failed"
    }
  tar -xzf "$tmp/$tarball" -C "$tmp"
  [ -x "$tmp/package/bin/node" ] || {
    rm -rf "$tmp"
    die "node-linux-$arch@$NODE_PIN has no package/bin/node"
  }
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
}

if [ "$(node_major node)" -ge "$NODE_MIN_MAJOR" ]; then
  : # the node on PATH is recent enough
else
  case "$(uname -m)" in
    x86_64 | amd64) node_arch=x64 ;;
    aarch64 | arm64) node_arch=arm64 ;;
    *) die "no Node >= $NODE_MIN_MAJOR on PATH, and no node-linux package for $(uname -m)" ;;
  esac
  node_dir="$CACHE_DIR/node-v$NODE_PIN-linux-$node_arch"
  command -v npm >/dev/null 2>&1 || die "npm is needed (to fetch Node $NODE_PIN and install packages)"
  with_lock node fetch_node "$node_dir" "$node_arch"
  export PATH="$node_dir/bin:$PATH"
  say "using Node $(node --version) from $node_dir (the node on PATH is older than $NODE_MIN_MAJOR)"
fi

# --- (2) node_modules --------------------------------------------------------------------
# The stamp holds the hash of the package-lock.json that was installed; `npm ci` runs again
# whenever the lock file changes (npm ci deletes node_modules, and the stamp with it).
INSTALL_STAMP=node_modules/.pulumi-chatbots-install-stamp
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$INSTALL_STAMP" 2>/dev/null || true)" != "$lock_hash" ]; then
  say "installing node_modules (npm ci; package-lock.json is new or changed)"
  npm_log=$(mktemp)
  if npm ci --no-audit --no-fund >"$npm_log" 2>&1; then
    cat "$npm_log" >&2
  else
    # npm ci refuses a lock file that lacks optional platform packages the registry in use
    # does not serve (e.g. other OSes' @unrs/resolver-binding-*); it fails before touching
    # node_modules. `npm install --no-save` installs the same locked versions and leaves
    # package.json and package-lock.json as they are.
    say "npm ci cannot use package-lock.json with this registry ($(grep -m1 -v -e '^npm warn' -e '^npm error code' -e '^npm error$' "$npm_log" | sed 's/^npm error //' || true))," \
      "so installing the same locked versions with npm install --no-save; nothing is wrong with the checkout"
    npm install --no-save --no-audit --no-fund >&2 || die "installing node_modules failed"
  fi
  rm -f "$npm_log"
  printf '%s\n' "$lock_hash" >"$INSTALL_STAMP"
fi

# Per-clone directory for plugin links, used only with a Pulumi installation that lacks a
# plugin (links in the shared cache could point into another clone).
TOOL_BIN="$REPO_ROOT/node_modules/.pulumi-chatbots-bin"
mkdir -p "$TOOL_BIN"

# --- (4) Pulumi CLI ----------------------------------------------------------------------
PULUMI_VERSION=$(node -p 'require("./node_modules/@pulumi/pulumi/package.json").version') ||
  die "cannot read the version of node_modules/@pulumi/pulumi"

go_bin() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [ -x /usr/local/go/bin/go ]; then
    echo /usr/local/go/bin/go
  else
    return 1
  fi
}

# While the build (pid $1, log $2, work dir $3, started at $4 in $SECONDS) runs, prints a progress
# line every 15 s (PULUMI_CHATBOTS_PROGRESS_SECONDS): the phase, the elapsed time, and modules
# fetched into the module cache ($5) or packages compiled so far (of the total `go list` counted),
# so a first run is not minutes of silence.
report_build_progress() {
  local pid=$1 log=$2 work=$3 start=$4 modcache=$5 phase detail total compiled
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 1 "${PULUMI_CHATBOTS_PROGRESS_SECONDS:-15}"); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 1
    done
    phase=$(grep -o '^== phase: .*' "$log" 2>/dev/null | tail -n 1 | cut -c11-)
    case "$phase" in
      compile)
        total=$(cat "$work/package-count" 2>/dev/null || true)
        compiled=$(sed -n '/^== phase: compile/,$p' "$log" | grep -c '^[a-z0-9.-]*\.[a-z]*/' || true)
        detail="$compiled${total:+ of $total} packages compiled"
        ;;
      download)
        detail="$(find "$modcache/cache/download" -name '*.zip' -newer "$work/go.mod" 2>/dev/null | wc -l) modules fetched"
        ;;
      *) detail="resolving the module graph" phase=prepare ;;
    esac
    say "  building the Pulumi CLI: $phase, $((SECONDS - start))s elapsed, $detail"
  done
}

# Builds github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at v$1 into $2/bin/pulumi.
# `go install …/cmd/pulumi@vX` is refused (pulumi's go.mod files have replace directives), so
# a throwaway main module requires pkg/v3 and sdk/v3 at that version and repeats their
# non-local replace directives, then builds the CLI package out of the dependency.
build_pulumi() {
  local version=$1 dest=$2 go log tmp start mods rc
  [ -x "$dest/bin/pulumi" ] && return 0 # built by a concurrent run while we waited
  go=$(go_bin) || die "the Pulumi CLI v$version must be built, but no Go toolchain was found (PATH, /usr/local/go)"
  log="$dest.build.log"
  tmp=$(mktemp -d "$CACHE_DIR/.build-pulumi-v$version.XXXXXX")
  mods=("github.com/pulumi/pulumi/pkg/v3@v$version" "github.com/pulumi/pulumi/sdk/v3@v$version")
  say "building the Pulumi CLI v$version with $("$go" version | cut -d' ' -f3)" \
    "(first run only, about 15 minutes on 2 cores; later runs reuse it; log: $log)"
  start=$SECONDS
  # Remove the half-finished build if we are interrupted (build_pulumi runs in a subshell).
  trap "rm -rf '$tmp'" EXIT
  # `set -e` does not work inside a subshell that is an `if`/`||` condition: check $? instead.
  set +e
  (
    set -euo pipefail
    cd "$tmp"
    export GOWORK=off CGO_ENABLED=0
    "$go" mod init pulumi-cli-build
    "$go" mod edit "${mods[@]/#/-require=}"
    # Replace directives of pkg/v3 and sdk/v3, except those pointing at local paths (which
    # only make sense inside pulumi's own repository).
    for m in "${mods[@]}"; do
      gomod=$("$go" mod download -json "$m" | node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
        if (j.Error) { console.error(j.Error); process.exit(1); }
        console.log(j.GoMod);')
      "$go" mod edit -json "$gomod"
    done >"$tmp/deps-gomod.jsonl"
    replaces=$(node -e 'const text = require("fs").readFileSync(process.argv[1], "utf8");
      const out = new Set();
      // `go mod edit -json` prints one pretty-printed object per file; top-level "}" is at column 0.
      for (const doc of text.split(/^\}$/m).filter((d) => d.trim())) {
        for (const r of JSON.parse(doc + "}").Replace || []) {
          if (!r.New.Version) continue; // a local path
          const old = r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "");
          out.add(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
        }
      }
      console.log([...out].join("\n"));' "$tmp/deps-gomod.jsonl")
    echo "replace directives: ${replaces:-none}"
    if [ -n "$replaces" ]; then
      # shellcheck disable=SC2086 # one directive per line, none contains spaces
      "$go" mod edit $replaces
    fi
    echo "== phase: download"
    "$go" mod download "${mods[@]%@*}"
    "$go" list -mod=mod -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi | grep -c . >"$tmp/package-count" || true
    echo "== phase: compile"
    # -v prints each package as it is compiled: the progress report below counts them.
    "$go" build -v -mod=mod -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
      -o "$tmp/out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    got=$("$tmp/out/bin/pulumi" version)
    [ "$got" = "v$version" ] || {
      echo "the built CLI reports '$got', expected 'v$version'"
      exit 1
    }
  ) >"$log" 2>&1 &
  build_pid=$!
  report_build_progress "$build_pid" "$log" "$tmp" "$start" "$("$go" env GOMODCACHE)"
  wait "$build_pid"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    say "ERROR: building the Pulumi CLI v$version failed after $((SECONDS - start))s. Last lines of $log:"
    tail -n 25 "$log" >&2
    die "no Pulumi CLI. Install pulumi v$version on PATH, or fix the Go build above and run again."
  fi
  # Publish atomically: an interrupted build never leaves a half-written binary in place.
  rm -rf "$dest"
  mv "$tmp/out" "$dest"
  rm -rf "$tmp"
  say "built the Pulumi CLI v$version in $((SECONDS - start))s: $dest/bin/pulumi"
}

if command -v pulumi >/dev/null 2>&1 && [ "$(pulumi version 2>/dev/null || true)" = "v$PULUMI_VERSION" ]; then
  PULUMI_BIN=$(command -v pulumi)
  PULUMI_IS_OURS=false
  case "$(readlink -f "$PULUMI_BIN")" in "$CACHE_DIR"/*) PULUMI_IS_OURS=true ;; esac
else
  pulumi_dir="$CACHE_DIR/pulumi-v$PULUMI_VERSION"
  if [ ! -x "$pulumi_dir/bin/pulumi" ]; then
    with_lock "pulumi-v$PULUMI_VERSION" build_pulumi "$PULUMI_VERSION" "$pulumi_dir"
  fi
  PULUMI_BIN="$pulumi_dir/bin/pulumi"
  PULUMI_IS_OURS=true
  export PATH="$pulumi_dir/bin:$PATH"
fi
# The engine looks for its bundled plugins (the two below) beside its own executable, with
# symlinks resolved, and on PATH; it prefers PATH but then warns "using <plugin> from $PATH".
PULUMI_BIN_DIR=$(dirname "$(readlink -f "$PULUMI_BIN")")

# Copies $1 to $2 (mode 755) unless $2 already has that content; atomic for concurrent runs.
install_if_changed() {
  cmp -s "$1" "$2" 2>/dev/null && return 0
  cp "$1" "$2.tmp.$$"
  chmod 755 "$2.tmp.$$"
  mv -f "$2.tmp.$$" "$2"
}

# `command -v`, ignoring this clone's TOOL_BIN (an outer run of this script may have put it on PATH).
find_on_path() {
  (
    PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$TOOL_BIN" | paste -sd: -)
    command -v "$1"
  ) 2>/dev/null
}

# Makes plugin $1 available from $2, unless the engine finds a real one already.
# - Beside our own cached CLI: there, so the engine finds it without a warning.
# - With a Pulumi installation: only where it has none (beside it or on PATH), through a
#   link in TOOL_BIN, which is put on PATH.
provide_plugin() {
  local name=$1 src=$2 found
  found=$(find_on_path "$name" || true)
  if [ "$PULUMI_IS_OURS" = true ] && { [ -z "$found" ] || [ "$found" -ef "$PULUMI_BIN_DIR/$name" ]; }; then
    install_if_changed "$src" "$PULUMI_BIN_DIR/$name"
    rm -f "$TOOL_BIN/$name"
  elif [ -n "$found" ] || [ -x "$PULUMI_BIN_DIR/$name" ]; then
    rm -f "$TOOL_BIN/$name" # a real one exists
  else
    ln -sfn "$src" "$TOOL_BIN/$name"
  fi
}

# --- (5) the dynamic-provider plugin -----------------------------------------------------
# A /bin/sh script shipped in @pulumi/pulumi (it runs `node @pulumi/pulumi/cmd/dynamic-provider`
# resolved from the program directory); it is never downloaded.
provide_plugin pulumi-resource-pulumi-nodejs "$REPO_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

# --- (6) the nodejs language host --------------------------------------------------------
# A real pulumi-language-nodejs (from a Pulumi installation) is kept when there is one;
# otherwise ours (scripts/language-host), since the official Go binary cannot be built here.
# Beside the cached CLI it is a copy (the cache is shared by clones), so main.js goes too.
if [ "$PULUMI_IS_OURS" = true ]; then
  install_if_changed "$REPO_ROOT/scripts/language-host/main.js" "$PULUMI_BIN_DIR/pulumi-language-nodejs.main.js"
  lh_wrapper=$(mktemp)
  printf '%s\n' '#!/bin/sh' \
    '# The nodejs language host of pulumi-chatbots (scripts/language-host), put here by its' \
    '# scripts/with-toolchain.sh because the official one cannot be built from the Go module proxy.' \
    'exec node "$(dirname "$(readlink -f "$0")")/pulumi-language-nodejs.main.js" "$@"' >"$lh_wrapper"
  provide_plugin pulumi-language-nodejs "$lh_wrapper"
  rm -f "$lh_wrapper"
else
  provide_plugin pulumi-language-nodejs "$REPO_ROOT/scripts/language-host/pulumi-language-nodejs"
fi

# --- (7) run -----------------------------------------------------------------------------
export PATH="$REPO_ROOT/node_modules/.bin:$TOOL_BIN:$PATH"
export PULUMI_SKIP_UPDATE_CHECK=true
exec "$@"
