/**
 * Issue 13's "Chromium plays it and seeks across every join": the video is independently encoded H.264 segments
 * joined by stream copy (src/render/segments.ts), and a player must cross each join as if it were one encode.
 *
 * A 10 s preview render of a campaign whose one photo (coloured noise) gets Ken Burns motion in every scene (so
 * neighbouring frames differ). The render page lists the segments (`data-start-frame`, `data-frames`, `data-fps`).
 * In the page's <video>, for every join J (each segment's first frame after the first segment) and the frame
 * before it:
 * - seek to the middle of the frame's display interval, wait for `seeked` and for the frame to be presented
 *   (requestVideoFrameCallback), and check both currentTime and the presented frame's media time are that frame's
 *   (within half a frame);
 * - draw the displayed frame to a canvas and compare it with the same frame decoded by ffmpeg from the downloaded
 *   file: its mean absolute difference (RGB levels, 0-255) is small, and smaller than against ffmpeg's frame one
 *   before or after wherever those differ from it (a seek landing one frame off fails);
 * then plays across a join in the middle and checks time advances past it with frames presented on both sides, no
 * `error` and no `stalled`.
 * Screenshot: test-results/screens/joins-*.png; figures: test-results/joins.json.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator } from "@playwright/test";
import { createCampaign, E2E, shot, signIn, waitForRender } from "./helpers";

const media = path.resolve("test-results/joins-media");

/**
 * The largest mean absolute difference (RGB, 0-255) allowed between Chromium's and ffmpeg's decode of one frame:
 * both decode the same H.264 bits; what differs is rounding in YUV->RGB and chroma upsampling (measured 0.9-1.5).
 */
const SAME_FRAME_MAX_MAD = 3;
/** ffmpeg's neighbouring frames this far apart count as distinct for the one-frame-off check (above that noise). */
const DISTINCT_MIN_MAD = 4;

interface Frame {
  width: number;
  height: number;
  rgba: Buffer;
}

/** Mean absolute difference over R, G and B of two same-sized RGBA frames. */
function mad(a: Frame, b: Frame): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.rgba.length; i += 4) sum += Math.abs(a.rgba[i]! - b.rgba[i]!) + Math.abs(a.rgba[i + 1]! - b.rgba[i + 1]!) + Math.abs(a.rgba[i + 2]! - b.rgba[i + 2]!);
  return sum / ((a.rgba.length / 4) * 3);
}

/**
 * Frames `indices` (0-based, output order) of `file` decoded by ffmpeg to RGBA, by index. A file without colour tags
 * is converted with BT.709, as Chromium does (ffmpeg would assume BT.601: measured MAD 5.2 against Chromium's frame
 * instead of 1.5); a tagged one by its tags.
 */
function ffmpegFrames(file: string, width: number, height: number, indices: number[]): Map<number, Frame> {
  const wanted = [...new Set(indices)].sort((x, y) => x - y);
  const select = wanted.map((n) => `eq(n\\,${n})`).join("+");
  const matrix = execFileSync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=color_space", "-of", "csv=p=0", file], { encoding: "utf8" }).trim();
  const convert = matrix === "" || matrix === "unknown" ? "scale=in_color_matrix=bt709:in_range=tv," : "";
  const raw = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-vf", `select='${select}',${convert}format=rgba`, "-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1"], { maxBuffer: 1 << 30 });
  const size = width * height * 4;
  expect(raw.length, "ffmpeg returned every wanted frame").toBe(size * wanted.length);
  return new Map(wanted.map((n, i) => [n, { width, height, rgba: raw.subarray(i * size, (i + 1) * size) }]));
}

/**
 * Seeks the page's video to `t` seconds; resolves once `seeked` fired and the frame shown there was presented, with
 * currentTime, the presented frame's media time, and its pixels (RGBA, base64) drawn to a canvas at the video's size.
 */
function seekAndGrab(video: Locator, t: number) {
  return video.evaluate(
    (v: HTMLVideoElement, t: number) =>
      new Promise<{ currentTime: number; mediaTime: number; width: number; height: number; rgba: string }>((resolve, reject) => {
        let seeked = false;
        let mediaTime: number | null = null;
        const timer = setTimeout(() => reject(new Error(`seek to ${t}: seeked=${seeked}, frame presented=${mediaTime !== null} after 15 s`)), 15_000);
        const done = () => {
          if (!seeked || mediaTime === null) return;
          clearTimeout(timer);
          const c = document.createElement("canvas");
          c.width = v.videoWidth;
          c.height = v.videoHeight;
          const ctx = c.getContext("2d", { willReadFrequently: true })!;
          ctx.drawImage(v, 0, 0, c.width, c.height);
          const px = ctx.getImageData(0, 0, c.width, c.height).data;
          let bin = "";
          for (let i = 0; i < px.length; i += 0x8000) bin += String.fromCharCode(...px.subarray(i, i + 0x8000));
          resolve({ currentTime: v.currentTime, mediaTime, width: c.width, height: c.height, rgba: btoa(bin) });
        };
        v.addEventListener("seeked", () => ((seeked = true), done()), { once: true });
        v.requestVideoFrameCallback((_now, meta) => ((mediaTime = meta.mediaTime), done()));
        v.currentTime = t;
      }),
    t,
  );
}

test("Chromium seeks onto every segment join frame-exactly and plays across a join", async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page, E2E.adminEmail, E2E.adminPassword);
  const name = `Joins ${Date.now()}`;
  await createCampaign(page, { name, product: "Trailblazer hiking boots", audience: "weekend hikers", message: "Waterproof all day. Light as a sneaker. Grip on wet rock.", seconds: 10 });

  // One portrait "photo" of coloured noise in 4-pixel blocks: every scene shows it with Ken Burns motion, so every
  // frame differs from its neighbours all over the picture (a flat photo's frames barely change in a frame's time).
  fs.mkdirSync(media, { recursive: true });
  const photo = path.join(media, "noise-1080x1920.png");
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "nullsrc=s=270x480,geq=r='255*random(1)':g='255*random(2)':b='255*random(3)'", "-vf", "scale=1080:1920:flags=neighbor", "-frames:v", "1", photo]);
  await page.getByLabel("Upload product images").setInputFiles(photo);
  await expect(page.getByTestId("image-1")).toBeVisible();

  await page.getByRole("button", { name: `Queue preview render of ${name}` }).click();
  await expect(page).toHaveURL(/\/renders\//);
  expect(await waitForRender(page, 300_000)).toBe("succeeded");

  // The joins, as the render recorded them.
  const table = page.getByTestId("segments");
  await expect(table).toBeVisible();
  const fps = Number(await table.getAttribute("data-fps"));
  const segments = await page.getByTestId("segment").evaluateAll((rows) => rows.map((r) => ({ kind: r.getAttribute("data-kind")!, startFrame: Number(r.getAttribute("data-start-frame")), frames: Number(r.getAttribute("data-frames")) })));
  expect(fps).toBeGreaterThan(0);
  expect(segments.length, "a 10 s ad of several scenes is several segments").toBeGreaterThanOrEqual(3);
  segments.forEach((s, i) => expect(s.startFrame).toBe(i ? segments[i - 1]!.startFrame + segments[i - 1]!.frames : 0));
  const totalFrames = segments.at(-1)!.startFrame + segments.at(-1)!.frames;
  const joins = segments.slice(1).map((s) => s.startFrame);

  // The same file, decoded by ffmpeg: each join frame, the frame before it, and their neighbours.
  const video = page.locator("video");
  await expect(video).toBeVisible();
  await video.evaluate((v: HTMLVideoElement) => (v.readyState >= 1 ? null : new Promise((r) => v.addEventListener("loadedmetadata", r, { once: true }))));
  const { width, height, duration } = await video.evaluate((v: HTMLVideoElement) => ({ width: v.videoWidth, height: v.videoHeight, duration: v.duration }));
  expect(Math.abs(duration - totalFrames / fps), "the video is as long as its segments").toBeLessThan(1.5 / fps);
  const href = await page.getByRole("link", { name: "Download MP4" }).getAttribute("href");
  const mp4 = path.join(media, "joins.mp4");
  fs.writeFileSync(mp4, await (await page.request.get(href!)).body());
  const checked = joins.flatMap((j) => [j - 1, j]);
  const reference = ffmpegFrames(mp4, width, height, checked.flatMap((n) => [n - 1, n, n + 1].filter((k) => k >= 0 && k < totalFrames)));

  // Every seek first (the figures are written before any check, to compare runs), then the checks.
  const ref = (k: number) => reference.get(k) ?? null;
  const report: { frame: number; join: number; currentTime: number; mediaTime: number; same: number; prev: number | null; next: number | null; refPrev: number | null; refNext: number | null }[] = [];
  for (const n of checked) {
    const got = await seekAndGrab(video, (n + 0.5) / fps);
    const shown: Frame = { width: got.width, height: got.height, rgba: Buffer.from(got.rgba, "base64") };
    const near = (k: number, to: Frame) => (ref(k) ? mad(to, ref(k)!) : null);
    report.push({
      frame: n,
      join: joins.includes(n) ? n : n + 1,
      currentTime: got.currentTime,
      mediaTime: got.mediaTime,
      same: mad(shown, ref(n)!),
      prev: near(n - 1, shown),
      next: near(n + 1, shown),
      refPrev: near(n - 1, ref(n)!),
      refNext: near(n + 1, ref(n)!),
    });
  }
  fs.writeFileSync("test-results/joins.json", JSON.stringify({ fps, segments, checked: report }, null, 2));

  for (const r of report) {
    let distinguished = 0;
    const where = `frame ${r.frame} (join at ${r.join})`;
    expect(Math.abs(r.currentTime - (r.frame + 0.5) / fps), `${where}: currentTime`).toBeLessThan(0.5 / fps);
    // The presented frame's timestamp is its start: frame n spans [n/fps, (n+1)/fps).
    expect(Math.abs(r.mediaTime - r.frame / fps), `${where}: presented frame's media time ${r.mediaTime}`).toBeLessThan(0.5 / fps);
    expect(r.same, `${where}: Chromium's frame vs ffmpeg's`).toBeLessThan(SAME_FRAME_MAX_MAD);
    // One frame off would be caught: wherever ffmpeg's neighbour differs from the frame, the shown one is nearer.
    for (const [d, between] of [[r.prev, r.refPrev], [r.next, r.refNext]] as const) {
      if (d === null || between === null || between < DISTINCT_MIN_MAD) continue;
      distinguished++;
      expect(d, `${where}: nearer ffmpeg's frame (${r.same.toFixed(2)}) than a neighbour`).toBeGreaterThan(r.same * 2);
    }
    // The content makes the check bite: each checked frame differs from at least one of its neighbours.
    expect(distinguished, `${where}: a neighbour distinct from it (${JSON.stringify(r)})`).toBeGreaterThanOrEqual(1);
  }

  // Play across a join in the middle: time passes it, frames are presented on both sides, no error, no stall.
  const join = joins[Math.floor(joins.length / 2)]!;
  await seekAndGrab(video, Math.max(0, join - Math.round(fps / 2) + 0.5) / fps);
  const played = await video.evaluate(
    (v: HTMLVideoElement, { until, fps }) =>
      new Promise<{ times: number[]; errors: string[]; stalled: number; waiting: number; currentTime: number; error: number | null }>((resolve) => {
        const times: number[] = [];
        const errors: string[] = [];
        let stalled = 0;
        let waiting = 0;
        v.addEventListener("error", () => errors.push(String(v.error?.code)));
        v.addEventListener("stalled", () => stalled++);
        v.addEventListener("waiting", () => waiting++);
        const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
          times.push(meta.mediaTime);
          if (meta.mediaTime < until) v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
        v.muted = true;
        const finish = () => {
          clearInterval(watch);
          clearTimeout(limit);
          v.pause();
          resolve({ times, errors, stalled, waiting, currentTime: v.currentTime, error: v.error?.code ?? null });
        };
        const watch = setInterval(() => {
          if (v.currentTime >= until + 1 / fps || v.ended) finish();
        }, 20);
        const limit = setTimeout(finish, 20_000);
        void v.play().catch((e: Error) => errors.push(e.message));
      }),
    { until: (join + Math.round(fps / 2)) / fps, fps },
  );
  expect(played.errors).toEqual([]);
  expect(played.error).toBeNull();
  expect(played.stalled).toBe(0);
  expect(played.currentTime, "playback passed the join within 20 s").toBeGreaterThan((join + Math.round(fps / 2)) / fps);
  expect(played.times.some((m) => m < join / fps)).toBe(true);
  expect(played.times.some((m) => m >= join / fps)).toBe(true);
  played.times.forEach((m, i) => expect(m, "presented frames move forward").toBeGreaterThanOrEqual(i ? played.times[i - 1]! : 0));

  fs.writeFileSync("test-results/joins.json", JSON.stringify({ fps, segments, checked: report, played: { join, frames: played.times.length, waiting: played.waiting } }, null, 2));
  // The render page parked on a join frame, with the segment list.
  await seekAndGrab(video, (join + 0.5) / fps);
  await table.scrollIntoViewIfNeeded();
  await shot(page, "joins-render-page");
});
