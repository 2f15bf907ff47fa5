/** The core's state contract, reconciled create and versioned state, with fakes for the vendor. */
import * as pulumi from "@pulumi/pulumi";
import { applyUpdate, changedFields, deepEqual, settle, warnDiffering } from "../../provider/core/contract";
import { createReconciled, type ReconciledCreate } from "../../provider/core/create";
import {
  AmbiguousRequestError,
  ApiError,
  ResourceInitError,
  StateVersionError,
  UnexpectedResponseError,
} from "../../provider/core/errors";
import { migrateState, packageVersion } from "../../provider/core/state";
import { newPolicies, withPolicies } from "../../provider/core/policies";
import { advertisedRate } from "../../provider/core/http";
import { forTheHost, jsonValues } from "../../provider/core/host";
import { run } from "../../provider/handlers";

const trimmed = (a: unknown, b: unknown) => String(a).trim() === String(b).trim();

describe("changedFields", () => {
  test("compares each field by its rule; an unknown is a change", () => {
    const olds = { name: "Helper", url: "https://a", n: 1 };
    expect(changedFields(["name", "url", "n"], olds, { ...olds, name: " Helper " })).toEqual(["name"]);
    expect(changedFields(["name"], olds, { name: " Helper " }, { name: trimmed })).toEqual([]);
    expect(changedFields(["n"], olds, { n: pulumi.runtime.unknownValue })).toEqual(["n"]);
    expect(
      changedFields(["name"], olds, { name: pulumi.runtime.unknownValue }, { name: () => true }),
    ).toEqual(["name"]);
  });
});

describe("settle", () => {
  test("keeps the expected value where the answer agrees or is silent, takes the answer's otherwise", () => {
    const { values, differing } = settle(
      ["a", "b", "c", "d"],
      { a: "x", b: "y ", c: 1, d: true },
      { a: "x", b: "y", c: 2 },
      { b: trimmed },
    );
    expect(values).toEqual({ a: "x", b: "y ", c: 2, d: true });
    expect(differing).toEqual(["c"]);
  });
});

test("warnDiffering names the fields, never the values, and says nothing when nothing differs", async () => {
  const warnings: string[] = [];
  await withPolicies(newPolicies({ warn: (m) => void warnings.push(m) }), async () => {
    await warnDiffering("Vendor", 'bot "b"', []);
    await warnDiffering("Vendor", 'bot "b"', ["name", "url"]);
  });
  expect(warnings).toEqual([
    'pulumi-chatbots: Vendor stored name, url of bot "b" differently from what was sent; the state holds ' +
      "Vendor's values, so the next preview shows the difference",
  ]);
});

describe("applyUpdate", () => {
  const updatable = ["name", "flag", "count"];
  const before = { name: "old", flag: true, count: 3 };

  /** A vendor whose update sets what it is sent and, if `resets`, puts omitted fields to defaults. */
  function vendor(resets: boolean) {
    const state: Record<string, unknown> = { ...before };
    const bodies: Record<string, unknown>[] = [];
    return {
      state,
      bodies,
      send: async (values: Record<string, unknown>) => {
        bodies.push(values);
        if (resets) Object.assign(state, { flag: false, count: 0 });
        Object.assign(state, values);
        return { ...state };
      },
    };
  }

  test("sends only the changed fields when the vendor keeps the rest", async () => {
    const v = vendor(false);
    const answer = await applyUpdate({
      changed: ["name"],
      updatable,
      declared: { name: "new", flag: false, count: 9 },
      before,
      send: v.send,
      what: "bot",
    });
    expect(v.bodies).toEqual([{ name: "new" }]);
    expect(answer).toEqual({ name: "new", flag: true, count: 3 });
  });

  test("restores fields the vendor reset to their live values from before, not the declared ones", async () => {
    const v = vendor(true);
    await applyUpdate({
      changed: ["name"],
      updatable,
      declared: { name: "new", flag: false, count: 9 },
      before,
      send: v.send,
      what: "bot",
    });
    expect(v.bodies).toEqual([{ name: "new" }, { name: "new", flag: true, count: 3 }]);
    expect(v.state).toEqual({ name: "new", flag: true, count: 3 });
  });

  test("a field already at the vendor's reset value needs no second request", async () => {
    const v = vendor(true);
    await applyUpdate({
      changed: ["name"],
      updatable,
      declared: { name: "new" },
      before: { name: "old", flag: false, count: 0 },
      send: v.send,
      what: "bot",
    });
    expect(v.bodies).toHaveLength(1);
  });

  test("a vendor that keeps changing an unsent field is an error naming the field", async () => {
    let n = 0;
    const send = jest.fn(async (values: Record<string, unknown>) => ({ ...values, count: n++ + 10 }));
    await expect(
      applyUpdate({ changed: ["name"], updatable, declared: { name: "new" }, before, send, what: 'bot "b"' }),
    ).rejects.toThrow('updating bot "b" keeps changing count, which were not part of the change');
    expect(send).toHaveBeenCalledTimes(3);
  });
});

describe("createReconciled", () => {
  const details = { platform: "V", method: "POST", path: "/bots", attempts: 1 };
  const ambiguous = () => new AmbiguousRequestError(details, "timeout");
  const conflict = () => new ApiError({ ...details, status: 400, vendorCode: "exists" });
  const ours = { id: "b", name: "declared" };
  const theirs = { id: "b", name: "someone else's" };

  function plan(
    sends: Array<() => unknown>,
    lookups: Array<() => unknown>,
    extra: Partial<ReconciledCreate<typeof ours>> = {},
  ) {
    const calls: string[] = [];
    const c: ReconciledCreate<typeof ours> = {
      what: 'bot "b"',
      send: async () => {
        calls.push("send");
        const next = sends.shift();
        if (!next) throw new Error("unexpected send");
        return next() as typeof ours;
      },
      lookup: async () => {
        calls.push("lookup");
        const next = lookups.shift();
        if (!next) throw new Error("unexpected lookup");
        return next() as typeof ours | undefined;
      },
      isOurs: (found) => found.name === "declared",
      isConflict: (err) => err instanceof ApiError && err.vendorCode === "exists",
      conflictError: () => new Error("already exists; set adopt"),
      recordAs: () => ({ id: "b", properties: { name: "declared" } }),
      ...extra,
    };
    return { c, calls };
  }
  const fail = (e: () => Error) => () => {
    throw e();
  };

  test("'already exists' that no lookup finds, with adopt: after the last round, the vendor's refusal is in the error", async () => {
    const refusals = [fail(conflict), fail(conflict), fail(conflict)];
    const { c, calls } = plan(refusals, [() => undefined, () => undefined, () => undefined], {
      adopt: async (found) => found,
    });
    await expect(createReconciled(c)).rejects.toThrow(
      /did not settle after 3 attempts: the vendor kept refusing it as already there \(.*code exists.*\), yet no lookup found it/,
    );
    expect(calls).toEqual(["send", "lookup", "send", "lookup", "send", "lookup"]);
  });

  test("a plain success sends once and looks nothing up", async () => {
    const { c, calls } = plan([() => ours], []);
    await expect(createReconciled(c)).resolves.toBe(ours);
    expect(calls).toEqual(["send"]);
  });

  test.each([
    ["an ambiguous failure", ambiguous],
    ["an unreadable success", () => new UnexpectedResponseError("unexpected response")],
  ])("after %s, finding our resource ends it without sending again", async (_, error) => {
    const { c, calls } = plan([fail(error)], [() => ours]);
    await expect(createReconciled(c)).resolves.toBe(ours);
    expect(calls).toEqual(["send", "lookup"]);
  });

  test("after an ambiguous failure and an empty lookup, it is sent again", async () => {
    const { c, calls } = plan([fail(ambiguous), () => ours], [() => undefined]);
    await expect(createReconciled(c)).resolves.toBe(ours);
    expect(calls).toEqual(["send", "lookup", "send"]);
  });

  test("'already exists' after an ambiguous attempt is checked: ours is accepted", async () => {
    const { c, calls } = plan([fail(ambiguous), fail(conflict)], [() => undefined, () => ours]);
    await expect(createReconciled(c)).resolves.toBe(ours);
    expect(calls).toEqual(["send", "lookup", "send", "lookup"]);
  });

  test("'already exists' without an earlier attempt and without adopt: the conflict error, no lookup", async () => {
    const { c, calls } = plan([fail(conflict)], []);
    await expect(createReconciled(c)).rejects.toThrow("already exists; set adopt");
    expect(calls).toEqual(["send"]);
  });

  test("'already exists' with adopt: the existing resource is adopted", async () => {
    const adopt = jest.fn(async () => ours);
    const { c } = plan([fail(conflict)], [() => theirs], { adopt });
    await expect(createReconciled(c)).resolves.toBe(ours);
    expect(adopt).toHaveBeenCalledWith(theirs);
  });

  test("someone else's resource after an ambiguous attempt: the conflict error, nothing recorded", async () => {
    const { c } = plan([fail(ambiguous)], [() => theirs]);
    const err = await createReconciled(c).catch((e: Error) => e);
    expect(err).toEqual(new Error("already exists; set adopt"));
    expect(err).not.toBeInstanceOf(ResourceInitError);
  });

  test("a failing lookup after an ambiguous attempt: ResourceInitError with id and properties", async () => {
    const { c } = plan([fail(ambiguous)], [fail(() => new Error("lookup failed"))]);
    const err = (await createReconciled(c).catch((e: Error) => e)) as ResourceInitError;
    expect(err).toBeInstanceOf(ResourceInitError);
    expect(err.id).toBe("b");
    expect(err.properties).toEqual({ name: "declared" });
    expect(err.reasons).toEqual([err.message]);
    // The lookup's failure, then why the lookup ran: the create's own outcome.
    expect(err.message).toMatch(
      /^lookup failed \(a lookup after a create whose outcome is unknown: V API POST \/bots failed: timeout; .*\)\. bot "b" may exist: /,
    );
    expect(err.message).toContain('bot "b" may exist: Pulumi keeps it in the stack');
  });

  describe("the lookup after an uncertain send rides out an outage", () => {
    const unavailable = () => new ApiError({ ...details, method: "GET", status: 502, attempts: 5 });
    const refused = () => new ApiError({ ...details, method: "GET", status: 401 });
    const patient = newPolicies({ lookupPausesMs: [1, 1] });
    const patiently = <R>(c: ReconciledCreate<R>) => withPolicies(patient, () => createReconciled(c));

    test("a lookup failing for a passing reason is tried again after a pause: found, never sent twice", async () => {
      const { c, calls } = plan([fail(ambiguous)], [fail(unavailable), fail(unavailable), () => ours]);
      await expect(patiently(c)).resolves.toBe(ours);
      expect(calls).toEqual(["send", "lookup", "lookup", "lookup"]);
    });

    test("a refusal (401) is not waited out: recorded at once", async () => {
      const { c, calls } = plan([fail(ambiguous)], [fail(refused)]);
      await expect(patiently(c)).rejects.toBeInstanceOf(ResourceInitError);
      expect(calls).toEqual(["send", "lookup"]);
    });

    test("when patience runs out the resource is recorded, after one lookup per pause and one more", async () => {
      const { c, calls } = plan([fail(ambiguous)], [fail(unavailable), fail(unavailable), fail(unavailable)]);
      await expect(patiently(c)).rejects.toBeInstanceOf(ResourceInitError);
      expect(calls).toEqual(["send", "lookup", "lookup", "lookup"]);
    });

    test("a create without a known id says to look for it before the next up", async () => {
      const { c } = plan([fail(ambiguous)], [fail(unavailable), fail(unavailable), fail(unavailable)], {
        recordAs: () => undefined,
      });
      await expect(patiently(c)).rejects.toThrow(
        /HTTP 502 after 5 attempts \(a lookup after a create whose outcome is unknown: V API POST \/bots failed: timeout; .*\)\. bot "b" may have been created without Pulumi learning its id: look for it at the vendor before the next `pulumi up`/,
      );
    });

    test("no patience where nothing was sent uncertainly (an adopt lookup after 'already exists')", async () => {
      const { c, calls } = plan([fail(conflict)], [fail(unavailable)], { adopt: async () => ours });
      await expect(patiently(c)).rejects.toThrow("HTTP 502");
      expect(calls).toEqual(["send", "lookup"]);
    });
  });

  test("a definite failure without any ambiguity is passed through as it is", async () => {
    const definite = new ApiError({ ...details, status: 400, vendorCode: "bad" });
    const { c } = plan([() => Promise.reject(definite)], []);
    await expect(createReconciled(c)).rejects.toBe(definite);
  });

  test("three ambiguous rounds that never show the resource: recorded, not forgotten", async () => {
    const { c, calls } = plan(
      [fail(ambiguous), fail(ambiguous), fail(ambiguous)],
      [() => undefined, () => undefined, () => undefined],
    );
    const err = (await createReconciled(c).catch((e: Error) => e)) as ResourceInitError;
    expect(err).toBeInstanceOf(ResourceInitError);
    // The last create's failure, said once.
    expect(err.message).toMatch(
      /^V API POST \/bots failed: timeout; the request may or may not have been applied\. bot "b" may exist: /,
    );
    expect(calls.filter((x) => x === "send")).toHaveLength(3);
  });
});

describe("migrateState", () => {
  const schema = {
    resource: "x.Bot",
    version: 3,
    steps: [
      (p: Record<string, unknown>) => ({ ...p, two: true }),
      (p: Record<string, unknown>) => ({ ...p, three: true }),
    ],
  };

  test("state without a version is version 1, brought forward step by step", () => {
    expect(migrateState(schema, { a: 1 })).toEqual({ a: 1, two: true, three: true, __stateVersion: 3 });
    expect(migrateState(schema, { a: 1, __stateVersion: 2 })).toEqual({
      a: 1,
      three: true,
      __stateVersion: 3,
    });
    expect(migrateState(schema, { a: 1, __stateVersion: 3 })).toEqual({ a: 1, __stateVersion: 3 });
  });

  test("state of a newer release is refused, naming both versions", () => {
    expect(() => migrateState(schema, { __stateVersion: 4 })).toThrow(StateVersionError);
    expect(() => migrateState(schema, { __stateVersion: 4 })).toThrow(
      /x\.Bot was written by a newer pulumi-chatbots \(state version 4\); the installed pulumi-chatbots \d+\.\d+\.\d+\S* reads state up to version 3/,
    );
  });
});

test.each([
  ["5", 5],
  ["5;w=1", 5],
  ["100;w=60", 100 / 60],
  [" 20 ; w = 2 ", 10],
  [40, 40],
  ["0", undefined],
  ["fast", undefined],
  ["5;w=0", undefined],
  [undefined, undefined],
])("advertisedRate(%j) = %s per second", (header, rate) => {
  const got = advertisedRate(header);
  if (rate === undefined) expect(got).toBeUndefined();
  else expect(got).toBeCloseTo(rate);
});

test("jsonValues drops what the provider host cannot carry (undefined), recursively", () => {
  expect(
    jsonValues({ a: 1, b: undefined, c: { d: undefined, e: [1, undefined, { f: undefined }] } }),
  ).toEqual({
    a: 1,
    c: { e: [1, null, {}] },
  });
  expect(Object.keys(jsonValues({ b: undefined }))).toEqual([]);
});

test.each(["create", "update"] as const)(
  "a ResourceInitError from %s keeps the shim in the recorded state, so refresh and destroy can load the provider",
  async (method) => {
    const failing = async (): Promise<never> => {
      throw new ResourceInitError("bot-1", { name: "x", gone: undefined }, new Error("lost answer"), "bot x");
    };
    const handlers = forTheHost({
      check: async (_olds, news) => ({ inputs: news }),
      diff: async () => ({}),
      create: failing,
      read: async (id, props) => ({ id, props }),
      update: failing,
      delete: async () => undefined,
    });
    const props = { name: "x", __provider: "exports.handler = require(...)" };
    const err = await (
      method === "create" ? handlers.create(props) : handlers.update("bot-1", props, props)
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    expect((err as ResourceInitError).properties).toEqual({ name: "x", __provider: props.__provider });
  },
);

test.each([
  "sendbird:Bot",
  "deadsimplechat:Bot",
  "deadsimplechat:BotChatRoom",
  "whats91:Chatbot",
  "lineworks:Bot",
  "lineworks:BotDomain",
])(
  "%s: every handler that reads state refuses a newer release's, delete too (before any vendor call)",
  async (type) => {
    // Settings that let each client be built; nothing listens there: no call may be made.
    const saved = { ...process.env };
    Object.assign(process.env, {
      SENDBIRD_API_TOKEN: "t",
      SENDBIRD_API_URL: "http://127.0.0.1:9/v3",
      DEADSIMPLECHAT_API_KEY: "k",
      DEADSIMPLECHAT_API_URL: "http://127.0.0.1:9/consumer/api/v2",
      WHATS91_API_TOKEN: "t",
      WHATS91_API_URL: "http://127.0.0.1:9/api/v2",
      LINEWORKS_ACCESS_TOKEN: "t",
      LINEWORKS_API_URL: "http://127.0.0.1:9/v1.0",
    });
    try {
      const newer = { __stateVersion: 99, name: "x", botId: "b", roomId: "r", domainId: 1 };
      for (const method of ["read", "update", "delete"] as const) {
        const args = method === "update" ? ["id-1", newer, newer] : ["id-1", newer];
        await expect(run(type, method, args)).rejects.toThrow(StateVersionError);
      }
    } finally {
      process.env = saved;
    }
  },
);

test.each([
  [1, 1, true],
  [null, undefined, true],
  [undefined, null, true],
  [null, 0, false],
  [0, null, false],
  ["", undefined, false],
  [[1, 2], [1, 2], true],
  [[1, 2], [2, 1], false],
  [[1], [1, 2], false],
  [[1, 2], [1], false],
  [[], {}, false],
  [{}, [], false],
  [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, true],
  [{ a: 1 }, { a: 1, b: 2 }, false],
  [{ a: 1, b: 2 }, { a: 1 }, false],
  [{ a: 1, b: undefined }, { a: 1 }, true],
  [{ a: 1 }, { a: 2 }, false],
  ["1", 1, false],
  [{ a: 1 }, "x", false],
  ["x", { a: 1 }, false],
])("deepEqual(%j, %j) = %s", (a, b, equal) => {
  expect(deepEqual(a, b)).toBe(equal);
  expect(deepEqual(b, a)).toBe(equal);
});

test("warnDiffering says 'value' for one field", async () => {
  const warnings: string[] = [];
  await withPolicies(newPolicies({ warn: (m) => void warnings.push(m) }), () =>
    warnDiffering("Vendor", 'bot "b"', ["name"]),
  );
  expect(warnings[0]).toContain("the state holds Vendor's value, so the next preview");
});

test("applyUpdate ignores unsent fields the answer or the read before does not hold", async () => {
  const bodies: Record<string, unknown>[] = [];
  const answer = await applyUpdate({
    changed: ["name"],
    updatable: ["name", "flag", "count"],
    declared: { name: "new" },
    before: { name: "old", flag: undefined, count: 3 },
    send: async (values) => {
      bodies.push(values);
      return { name: "new", flag: true };
    },
    what: "bot",
  });
  expect(bodies).toEqual([{ name: "new" }]);
  expect(answer).toEqual({ name: "new", flag: true });
});

test("the error after rounds of resets says what to run", async () => {
  await expect(
    applyUpdate({
      changed: [],
      updatable: ["count"],
      declared: {},
      before: { count: 1 },
      send: async () => ({ count: Math.random() }),
      what: "bot",
    }),
  ).rejects.toThrow(
    "updating bot keeps changing count, which were not part of the change; run `pulumi refresh` to see the vendor's values",
  );
});

test("a migration step that is missing is an error naming the resource and version", () => {
  expect(() => migrateState({ resource: "x.Bot", version: 2 }, {})).toThrow(
    "x.Bot: no migration from state version 1",
  );
});

test("the package version named in errors is this package's", () => {
  expect(packageVersion()).toBe(require("../../package.json").version);
});

test("three ambiguous rounds that never show the resource: the last ambiguity is the reason", async () => {
  const c: ReconciledCreate<string> = {
    what: 'bot "b"',
    send: async () => {
      throw new AmbiguousRequestError(
        { platform: "V", method: "POST", path: "/bots", attempts: 1 },
        "timeout",
      );
    },
    lookup: async () => undefined,
    isOurs: () => true,
    isConflict: () => false,
    conflictError: () => new Error("conflict"),
    recordAs: () => undefined,
  };
  await expect(createReconciled(c)).rejects.toBeInstanceOf(AmbiguousRequestError);
});
