/**
 * Per-provider concurrency in this worker process: at most `provider.maxConcurrency` calls at
 * once (a call, not a long operation: a Veo generation holds no slot between its polls).
 * Waiters are served first come, first served; an aborted waiter leaves the queue.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiters.indexOf(go);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal!.reason ?? new Error("aborted"));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiters.push(go);
      });
    } else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    }
  }

  get inUse() {
    return this.active;
  }
}

const byProvider = new Map<string, Semaphore>();

export function providerSlots(id: string, limit: number): Semaphore {
  let s = byProvider.get(id);
  if (!s) byProvider.set(id, (s = new Semaphore(Math.max(1, limit))));
  return s;
}
