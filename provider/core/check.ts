/**
 * `check` for any resource: validates each declared input with its codec, fills documented
 * defaults, and refuses unknown properties. Pure: no network, no credentials. Values that are still
 * unknown during preview pass untouched; they are checked again at `up`, once resolved.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, fieldErrors, MAX_DEPTH, nestedDeeperThan, shownName, TOO_DEEP } from "./codec";

export interface InputSpec {
  codec: t.Decoder<unknown, unknown>;
  required?: boolean;
  /** Filled in when the input is absent, so state matches what the vendor applies by default. */
  default?: unknown;
}

export type InputSchema = Record<string, InputSpec>;

/** Inputs that only exist in the engine's bookkeeping, never validated. */
const ENGINE_KEYS = new Set(["__provider"]);

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Failure reasons name the field and the rule, never the value: the engine strips secret markings
 * before `check`, so a quoted value would print a secret in plaintext. An unknown property's name
 * is the user's text: it is shown escaped and shortened (`shownName`), in the reason and as the
 * failure's property alike. A value nested more than MAX_DEPTH levels deep fails before any
 * recursive walk of it: no depth can overflow the stack (a RangeError naming no field).
 */
export function checkInputs(schema: InputSchema, news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const inputs: Record<string, unknown> = {};

  for (const key of Object.keys(news)) {
    if (ENGINE_KEYS.has(key)) inputs[key] = news[key];
    // Own keys only: "constructor" or "__proto__" is a typo to report, not a property of every object.
    else if (!own(schema, key) && news[key] !== undefined) {
      failures.push({
        property: shownName(key),
        reason: `unknown property "${shownName(key)}"; the properties are: ${Object.keys(schema).join(", ")}`,
      });
    }
  }

  for (const [key, spec] of Object.entries(schema)) {
    const value = own(news, key) ? news[key] : undefined;
    if (value === undefined || value === null) {
      if (spec.default !== undefined) inputs[key] = spec.default;
      else if (spec.required) failures.push({ property: key, reason: `${key} is required` });
      continue;
    }
    if (nestedDeeperThan(value, MAX_DEPTH)) {
      failures.push({ property: key, reason: `${key}: ${TOO_DEEP}` });
      continue;
    }
    if (containsUnknown(value)) {
      inputs[key] = value;
      continue;
    }
    const decoded = spec.codec.decode(value);
    if (isLeft(decoded)) {
      for (const f of fieldErrors(decoded.left, key))
        failures.push({ property: key, reason: `${f.path}: ${f.reason}` });
    } else {
      inputs[key] = decoded.right;
    }
  }

  return failures.length > 0 ? { inputs, failures } : { inputs };
}
