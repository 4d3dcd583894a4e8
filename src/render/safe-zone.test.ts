import { describe, expect, it } from "vitest";
import { PLATFORM_MARGINS, rectInside, safeRect, SAFE_MARGINS, textBands } from "./safe-zone";

describe("safe zone", () => {
  it("is the strictest margin of every platform on each side", () => {
    for (const m of Object.values(PLATFORM_MARGINS)) {
      expect(SAFE_MARGINS.top).toBeGreaterThanOrEqual(m.top);
      expect(SAFE_MARGINS.bottom).toBeGreaterThanOrEqual(m.bottom);
      expect(SAFE_MARGINS.left).toBeGreaterThanOrEqual(m.left);
      expect(SAFE_MARGINS.right).toBeGreaterThanOrEqual(m.right);
    }
  });
  it("gives whole-pixel rectangles inside the frame", () => {
    const r = safeRect(1080, 1920);
    expect(r).toEqual({ x: 60, y: 269, w: 880, h: 979 });
    expect(rectInside(r, { x: 0, y: 0, w: 1080, h: 1920 })).toBe(true);
    expect(rectInside({ x: 50, y: 300, w: 100, h: 100 }, r)).toBe(false);
    expect(rectInside({ x: 50, y: 300, w: 100, h: 100 }, r, 10)).toBe(true);
  });
});

describe("text bands", () => {
  it("keep headline and captions apart and inside the safe zone, for every caption position", () => {
    for (const pos of ["bottom", "center", "top"] as const) {
      const z = safeRect(1080, 1920);
      const { headline, captions } = textBands(1080, 1920, pos);
      expect(rectInside(headline, z)).toBe(true);
      expect(rectInside(captions, z)).toBe(true);
      const apart = headline.y + headline.h <= captions.y || captions.y + captions.h <= headline.y;
      expect(apart, pos).toBe(true);
    }
  });
});
