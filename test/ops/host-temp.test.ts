/**
 * Worker temp folders: each worker process puts its temp files in a folder of its own (its TMPDIR)
 * and removes it when it stops; a SIGKILLed worker cannot, so the next worker to start on the
 * machine removes it, and only folders whose owner is provably gone: never a live process's, never
 * one whose owner cannot be checked from here (another boot or pid namespace).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createHostTemp, currentOwner, HOST_TEMP_PREFIX, ownerGone, processStartTicks, sweepDeadHostTemp, type TempOwner } from "../../worker/host-temp";
import { spawnWorker, stopChild } from "../helpers/child-worker";
import { testDb, waitFor } from "../helpers/db";

const base = fs.mkdtempSync(path.join(process.env.DATA_DIR!, "host-temp-"));
const children: ReturnType<typeof spawnWorker>[] = [];

afterAll(async () => {
  for (const c of children) await stopChild(c, "SIGKILL");
  fs.rmSync(base, { recursive: true, force: true });
});

/** A process that has exited, with its identity as it was while it ran. */
async function deadProcessOwner(self: TempOwner): Promise<TempOwner> {
  const child = spawn("sleep", ["30"]);
  await new Promise((r) => child.once("spawn", r));
  const startTicks = processStartTicks(child.pid!);
  expect(startTicks).toMatch(/^\d+$/);
  await new Promise((r) => {
    child.once("exit", r);
    child.kill("SIGKILL");
  });
  return { ...self, hostId: "gone", pid: child.pid!, startTicks: startTicks! };
}

const folders = () => fs.readdirSync(base).filter((d) => d.startsWith(HOST_TEMP_PREFIX));

describe("who owns a temp folder", () => {
  it("is gone only when provably so: its pid is free or reused, on this boot and pid namespace", async () => {
    const self = currentOwner("me")!;
    expect(self).not.toBeNull();
    expect(ownerGone(self, self)).toBe(false); // this process
    const parent = { ...self, pid: process.ppid, startTicks: processStartTicks(process.ppid)! };
    expect(ownerGone(parent, self)).toBe(false); // a live process
    expect(ownerGone({ ...parent, startTicks: String(Number(parent.startTicks) + 1) }, self)).toBe(true); // its pid, another start: reused
    const dead = await deadProcessOwner(self);
    expect(ownerGone(dead, self)).toBe(true);
    // Not checkable from here: another machine's boot, another container's pid namespace.
    expect(ownerGone({ ...dead, bootId: "00000000-0000-0000-0000-000000000000" }, self)).toBe(false);
    expect(ownerGone({ ...dead, pidNamespace: "pid:[1]" }, self)).toBe(false);
  });

  it("the sweep removes the dead owners' folders and leaves the rest", async () => {
    const dir = fs.mkdtempSync(path.join(base, "unit-"));
    const self = currentOwner("me")!;
    const dead = await deadProcessOwner(self);
    const deadDir = await createHostTemp(dir, dead);
    fs.writeFileSync(path.join(deadDir, "leftover.wav"), "x");
    const liveDir = await createHostTemp(dir, self);
    const otherBoot = await createHostTemp(dir, { ...dead, bootId: "00000000-0000-0000-0000-000000000000" });
    const noOwner = await createHostTemp(dir, null);
    expect(await sweepDeadHostTemp(dir, self)).toEqual([deadDir]);
    expect([deadDir, liveDir, otherBoot, noOwner].map((d) => fs.existsSync(d))).toEqual([false, true, true, true]);
  });
});

describe("a SIGKILLed worker's temp folder", () => {
  it("is removed by the next worker to start on the machine; a stopped worker removes its own", async () => {
    const db = testDb();
    const start = async () => {
      const w = spawnWorker({ TMPDIR: base, GEMINI_API_KEY: "", LOG_LEVEL: "info" });
      children.push(w);
      // Started: its pools run and it handles SIGTERM (the row exists a little earlier).
      await waitFor(async () => (w.exitCode !== null ? Promise.reject(new Error(`worker exited:\n${w.output()}`)) : w.output().includes("started: concurrency")), 120_000, "a worker to start");
      expect(await db.workerHost.findFirst({ where: { pid: w.pid, stoppedAt: null } })).not.toBeNull();
      const own = folders().filter((d) => d.startsWith(`${HOST_TEMP_PREFIX}${w.pid}-`));
      expect(own).toHaveLength(1);
      return { w, dir: path.join(base, own[0]!) };
    };
    const a = await start();
    expect(JSON.parse(fs.readFileSync(path.join(a.dir, "owner.json"), "utf8"))).toMatchObject({ pid: a.w.pid });
    // What a worker killed mid-render leaves: an assembly's work dir with a part-written file.
    fs.mkdirSync(path.join(a.dir, "reelfarm-assemble-x"));
    fs.writeFileSync(path.join(a.dir, "reelfarm-assemble-x", "part.mp4"), "x");
    await stopChild(a.w, "SIGKILL");
    expect(fs.existsSync(a.dir)).toBe(true);

    // A live process's folder (this test's) must survive the next worker's sweep.
    const live = await createHostTemp(base, currentOwner("test")!);
    const b = await start();
    expect(fs.existsSync(a.dir)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(b.w.output()).toContain("temp folder(s) of worker processes that are gone");

    await stopChild(b.w, "SIGTERM");
    expect(b.w.exitCode).toBe(0);
    expect(fs.existsSync(b.dir)).toBe(false);
    expect(folders()).toEqual([path.basename(live)]);
  }, 300_000);
});
