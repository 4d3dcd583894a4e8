/**
 * Media for brand kit and framing tests, made with the real ffmpeg (no binary fixtures in git):
 * a logo with transparency (PNG and WebP), an opaque PNG, and a 720x480 landscape photo.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reelfarm-brand-media-"));

function make(name: string, args: string[]): Buffer {
  const out = path.join(dir, name);
  if (!fs.existsSync(out)) execFileSync(process.env.FFMPEG_PATH ?? "ffmpeg", ["-v", "error", "-y", ...args, out]);
  return fs.readFileSync(out);
}

/** 400x160: an orange square and a navy bar on a transparent background. */
export const logoPng = () =>
  make("logo.png", ["-f", "lavfi", "-i", "color=c=black@0.0:s=400x160,format=rgba", "-vf", "drawbox=x=20:y=30:w=120:h=100:color=0xff6600@1:t=fill,drawbox=x=160:y=60:w=220:h=40:color=0x1e3a8a@1:t=fill", "-frames:v", "1"]);
export const logoWebp = () => {
  const png = path.join(dir, "logo.png");
  logoPng();
  return make("logo.webp", ["-i", png, "-frames:v", "1", "-c:v", "libwebp", "-lossless", "1"]);
};
/** 400x160, fully opaque: not a usable logo. */
export const opaquePng = () => make("opaque.png", ["-f", "lavfi", "-i", "color=c=red:s=400x160", "-frames:v", "1"]);
/** A 720x480 landscape photo stand-in (ffmpeg's test pattern), JPEG. */
export const landscapeJpg = () => make("landscape.jpg", ["-f", "lavfi", "-i", "testsrc2=s=720x480", "-frames:v", "1", "-q:v", "3"]);
/** Debian's DejaVu Sans (fonts-dejavu-core): a real TrueType font. */
export const dejavuTtf = () => fs.readFileSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
export const mediaPath = (name: string) => path.join(dir, name);
