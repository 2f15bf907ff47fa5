/**
 * `get` of a resource class (core/resource.ts definedResource): as 0.1.0's own static methods did,
 * it makes the resource's class, also when called on a user's subclass or detached, and its type is
 * plain (a helper taking `{ get(name, id): R }` infers the class). No engine: Resource is stubbed.
 */
jest.mock("@pulumi/pulumi", () => {
  const actual = jest.requireActual("@pulumi/pulumi");
  class Resource {
    readonly id = "stub-id";
    readonly props: unknown[];
    constructor(...args: unknown[]) {
      this.props = args;
    }
  }
  return { ...actual, dynamic: { ...actual.dynamic, Resource } };
});
import * as sendbird from "../../provider/sendbird/bot";
import * as dsc from "../../provider/deadsimplechat/bot";

/** Compile-time: `get` fits a plain `{ get(name, id): R }`, R inferred as the class (never called). */
export function adoptAll<R>(cls: { get(name: string, id: string): R }, ids: string[]): R[] {
  return ids.map((id) => cls.get(id, id));
}
export const typed: () => [sendbird.Bot[], dsc.Bot[]] = () => [
  adoptAll(sendbird.Bot, ["a"]),
  adoptAll(dsc.Bot, ["a"]),
];

test("Bot.get on a subclass whose constructor takes other arguments makes a Bot, as 0.1.0 did", () => {
  class Named extends sendbird.Bot {
    constructor(name: string, nickname: string) {
      super(name, {
        botUserid: name,
        botNickname: nickname.toUpperCase(),
        botProfileUrl: "",
        botType: "t",
        botCallbackUrl: "https://example.com/cb",
        isPrivacyMode: false,
      });
    }
  }
  const got = Named.get("seen", "helper");
  expect(got).toBeInstanceOf(sendbird.Bot);
  expect(got).not.toBeInstanceOf(Named);
});

test("get passes the id in the options and no args, and sets the id output", () => {
  const got = dsc.Bot.get("seen", "bot-1", { protect: true }) as unknown as {
    props: unknown[];
    botId: unknown;
  };
  const [, name, props, opts] = got.props as [
    unknown,
    string,
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  expect(name).toBe("seen");
  expect(opts).toMatchObject({ id: "bot-1", protect: true });
  expect(Object.values(props).every((v) => v === undefined)).toBe(true);
  expect(got.botId).toBe("stub-id");
});

test("get called detached (kept in a variable) still reads the resource", () => {
  const get = sendbird.Bot.get;
  const got = get("seen", "helper") as unknown as { props: unknown[] };
  expect(got.props[1]).toBe("seen");
  expect(got.props[4]).toBe("sendbird");
  expect(got.props[5]).toBe("Bot");
});
