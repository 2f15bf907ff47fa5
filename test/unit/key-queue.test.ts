import { KeyQueue } from "../../provider/core/keyQueue";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A task that records when it starts and ends, and finishes when `finish` is called. */
function task(log: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (err: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const fn = async () => {
    log.push(`start ${name}`);
    try {
      return await done;
    } finally {
      log.push(`end ${name}`);
    }
  };
  return { fn, finish: () => finish(name), fail: (m: string) => fail(new Error(m)) };
}

describe("KeyQueue", () => {
  test("runs the functions of one key one at a time, in arrival order", async () => {
    const q = new KeyQueue();
    const log: string[] = [];
    const [a, b, c] = ["a", "b", "c"].map((n) => task(log, n));
    const results = [q.run("bot", a.fn), q.run("bot", b.fn), q.run("bot", c.fn)];
    await tick();
    expect(log).toEqual(["start a"]);
    c.finish(); // finishing out of order changes nothing: c has not started
    b.finish();
    await tick();
    expect(log).toEqual(["start a"]);
    a.finish();
    expect(await Promise.all(results)).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  test("different keys run in parallel", async () => {
    const q = new KeyQueue();
    const log: string[] = [];
    const a = task(log, "a");
    const b = task(log, "b");
    const ra = q.run("bot 1", a.fn);
    const rb = q.run("bot 2", b.fn);
    await tick();
    expect(log).toEqual(["start a", "start b"]);
    b.finish();
    expect(await rb).toBe("b");
    a.finish();
    expect(await ra).toBe("a");
  });

  test("a failing function rejects its own promise only and does not block the queue", async () => {
    const q = new KeyQueue();
    const log: string[] = [];
    const a = task(log, "a");
    const b = task(log, "b");
    const ra = q.run("bot", a.fn);
    const thrower = q.run("bot", () => {
      throw new Error("synchronous");
    });
    const rb = q.run("bot", b.fn);
    a.fail("boom");
    await expect(ra).rejects.toThrow("boom");
    await expect(thrower).rejects.toThrow("synchronous");
    b.finish();
    await expect(rb).resolves.toBe("b");
  });

  test("a key is forgotten once its queue is empty", async () => {
    const q = new KeyQueue();
    await Promise.all([q.run("x", async () => 1), q.run("y", async () => 2)]);
    await tick();
    expect(q.activeKeys).toBe(0);
    // ...and reused afterwards.
    await expect(q.run("x", async () => 3)).resolves.toBe(3);
  });

  test("at most one function per key is ever running, under a random load", async () => {
    const q = new KeyQueue();
    const running = new Map<string, number>();
    let maxSeen = 0;
    const order: Record<string, number[]> = {};
    const jobs = Array.from({ length: 200 }, (_, i) => {
      const key = `k${i % 5}`;
      return q.run(key, async () => {
        (order[key] ??= []).push(i);
        running.set(key, (running.get(key) ?? 0) + 1);
        maxSeen = Math.max(maxSeen, running.get(key) ?? 0);
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        running.set(key, (running.get(key) ?? 0) - 1);
        if (i % 7 === 0) throw new Error("fails now and then");
      });
    });
    await Promise.allSettled(jobs);
    expect(maxSeen).toBe(1);
    for (const list of Object.values(order)) expect(list).toEqual([...list].sort((a, b) => a - b));
  });
});
