/**
 * Two worker hosts that share only PostgreSQL and an S3-compatible object store render one batch
 * together: separate OS processes with separate DATA_DIRs, STORAGE_DIRs and TMPDIRs, the store a
 * real s3rver process. This test process plays the web app: it uploads the campaign's photo and
 * queues the batch, then serves an output with a Range request. What proves the store is shared:
 * every output is in the bucket and decodes, each host's local copies include assets the other
 * host made (downloaded from the store), the uploaded photo reached the hosts only through it,
 * and no host wrote a file into a storage directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SessionUser } from "~/server/auth/session";
import { serveStored } from "~/server/http/range";
import { createCampaign } from "~/server/services/campaigns";
import { queueBatch } from "~/server/services/dashboard";
import { addCampaignImages } from "~/server/services/uploads";
import { storage } from "~/server/storage";
import { brief, discardRenders, makeWorld } from "../auth/fixtures";
import { landscapeJpg } from "../helpers/brand-media";
import { spawnWorker, stopChild } from "../helpers/child-worker";
import { testDb, waitFor } from "../helpers/db";
import { describeVideo } from "../helpers/media";
import { startS3Server, type S3Server } from "../helpers/s3-server";

let s3: S3Server;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "reelfarm-two-hosts-"));
const hostDirs = ["a", "b"].map((h) => path.join(root, h));
let campaignId: string | undefined;

beforeAll(async () => {
  s3 = await startS3Server();
  // This process (the "web app") uses the store too: set before anything reads the configuration.
  Object.assign(process.env, s3.env("shared"), { STORAGE_CACHE_DIR: path.join(root, "web-cache") });
});
afterAll(async () => {
  if (campaignId) await discardRenders({ campaignId });
  await s3?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Files under a folder, relative, or [] when it does not exist. */
const filesUnder = (dir: string) => (fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)))) : []);

describe("two worker hosts sharing only PostgreSQL and the object store", () => {
  it("render one batch together", { timeout: 480_000 }, async () => {
    const db = testDb();
    const store = await storage();
    expect(store.description).toMatch(/^s3:\/\/reelfarm-test\/shared\/ at http:\/\/127\.0\.0\.1:\d+$/);
    const w = await makeWorld();
    const user: SessionUser = { ...w.marketerA, role: "marketer" };
    const campaign = await createCampaign(db, { ...brief, name: `Two hosts ${w.tag}`, targetSeconds: 6 }, { userId: w.marketerA.id, teamId: w.teamA.id });
    campaignId = campaign.id;
    const [photo] = await addCampaignImages(db, campaign.id, [{ bytes: landscapeJpg(), name: "boots.jpg" }]);
    expect(await store.stat(photo!.file)).toMatchObject({ bytes: landscapeJpg().length });

    const hosts = hostDirs.map((dir) => {
      fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
      return spawnWorker({
        ...s3.env("shared"),
        DATA_DIR: dir,
        STORAGE_DIR: path.join(dir, "storage"), // unused with STORAGE_URL: checked empty below
        STORAGE_CACHE_DIR: path.join(dir, "storage-cache"),
        TMPDIR: path.join(dir, "tmp"),
        WORKER_CONCURRENCY: "3",
      });
    });
    try {
      for (const h of hosts) {
        await waitFor(() => db.workerHost.findFirst({ where: { pid: h.pid, stoppedAt: null } }), 60_000, "a worker host to register").catch((e) => {
          throw new Error(`${(e as Error).message}\n${h.output()}`);
        });
      }
      const batch = await queueBatch(db, user, { campaignId: campaign.id, preset: "preview", hooks: ["Dry feet, all day.", "Light as a trail runner."], voices: ["slt", "kal"] });
      const renders = await waitFor(async () => {
        const rs = await db.render.findMany({ where: { id: { in: batch.renderIds } }, include: { assets: true } });
        return rs.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status)) ? rs : null;
      }, 300_000, "the batch to finish").catch((e) => {
        throw new Error(`${(e as Error).message}\n${hosts.map((h) => h.output()).join("\n---\n")}`);
      });
      expect(renders.map((r) => r.status), renders.map((r) => r.error).join("; ")).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);

      // Both hosts worked: each made assets and each assembled at least one render.
      const hostRows = await db.workerHost.findMany({ where: { pid: { in: hosts.map((h) => h.pid!) } } });
      expect(hostRows.map((h) => h.rendersDone).sort()).not.toContain(0);
      expect(hostRows.reduce((a, h) => a + h.rendersDone, 0)).toBeGreaterThanOrEqual(4);
      type Attempt = { outcome: string; host?: string };
      const madeBy = (pid: number) => (a: (typeof renders)[number]["assets"][number]) => (a.attempts as Attempt[]).some((x) => x.outcome === "succeeded" && x.host?.includes(`-${pid}-`));
      const assets = renders.flatMap((r) => r.assets).filter((a) => a.status === "succeeded" && a.file);
      for (const h of hosts) expect(assets.filter(madeBy(h.pid!)).length).toBeGreaterThan(0);

      // Each output is in the bucket and is a real video of the campaign's length.
      for (const r of renders) {
        expect(await store.stat(r.outputFile!)).not.toBeNull();
        const v = await describeVideo(await store.localPath(r.outputFile!));
        expect(v).toMatchObject({ videoCodec: "h264", audioCodec: "aac" });
        expect(v.durationSec).toBeGreaterThan(4);
        expect(v.durationSec).toBeLessThan(9);
      }

      // Shared through the store, not a folder: a host's local copies include assets the other
      // host made (it downloaded them to assemble) and the photo this process uploaded.
      const stem = (key: string) => key.replace(/\.[^./]+$/, "");
      hosts.forEach((h, i) => {
        const copies = filesUnder(path.join(hostDirs[i]!, "storage-cache")).map((f) => f.split(path.sep).join("/"));
        const has = (key: string) => copies.some((c) => c.startsWith(`${stem(key)}.v`));
        const other = hosts[1 - i]!;
        const fromOther = assets.filter(madeBy(other.pid!)).filter((a) => has(a.file!));
        if (hostRows.find((r) => r.pid === h.pid)!.rendersDone > 0) expect(has(photo!.file)).toBe(true);
        expect(fromOther.length, `host ${i} holds copies of ${copies.length} objects`).toBeGreaterThan(0);
        expect(filesUnder(path.join(hostDirs[i]!, "storage"))).toEqual([]);
      });
      // (The suite's own STORAGE_DIR holds other files' renders: only this batch's must be absent from it.)
      expect(filesUnder(process.env.STORAGE_DIR!).filter((f) => renders.some((r) => f.includes(r.id)))).toEqual([]);

      // The web app serves an output from the store with a Range request (proxied ranged read).
      const out = renders[0]!.outputFile!;
      const size = (await store.stat(out))!.bytes;
      const res = await serveStored(new Request("http://x/v", { headers: { range: "bytes=0-1023" } }), store, out, { contentType: "video/mp4" });
      expect(res.status).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes 0-1023/${size}`);
      const head = Buffer.from(await res.arrayBuffer());
      expect(head.length).toBe(1024);
      expect(head.subarray(4, 8).toString("latin1")).toBe("ftyp"); // an MP4 from its first box
    } finally {
      await Promise.all(hosts.map((h) => stopChild(h)));
    }
  });
});
