/**
 * What Pulumi's dynamic-provider host can carry. It sends results to the engine through protobuf's
 * `Struct.fromJavaScript`, which throws "Unexpected struct type" on an `undefined` anywhere (an
 * output Sendbird did not return, say): that would fail a create the vendor already applied.
 * `forTheHost` wraps a resource's handlers so every result, and the properties of a
 * ResourceInitError, hold JSON values only, and such properties keep the shim (`__provider`).
 */
import { ResourceInitError } from "./errors";
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceHandlers } from "./shim";

/**
 * `value` with undefined object entries removed (and undefined array items as null), recursively.
 * Objects are rebuilt with Object.fromEntries, which defines each key as data: a vendor's JSON key
 * "__proto__" (an own property once parsed) stays a property, where `out[k] = v` would make its
 * value the prototype of the output object.
 */
export function jsonValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonValues(v))) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, jsonValues(v)]),
  ) as T;
}

/** The key under which the host stores the serialised provider (the shim) in every state. */
const PROVIDER_KEY = "__provider";

/**
 * `result`, JSON values only. A ResourceInitError's properties become the resource's recorded
 * state, and the host adds the shim to results but not to them: without it, the next refresh or
 * destroy of that resource cannot load the provider, so it is carried over from `props`.
 */
async function settled<T>(result: Promise<T>, props?: Record<string, unknown>): Promise<T> {
  try {
    return jsonValues(await result);
  } catch (err) {
    if (err instanceof ResourceInitError) {
      const provider = props?.[PROVIDER_KEY];
      err.properties = jsonValues({
        ...err.properties,
        ...(provider !== undefined && { [PROVIDER_KEY]: provider }),
      });
    }
    throw err;
  }
}

export function forTheHost(h: ResourceHandlers): ResourceHandlers {
  return {
    check: (olds, news) => settled(h.check(olds, news)),
    diff: (id, olds, news) => h.diff(id, olds, news),
    create: (inputs) => settled(h.create(inputs), inputs),
    read: (id, props) => settled(h.read(id, props), props),
    update: (id, olds, news) => settled(h.update(id, olds, news), news),
    delete: (id, props) => h.delete(id, props),
  };
}

/**
 * A check result as the engine should get it. For a failure that names a property, the engine
 * prints "property <name> value <the value> has a problem", secret or not (it sees the plaintext);
 * so each failure goes without its property, its reason starting with the property's name instead.
 */
export function failuresNamingNoValue(result: pulumi.dynamic.CheckResult): pulumi.dynamic.CheckResult {
  if (!result.failures) return result;
  const failures = result.failures.map(({ property, reason }) => ({
    property: "",
    reason: property === "" || reason.startsWith(property) ? reason : `${property}: ${reason}`,
  }));
  return { ...result, failures };
}
