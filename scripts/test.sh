#!/usr/bin/env bash
# `npm test` (through scripts/with-toolchain.sh): lint, build, then the whole suite: unit and
# integration tests, then the e2e tests on the real Pulumi engine, then the __provider size figures.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

step "lint and typecheck"
eslint .
prettier --check .
tsc -p tsconfig.json --noEmit
# The API reference: fails on a public input or output without its doc comment.
typedoc --logLevel Warn

step "build and install the package into this checkout"
bash scripts/install-self.sh
tsc -p examples/quickstart

step "unit and integration tests"
jest --ci --selectProjects unit integration

step "e2e tests (real Pulumi engine)"
jest --ci --runInBand --selectProjects e2e

step "benchmark: __provider bytes per resource"
node scripts/provider-size.js

step "benchmark: 100 sendbird.Bot creates under Sendbird's write limits"
node scripts/bench-pacing.js 100
