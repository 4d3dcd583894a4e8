/** WAV helpers: Gemini TTS answers raw L16 PCM that we wrap in a RIFF header ourselves. */

export interface PcmFormat {
  sampleRate: number;
  channels: number;
}

/**
 * Reads rate and channels from a mimeType like "audio/L16;codec=pcm;rate=24000".
 * Defaults (24000 Hz, mono) are Gemini TTS's. Undefined if not L16/PCM.
 */
export function parsePcmMimeType(mimeType: string): PcmFormat | undefined {
  const [type = "", ...params] = mimeType.split(";").map((s) => s.trim());
  if (!/^audio\/(l16|pcm)$/i.test(type)) return undefined;
  const get = (key: string) => {
    const p = params.find((x) => x.toLowerCase().startsWith(`${key}=`));
    return p ? Number(p.slice(key.length + 1)) : undefined;
  };
  const sampleRate = get("rate") ?? 24000;
  const channels = get("channels") ?? 1;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) return undefined;
  if (!Number.isInteger(channels) || channels < 1 || channels > 8) return undefined;
  return { sampleRate, channels };
}

/** A 44-byte PCM WAV header + the samples (16-bit little-endian). */
export function pcmToWav(pcm: Buffer, { sampleRate, channels }: PcmFormat): Buffer {
  const bytesPerSample = 2;
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * bytesPerSample, 28);
  header.writeUInt16LE(channels * bytesPerSample, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([header, pcm]);
}

export function pcmDurationSec(byteLength: number, { sampleRate, channels }: PcmFormat): number {
  return byteLength / (sampleRate * channels * 2);
}

export interface WavInfo extends PcmFormat {
  bitsPerSample: number;
  dataBytes: number;
  durationSec: number;
}

/** Reads the fmt and data chunks of a RIFF/WAVE buffer (skipping LIST and other chunks). */
export function readWavInfo(buf: Buffer): WavInfo | undefined {
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") return undefined;
  let offset = 12;
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === "fmt " && offset + 24 <= buf.length) {
      fmt = { channels: buf.readUInt16LE(offset + 10), sampleRate: buf.readUInt32LE(offset + 12), bitsPerSample: buf.readUInt16LE(offset + 22) };
    } else if (id === "data" && fmt) {
      // ffmpeg writes 0xFFFFFFFF sizes when it cannot seek back (piped output).
      const dataBytes = Math.min(size, buf.length - offset - 8);
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      return { ...fmt, dataBytes, durationSec: bytesPerSecond > 0 ? dataBytes / bytesPerSecond : 0 };
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}
