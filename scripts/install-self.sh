#!/usr/bin/env bash
# Builds the package and installs it into this checkout's own node_modules/pulumi-chatbots exactly
# as a user would get it (`npm pack`: only the published files). Programs in this repository (the
# root stack, examples, e2e projects) then `require("pulumi-chatbots")` from a real node_modules
# path, which is also what Pulumi needs to store the small `require(...)` form of the provider shim
# (see provider/core/shim.ts) instead of serialising it by value.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack --silent --pack-destination "$tmp" 2>/dev/null | tail -n 1)
target=node_modules/pulumi-chatbots
rm -rf "$target"
mkdir -p "$target"
tar -xzf "$tmp/$tarball" -C "$target" --strip-components=1
