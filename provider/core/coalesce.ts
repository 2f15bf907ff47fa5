/**
 * Coalesced reads, for vendors that can only list (DeadSimpleChat has no get-one bot; LINE WORKS
 * reads a bot's domains by listing them). A refresh of N resources calls `read` N times, nearly at
 * once, in one provider process: they share one list request instead of making N.
 *
 * A listing is shared while it is in flight and for `ttlMs` after it answered. Every mutation
 * through the provider process calls `invalidate` when it ends (failed ones too: they may have been
 * applied), after which nobody joins a listing that started earlier: whoever must see the effect of
 * a write (the lookup after an ambiguous create, the read before an update) gets a listing sent
 * after the write.
 */
import { policies, type Policies } from "./policies";

interface Listing<T> {
  result: Promise<T>;
  /** When the listing answered (Date.now()); undefined while in flight. */
  answeredAt?: number;
}

export class CoalescedReads<T> {
  /**
   * By the policies of the calls that share them: a listing runs under the policies of the call
   * that started it (its retries, its warnings), so only calls of those policies join it.
   */
  private readonly byPolicies = new Map<Policies, Map<string, Listing<T>>>();

  private listingsOfThisCall(): Map<string, Listing<T>> {
    const given = policies();
    let listings = this.byPolicies.get(given);
    if (!listings) this.byPolicies.set(given, (listings = new Map()));
    return listings;
  }

  constructor(private readonly ttlMs: number) {}

  /** The shared result of `fetch` for `key`: the listing in flight or recently answered, or a new one. */
  get(key: string, fetch: () => Promise<T>): Promise<T> {
    const listings = this.listingsOfThisCall();
    const current = listings.get(key);
    if (current && (current.answeredAt === undefined || Date.now() - current.answeredAt <= this.ttlMs)) {
      return current.result;
    }
    const listing: Listing<T> = { result: fetch() };
    listings.set(key, listing);
    listing.result.then(
      () => (listing.answeredAt = Date.now()),
      // A failed listing is not shared once it failed: the next caller tries again.
      () => {
        if (listings.get(key) === listing) listings.delete(key);
      },
    );
    return listing.result;
  }

  /** Runs a mutation; once it ends, however it ends, no earlier listing is shared any more. */
  async mutating<R>(mutation: () => Promise<R>): Promise<R> {
    try {
      return await mutation();
    } finally {
      this.byPolicies.clear();
    }
  }
}
