/**
 * The vendors' documented answers, as the sandboxes replay them.
 *
 * Each vendor's fixtures (sandbox/fixtures/<vendor>.ts) hold every answer the provider branches on,
 * status and body quoted character for character from the vendor's page (docs/vendors/<vendor>.md
 * quotes the same text, with the page's address). A sandbox answers a documented case only through
 * `documented(...)`, so its words are the vendor's, not a reading of them.
 *
 * Every error answer a sandbox sends says why it sends it (its `basis`), and the server keeps a log of
 * error answers that gave none (`answersWithoutBasis`): the integration suite fails on any, so an
 * answer the provider might branch on cannot come from the sandbox's own imagination.
 */
import type { SandboxResponse } from "./http";

/** One answer as the vendor documents it. */
export interface DocumentedAnswer {
  /** The HTTP status the page gives. */
  readonly status: number;
  /** The body, verbatim from the page. */
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * Paths in `body` whose value the page shows as a placeholder or does not give (e.g. `"error"`,
   * or `"error.message"` inside an object whose `code` is documented): the sandbox may fill these
   * in; everything else is sent exactly as documented.
   */
  readonly variable?: readonly string[];
  /** The page that documents it. */
  readonly page: string;
}

/** A vendor's documented answers by name. */
export type DocumentedAnswers = Readonly<Record<string, DocumentedAnswer>>;

/**
 * Why a sandbox sent an error answer:
 * - `documented`: a fixture, by "<vendor>.<name>";
 * - `reading`: a named, opt-in reading of what the vendor's pages leave open (a sandbox option);
 * - `assumed`: plain HTTP behaviour no vendor page covers and no provider decision rests on a vendor
 *   text of (an unknown path, a wrong method, a body over the size limit, an internal error);
 * - `fault`: injected by a test (faults.inject).
 */
export type Basis =
  | { readonly documented: string }
  | { readonly reading: string }
  | { readonly assumed: string }
  | { readonly fault: string };

/**
 * The documented answer `name` of `vendor`'s fixtures, ready to send. `fill` sets values by path
 * ("error" or "error.message"), only where the fixture marks that path or one above it `variable`;
 * anything else is refused, so a documented text cannot drift.
 */
export function documented<A extends DocumentedAnswers>(
  vendor: string,
  answers: A,
  name: keyof A & string,
  fill: { body?: Record<string, unknown>; headers?: Record<string, string> } = {},
): SandboxResponse {
  const answer = answers[name];
  const body = structuredClone(answer.body) as Record<string, unknown>;
  for (const [at, value] of Object.entries(fill.body ?? {})) {
    if (!isVariable(answer, at))
      throw new Error(`${vendor}.${name}: "${at}" is documented verbatim, not variable`);
    const keys = at.split(".");
    let parent = body;
    for (const key of keys.slice(0, -1)) parent = (parent[key] ??= {}) as Record<string, unknown>;
    parent[keys[keys.length - 1]] = value;
  }
  return {
    status: answer.status,
    body,
    headers: fill.headers,
    basis: { documented: `${vendor}.${name}` },
  };
}

/** Whether the fixture lets the sandbox fill `at`: the path itself or one above it is variable. */
export function isVariable(answer: DocumentedAnswer, at: string): boolean {
  return (answer.variable ?? []).some((v) => at === v || at.startsWith(`${v}.`));
}

/** An answer the sandbox sends under a named reading (a sandbox option), or an HTTP-level assumption. */
export function withBasis(response: SandboxResponse, basis: Basis): SandboxResponse {
  return { ...response, basis };
}

const withoutBasis: { method: string; path: string; status: number }[] = [];

/** Records an error answer sent without a basis (called by the server). */
export function noteAnswerWithoutBasis(method: string, path: string, status: number): void {
  withoutBasis.push({ method, path, status });
}

/**
 * The error answers sandboxes in this process sent without a basis since the last call, and forgets
 * them. Empty when every error answer was documented, a named reading, an assumption or a fault.
 */
export function answersWithoutBasis(): { method: string; path: string; status: number }[] {
  return withoutBasis.splice(0);
}
