/**
 * The one-platform sandbox CLI (sandbox/cli.ts) started without a platform, or with one it does not
 * know: it names the platforms that exist, and exits 2 without starting anything.
 */
import { expectCliExit, useSandboxCli } from "./sandbox-kit";

const runCli = useSandboxCli({});

it("with no platform, says which platforms exist", async () => {
  const run = runCli([], {});
  await expectCliExit(
    run,
    2,
    "no platform given: the first argument must be one of sendbird, deadsimplechat, lineworks, whats91\n",
    "usage: cli.js sendbird",
    "usage: cli.js whats91",
  );
  expect(run.output().stderr).not.toContain("undefined");
}, 20_000);

it("with an unknown platform, names the choices without echoing the argument", async () => {
  const run = runCli(["sendbrd"], {});
  await expectCliExit(run, 2, "unknown platform: the first argument must be one of sendbird, deadsimplechat");
  expect(run.output().stderr).not.toContain("sendbrd");
  expect(run.output().stderr).not.toContain("undefined");
}, 20_000);
