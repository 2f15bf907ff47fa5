#!/usr/bin/env bash
# `npm test` (through scripts/with-toolchain.sh): lint, build, then the whole suite: unit and
# integration tests, then the e2e tests on the real Pulumi engine, then the benchmarks at a small size.
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

step "benchmarks at the small size (so they cannot rot; npm run bench for the real figures)"
node scripts/bench/run.js --small
