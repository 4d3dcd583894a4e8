/**
 * Decoded stills kept (issue 13 item 4): a photo is decoded and framed once per process for what decides its layers;
 * a second open (a variant's render, another scene with the same framing) reuses them and draws the same frames.
 * Real ffmpeg decodes the photo.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KenBurnsFrames, decodedStillsKept } from "./kenburns-clip";
import { type KenBurns } from "./plan";
import { makeImage } from "./testing";

let dir: string;
let photo: string;
const size = { width: 360, height: 640 };
const motion: KenBurns = { type: "zoom-in", easing: "linear", focusX: 0.5, focusY: 0.5, amount: 0.15 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "decoded-stills-"));
  photo = join(dir, "photo.png");
  await makeImage(photo, { width: 800, height: 1200, source: "testsrc2" });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frames = async (kb: KenBurnsFrames, ns: number[]) => {
  const src = kb.frameSource();
  return ns.map((n) => Buffer.from(src.frameSync(n)).toString("base64"));
};

describe("decoded stills", () => {
  it("a second open with the same content key reuses the decoded layers and draws the same frames", async () => {
    const before = decodedStillsKept();
    const still = { path: photo, motion, hasAlpha: false };
    const a = await KenBurnsFrames.open(still, 48, size, undefined, "photo-sha-1");
    const afterFirst = decodedStillsKept();
    expect(afterFirst.entries).toBe(before.entries + 1);
    expect(afterFirst.bytes).toBeGreaterThan(before.bytes);
    const b = await KenBurnsFrames.open(still, 48, size, undefined, "photo-sha-1");
    expect(decodedStillsKept()).toEqual(afterFirst);
    expect(b.decodeMs).toBeLessThan(a.decodeMs);
    expect(await frames(b, [0, 20, 47])).toEqual(await frames(a, [0, 20, 47]));
    // Without a key nothing is kept; the frames are the same all the same.
    const c = await KenBurnsFrames.open(still, 48, size);
    expect(decodedStillsKept()).toEqual(afterFirst);
    expect(await frames(c, [0, 47])).toEqual(await frames(a, [0, 47]));
  });

  it("what decides the layers is in the key: another size or another photo hash is decoded anew", async () => {
    const still = { path: photo, motion, hasAlpha: false };
    const base = decodedStillsKept().entries;
    await KenBurnsFrames.open(still, 24, size, undefined, "photo-sha-2");
    await KenBurnsFrames.open(still, 24, { width: 540, height: 960 }, undefined, "photo-sha-2");
    await KenBurnsFrames.open(still, 24, size, undefined, "photo-sha-3");
    expect(decodedStillsKept().entries).toBe(base + 3);
  });

  it("two opens at once decode once", async () => {
    const still = { path: photo, motion, hasAlpha: false };
    const base = decodedStillsKept();
    const [x, y] = await Promise.all([KenBurnsFrames.open(still, 24, size, undefined, "photo-sha-4"), KenBurnsFrames.open(still, 24, size, undefined, "photo-sha-4")]);
    expect(decodedStillsKept().entries).toBe(base.entries + 1);
    // One ffmpeg decode for both.
    expect(decodedStillsKept().decodes).toBe(base.decodes + 1);
    expect(await frames(x, [5])).toEqual(await frames(y, [5]));
  });
});
