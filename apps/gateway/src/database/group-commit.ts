interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: writes that arrive while a transaction is being committed wait for the next one and go in together.
 * A lone write is committed at once, so nothing waits when the node is quiet; under load one commit (one fsync)
 * serves many requests. Each caller's promise settles only when its own item is durable.
 */
export class GroupCommit<T> {
  private queue: Array<Waiting<T>> = [];
  private running = 0;

  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly maxItems = 500,
    private readonly maxConcurrent = 2,
  ) {}

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running < this.maxConcurrent) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running += 1;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, this.maxItems);
        try {
          await this.commit(group.map((w) => w.item));
          for (const w of group) w.resolve();
        } catch (err) {
          if (group.length === 1) group[0].reject(err);
          else await this.oneByOne(group); // one bad item must not fail the others
        }
      }
    } finally {
      this.running -= 1;
    }
  }

  private async oneByOne(group: Array<Waiting<T>>): Promise<void> {
    for (const w of group) {
      try {
        await this.commit([w.item]);
        w.resolve();
      } catch (err) {
        w.reject(err);
      }
    }
  }
}
