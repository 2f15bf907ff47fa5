/**
 * What Pulumi's dynamic-provider host can carry. It sends results to the engine through protobuf's
 * `Struct.fromJavaScript`, which throws "Unexpected struct type" on an `undefined` anywhere (an
 * output Sendbird did not return, say): that would fail a create the vendor already applied.
 * `forTheHost` wraps a resource's handlers so every result, and the properties of a
 * ResourceInitError, hold JSON values only.
 */
import { ResourceInitError } from "./errors";
import type { ResourceHandlers } from "./shim";

/** `value` with undefined object entries removed (and undefined array items as null), recursively. */
export function jsonValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonValues(v))) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonValues(v);
  return out as T;
}

async function settled<T>(result: Promise<T>): Promise<T> {
  try {
    return jsonValues(await result);
  } catch (err) {
    if (err instanceof ResourceInitError) err.properties = jsonValues(err.properties);
    throw err;
  }
}

export function forTheHost(h: ResourceHandlers): ResourceHandlers {
  return {
    check: (olds, news) => settled(h.check(olds, news)),
    diff: (id, olds, news) => h.diff(id, olds, news),
    create: (inputs) => settled(h.create(inputs)),
    read: (id, props) => settled(h.read(id, props)),
    update: (id, olds, news) => settled(h.update(id, olds, news)),
    delete: (id, props) => h.delete(id, props),
  };
}
