/**
 * What the provider process knows of the chatbots it creates on one Whats91 account (base URL and
 * token), so that a create costs about one call without weakening what a lost answer may cost:
 * - The chatbots each sender had before the process's first create on it, listed once and shared
 *   by every create on that sender: after a lost answer, only a look-alike that is not among them
 *   can be ours.
 * - The chatbots the process's creates made or recovered (claimed): never taken twice, and, with
 *   the gate (core/create.ts CreateGate), never taken while the create that made one is in flight.
 * - Each sender's Meta ids (phoneNumberId, wabaId), the same for every chatbot of the sender, which
 *   the per-kind create routes do not answer: fetched once per sender, not once per chatbot.
 */
import { CreateGate } from "../core/create";
import type { ChatbotWithSender } from "./api";

/** A sender's Meta ids as Whats91 answered them (absent where it answered none). */
export type SenderIds = Pick<ChatbotWithSender, "phoneNumberId" | "wabaId">;

export class Ledger {
  /** Creates on the account share it; a lookup after a lost answer has it alone. */
  readonly gate = new CreateGate();
  private readonly claimed = new Set<string>();
  private readonly before = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly ids = new Map<string, Promise<SenderIds | undefined>>();

  /**
   * The chatbots of `sender` ("" for the token's own) from before the process's first create on it:
   * listed by the first create, awaited by every other before it sends. A failed listing is not
   * kept, so the next create lists again.
   */
  existing(sender: string, list: () => Promise<string[]>): Promise<ReadonlySet<string>> {
    let listed = this.before.get(sender);
    if (!listed) {
      const listing = list().then((uids) => new Set(uids));
      this.before.set(sender, listing);
      listing.catch(() => {
        if (this.before.get(sender) === listing) this.before.delete(sender);
      });
      listed = listing;
    }
    return listed;
  }

  /** Marks a chatbot as one of this process's creates: no other lookup takes it. */
  claim(uid: string): void {
    this.claimed.add(uid);
  }

  isClaimed(uid: string): boolean {
    return this.claimed.has(uid);
  }

  /**
   * The Meta ids of `sender`, from `get` (a read of one of its chatbots) the first time; creates that
   * ask meanwhile share that read. The caller whose `get` fails gets its error; one that shares a
   * failed read, or a read that found nothing, gets undefined (and reads its own chatbot), and the
   * next caller reads again.
   */
  senderIds(
    sender: string,
    get: () => Promise<ChatbotWithSender | undefined>,
  ): Promise<SenderIds | undefined> {
    const known = this.ids.get(sender);
    if (known) return known;
    const read = get().then((found) =>
      found?.senderId === sender ? { phoneNumberId: found.phoneNumberId, wabaId: found.wabaId } : undefined,
    );
    const shared = read.catch(() => undefined);
    this.ids.set(sender, shared);
    void shared.then((ids) => {
      if (!ids && this.ids.get(sender) === shared) this.ids.delete(sender);
    });
    return read;
  }

  /** Records the Meta ids of `sender` from an answer that carried them. */
  rememberIds(sender: string, ids: SenderIds): void {
    this.ids.set(sender, Promise.resolve(ids));
  }
}

const ledgers = new Map<string, Ledger>();

/** The ledger of an account (Whats91Api.account), for the life of the provider process. */
export function ledgerOf(account: string): Ledger {
  let ledger = ledgers.get(account);
  if (!ledger) ledgers.set(account, (ledger = new Ledger()));
  return ledger;
}
