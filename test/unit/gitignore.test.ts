/**
 * What the repository's .gitignore keeps out of `git add -A` in a clone: what following an
 * example's README leaves behind (the LINE WORKS example's private key above all), and nothing that
 * is meant to be committed (the package-install test's tarball fixtures).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.join(__dirname, "..", "..");

/** Which of `paths` (relative to the root, whether they exist or not) .gitignore ignores. */
function ignored(paths: string[]): string[] {
  const result = spawnSync("git", ["check-ignore", "--no-index", "--", ...paths], {
    cwd: root,
    encoding: "utf8",
  });
  // Exit 1: none of them is ignored.
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`git check-ignore failed: ${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line.length > 0);
}

test("what following the examples' READMEs writes is ignored: the tarball, lock files, the LINE WORKS key pair", () => {
  const left = [
    "pulumi-chatbots-0.1.0.tgz", // npm pack at the root
    "examples/deadsimplechat/package-lock.json", // npm install in an example
    "examples/lineworks/package-lock.json",
    "examples/multi-platform/package-lock.json",
    "examples/whats91/package-lock.json",
    "examples/lineworks/private.key", // the key pair its README makes with openssl
    "examples/lineworks/public.pem",
  ];
  expect(ignored(left)).toEqual(left);
});

test("what is committed stays committable: the tarball fixtures, the root lock file, the examples' files", () => {
  const kept = [
    "test/e2e/package-fixtures/pulumi-chatbots-0.1.0.tgz",
    "package-lock.json",
    "examples/lineworks/package.json",
    "examples/lineworks/index.js",
    "examples/lineworks/README.md",
  ];
  expect(ignored(kept)).toEqual([]);
});
