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
