// SecretFile: writes a secret into a file only its owner can read (mode 0600), such as the
// environment file a self-hosted callback server loads at start. Destroying it deletes the file.
//
// It stands in for wherever your callback server really gets its secrets from: in a cloud stack
// that is a resource of your cloud's provider (aws.secretsmanager.SecretVersion,
// gcp.secretmanager.SecretVersion, kubernetes.core.v1.Secret, ...), which takes a secret Output the
// same way. This example uses a file so that it runs with no cloud account.
//
// Pulumi keeps `content` encrypted in the stack's state and shows it as [secret]: it is passed in as
// a secret Output, and `additionalSecretOutputs` keeps the copy in the resource's outputs secret too.
"use strict";
const pulumi = require("@pulumi/pulumi");

// Pulumi serialises this object into the state and runs it in its own process, so each function
// requires what it uses.
const secretFileProvider = {
  async create(inputs) {
    const fs = require("fs");
    const path = require("path");
    fs.mkdirSync(path.dirname(inputs.path), { recursive: true, mode: 0o700 });
    fs.writeFileSync(inputs.path, inputs.content, { mode: 0o600 });
    return { id: inputs.path, outs: { path: inputs.path, content: inputs.content } };
  },
  async diff(_id, olds, news) {
    const replaces = olds.path === news.path ? [] : ["path"];
    return { changes: replaces.length > 0 || olds.content !== news.content, replaces };
  },
  async update(_id, _olds, news) {
    const fs = require("fs");
    fs.writeFileSync(news.path, news.content, { mode: 0o600 });
    return { outs: { path: news.path, content: news.content } };
  },
  async delete(_id, props) {
    require("fs").rmSync(props.path, { force: true });
  },
};

class SecretFile extends pulumi.dynamic.Resource {
  /**
   * @param {string} name
   * @param {{ path: pulumi.Input<string>, content: pulumi.Input<string> }} args
   * @param {pulumi.CustomResourceOptions} [opts]
   */
  constructor(name, args, opts) {
    super(
      secretFileProvider,
      name,
      { path: args.path, content: args.content },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["content"] }),
      "examples",
      "SecretFile",
    );
  }
}

module.exports = { SecretFile };
