import { probe } from "~/render/ffmpeg";

export async function describeVideo(file: string) {
  const p = await probe(file);
  const v = p.streams.find((s) => s.codec_type === "video");
  const a = p.streams.find((s) => s.codec_type === "audio");
  const [n, d] = (v?.r_frame_rate ?? "0/1").split("/").map(Number);
  return { width: v?.width, height: v?.height, fps: n! / (d || 1), videoCodec: v?.codec_name, audioCodec: a?.codec_name, durationSec: p.durationSec ?? 0 };
}

export { voicedSeconds } from "~/plugins/testing";
