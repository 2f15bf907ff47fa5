import * as fc from "fast-check";
import { isLeft, isRight } from "fp-ts/Either";
import {
  canonicalJson,
  canonicalJsonText,
  fieldErrors,
  integerIn,
  jsonDocument,
  nonBlankString,
} from "../../provider/core/codec";

describe("integerIn", () => {
  test.each([
    [0, true],
    [-0, true],
    [1, true],
    [Number.MAX_SAFE_INTEGER, true],
    [-1, false],
    [1.5, false],
    [0.1, false],
    ["3", false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    [null, false],
    [undefined, false],
    [true, false],
    [[1], false],
  ])("integerIn(0) %j -> %s", (value, ok) => {
    expect(isRight(integerIn(0).decode(value))).toBe(ok);
    expect(integerIn(0).is(value)).toBe(ok);
  });

  test.each([
    [1, true],
    [5, true],
    [10, true],
    [0, false],
    [11, false],
    [9.99, false],
    [-5, false],
  ])("integerIn(1, 10) %j -> %s (both bounds inclusive)", (value, ok) => {
    expect(isRight(integerIn(1, 10).decode(value))).toBe(ok);
    expect(integerIn(1, 10).is(value)).toBe(ok);
  });

  test("negative lower bounds work", () => {
    expect(isRight(integerIn(-3, -1).decode(-3))).toBe(true);
    expect(isRight(integerIn(-3, -1).decode(0))).toBe(false);
  });

  test("decodes to the number itself and encodes it unchanged", () => {
    const r = integerIn(0).decode(7);
    expect(r).toEqual({ _tag: "Right", right: 7 });
    expect(integerIn(0).encode(7)).toBe(7);
  });

  test("the failure names the rule, with or without an upper bound, never the value", () => {
    const open = integerIn(0).decode(-12345);
    const closed = integerIn(1, 10).decode(12345);
    if (!isLeft(open) || !isLeft(closed)) throw new Error("expected failures");
    expect(fieldErrors(open.left, "limit")).toEqual([{ path: "limit", reason: "expected an integer >= 0" }]);
    expect(fieldErrors(closed.left, "n")).toEqual([
      { path: "n", reason: "expected an integer from 1 to 10" },
    ]);
    expect(integerIn(0).name).toBe("an integer >= 0");
    expect(integerIn(1, 10).name).toBe("an integer from 1 to 10");
  });

  test("property: passes exactly the integers within the bounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -100, max: 100 }),
        fc.integer({ min: 0, max: 50 }),
        fc.oneof(fc.integer({ min: -500, max: 500 }), fc.double()),
        (min, span, value) => {
          const max = min + span;
          const ok = Number.isInteger(value) && value >= min && value <= max;
          expect(isRight(integerIn(min, max).decode(value))).toBe(ok);
          expect(integerIn(min, max).is(value)).toBe(ok);
        },
      ),
    );
  });
});

describe("nonBlankString", () => {
  test.each([
    ["a", true],
    [" padded ", true],
    ["Hëlper \u{1F916}", true],
    ["n".repeat(100_000), true],
    ["", false],
    [" ", false],
    ["\u00a0\u2003\ufeff", false],
    ["a\nb", false],
    ["a\rb", false],
    ["a\tb", false],
    ["a\u0000", false],
    ["a\u001f", false],
    ["a\u007f", false],
    ["a\u0080", false],
    ["a\u0085", false],
    ["a\u009f", false],
    ["a\u00a0b", true],
    [42, false],
    [null, false],
    [["a"], false],
  ])("%j -> %s", (value, ok) => {
    expect(isRight(nonBlankString().decode(value))).toBe(ok);
    expect(nonBlankString().is(value)).toBe(ok);
  });

  test("the failure states the rule", () => {
    const r = nonBlankString().decode(" ");
    if (!isLeft(r)) throw new Error("expected failure");
    expect(fieldErrors(r.left, "name")).toEqual([
      {
        path: "name",
        reason:
          "expected a string that is not blank, without control characters, well-formed Unicode (no lone surrogates)",
      },
    ]);
  });
});

/** The same JSON value with every object's keys in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reversedKeys(x)]),
    );
  }
  return v;
}

describe("canonicalJson", () => {
  test.each([
    [{ b: 1, a: 2 }, '{"a":2,"b":1}'],
    [{ b: { d: 1, c: { f: 1, e: 2 } }, a: [] }, '{"a":[],"b":{"c":{"e":2,"f":1},"d":1}}'],
    [[3, 1, 2], "[3,1,2]"],
    [
      [
        { b: 1, a: 2 },
        { d: 1, c: 2 },
      ],
      '[{"a":2,"b":1},{"c":2,"d":1}]',
    ],
    [{ B: 1, a: 2, _: 3 }, '{"B":1,"_":3,"a":2}'],
    ["text", '"text"'],
    [1.5, "1.5"],
    [null, "null"],
    [true, "true"],
    [{}, "{}"],
  ])("%j -> %s", (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  test("keys are sorted at every level, arrays keep their order", () => {
    const value = { z: [{ y: 1, x: [{ w: 1, v: 2 }] }], a: { c: 1, b: 2 } };
    expect(canonicalJson(value)).toBe('{"a":{"b":2,"c":1},"z":[{"x":[{"v":2,"w":1}],"y":1}]}');
  });

  test("integer-like keys come out in a fixed order too, whatever the order given", () => {
    // JavaScript lists integer-like keys first, in numeric order; the text is canonical all the same.
    expect(canonicalJson({ b: 1, "10": 2, "9": 3 })).toBe(canonicalJson({ "9": 3, b: 1, "10": 2 }));
  });

  test("a __proto__ key (as JSON.parse makes it) is kept as data", () => {
    const parsed: unknown = JSON.parse('{"b":1,"__proto__":{"x":1}}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"b":1}');
  });

  test("does not change the value it is given", () => {
    const value = { b: 1, a: { d: 1, c: 2 } };
    canonicalJson(value);
    expect(Object.keys(value)).toEqual(["b", "a"]);
    expect(Object.keys(value.a)).toEqual(["d", "c"]);
  });

  test("property: key order never makes a difference, and the text holds the same document", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reversedKeys(value))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  test("property: the keys of every object in the output are in sorted order (non-integer keys)", () => {
    const isSorted = (v: unknown): boolean => {
      if (Array.isArray(v)) return v.every(isSorted);
      if (v !== null && typeof v === "object") {
        const keys = Object.keys(v);
        return keys.every((k, i) => i === 0 || keys[i - 1] < k) && Object.values(v).every(isSorted);
      }
      return true;
    };
    const key = fc.string().filter((k) => !/^(0|[1-9]\d*)$/.test(k));
    fc.assert(
      fc.property(
        fc.letrec((tie) => ({
          node: fc.oneof(
            fc.integer(),
            fc.array(tie("node"), { maxLength: 3 }),
            fc.dictionary(key, tie("node"), { maxKeys: 4 }),
          ),
        })).node,
        (value) => {
          expect(isSorted(JSON.parse(canonicalJson(value)))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("canonicalJsonText", () => {
  test.each([
    ['{"b":1,"a":2}', '{"a":2,"b":1}'],
    [' {\n "a" : [ 1 , 2 ] } ', '{"a":[1,2]}'],
    [" [2, 1] ", "[2,1]"],
    ['"x"', '"x"'],
    ["3", "3"],
    ["null", "null"],
    ['{"a":"\\u00fc"}', '{"a":"ü"}'],
  ])("%j -> %s", (text, canonical) => {
    expect(canonicalJsonText(text)).toBe(canonical);
  });

  test.each([
    "",
    " ",
    "{",
    "{a:1}",
    "{'a':1}",
    '{"a":1,}',
    "[1,]",
    "undefined",
    "NaN",
    "'x'",
    '{"a":1}{"b":2}',
  ])("%j is not JSON: undefined", (text) => {
    expect(canonicalJsonText(text)).toBeUndefined();
  });

  test("property: canonical text is a fixed point", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalJsonText(JSON.stringify(value, null, 2));
        expect(once).toBe(canonicalJson(value));
        expect(canonicalJsonText(once as string)).toBe(once);
      }),
    );
  });
});

describe("jsonDocument", () => {
  const doc = jsonDocument(100);
  const RULE = "expected a JSON object or JSON text, at most 100 characters once serialised";
  const decoded = (u: unknown) => {
    const r = doc.decode(u);
    return isRight(r) ? r.right : undefined;
  };

  test.each([
    [{ b: 1, a: { d: 2, c: 3 } }, '{"a":{"c":3,"d":2},"b":1}'],
    [{}, "{}"],
    [{ list: [3, 1, 2] }, '{"list":[3,1,2]}'],
    ['{"b":1,"a":2}', '{"a":2,"b":1}'],
    [' { "a" : { "c" : 1 , "b" : 2 } } ', '{"a":{"b":2,"c":1}}'],
    ["[1, 2]", "[1,2]"],
    ['"text"', '"text"'],
    ["42", "42"],
  ])("%j decodes to %s", (value, text) => {
    expect(decoded(value)).toBe(text);
  });

  test.each([
    [[1, 2], "an array value"],
    [[], "an empty array value"],
    [42, "a number value"],
    [true, "a boolean"],
    [null, "null"],
    [undefined, "undefined"],
    ["", "empty text"],
    ["{", "text that is not JSON"],
    ["{a:1}", "unquoted keys"],
  ])("%j is refused (%s)", (value, _why) => {
    const r = doc.decode(value);
    if (!isLeft(r)) throw new Error("expected failure");
    expect(fieldErrors(r.left, "metadata")).toEqual([{ path: "metadata", reason: RULE }]);
  });

  test("the limit counts the serialised form's code points, inclusive", () => {
    // {"k":"<n characters>"} is n + 8 characters.
    expect(decoded({ k: "x".repeat(92) })).toHaveLength(100);
    expect(decoded({ k: "x".repeat(93) })).toBeUndefined();
    expect(decoded({ k: "\u{1F916}".repeat(92) })).toBeDefined();
    expect(decoded({ k: "\u{1F916}".repeat(93) })).toBeUndefined();
    expect(decoded(`{"k":"${"x".repeat(92)}"}`)).toHaveLength(100);
    expect(decoded(`{"k":"${"x".repeat(93)}"}`)).toBeUndefined();
  });

  test("whitespace of JSON text is not counted, escapes are counted as serialised", () => {
    const spaced = `{${" ".repeat(200)}"k":"${"x".repeat(92)}"}`;
    expect(decoded(spaced)).toHaveLength(100);
    // A newline in a string serialises as \n: two characters.
    expect(decoded({ k: "\n".repeat(46) })).toHaveLength(100);
    expect(decoded({ k: "\n".repeat(47) })).toBeUndefined();
  });

  test("is() holds for canonical text within the limit only", () => {
    expect(doc.is('{"a":1,"b":2}')).toBe(true);
    expect(doc.is('{"b":2,"a":1}')).toBe(false);
    expect(doc.is('{ "a": 1 }')).toBe(false);
    expect(doc.is({ a: 1 })).toBe(false);
    expect(doc.is("not json")).toBe(false);
    expect(doc.is(`{"k":"${"x".repeat(93)}"}`)).toBe(false);
  });

  test("the rule names the limit it was made with", () => {
    expect(jsonDocument(10_000).name).toBe(
      "a JSON object or JSON text, at most 10000 characters once serialised",
    );
  });

  test("property: an object and its JSON text, in any key order, decode alike", () => {
    const big = jsonDocument(1_000_000);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (value) => {
        const fromObject = big.decode(value);
        const fromText = big.decode(JSON.stringify(reversedKeys(value), null, 1));
        expect(fromObject).toEqual(fromText);
        expect(isRight(fromObject)).toBe(true);
      }),
    );
  });
});
