/**
 * H.264 encoders: what this ffmpeg lists, which of those actually work on this host, and the arguments for each.
 * Listing is not working: GPU encoders are often listed but cannot open a device, so each candidate is
 * test-encoded for a few frames before it is trusted.
 */
import { type EncoderId, encoderIds } from "./plan";
import { runFfmpeg } from "./ffmpeg";

/** Best first. libx264 is the fallback everywhere. */
export const encoderPreference: readonly EncoderId[] = [
  "h264_nvenc",
  "h264_qsv",
  "h264_videotoolbox",
  "h264_vaapi",
  "libx264",
];

/** Which of our candidate encoders appear in `ffmpeg -encoders` output (pure; testable with a fake list). */
export function parseEncoderList(text: string): EncoderId[] {
  const found = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    // e.g. " V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC ... (codec h264)"
    const m = /^\s*V[A-Z.]{5}\s+(\S+)\s/.exec(line);
    if (m) found.add(m[1]!);
  }
  return encoderIds.filter((id) => found.has(id));
}

export type RenderPreset = "preview" | "final";

export interface EncoderSettings {
  id: EncoderId;
  preset: RenderPreset;
  /** Output options for the video stream (after -map). */
  videoArgs: string[];
  /** Filters appended to the video chain (e.g. hwupload for VAAPI); empty for software encoders. */
  uploadFilter: string | null;
  /** Input-side global options (e.g. the VAAPI device); placed before the first input. */
  globalArgs: string[];
  /**
   * Output options added when encoding one segment (segments.ts). libx264: a fixed 2 frame threads. x264's output
   * depends on its thread count, and `auto` follows the host's cores, so a fixed count keeps a segment's bytes a
   * function of its cache key on every host. Two is also the cheapest here: on this 2-core host, 84 frames of
   * 1080x1920 at veryfast took 2.75 CPU s with `auto` (3 frame threads + lookahead) and 2.48 with 2; two such
   * encodes side by side 2.97 s wall against 2.67 s; and a 12-frame segment 0.65 against 0.48 CPU s.
   */
  segmentArgs: string[];
}

const exhaustive: { [k in EncoderId]: (p: RenderPreset) => Omit<EncoderSettings, "id" | "preset"> } = {
  libx264: (p) => ({
    videoArgs:
      p === "final"
        ? ["-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p", "-profile:v", "high"]
        : // Preview: a quarter of the pixels, so x264 superfast costs ~1 s of CPU more than ultrafast on 18 s of
          // 540x960 but makes a file ~2.4x smaller (ultrafast's preview was bigger than the final: issue 9).
          // Measured on bench/campaign.ts frames: ultrafast crf 26 7.0 MB / 1.2 CPU s, superfast crf 26 3.0 MB /
          // 2.1 CPU s, veryfast crf 26 1.3 MB / 2.8 CPU s (shared, loaded host). `npm run bench:render` prints the
          // preview/final ratios.
          ["-c:v", "libx264", "-preset", "superfast", "-crf", "26", "-pix_fmt", "yuv420p"],
    uploadFilter: null,
    globalArgs: [],
    segmentArgs: ["-threads", "2"],
  }),
  h264_nvenc: (p) => ({
    videoArgs: ["-c:v", "h264_nvenc", "-preset", p === "final" ? "p5" : "p1", "-rc", "vbr", "-cq", p === "final" ? "23" : "28", "-b:v", "0", "-pix_fmt", "yuv420p"],
    uploadFilter: null,
    globalArgs: [],
    segmentArgs: [],
  }),
  h264_qsv: (p) => ({
    videoArgs: ["-c:v", "h264_qsv", "-preset", p === "final" ? "medium" : "veryfast", "-global_quality", p === "final" ? "23" : "28"],
    uploadFilter: "format=nv12",
    globalArgs: [],
    segmentArgs: [],
  }),
  h264_videotoolbox: (p) => ({
    videoArgs: ["-c:v", "h264_videotoolbox", "-q:v", p === "final" ? "65" : "50", "-pix_fmt", "yuv420p"],
    uploadFilter: null,
    globalArgs: [],
    segmentArgs: [],
  }),
  h264_vaapi: (p) => ({
    videoArgs: ["-c:v", "h264_vaapi", "-qp", p === "final" ? "22" : "28"],
    uploadFilter: "format=nv12,hwupload",
    globalArgs: ["-vaapi_device", "/dev/dri/renderD128"],
    segmentArgs: [],
  }),
};

export function encoderSettings(id: EncoderId, preset: RenderPreset): EncoderSettings {
  return { id, preset, ...exhaustive[id](preset) };
}

/** Test-encode a few frames with one encoder; resolves true when ffmpeg succeeds. */
export async function encoderWorks(id: EncoderId, signal?: AbortSignal): Promise<boolean> {
  const s = encoderSettings(id, "preview");
  const chain = ["format=yuv420p", s.uploadFilter].filter((x): x is string => x !== null).join(",");
  try {
    await runFfmpeg(
      [
        "-loglevel", "error",
        ...s.globalArgs,
        "-f", "lavfi", "-i", "testsrc2=size=256x256:rate=30:duration=0.2",
        "-vf", chain,
        ...s.videoArgs,
        "-f", "null", "-",
      ],
      { signal },
    );
    return true;
  } catch (e) {
    if (signal?.aborted) throw e;
    return false;
  }
}

export interface EncoderDetection {
  /** Candidates this ffmpeg lists. */
  listed: EncoderId[];
  /** Listed candidates whose test encode succeeded, best first. */
  working: EncoderId[];
  /** What renders should use. */
  best: EncoderId;
}

let detected: Promise<EncoderDetection> | null = null;

/** Detect once per process (call at worker start and record the result on the WorkerHost). */
export function detectEncoders(opts: { signal?: AbortSignal; refresh?: boolean } = {}): Promise<EncoderDetection> {
  if (!detected || opts.refresh) {
    detected = (async () => {
      const { stdout } = await runFfmpeg(["-hide_banner", "-encoders"], { raw: true, signal: opts.signal });
      const listed = parseEncoderList(stdout);
      const working: EncoderId[] = [];
      for (const id of encoderPreference) {
        if (listed.includes(id) && (await encoderWorks(id, opts.signal))) working.push(id);
      }
      return { listed, working, best: working[0] ?? "libx264" };
    })();
    detected.catch(() => {
      detected = null;
    });
  }
  return detected;
}
