// The baseline every benchmark timing is divided by: N dynamic resources whose provider does
// nothing (create returns an id, diff reports no change, read returns the state as it is), so a
// run measures only what the engine, the language host and the dynamic-provider host cost.
// Config: `n` (how many); `width` (default 1): how many input properties each resource has, to
// tell the cost of a resource's properties (Pulumi's SDK makes an Output of each) from a provider's.
"use strict";
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const n = config.requireNumber("n");
const width = config.getNumber("width") ?? 1;

const noop = {
  async create(inputs) {
    return { id: `noop-${inputs.index}`, outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
  async read(id, props) {
    return { id, props };
  },
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name, args) {
    super(noop, name, args, undefined, "bench", "Noop");
  }
}

for (let i = 0; i < n; i++) {
  const args = { index: i };
  for (let p = 1; p < width; p++) args[`property${p}`] = `value ${p} of resource ${i}`;
  new Noop(`noop-${i}`, args);
}
