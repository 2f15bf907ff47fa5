/**
 * CreateGate (core/create.ts): sends run together; a lookup waits for the sends in flight and holds
 * new ones back while it runs; lookups run one at a time; a failure releases the gate.
 */
import { CreateGate } from "../../provider/core/create";

/** A promise with its resolve and reject, to settle by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("sends run together, never one after the other", async () => {
  const gate = new CreateGate();
  const started: number[] = [];
  const a = deferred();
  const b = deferred();
  const sends = [
    gate.send(() => (started.push(1), a.promise)),
    gate.send(() => (started.push(2), b.promise)),
  ];
  await settle();
  expect(started).toEqual([1, 2]);
  a.resolve();
  b.resolve();
  await Promise.all(sends);
});

test("a lookup starts once every send in flight has settled, failed ones included", async () => {
  const gate = new CreateGate();
  const events: string[] = [];
  const a = deferred();
  const b = deferred();
  // What a send does with its answer (claiming what it made) is part of the send.
  const sendA = gate.send(() => a.promise.then(() => events.push("a answered")));
  const sendB = gate.send(() => b.promise.catch(() => events.push("b failed")));
  const lookup = gate.lookup(async () => events.push("lookup"));
  await settle();
  expect(events).toEqual([]);
  a.resolve();
  await settle();
  expect(events).toEqual(["a answered"]);
  b.reject(new Error("lost"));
  await Promise.all([sendA, sendB, lookup]);
  expect(events).toEqual(["a answered", "b failed", "lookup"]);
});

test("sends wait while a lookup runs, then go", async () => {
  const gate = new CreateGate();
  const events: string[] = [];
  const looking = deferred();
  const lookup = gate.lookup(async () => {
    events.push("lookup started");
    await looking.promise;
    events.push("lookup ended");
  });
  await settle();
  const send = gate.send(async () => events.push("send"));
  await settle();
  expect(events).toEqual(["lookup started"]);
  looking.resolve();
  await Promise.all([lookup, send]);
  expect(events).toEqual(["lookup started", "lookup ended", "send"]);
});

test("lookups run one at a time, and a failed one lets the next run", async () => {
  const gate = new CreateGate();
  const events: string[] = [];
  const first = deferred();
  const one = gate.lookup(async () => {
    events.push("first");
    await first.promise;
  });
  const two = gate.lookup(async () => events.push("second"));
  await settle();
  expect(events).toEqual(["first"]);
  first.reject(new Error("listing failed"));
  await expect(one).rejects.toThrow("listing failed");
  await two;
  expect(events).toEqual(["first", "second"]);
  // and the gate is open again
  await gate.send(async () => events.push("send"));
  expect(events).toEqual(["first", "second", "send"]);
});

test("a send that throws leaves the gate: a lookup after it runs", async () => {
  const gate = new CreateGate();
  await expect(gate.send(async () => Promise.reject(new Error("lost answer")))).rejects.toThrow(
    "lost answer",
  );
  await expect(gate.lookup(async () => "looked up")).resolves.toBe("looked up");
});
