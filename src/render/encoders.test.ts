import { describe, expect, it } from "vitest";
import { detectEncoders, encoderSettings, encoderWorks, parseEncoderList } from "./encoders";

const fakeList = `Encoders:
 V..... = Video
 A..... = Audio
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D libx264rgb           libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 RGB (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)
 V....D hevc_vaapi           H.265/HEVC (VAAPI) (codec hevc)
 A....D aac                  AAC (Advanced Audio Coding)
`;

describe("encoder detection", () => {
  it("parses the candidates out of an -encoders listing", () => {
    expect(parseEncoderList(fakeList)).toEqual(["h264_nvenc", "h264_qsv", "libx264"]);
    expect(parseEncoderList("")).toEqual([]);
  });

  it("gives every encoder preset-specific arguments", () => {
    expect(encoderSettings("libx264", "final").videoArgs).toEqual(expect.arrayContaining(["veryfast", "-crf", "21"]));
    expect(encoderSettings("libx264", "preview").videoArgs).toContain("superfast");
    expect(encoderSettings("h264_vaapi", "final").uploadFilter).toContain("hwupload");
  });

  it("test-encodes with the real ffmpeg: libx264 works, and a listed GPU encoder without a device does not count", async () => {
    const d = await detectEncoders({ refresh: true });
    expect(d.listed).toContain("libx264");
    expect(d.working).toContain("libx264");
    expect(d.best).toBe(d.working[0]);
    // On hosts without NVIDIA hardware nvenc is listed by Debian's ffmpeg but fails its test encode.
    if (d.listed.includes("h264_nvenc") && !(await encoderWorks("h264_nvenc"))) {
      expect(d.working).not.toContain("h264_nvenc");
    }
  });
});
