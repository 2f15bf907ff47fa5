// Prints the size of the `__provider` text Pulumi stores (twice) in each resource's state, built
// from the compiled package exactly as a program would build it. Target: <= 2048 bytes.
// Run after scripts/install-self.sh: node scripts/provider-size.js
"use strict";
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

// The packed install, as a program depending on the package sees it (not the checkout itself).
const installed = path.join(__dirname, "..", "node_modules", "pulumi-chatbots");

const resources = {
  "sendbird:Bot": (chatbots) =>
    new chatbots.sendbird.Bot("size-probe", {
      botUserid: "size_probe",
      botNickname: "Size probe",
      botProfileUrl: "",
      botType: "probe",
      botCallbackUrl: "https://example.com/callback",
      isPrivacyMode: false,
    }),
};

async function main() {
  const sizes = {};
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      if (typeof args.inputs.__provider === "string")
        sizes[args.type] = Buffer.byteLength(args.inputs.__provider);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  });
  const chatbots = require(installed);
  for (const make of Object.values(resources)) make(chatbots);
  // Registration is asynchronous; give it a moment to reach the mocks.
  await new Promise((resolve) => setTimeout(resolve, 500));
  let worst = 0;
  for (const [type, bytes] of Object.entries(sizes)) {
    console.log(`${type}\t__provider ${bytes} bytes`);
    worst = Math.max(worst, bytes);
  }
  if (Object.keys(sizes).length !== Object.keys(resources).length)
    throw new Error("a resource was not registered");
  console.log(`largest\t${worst} bytes (target <= 2048)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
