import { describe, expect, it } from "vitest";
import { Semaphore } from "./limits";

describe("Semaphore", () => {
  it("never runs more than its limit at once and serves waiters in order", async () => {
    const s = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        order.push(i);
        running--;
      });
    await Promise.all([0, 1, 2, 3, 4].map(task));
    expect(peak).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4]);
    expect(s.inUse).toBe(0);
  });

  it("an aborted waiter leaves the queue without taking a slot", async () => {
    const s = new Semaphore(1);
    let release!: () => void;
    const first = s.run(() => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const waiting = s.run(async () => "never", ac.signal);
    ac.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    release();
    await first;
    expect(await s.run(async () => "next")).toBe("next");
  });
});
