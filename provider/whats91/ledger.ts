/**
 * What the provider process knows of the chatbots it creates on one Whats91 account (base URL and
 * token), so that a create costs about one call without weakening what a lost answer may cost:
 * - The chatbots each sender had before a create, listed once for the creates that start within a
 *   moment of each other (SNAPSHOT_TTL_MS): after a lost answer, only a look-alike that is not
 *   among them can be ours.
 * - The chatbots the process's creates made or recovered (claimed): never taken twice, and, with
 *   the gate (core/create.ts CreateGate), never taken while the create that made one is in flight.
 * - Each sender's Meta ids (phoneNumberId, wabaId), the same for every chatbot of the sender, which
 *   the per-kind create routes do not answer: fetched once per sender, not once per chatbot.
 */
import { CreateGate } from "../core/create";
import type { ChatbotWithSender } from "./api";

/** A sender's Meta ids as Whats91 answered them (absent where it answered none). */
export type SenderIds = Pick<ChatbotWithSender, "phoneNumberId" | "wabaId">;

/**
 * How long a listing of a sender's chatbots serves the creates that start after it answered. A
 * look-alike someone else makes within this time before our create, whose answer is then lost, can
 * be taken for ours; before, with a listing per create, the same held for one made between that
 * listing and the create. Creates that start while a listing is in flight share it as well.
 */
export const SNAPSHOT_TTL_MS = 2_000;

interface Snapshot {
  uids: Promise<ReadonlySet<string>>;
  /** When the listing answered (Date.now()); undefined while in flight. */
  answeredAt?: number;
}

export class Ledger {
  /** Creates on the account share it; a lookup after a lost answer has it alone. */
  readonly gate = new CreateGate();
  private readonly claimed = new Set<string>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly ids = new Map<string, Promise<SenderIds | undefined>>();

  /**
   * The chatbots of `sender` ("" for the token's own) before this create: a listing in flight or
   * answered within SNAPSHOT_TTL_MS, else a new one. Every create awaits it before it sends, so a
   * create's own chatbot is never in it. A failed listing is not kept.
   */
  existing(sender: string, list: () => Promise<string[]>): Promise<ReadonlySet<string>> {
    const current = this.snapshots.get(sender);
    if (current && (current.answeredAt === undefined || Date.now() - current.answeredAt <= SNAPSHOT_TTL_MS)) {
      return current.uids;
    }
    const snapshot: Snapshot = { uids: list().then((uids) => new Set(uids)) };
    this.snapshots.set(sender, snapshot);
    snapshot.uids.then(
      () => (snapshot.answeredAt = Date.now()),
      () => {
        if (this.snapshots.get(sender) === snapshot) this.snapshots.delete(sender);
      },
    );
    return snapshot.uids;
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
