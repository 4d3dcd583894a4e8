/**
 * A worker process's own temp folder, and the sweep of folders whose owner is gone.
 *
 * Everything a worker writes to os.tmpdir() (asset outputs, assembly work dirs, ffmpeg's files)
 * goes under one folder per process, `<tmp>/reelfarm-worker-<pid>-<random>`, made the process's
 * TMPDIR (children such as ffmpeg inherit it). A graceful stop removes it; a SIGKILLed or crashed
 * worker cannot, so every worker sweeps at start the folders whose owner is provably gone.
 *
 * "Provably gone": the folder's `owner.json` names the owner's boot (the kernel's boot_id), its pid
 * namespace, its pid and the process's start time (clock ticks since boot, /proc/<pid>/stat
 * field 22). On the same boot and in the same pid namespace as the sweeper, the owner is gone when
 * no process has that pid or the process that has it started at another time (the pid was reused).
 * A folder of another boot or another pid namespace (another machine or container sharing the
 * folder), or without a readable owner, is left alone: its owner cannot be checked from here.
 * Without /proc (not Linux) nothing is swept.
 */
import fs from "node:fs/promises";
import { readFileSync, readlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const HOST_TEMP_PREFIX = "reelfarm-worker-";
const OWNER_FILE = "owner.json";

const ownerSchema = z.object({ hostId: z.string(), hostname: z.string(), bootId: z.string().min(1), pidNamespace: z.string().min(1), pid: z.number().int().positive(), startTicks: z.string().regex(/^\d+$/) });
export type TempOwner = z.infer<typeof ownerSchema>;

/** Start time of process `pid` in clock ticks since boot (/proc/<pid>/stat field 22), or null when there is no such process. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2 (comm) is in parentheses and may hold spaces or ')': fields 3… follow the last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

/** This process's identity as a folder owner, or null where /proc cannot tell (not Linux). */
export function currentOwner(hostId: string): TempOwner | null {
  try {
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const pidNamespace = readlinkSync("/proc/self/ns/pid");
    const startTicks = processStartTicks(process.pid);
    if (!bootId || !startTicks) return null;
    return { hostId, hostname: os.hostname(), bootId, pidNamespace, pid: process.pid, startTicks };
  } catch {
    return null;
  }
}

/** Whether the owner of a folder is provably gone, as seen by `self` (see the module comment). */
export function ownerGone(owner: TempOwner, self: TempOwner): boolean {
  if (owner.bootId !== self.bootId || owner.pidNamespace !== self.pidNamespace) return false;
  if (owner.pid === self.pid) return owner.startTicks !== self.startTicks;
  const ticks = processStartTicks(owner.pid);
  return ticks === null || ticks !== owner.startTicks;
}

/**
 * Removes the folders `<base>/reelfarm-worker-*` whose owner is provably gone. Returns the removed
 * folders' paths. Never throws (a folder that cannot be read or removed is left).
 */
export async function sweepDeadHostTemp(base: string, self: TempOwner | null): Promise<string[]> {
  if (!self) return [];
  const removed: string[] = [];
  const entries = await fs.readdir(base, { withFileTypes: true }).catch(() => []);
  for (const d of entries) {
    if (!d.isDirectory() || !d.name.startsWith(HOST_TEMP_PREFIX)) continue;
    const dir = path.join(base, d.name);
    const owner = ownerSchema.safeParse(await fs.readFile(path.join(dir, OWNER_FILE), "utf8").then(JSON.parse, () => null));
    if (!owner.success || !ownerGone(owner.data, self)) continue;
    if (await fs.rm(dir, { recursive: true, force: true }).then(() => true, () => false)) removed.push(dir);
  }
  return removed;
}

/**
 * Creates this process's folder under `base` with its owner record (written before the folder
 * gets its final name, so a folder under that name always says whose it is). Returns its path.
 */
export async function createHostTemp(base: string, owner: TempOwner | null): Promise<string> {
  const name = `${HOST_TEMP_PREFIX}${process.pid}-${randomUUID().slice(0, 8)}`;
  const staging = path.join(base, `.${name}`);
  await fs.mkdir(staging, { recursive: true, mode: 0o700 });
  if (owner) await fs.writeFile(path.join(staging, OWNER_FILE), JSON.stringify(owner));
  const dir = path.join(base, name);
  await fs.rename(staging, dir);
  return dir;
}
