/**
 * The thin shim: the provider object handed to `pulumi.dynamic.Resource`, which Pulumi serialises
 * into every resource's state and runs on later refreshes and deletes. It holds no logic: each
 * method requires the installed package's handlers at run time, so state stays small, an upgraded
 * package fixes existing resources too, and handler modules keep their state (request pacing,
 * token caches) across calls.
 *
 * Each resource type's shim is the whole `module.exports` of a file in provider/shims/. When the
 * package is installed under node_modules, Pulumi serialises that module object as a one-line
 * `require("pulumi-chatbots/dist/provider/shims/<file>.js")` (a few hundred bytes). Where it is not
 * (a symlinked checkout, Plug'n'Play), the methods below are serialised by value; they capture
 * nothing but the type key, so that works too. Keep this file free of imports used at run time.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface ResourceHandlers {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

export type ShimMethod = keyof ResourceHandlers | "configure";

/** The shim for one resource type, e.g. "sendbird:Bot" (a key of provider/handlers.ts). */
export function dynamicProvider(type: string): pulumi.dynamic.ResourceProvider {
  // Short names on purpose: this text is stored in state once per resource.
  const h = (method: ShimMethod, args: unknown[]) =>
    require("pulumi-chatbots/handlers").run(type, method, args);
  return {
    configure: (...a) => h("configure", a),
    check: (...a) => h("check", a),
    diff: (...a) => h("diff", a),
    create: (...a) => h("create", a),
    read: (...a) => h("read", a),
    update: (...a) => h("update", a),
    delete: (...a) => h("delete", a),
  };
}
