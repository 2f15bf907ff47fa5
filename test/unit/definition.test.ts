/**
 * The lifecycle every resource gets from its definition (provider/core/definition.ts), shown on a
 * made-up resource whose hooks record what they are given: check and diff from the field table,
 * migration on entry, the state version stamped and the engine's `__provider` dropped on every
 * output, state-only fields, init-error records, and errors redacted by the platform's client.
 */
import * as t from "io-ts";
import { boundedString } from "../../provider/core/codec";
import type { Props } from "../../provider/core/contract";
import {
  defineResource,
  fieldTable,
  handlersOf,
  inputsOf,
  schemaOf,
  typeKey,
  resourceName,
  vendorBody,
  vendorFields,
  vendorValues,
  type Change,
} from "../../provider/core/definition";
import { ResourceInitError, StateVersionError } from "../../provider/core/errors";

const fields = fieldTable({
  name: { codec: boundedString(10, { min: 1 }), required: true, doc: "A name." },
  colour: { codec: t.keyof({ red: null, blue: null }), default: "red", doc: "A colour." },
  kind: { codec: t.string, replaces: true, doc: "Replaces." },
  label: {
    codec: t.string,
    same: (a, b) => String(a).toLowerCase() === String(b).toLowerCase(),
    doc: "Case-blind.",
  },
  adopt: { codec: t.boolean, default: false, stateOnly: true, doc: "State only." },
});

/** What the hooks saw, and what they will do. */
let seen: { hook: string; args: unknown[] }[];
let redacted: number;
const client = {
  async redacting<R>(action: () => Promise<R>): Promise<R> {
    try {
      return await action();
    } catch (err) {
      redacted++;
      throw err;
    }
  },
};
let readAnswer: Props | undefined;
let createFails: Error | undefined;

function widget(opts: { update?: boolean; replaceWarning?: boolean } = {}) {
  return defineResource({
    module: "demo",
    name: "Widget",
    stateVersion: 2,
    migrations: [(props) => ({ ...props, migrated: true })],
    fields,
    outputs: { secretToken: { secret: true, doc: "A token." }, createdAt: { doc: "When." } },
    uniqueKey: "name",
    api: () => client,
    crossCheck(inputs, _olds, failed) {
      if (failed.has("colour") || inputs.colour !== "blue" || inputs.label !== undefined) return [];
      return [{ property: "label", reason: "label is required when colour is blue" }];
    },
    onReplace: opts.replaceWarning
      ? async (previous) => {
          seen.push({ hook: "onReplace", args: [previous] });
        }
      : undefined,
    async create(_api, inputs) {
      seen.push({ hook: "create", args: [inputs] });
      if (createFails) throw createFails;
      return { id: inputs.name, outs: { ...inputs, secretToken: "tok", __provider: "shim" } };
    },
    async read(_api, id, previous) {
      seen.push({ hook: "read", args: [id, previous] });
      return readAnswer;
    },
    update: opts.update
      ? async (_api, id, change: Change<typeof fields>) => {
          seen.push({ hook: "update", args: [id, change] });
          return { ...change.previous, ...change.news };
        }
      : undefined,
    async delete(_api, id, previous) {
      seen.push({ hook: "delete", args: [id, previous] });
    },
  });
}

beforeEach(() => {
  seen = [];
  redacted = 0;
  readAnswer = undefined;
  createFails = undefined;
});

describe("what a definition's table derives", () => {
  test("names, the check schema, the diff spec and the class's outputs", () => {
    const def = widget();
    expect(typeKey(def)).toBe("demo:Widget");
    expect(resourceName(def)).toBe("demo.Widget");
    const schema = schemaOf(def);
    expect(schema.diffSpec.keys).toEqual(["name", "colour", "kind", "label", "adopt"]);
    expect(schema.diffSpec.forceNew).toEqual(["kind"]);
    expect(schema.diffSpec.uniqueKey).toBe("name");
    expect(Object.keys(schema.rules)).toEqual(["label"]);
    expect(schema.updatable).toEqual(["name", "colour", "label"]);
    expect(schema.outputNames).toEqual([
      "name",
      "colour",
      "kind",
      "label",
      "adopt",
      "secretToken",
      "createdAt",
    ]);
    expect(schema.secretOutputs).toEqual(["secretToken"]);
  });

  test("the inputs a read implies: every field the outputs hold, a state-only one at its default", () => {
    expect(inputsOf(widget(), { name: "a", colour: "blue", secretToken: "t", __stateVersion: 2 })).toEqual({
      name: "a",
      colour: "blue",
      adopt: false,
    });
  });
});

describe("the vendor's names", () => {
  const named = fieldTable({
    botName: { codec: t.string, vendor: "bot_name", doc: "Named by the vendor." },
    photoUrl: { codec: t.string, doc: "The vendor uses the input's name." },
    adopt: { codec: t.boolean, default: false, stateOnly: true, doc: "Never sent." },
  });

  test("the fields the vendor holds: all but the state-only ones, in table order", () => {
    expect(vendorFields(named)).toEqual(["botName", "photoUrl"]);
    expect(vendorFields(fields)).toEqual(["name", "colour", "kind", "label"]);
  });

  test("an answer read back by input name: vendor names, nested objects, absent and null as undefined", () => {
    const answer = {
      bot_name: "Helper",
      botName: "not this one",
      nested: { photoUrl: "https://p.example/a.png" },
    };
    expect(vendorValues(named, (f) => (f === "photoUrl" ? answer.nested : answer))).toEqual({
      botName: "Helper",
      photoUrl: "https://p.example/a.png",
    });
    const values = vendorValues(named, () => ({ bot_name: null, adopt: true }));
    expect(values).toStrictEqual({ botName: undefined, photoUrl: undefined });
  });

  test("vendorBody and vendorValues are each other's inverse for the fields with a vendor name", () => {
    const body = vendorBody(named, { botName: "Helper", adopt: true });
    expect(body).toEqual({ bot_name: "Helper" });
    expect(vendorValues(named, () => body)).toStrictEqual({ botName: "Helper", photoUrl: undefined });
  });
});

describe("check", () => {
  test("fills defaults, refuses what a codec refuses, naming the field", async () => {
    const h = handlersOf(widget());
    expect(await h.check({}, { name: "a" })).toEqual({ inputs: { name: "a", colour: "red", adopt: false } });
    const failed = await h.check({}, { name: "", colour: "green" });
    expect(failed.failures?.map((f) => f.property)).toEqual(["name", "colour"]);
  });

  test("the cross-field rule runs after the fields, told which failed", async () => {
    const h = handlersOf(widget());
    expect((await h.check({}, { name: "a", colour: "blue" })).failures).toEqual([
      { property: "label", reason: "label is required when colour is blue" },
    ]);
    expect((await h.check({}, { name: "", colour: "blue" })).failures?.map((f) => f.property)).toEqual([
      "name",
      "label",
    ]);
  });
});

describe("diff", () => {
  test("compares migrated state by the same rules; a replacing field replaces and calls onReplace", async () => {
    const h = handlersOf(widget({ replaceWarning: true }));
    const olds = { name: "a", colour: "red", kind: "k", label: "Big", adopt: false, __stateVersion: 2 };
    expect(await h.diff("a", olds, { ...olds, label: "BIG" })).toMatchObject({ changes: false });
    expect(seen).toEqual([]);
    const replaced = await h.diff("a", olds, { ...olds, kind: "other" });
    expect(replaced).toEqual({ changes: true, replaces: ["kind"], deleteBeforeReplace: true });
    expect(seen.map((s) => s.hook)).toEqual(["onReplace"]);
  });

  test("refuses state from a newer release", async () => {
    await expect(handlersOf(widget()).diff("a", { __stateVersion: 3 }, {})).rejects.toThrow(
      StateVersionError,
    );
  });
});

describe("the handler skeleton", () => {
  test("create: outputs stamped with the state version, the engine's __provider never among them", async () => {
    const result = await handlersOf(widget()).create({ name: "a", colour: "red", adopt: false });
    expect(result).toEqual({
      id: "a",
      outs: { name: "a", colour: "red", adopt: false, secretToken: "tok", __stateVersion: 2 },
    });
  });

  test("create: a ResourceInitError's record is stamped too; the error passes the client's redaction", async () => {
    createFails = new ResourceInitError("a", { name: "a" }, new Error("lost"), "widget a");
    const err = await handlersOf(widget())
      .create({ name: "a", __provider: "shim" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInitError);
    // The host adds the shim back (core/host.ts); the version is the definition's.
    expect((err as ResourceInitError).properties).toEqual({
      name: "a",
      __stateVersion: 2,
      __provider: "shim",
    });
    expect(redacted).toBe(1);
  });

  test("read: state migrated on entry; the outputs stamped, the inputs implied; gone is {}", async () => {
    const h = handlersOf(widget());
    readAnswer = { name: "a", colour: "blue", secretToken: "t", __provider: "shim" };
    const result = await h.read("a", { name: "a", __stateVersion: 1 });
    expect(seen[0].args).toEqual(["a", { name: "a", migrated: true, __stateVersion: 2 }]);
    expect(result).toEqual({
      id: "a",
      props: { name: "a", colour: "blue", secretToken: "t", __stateVersion: 2 },
      inputs: { name: "a", colour: "blue", adopt: false },
    });
    readAnswer = undefined;
    expect(await h.read("a", { name: "a", __stateVersion: 2 })).toEqual({});
  });

  test("update without a hook: the state, with the state-only fields as declared", async () => {
    const olds = {
      name: "a",
      colour: "red",
      adopt: false,
      secretToken: "t",
      __stateVersion: 2,
      __provider: "shim",
    };
    const result = await handlersOf(widget()).update("a", olds, { name: "a", colour: "red", adopt: true });
    expect(result).toEqual({
      outs: { name: "a", colour: "red", adopt: true, secretToken: "t", __stateVersion: 2 },
    });
    expect(seen).toEqual([]);
  });

  test("update with a hook: told the updatable fields that changed, by the same rules; outputs stamped", async () => {
    const olds = { name: "a", colour: "red", label: "Big", kind: "k", adopt: false, __stateVersion: 1 };
    const news = { name: "a", colour: "blue", label: "BIG", kind: "k", adopt: true };
    const result = await handlersOf(widget({ update: true })).update("a", olds, news);
    const change = seen[0].args[1] as Change<typeof fields>;
    expect(change.changed).toEqual(["colour"]);
    expect(change.previous).toEqual({ ...olds, adopt: true, migrated: true, __stateVersion: 2 });
    expect(result.outs).toEqual({ ...news, migrated: true, __stateVersion: 2 });
  });

  test("a definition without delete has forget, which runs without a client", async () => {
    const { delete: _remove, ...rest } = widget();
    let made = 0;
    const forgetting = {
      ...rest,
      api: () => {
        made++;
        return client;
      },
      forget: async (id: string, previous: Props) => {
        seen.push({ hook: "forget", args: [id, previous] });
      },
    };
    await handlersOf(forgetting).delete("a", { name: "a", __stateVersion: 2 });
    expect(seen).toEqual([{ hook: "forget", args: ["a", { name: "a", __stateVersion: 2 }] }]);
    expect(made).toBe(0);
    expect(() => handlersOf({ ...forgetting, delete: widget().delete })).toThrow(
      "demo.Widget: a definition has either a delete or a forget hook",
    );
    expect(() => handlersOf(rest)).toThrow("demo.Widget: a definition has either a delete or a forget hook");
  });

  test("delete: state migrated first, a newer one refused before any request", async () => {
    const h = handlersOf(widget());
    await h.delete("a", { name: "a", __stateVersion: 1 });
    expect(seen).toEqual([{ hook: "delete", args: ["a", { name: "a", migrated: true, __stateVersion: 2 }] }]);
    seen = [];
    await expect(h.delete("a", { __stateVersion: 3 })).rejects.toThrow(StateVersionError);
    expect(seen).toEqual([]);
  });
});
