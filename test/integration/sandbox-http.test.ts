/**
 * The vendor-neutral sandbox server (sandbox/http.ts) over real HTTP, with a minimal vendor:
 * what happens around the handler when a fault fires, and shutting down with work still pending.
 */
import {
  startSandboxServer,
  type SandboxRequest,
  type SandboxServer,
  type StatusFault,
} from "../../sandbox/http";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server whose handler counts calls and answers {"n": calls}, or throws when `failing` is set. */
async function startCountingServer() {
  const state = { calls: 0, failing: false, statusFaults: [] as StatusFault[] };
  const server = await startSandboxServer({
    secretHeaders: ["x-secret"],
    handle: () => {
      state.calls += 1;
      if (state.failing) throw new Error("handler failed");
      return { status: 200, body: { n: state.calls } };
    },
    renderStatusFault: (fault: StatusFault, _req: SandboxRequest) => {
      state.statusFaults.push(fault);
      return { status: fault.status, body: { vendorError: fault.code ?? 0 } };
    },
    renderInternalError: () => ({ status: 500, body: { vendorError: "internal" } }),
    authorizeControl: () => undefined,
  });
  return { server, state };
}

describe("sandbox server", () => {
  let server: SandboxServer;
  let state: Awaited<ReturnType<typeof startCountingServer>>["state"];
  beforeEach(async () => {
    ({ server, state } = await startCountingServer());
  });
  afterEach(() => server.stop());

  const post = (body: unknown = { hello: "world" }) =>
    fetch(`${server.origin}/api`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Secret": "s3cret" },
      body: JSON.stringify(body),
    });

  it("renders commit-then-status through renderStatusFault, after the handler ran", async () => {
    server.faults.inject({ fault: { kind: "commit-then-status", status: 503, code: 7 } });
    const response = await post();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ vendorError: 7 });
    expect(state.calls).toBe(1);
    expect(state.statusFaults).toEqual([{ kind: "status", status: 503, code: 7 }]);
    expect(server.requests.at(-1)).toMatchObject({ status: 503, headers: { "x-secret": "[REDACTED]" } });
  });

  it("keeps serving when the handler of a reset-then-commit request throws after the reset", async () => {
    state.failing = true;
    server.faults.inject({ fault: { kind: "reset-then-commit" } });
    await expect(post()).rejects.toThrow();
    for (let waited = 0; state.calls === 0 && waited < 1000; waited += 10) await sleep(10);
    expect(state.calls).toBe(1);

    state.failing = false;
    const response = await post();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ n: 2 });
  });

  it("drops a delayed commit still pending when stopped, and stops at once", async () => {
    server.faults.inject({ fault: { kind: "reset-then-commit", delayMs: 200 } });
    await expect(post()).rejects.toThrow();
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(150);
    await sleep(300);
    expect(state.calls).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].status).toBeUndefined();
  });

  it("answers a foreign fault with the stock page of its status and never calls the handler", async () => {
    server.faults.inject({ fault: { kind: "foreign", status: 502 } });
    const response = await post();
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(await response.text()).toContain("<title>502 Bad Gateway</title>");
    expect(state.calls).toBe(0);
    expect(server.requests.at(-1)).toMatchObject({ body: { hello: "world" }, status: 502 });
  });

  it("adds the server-wide latency to a latency fault", async () => {
    server.setLatency(100);
    server.faults.inject({ fault: { kind: "latency", ms: 100 } });
    const started = Date.now();
    expect((await post()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("refuses an invalid latency at start", async () => {
    await expect(
      startSandboxServer({
        latencyMs: NaN,
        secretHeaders: [],
        handle: () => ({ status: 200 }),
        renderStatusFault: () => ({ status: 500 }),
        renderInternalError: () => ({ status: 500 }),
        authorizeControl: () => undefined,
      }),
    ).rejects.toThrow(/Latency/);
  });
});
