/**
 * The provider's policies (provider/core/policies.ts) are passed in: handlers built with
 * `handlersOf(definition, policies)` warn, wait and retry as those policies say, in every call
 * and in what the call starts (createReconciled, a client kept from earlier calls), and handlers of
 * other policies running at the same time are not affected. Production's are frozen.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as t from "io-ts";
import { createReconciled } from "../../provider/core/create";
import { defineResource, fieldTable, handlersOf } from "../../provider/core/definition";
import { AmbiguousRequestError, ApiError } from "../../provider/core/errors";
import { ApiClient } from "../../provider/core/http";
import { warn } from "../../provider/core/log";
import {
  newPolicies,
  policies,
  productionPolicies,
  TokenCache,
  withPolicies,
  type Policies,
} from "../../provider/core/policies";

const details = { platform: "Demo", method: "POST", path: "/things", attempts: 1 };
const client = { redacting: <R>(action: () => Promise<R>) => action() };

/** How many lookups the last create made (each failing with a 502 that may pass). */
let lookups: number;

/** A made-up resource; its create warns naming its input (below: another create). */
const definition = defineResource({
  module: "demo",
  name: "Thing",
  stateVersion: 1,
  fields: fieldTable({ name: { codec: t.string, required: true, doc: "A name." } }),
  outputs: {},
  api: () => client,
  async create(_api, inputs) {
    // Both runs of a concurrent pair are past their first await before either warns.
    await new Promise((resolve) => setTimeout(resolve, 10));
    await warn(`making ${inputs.name}`);
    return { id: inputs.name, outs: { name: inputs.name } };
  },
  async read() {
    return undefined;
  },
  async delete() {},
});

/** Its create makes the thing after an uncertain send, every lookup failing with a 502 that may pass. */
const reconciling = defineResource({
  ...definition,
  async create(_api, inputs) {
    const made = await createReconciled({
      what: inputs.name,
      send: () => Promise.reject(new AmbiguousRequestError(details, "answer lost")),
      lookup: () => {
        lookups++;
        return Promise.reject(new ApiError({ ...details, method: "GET", status: 502 }));
      },
      isOurs: () => true,
      isConflict: () => false,
      conflictError: () => new Error("taken"),
      recordAs: () => ({ id: inputs.name, properties: { name: inputs.name } }),
    }).catch((err: Error) => err.name);
    return { id: inputs.name, outs: { name: inputs.name, made } };
  },
});

const collecting = (into: string[], changes: Partial<Policies> = {}) =>
  newPolicies({ warn: (text) => void into.push(text), ...changes });

beforeEach(() => {
  lookups = 0;
});

test("a hook's warnings go where its handlers' policies say, even while other handlers run", async () => {
  const mine: string[] = [];
  const theirs: string[] = [];
  const a = handlersOf(definition, collecting(mine));
  const b = handlersOf(definition, collecting(theirs));
  await Promise.all([a.create({ name: "a1" }), b.create({ name: "b1" }), a.create({ name: "a2" })]);
  expect(mine.sort()).toEqual(["pulumi-chatbots: making a1", "pulumi-chatbots: making a2"]);
  expect(theirs).toEqual(["pulumi-chatbots: making b1"]);
});

test("createReconciled, called by a hook, waits out as many lookups as its handlers' policies pause", async () => {
  const once = handlersOf(reconciling, collecting([], { lookupPausesMs: [1] }));
  expect((await once.create({ name: "x" })).outs).toEqual({
    name: "x",
    made: "ResourceInitError",
    __stateVersion: 1,
  });
  expect(lookups).toBe(2);
  lookups = 0;
  await handlersOf(reconciling, collecting([], { lookupPausesMs: [1, 1, 1] })).create({ name: "x" });
  expect(lookups).toBe(4);
});

test("handlers built without policies use production's; code outside any handler does too", async () => {
  const seen: Policies[] = [];
  const probe = defineResource({
    ...definition,
    async create() {
      seen.push(policies());
      return { id: "p", outs: {} };
    },
  });
  await handlersOf(probe).create({ name: "p" });
  expect(seen[0]).toBe(productionPolicies);
  expect(policies()).toBe(productionPolicies);
});

test("production's policies cannot be changed: a test makes its own", () => {
  expect(Object.isFrozen(productionPolicies)).toBe(true);
  expect(Object.isFrozen(productionPolicies.lookupPausesMs)).toBe(true);
  expect(Object.isFrozen(productionPolicies.retry)).toBe(true);
  // About two minutes of outage are ridden out before a create gives up its lookup.
  expect(productionPolicies.lookupPausesMs).toEqual([2_000, 5_000, 10_000, 20_000, 30_000, 30_000]);
  const own = newPolicies();
  expect(own.tokens).not.toBe(productionPolicies.tokens);
  expect(own.lookupPausesMs).toBe(productionPolicies.lookupPausesMs);
});

describe("a client kept across calls retries as each call's policies say", () => {
  let server: http.Server;
  let requests: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test("one client, two policies: two and then three tries", async () => {
    const kept = new ApiClient({
      platform: "Demo",
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      headers: {},
      secrets: [],
      baseUrlSetting: "demo:apiUrl",
    });
    const retrying = (maxAttempts: number) =>
      newPolicies({ retry: { ...productionPolicies.retry, maxAttempts, baseDelayMs: 1, maxDelayMs: 1 } });
    const get = () => kept.request({ method: "GET", path: "/x" });
    requests = 0;
    await expect(withPolicies(retrying(2), get)).rejects.toThrow("HTTP 503 after 2 attempts");
    expect(requests).toBe(2);
    requests = 0;
    await expect(withPolicies(retrying(3), get)).rejects.toThrow("HTTP 503 after 3 attempts");
    expect(requests).toBe(3);
  });
});

describe("TokenCache", () => {
  test("one token per key; the next fetch uses the latest way given", async () => {
    const cache = new TokenCache();
    const fetched: string[] = [];
    const by = (who: string) => async () => {
      fetched.push(who);
      return { value: `${who}-token`, expiresInSeconds: 3600 };
    };
    const first = cache.token("app", by("first"));
    expect(await first.get()).toBe("first-token");
    const again = cache.token("app", by("rotated"));
    expect(again).toBe(first);
    expect(await again.get()).toBe("first-token"); // still valid: not fetched again
    again.rejected("first-token");
    expect(await cache.token("app", by("rotated")).get()).toBe("rotated-token");
    expect(await cache.token("other app", by("other")).get()).toBe("other-token");
    expect(fetched).toEqual(["first", "rotated", "other"]);
  });
});
