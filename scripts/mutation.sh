#!/usr/bin/env bash
# Usage: bash scripts/with-toolchain.sh bash scripts/mutation.sh [--retest] <part> [concurrency]
#
# Mutation testing of one part of provider/, incremental. A whole run over provider/ takes hours on
# two cores, so it is done part by part, and each part's last results are kept in the repository
# (test/mutation/<part>.json.gz, Stryker's report, which is also its incremental file): a run tests
# only the mutants whose code or covering tests changed since, and keeps the others' results.
#
# Parts: sendbird, deadsimplechat, whats91, lineworks (the platform folders), core-client (the
# HTTP client and what it uses), core-lifecycle (the rest of core, handlers and resources).
# Scores and survivors of every part: node scripts/mutation-score.js [--list]
#
# --retest: also test again the mutants that survived, had no coverage or timed out last time.
# Stryker keeps such a result while the mutant's covering tests are unchanged, so a test added to
# kill it (a new test, or one in another file) goes unseen without this.
#
# Run it on an otherwise idle machine: a mutant whose tests run slowly because something else
# takes the CPU counts as timed out, which Stryker scores as killed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

retest=
if [ "${1:-}" = "--retest" ]; then
  retest=1
  shift
fi
part=${1:-}
concurrency=${2:-6}
case "$part" in
  sendbird | deadsimplechat | whats91 | lineworks) globs="provider/$part/**/*.ts,!provider/$part/index.ts" ;;
  core-client)
    globs=$(printf 'provider/core/%s.ts,' http errors credentials token coalesce keyQueue engineLog log)
    globs=${globs%,}
    ;;
  core-lifecycle)
    globs="provider/core/**/*.ts,provider/handlers.ts,provider/resources.ts"
    for f in http errors credentials token coalesce keyQueue engineLog log; do globs+=",!provider/core/$f.ts"; done
    ;;
  *)
    echo "usage: bash scripts/mutation.sh [--retest] <sendbird|deadsimplechat|whats91|lineworks|core-client|core-lifecycle> [concurrency]" >&2
    exit 2
    ;;
esac

baseline=test/mutation/$part.json.gz
work=reports/mutation/incremental-$part.json
mkdir -p reports/mutation test/mutation
if [ -f "$baseline" ]; then gunzip -c "$baseline" >"$work"; else rm -f "$work"; fi
if [ -n "$retest" ] && [ -f "$work" ]; then
  node -e '
    const fs = require("node:fs");
    const file = process.argv[1];
    const report = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const f of Object.values(report.files))
      f.mutants = f.mutants.filter((m) => !["Survived", "NoCoverage", "Timeout"].includes(m.status));
    fs.writeFileSync(file, JSON.stringify(report));
  ' "$work"
fi

npx stryker run stryker.config.mjs --mutate "$globs" --concurrency "$concurrency" \
  --incremental --incrementalFile "$work" --reporters clear-text,progress,html

gzip -9 -n -c "$work" >"$baseline"
echo "results kept in $baseline; scores: node scripts/mutation-score.js" >&2
