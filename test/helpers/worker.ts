import { startWorker, type WorkerHandle } from "../../worker/runner";

/** A real worker host (graphile-worker + heartbeat) in this test process. */
export async function withWorker<T>(fn: (w: WorkerHandle) => Promise<T>, concurrency = 4): Promise<T> {
  const w = await startWorker({ concurrency, handleSignals: false, log: () => {} });
  try {
    return await fn(w);
  } finally {
    await w.stop();
  }
}
