/**
 * Per-key serialisation inside the provider process, for vendors that refuse parallel mutations of
 * one object (LINE WORKS: a bot and everything under it). The engine calls handlers concurrently
 * (`pulumi up --parallel`), so without this one bot and its domains would be changed at once.
 * Only this process is covered: another stack or the vendor's console can still overlap, which the
 * client retries (core/http.ts `retryable`).
 */
export class KeyQueue {
  // The settled tail of each key's queue; a key leaves the map once its queue is empty.
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `fn` after every earlier `fn` of the same key has settled, in arrival order; other keys
   * are not held up. A failing `fn` rejects its own promise only, never a later one's.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** How many keys have work queued or running. */
  get activeKeys(): number {
    return this.tails.size;
  }
}
