import { describe, expect, it } from "vitest";
import { nextMidnightPacific } from "./pacific-time";

const at = (iso: string) => nextMidnightPacific(new Date(iso)).toISOString();

describe("nextMidnightPacific", () => {
  it("winter (PST, UTC-8): midnight is 08:00 UTC", () => {
    expect(at("2026-01-15T12:00:00Z")).toBe("2026-01-16T08:00:00.000Z");
  });
  it("summer (PDT, UTC-7): midnight is 07:00 UTC", () => {
    expect(at("2026-07-04T20:00:00Z")).toBe("2026-07-05T07:00:00.000Z");
  });
  it("late evening Pacific is still the same Pacific day even if UTC has moved on", () => {
    // 2026-07-05T05:30Z is 22:30 PDT on July 4th.
    expect(at("2026-07-05T05:30:00Z")).toBe("2026-07-05T07:00:00.000Z");
  });
  it("exactly at midnight gives the next one", () => {
    expect(at("2026-07-05T07:00:00Z")).toBe("2026-07-06T07:00:00.000Z");
  });
  it("spring forward day (2026-03-08): the day started in PST, ends in PDT", () => {
    expect(at("2026-03-08T09:00:00Z")).toBe("2026-03-09T07:00:00.000Z"); // 01:00 PST
    expect(at("2026-03-08T07:59:59Z")).toBe("2026-03-08T08:00:00.000Z"); // 23:59:59 PST on the 7th
  });
  it("fall back day (2026-11-01): the day started in PDT, ends in PST", () => {
    expect(at("2026-11-01T08:30:00Z")).toBe("2026-11-02T08:00:00.000Z"); // 01:30 PST (second pass)
    expect(at("2026-10-31T20:00:00Z")).toBe("2026-11-01T07:00:00.000Z"); // 13:00 PDT
  });
  it("month and year roll over", () => {
    expect(at("2026-12-31T20:00:00Z")).toBe("2027-01-01T08:00:00.000Z");
  });
});
