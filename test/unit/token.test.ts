import { CachedToken, IssuedToken } from "../../provider/core/token";

/** A token source whose answers the test releases one by one; counts the fetches. */
function source(lifetimeSeconds = 3600) {
  let n = 0;
  const waiting: Array<{ resolve: (t: IssuedToken) => void; reject: (e: Error) => void }> = [];
  const fetch = () =>
    new Promise<IssuedToken>((resolve, reject) => {
      n += 1;
      waiting.push({ resolve, reject });
    });
  return {
    fetch,
    fetches: () => n,
    answer: () => waiting.shift()?.resolve({ value: `token-${n}`, expiresInSeconds: lifetimeSeconds }),
    fail: () => waiting.shift()?.reject(new Error("token endpoint down")),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("CachedToken", () => {
  test("fetches once and serves the cached token until the margin before expiry", async () => {
    let now = 1_000_000;
    const s = source(3600);
    const cache = new CachedToken(s.fetch, 60_000, () => now);
    const first = cache.get();
    await flush();
    s.answer();
    expect(await first).toBe("token-1");
    now += 3600_000 - 60_001;
    expect(await cache.get()).toBe("token-1");
    expect(s.fetches()).toBe(1);
    now += 1; // now within 60 s of expiry
    const renewed = cache.get();
    await flush();
    s.answer();
    expect(await renewed).toBe("token-2");
    expect(s.fetches()).toBe(2);
  });

  test("the lifetime counts from before the request was sent", async () => {
    let now = 0;
    const s = source(120);
    const cache = new CachedToken(s.fetch, 10_000, () => now);
    const first = cache.get();
    now = 50_000; // the token endpoint took 50 s to answer
    s.answer();
    await first;
    now = 109_999;
    expect(await cache.get()).toBe("token-1");
    now = 110_000;
    void cache.get();
    expect(s.fetches()).toBe(2);
  });

  test("a short-lived token is used for half its life, not fetched for every request", async () => {
    let now = 0;
    const s = source(30);
    const cache = new CachedToken(s.fetch, 60_000, () => now);
    const first = cache.get();
    s.answer();
    await first;
    now = 14_999;
    expect(await cache.get()).toBe("token-1");
    now = 15_000;
    void cache.get();
    expect(s.fetches()).toBe(2);
  });

  test("concurrent callers share one fetch", async () => {
    const s = source();
    const cache = new CachedToken(s.fetch);
    const all = Promise.all(Array.from({ length: 10 }, () => cache.get()));
    await flush();
    expect(s.fetches()).toBe(1);
    s.answer();
    expect(new Set(await all)).toEqual(new Set(["token-1"]));
  });

  test("a failed fetch fails its callers and is not cached: the next get fetches again", async () => {
    const s = source();
    const cache = new CachedToken(s.fetch);
    const a = cache.get();
    const b = cache.get();
    s.fail();
    await expect(a).rejects.toThrow("token endpoint down");
    await expect(b).rejects.toThrow("token endpoint down");
    const c = cache.get();
    await flush();
    s.answer();
    expect(await c).toBe("token-2");
  });

  test("rejected drops the current token only: N refusals of one token cause one new fetch", async () => {
    const s = source();
    const cache = new CachedToken(s.fetch);
    const first = cache.get();
    s.answer();
    const old = await first;
    for (let i = 0; i < 5; i++) cache.rejected(old);
    const renewed = Promise.all([cache.get(), cache.get()]);
    await flush();
    s.answer();
    expect(await renewed).toEqual(["token-2", "token-2"]);
    // A late refusal of the old token leaves the new one alone.
    cache.rejected(old);
    cache.rejected(undefined);
    expect(await cache.get()).toBe("token-2");
    expect(s.fetches()).toBe(2);
  });

  test("secrets lists the tokens obtained, for redaction", async () => {
    const s = source();
    const cache = new CachedToken(s.fetch);
    const a = cache.get();
    s.answer();
    cache.rejected(await a);
    const b = cache.get();
    await flush();
    s.answer();
    await b;
    expect(cache.secrets()).toEqual(["token-1", "token-2"]);
  });
});
