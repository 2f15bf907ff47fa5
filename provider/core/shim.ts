/**
 * The thin shim: the object handed to `pulumi.dynamic.Resource`, which Pulumi serialises into every
 * resource's state and runs on later refreshes and deletes. It holds no logic: each method requires
 * the installed package's handlers at run time, so state stays small, an upgraded package fixes
 * existing resources too, and handler modules keep their state (token caches, pacing) across calls.
 * Keep this file free of imports used at run time: anything captured here is serialised.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface ResourceHandlers {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/** The shim for one resource type, e.g. "sendbird:Bot" (a key of provider/handlers.ts). */
export function dynamicProvider(resource: string): pulumi.dynamic.ResourceProvider {
  // Resolved from the program's node_modules in the provider process (see DESIGN.md, "Why a thin shim").
  const registry = () => require("pulumi-chatbots/handlers");
  const handlers = (): ResourceHandlers => registry().handlersFor(resource);
  return {
    configure: async (req) => registry().configure(req),
    check: (olds, news) => handlers().check(olds, news),
    diff: (id, olds, news) => handlers().diff(id, olds, news),
    create: (inputs) => handlers().create(inputs),
    read: (id, props) => handlers().read(id, props ?? {}),
    update: (id, olds, news) => handlers().update(id, olds, news),
    delete: (id, props) => handlers().delete(id, props),
  };
}
