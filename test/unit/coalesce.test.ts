import { CoalescedReads } from "../../provider/core/coalesce";

/** A promise settled from outside, to hold a listing in flight for as long as a test needs. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A fetch that counts its calls and answers with the call number, or as the test settles it. */
function counting() {
  const pending: ReturnType<typeof deferred<number>>[] = [];
  const fetch = jest.fn(() => {
    const d = deferred<number>();
    pending.push(d);
    return d.promise;
  });
  return { fetch, pending, answer: (i: number, v = i + 1) => pending[i].resolve(v) };
}

/** Lets the listing's own bookkeeping (answeredAt, removal after a failure) run. */
const settle = () => new Promise<void>((res) => setTimeout(res, 0));

const TTL = 1_000;
let now: number;

beforeEach(() => {
  now = 1_700_000_000_000;
  jest.spyOn(Date, "now").mockImplementation(() => now);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe("CoalescedReads", () => {
  test("concurrent gets share one fetch, and all get its answer", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const all = [reads.get("bots", fetch), reads.get("bots", fetch), reads.get("bots", fetch)];
    expect(fetch).toHaveBeenCalledTimes(1);
    answer(0, 42);
    expect(await Promise.all(all)).toEqual([42, 42, 42]);
  });

  test("a listing in flight is shared however long it takes", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const first = reads.get("bots", fetch);
    now += 10 * TTL;
    const second = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
    answer(0);
    expect(await first).toBe(1);
    expect(await second).toBe(1);
  });

  test("a get within ttl after the listing answered shares it; one after ttl fetches anew", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const first = reads.get("bots", fetch);
    answer(0);
    expect(await first).toBe(1);

    now += TTL; // the ttl is inclusive
    expect(await reads.get("bots", fetch)).toBe(1);
    expect(fetch).toHaveBeenCalledTimes(1);

    now += 1;
    const third = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(1);
    expect(await third).toBe(2);
  });

  test("the ttl counts from the answer, not from the request", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const first = reads.get("bots", fetch);
    now += 5 * TTL; // a slow listing
    answer(0);
    await first;
    now += TTL - 1;
    expect(await reads.get("bots", fetch)).toBe(1);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("with real time and a tiny ttl: shared at once, fetched anew once the ttl has passed", async () => {
    jest.restoreAllMocks();
    const reads = new CoalescedReads<number>(20);
    let calls = 0;
    const fetch = async () => ++calls;
    expect(await reads.get("bots", fetch)).toBe(1);
    expect(await reads.get("bots", fetch)).toBe(1);
    await new Promise((res) => setTimeout(res, 60));
    expect(await reads.get("bots", fetch)).toBe(2);
  });

  test("concurrent waiters of a failed listing all get the same rejection", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, pending } = counting();
    const a = reads.get("bots", fetch);
    const b = reads.get("bots", fetch);
    const failure = new Error("HTTP 503");
    pending[0].reject(failure);
    await expect(a).rejects.toBe(failure);
    await expect(b).rejects.toBe(failure);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("a failed listing is not shared once it failed: the next get fetches again, even within ttl", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, pending, answer } = counting();
    const failed = reads.get("bots", fetch);
    pending[0].reject(new Error("HTTP 503"));
    await expect(failed).rejects.toThrow("HTTP 503");

    const retry = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(1);
    expect(await retry).toBe(2);
  });

  test("a failed listing that was already replaced does not drop its replacement", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, pending, answer } = counting();
    const old = reads.get("bots", fetch);
    await reads.mutating(async () => undefined); // the old listing is no longer shared
    const fresh = reads.get("bots", fetch);
    answer(1);
    expect(await fresh).toBe(2);

    pending[0].reject(new Error("late failure"));
    await expect(old).rejects.toThrow("late failure");
    await settle();
    expect(await reads.get("bots", fetch)).toBe(2);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("mutating returns the mutation's result; afterwards gets fetch anew, even within ttl", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const before = reads.get("bots", fetch);
    answer(0);
    expect(await before).toBe(1);

    const result = { id: "bot-1" };
    await expect(reads.mutating(async () => result)).resolves.toBe(result);

    const after = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(1);
    expect(await after).toBe(2);
  });

  test("mutating rethrows the mutation's error; afterwards gets fetch anew too (it may have been applied)", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const before = reads.get("bots", fetch);
    answer(0);
    await before;

    const failure = new Error("timeout");
    await expect(
      reads.mutating(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    const after = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(1);
    expect(await after).toBe(2);
  });

  test("a mutation that throws synchronously is rethrown as a rejection, and invalidates too", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const before = reads.get("bots", fetch);
    answer(0);
    await before;
    const failure = new Error("sync");
    await expect(
      reads.mutating(() => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    void reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a listing still in flight when a mutation ends is not joined afterwards, but answers its own waiters", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const early = reads.get("bots", fetch);
    await reads.mutating(async () => "written");

    const late = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(0, 10);
    answer(1, 20);
    expect(await early).toBe(10);
    expect(await late).toBe(20);

    // The early listing answered after the mutation: it does not come back into use.
    await settle();
    expect(await reads.get("bots", fetch)).toBe(20);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a listing made while a mutation runs is not shared after the mutation ended", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const write = deferred<string>();
    const mutation = reads.mutating(() => write.promise);

    const during = reads.get("bots", fetch);
    answer(0);
    expect(await during).toBe(1);
    // While the mutation runs the listing is shared as usual.
    expect(await reads.get("bots", fetch)).toBe(1);

    write.resolve("done");
    expect(await mutation).toBe("done");
    const after = reads.get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(1);
    expect(await after).toBe(2);
  });

  test("different keys do not share", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, answer } = counting();
    const a = reads.get("bots", fetch);
    const b = reads.get("domains", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(0, 1);
    answer(1, 2);
    expect(await a).toBe(1);
    expect(await b).toBe(2);
    // Each key keeps its own listing within the ttl.
    expect(await reads.get("bots", fetch)).toBe(1);
    expect(await reads.get("domains", fetch)).toBe(2);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a failure under one key leaves another key's listing shared", async () => {
    const reads = new CoalescedReads<number>(TTL);
    const { fetch, pending, answer } = counting();
    const a = reads.get("bots", fetch);
    const b = reads.get("domains", fetch);
    answer(0);
    pending[1].reject(new Error("nope"));
    expect(await a).toBe(1);
    await expect(b).rejects.toThrow("nope");
    expect(await reads.get("bots", fetch)).toBe(1);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("separate instances share nothing", async () => {
    const { fetch, answer } = counting();
    const one = new CoalescedReads<number>(TTL).get("bots", fetch);
    const two = new CoalescedReads<number>(TTL).get("bots", fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    answer(0);
    answer(1);
    expect([await one, await two]).toEqual([1, 2]);
  });
});
