/**
 * Real media for the fake Gemini API, so downstream ffmpeg can use it:
 * PNGs from a tiny encoder, speech-like L16 PCM synthesised in JS, and an
 * H.264 9:16 mp4 (testsrc2) and an MP3 made once with ffmpeg and cached.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflateSync } from "node:zlib";

const run = promisify(execFile);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG: a diagonal gradient with a grid, different per `seed`. */
export function makePng(width: number, height: number, seed = 0): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const hue = (seed * 47) % 256;
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const grid = x % 96 < 3 || y % 96 < 3 ? 60 : 0;
      const i = row + 1 + x * 3;
      raw[i] = (hue + (x * 255) / width) % 256;
      raw[i + 1] = Math.min(255, (y * 255) / height + grid);
      raw[i + 2] = 160 - Math.round((x * 80) / width);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Gemini image models' 9:16 output is 768x1344. */
export const IMAGE_SIZES: Record<string, [number, number]> = { "9:16": [768, 1344], "16:9": [1344, 768], "1:1": [1024, 1024] };

/**
 * Speech-like mono 16-bit PCM: one voiced burst per word, gaps between
 * words, longer after punctuation, 0.2 s of silence at both ends.
 */
export function makeSpeechPcm(text: string, sampleRate = 24000): Buffer {
  const samples: number[] = [];
  const silence = (sec: number) => {
    for (let i = 0; i < Math.round(sec * sampleRate); i++) samples.push(0);
  };
  silence(0.2);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const n = Math.round((0.1 + 0.055 * word.length) * sampleRate);
    const f0 = 120 + (word.length % 5) * 12;
    for (let i = 0; i < n; i++) {
      const t = i / sampleRate;
      const env = Math.sin((Math.PI * i) / n);
      const v = Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(4 * Math.PI * f0 * t) + 0.25 * Math.sin(6 * Math.PI * f0 * t);
      samples.push(Math.round(env * v * 7000));
    }
    silence(/[.!?]$/.test(word) ? 0.3 : /[,;:]$/.test(word) ? 0.15 : 0.06);
  }
  silence(0.2);
  const buf = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buf.writeInt16LE(s, i * 2));
  return buf;
}

/** ffmpeg-made media, generated on first use and kept in memory. */
export class MediaCache {
  readonly #videos = new Map<string, Promise<Buffer>>();
  #music: Promise<Buffer> | undefined;
  #dir: Promise<string> | undefined;

  constructor(private readonly ffmpegPath: string) {}

  #workDir(): Promise<string> {
    this.#dir ??= mkdtemp(join(tmpdir(), "fake-gemini-"));
    return this.#dir;
  }

  async #make(name: string, args: string[]): Promise<Buffer> {
    const out = join(await this.#workDir(), name);
    await run(this.ffmpegPath, ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", ...args, out]);
    return readFile(out);
  }

  /** A 9:16 (or 16:9) H.264 + AAC mp4 of testsrc2 with a tone. */
  video(durationSec: number, aspectRatio: string, resolution: string): Promise<Buffer> {
    const short = resolution === "1080p" ? 1080 : 720;
    const long = Math.round((short * 16) / 9);
    const [w, h] = aspectRatio === "16:9" ? [long, short] : [short, long];
    const key = `${durationSec}-${w}x${h}`;
    let p = this.#videos.get(key);
    if (!p) {
      p = this.#make(`veo-${key}.mp4`, [
        ...["-f", "lavfi", "-i", `testsrc2=s=${w}x${h}:r=24:d=${durationSec}`],
        ...["-f", "lavfi", "-i", `sine=f=440:r=48000:d=${durationSec}`],
        ...["-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart"],
      ]);
      this.#videos.set(key, p);
      p.catch(() => this.#videos.delete(key));
    }
    return p;
  }

  /** Lyria 3 clips: 30 s MP3, 44.1 kHz stereo. */
  music(): Promise<Buffer> {
    this.#music ??= this.#make("lyria.mp3", [
      ...["-f", "lavfi", "-i", "sine=f=220:r=44100:d=30", "-f", "lavfi", "-i", "sine=f=277.18:r=44100:d=30", "-f", "lavfi", "-i", "sine=f=329.63:r=44100:d=30"],
      ...["-filter_complex", "amix=inputs=3,volume=0.6,aformat=channel_layouts=stereo", "-c:a", "libmp3lame", "-b:a", "128k"],
    ]);
    this.#music.catch(() => (this.#music = undefined));
    return this.#music;
  }

  async dispose(): Promise<void> {
    if (this.#dir) await rm(await this.#dir, { recursive: true, force: true });
  }
}
