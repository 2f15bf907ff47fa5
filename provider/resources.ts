/**
 * Every resource of the package, as its definition: what the handlers (handlers.ts), the shims'
 * test and the docs are checked against. It is read from the package's exports (index.ts): a
 * resource class made by `definedResource` carries its definition, so exporting the class is what
 * registers a resource; nothing else lists them.
 */
import type { ResourceDefinition } from "./core/definition";
import { definitionOf } from "./core/resource";
import * as pkg from "./index";

/** Any resource's definition: its own field table and client types matter only in its own file. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resource has a table of its own
export type AnyDefinition = ResourceDefinition<any, any, any>;

export const RESOURCES: readonly AnyDefinition[] = Object.values(pkg).flatMap((namespace) =>
  Object.values(namespace).flatMap((exported) => {
    const def = definitionOf(exported);
    return def ? [def as AnyDefinition] : [];
  }),
);
