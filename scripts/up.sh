#!/usr/bin/env bash
# `npm run up` (through scripts/with-toolchain.sh): the root stack (Pulumi.yaml, the quickstart)
# against the local Sendbird sandbox, with a local file backend. Everything local lives in
# .pulumi-local/ (git-ignored): the backend, the sandbox's bots, and a generated passphrase, so a
# second run finds the bot it made and shows no changes. Extra arguments go to `pulumi up`.
set -euo pipefail
cd "$(dirname "$0")/.."

local_dir=$PWD/.pulumi-local
mkdir -p "$local_dir/state"

bash scripts/install-self.sh
tsc -p examples/quickstart

random_hex() { node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("hex"))'; }

# Generated on first use, never committed: the passphrase that encrypts this stack's secrets.
[ -s "$local_dir/passphrase" ] || random_hex >"$local_dir/passphrase"
export PULUMI_CONFIG_PASSPHRASE_FILE=$local_dir/passphrase
export PULUMI_BACKEND_URL=file://$local_dir/state

# The sandbox accepts whatever token it is started with; a fresh one each run.
SENDBIRD_API_TOKEN=$(random_hex)
export SENDBIRD_API_TOKEN
node dist/sandbox/cli.js sendbird --state-file "$local_dir/sandbox-sendbird.json" \
  >"$local_dir/sandbox.out" 2>"$local_dir/sandbox.log" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$local_dir/sandbox.out" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$local_dir/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
SENDBIRD_API_URL=$(node -p 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).url' "$local_dir/sandbox.out")
export SENDBIRD_API_URL
echo "Sendbird sandbox at $SENDBIRD_API_URL" >&2

pulumi stack select --create dev
pulumi up --yes "$@"
