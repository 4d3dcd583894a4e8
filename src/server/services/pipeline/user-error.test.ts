import { describe, expect, it } from "vitest";
import { FfmpegError, RenderInputError } from "~/render/errors";
import { shortError, USER_ERRORS, userFacingRenderError } from "./user-error";

describe("user-facing render errors", () => {
  it("an ffmpeg failure is one stable sentence: no stderr, no path", () => {
    const e = new FfmpegError("ffmpeg exited with code 1", { exitCode: 1, killSignal: null, stderrTail: "/srv/reelfarm/.data/storage/tmp/abc/captions.ass: No such file", args: [] });
    expect(userFacingRenderError(e)).toBe(USER_ERRORS.ffmpeg);
  });
  it("a bad input names its place in the plan, not its file", () => {
    const e = new RenderInputError("scenes[2].visual", "/srv/reelfarm/.data/storage/renders/x/still-2.png", "cannot be decoded");
    const m = userFacingRenderError(e);
    expect(m).toContain("scenes[2].visual");
    expect(m).not.toContain("/srv");
  });
  it("anything else is the generic sentence", () => {
    expect(userFacingRenderError(new Error("ECONNRESET at /srv/x.ts:12"))).toBe(USER_ERRORS.unexpected);
  });
  it("shortError keeps the first line and drops paths and URL queries", () => {
    expect(shortError("voiceover of scene 2: google-tts: failed at /srv/reelfarm/.data/tmp/a.wav\nstack...")).toBe("voiceover of scene 2: google-tts: failed at …");
    expect(shortError("called https://example.com/hook?token=secret failed")).toBe("called https://example.com/hook failed");
    expect(shortError("x".repeat(500))).toHaveLength(300);
  });
});
