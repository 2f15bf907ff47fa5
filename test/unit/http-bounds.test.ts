/**
 * Bounds of the HTTP client (issue 17, items 4 and 6): a rate learned from a vendor's header is held
 * between a floor and a ceiling, and a warning says when the header was not followed; a listing
 * collects pages without spreading them and refuses more than its cap.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiClient, ApiClientOptions, learnedBounds, Pacer } from "../../provider/core/http";
import { newPolicies, withPolicies, type Policies } from "../../provider/core/policies";

describe("learned rates are held between a floor and a ceiling", () => {
  test("the bounds are a tenth and a hundred times the starting rate", () => {
    expect(learnedBounds(8)).toEqual({ floor: 0.8, ceiling: 800 });
    expect(learnedBounds(0.5)).toEqual({ floor: 0.05, ceiling: 50 });
  });

  test("a rate below the floor takes the floor, above the ceiling the ceiling, between is followed", () => {
    const bounds = { floor: 0.8, ceiling: 800 };
    const pacer = new Pacer(8);
    expect(pacer.learn(9.5e-9, bounds)).toBe("floor");
    expect(pacer.rate).toBe(0.8);
    expect(pacer.learn(1e12, bounds)).toBe("ceiling");
    expect(pacer.rate).toBe(800);
    expect(pacer.learn(95, bounds)).toBeUndefined();
    expect(pacer.rate).toBe(95);
    for (const bad of [0, -1, Infinity, NaN]) expect(pacer.learn(bad, bounds)).toBeUndefined();
    expect(pacer.rate).toBe(95);
  });

  test("a note is new once per value, and a pacer keeps only a few", () => {
    const pacer = new Pacer(1);
    expect(pacer.firstNote("0.001")).toBe(true);
    expect(pacer.firstNote("0.001")).toBe(false);
    for (let i = 0; i < 7; i++) expect(pacer.firstNote(`v${i}`)).toBe(true);
    expect(pacer.firstNote("one more")).toBe(false);
  });
});

/** A loopback server whose answers carry the headers each test sets. */
describe("ApiClient: an advertised limit outside the bounds is not followed, and a warning says so", () => {
  let server: http.Server;
  let baseUrl: string;
  let headers: (req: http.IncomingMessage) => Record<string, string>;
  let warnings: string[];
  /** The policies the clients' requests run under (where their warnings go). */
  let policies: Policies;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "application/json", ...headers(req) });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    warnings = [];
    policies = newPolicies({ warn: (message) => void warnings.push(message) });
  });

  const settings = {
    namespace: "sendbird",
    specs: {
      readsPerSecond: { key: "readsPerSecond", env: "SENDBIRD_READS_PER_SECOND" },
      writesPerSecond: { key: "writesPerSecond", env: "SENDBIRD_WRITES_PER_SECOND" },
    },
  };
  // Starting rates high enough that the floor (a tenth) keeps each test quick.
  const client = (extra: Partial<ApiClientOptions> = {}, fixed?: { readsPerSecond?: number }) =>
    underTestPolicies(
      new ApiClient({
        platform: "Sendbird",
        // A distinct base URL per client: pacers are shared per platform and base URL.
        baseUrl: `${baseUrl}/${Math.random().toString(36).slice(2)}`,
        headers: { "Api-Token": "static-secret-value-0001" },
        secrets: ["static-secret-value-0001"],
        baseUrlSetting: "sendbird:apiUrl",
        pace: {
          defaults: { readsPerSecond: 100, writesPerSecond: 50 },
          fixed,
          limitHeader: "X-RateLimit-Limit",
          settings,
        },
        ...extra,
      }),
    );
  /** `c`, its requests made under `policies` (as a handler's are under its own). */
  const underTestPolicies = (c: ApiClient): ApiClient => {
    const request = c.request.bind(c);
    c.request = (req) => withPolicies(policies, () => request(req));
    return c;
  };

  test("a limit under the floor: the pace is the floor, and one warning names the header and the setting", async () => {
    headers = () => ({ "X-RateLimit-Limit": "1;w=100000000" });
    const c = client();
    for (let i = 0; i < 3; i++) await c.request({ method: "GET", path: "/bots/a" });
    expect(c.rate("read")).toBe(10);
    expect(warnings).toEqual([
      'pulumi-chatbots: Sendbird advertised a rate limit of "1;w=100000000" in its X-RateLimit-Limit header, ' +
        "below the provider's floor of 10 reads a second (a tenth of the starting pace): the advertised limit " +
        "was ignored, and reads go at 10 a second. To choose the pace, set sendbird:readsPerSecond " +
        "(or SENDBIRD_READS_PER_SECOND).",
    ]);
  });

  test("a limit over the ceiling: the pace is the ceiling, and the warning says so", async () => {
    headers = () => ({ "X-RateLimit-Limit": "1000000" });
    const c = client();
    await c.request({ method: "POST", path: "/bots", body: {} });
    expect(c.rate("write")).toBe(5000);
    expect(warnings).toEqual([
      'pulumi-chatbots: Sendbird advertised a rate limit of "1000000" in its X-RateLimit-Limit header, ' +
        "above the provider's ceiling of 5000 writes a second (a hundred times the starting pace): the " +
        "advertised limit was ignored, and writes go at 5000 a second. To choose the pace, set " +
        "sendbird:writesPerSecond (or SENDBIRD_WRITES_PER_SECOND).",
    ]);
  });

  test("a limit within the bounds is followed without a warning", async () => {
    headers = () => ({ "X-RateLimit-Limit": "20;w=1" });
    const c = client();
    await c.request({ method: "GET", path: "/bots/a" });
    expect(c.rate("read")).toBeCloseTo(19, 5);
    expect(warnings).toEqual([]);
  });

  test("each new value is said once; a huge value is shortened", async () => {
    let n = 0;
    const long = `0.0001${"1".repeat(5_000)}`;
    headers = () => ({ "X-RateLimit-Limit": ++n <= 2 ? "0.0001" : long });
    const c = client();
    for (let i = 0; i < 4; i++) await c.request({ method: "GET", path: "/bots/a" });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('a rate limit of "0.0001" in its X-RateLimit-Limit header');
    expect(warnings[1]).toContain(`a rate limit of "${long.slice(0, 40)}..." in its`);
    expect(warnings[1].length).toBeLessThan(500);
  });

  test("without named settings the warning names the platform's setting all the same", async () => {
    headers = () => ({ "X-RateLimit-Limit": "0.0001" });
    const c = client({
      pace: { defaults: { readsPerSecond: 100, writesPerSecond: 50 }, limitHeader: "X-RateLimit-Limit" },
    });
    await c.request({ method: "GET", path: "/bots/a" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("To choose the pace, set the Sendbird readsPerSecond setting.");
  });

  test("a rate the user fixed is never adapted, and nothing is said", async () => {
    headers = () => ({ "X-RateLimit-Limit": "1;w=100000000" });
    const c = client({}, { readsPerSecond: 70 });
    await c.request({ method: "GET", path: "/bots/a" });
    expect(c.rate("read")).toBe(70);
    expect(warnings).toEqual([]);
  });

  test("a warning that cannot be delivered does not fail the request", async () => {
    policies = newPolicies({
      warn: () => {
        throw new Error("the sink is broken");
      },
    });
    headers = () => ({ "X-RateLimit-Limit": "0.0001" });
    await expect(client().request({ method: "GET", path: "/bots/a" })).resolves.toMatchObject({
      status: 200,
    });
  });

  test("per-operation pacing names the operation whose header was not followed", async () => {
    headers = () => ({ "rateLimit-limit": "0.001" });
    const c = client({
      platform: "LINE WORKS",
      pace: {
        defaults: { readsPerSecond: 100, writesPerSecond: 50 },
        limitHeader: "rateLimit-limit",
        limitWindowSeconds: 60,
        operation: (req) => `${req.method} ${req.path.replace(/\/\d+/g, "/{id}")}`,
        settings: {
          namespace: "lineworks",
          specs: {
            readsPerSecond: { key: "readsPerSecond", env: "LINEWORKS_READS_PER_SECOND" },
            writesPerSecond: { key: "writesPerSecond", env: "LINEWORKS_WRITES_PER_SECOND" },
          },
        },
      },
    });
    await c.request({ method: "GET", path: "/bots/1" });
    expect(c.rate("read", "GET /bots/{id}")).toBe(10);
    expect(warnings).toEqual([
      'pulumi-chatbots: LINE WORKS advertised a rate limit of "0.001" in its rateLimit-limit header for ' +
        "GET /bots/{id}, below the provider's floor of 10 reads a second (a tenth of the starting pace): the " +
        "advertised limit was ignored, and reads go at 10 a second. To choose the pace, set " +
        "lineworks:readsPerSecond (or LINEWORKS_READS_PER_SECOND).",
    ]);
  });
});

describe("ApiClient.collect: a listing is appended item by item and capped", () => {
  const client = (maxListItems?: number) =>
    new ApiClient({
      platform: "Test",
      baseUrl: "http://127.0.0.1:9/v1",
      headers: {},
      secrets: [],
      baseUrlSetting: "test:apiUrl",
      maxListItems,
    });

  test("pages past the cap fail, naming the listing and the cap, and nothing of the page is kept", () => {
    const c = client(5);
    const all: number[] = [];
    c.collect(all, [1, 2, 3], "Test list-things");
    expect(() => c.collect(all, [4, 5, 6], "Test list-things")).toThrow(
      "Test list-things has more than 5 items, the most the provider reads of one listing: the vendor holds " +
        "more than the provider reads, or its listing does not end",
    );
    expect(all).toEqual([1, 2, 3]);
  });

  test("the default cap is 100,000 items", () => {
    const all: number[] = [];
    client().collect(all, new Array<number>(100_000).fill(1), "Test list-things");
    expect(() => client().collect(all, [1], "Test list-things")).toThrow("more than 100000 items");
  });

  test("a page of 200,000 items is appended without overflowing the stack", () => {
    const all: number[] = [7];
    const page = Array.from({ length: 200_000 }, (_, i) => i);
    client(250_000).collect(all, page, "Test list-things");
    expect(all).toHaveLength(200_001);
    expect(all[200_000]).toBe(199_999);
  });
});
