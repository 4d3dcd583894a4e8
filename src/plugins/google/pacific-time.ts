/**
 * Gemini daily quotas reset at midnight Pacific time. Computed with the
 * IANA zone (America/Los_Angeles), so PST/PDT switches are handled: the
 * next midnight is 08:00 UTC in winter and 07:00 UTC in summer.
 */
const ZONE = "America/Los_Angeles";

const formatter = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function wallClock(instant: Date): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), mi: Number(parts.minute), s: Number(parts.second) };
}

/** Pacific wall-clock minus UTC at `instant`, in ms (-8 h or -7 h). */
function offsetMs(instant: Date): number {
  const w = wallClock(instant);
  const wallAsUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The first midnight in America/Los_Angeles strictly after `now`. */
export function nextMidnightPacific(now: Date): Date {
  const w = wallClock(now);
  // Date.UTC normalises day overflow (Jan 31 + 1 -> Feb 1).
  const midnightWall = Date.UTC(w.y, w.m - 1, w.d + 1, 0, 0, 0);
  // DST switches happen at 02:00, never near midnight: one refinement with
  // the offset at the first guess is exact.
  const guess = midnightWall - offsetMs(now);
  return new Date(midnightWall - offsetMs(new Date(guess)));
}

/**
 * The last midnight in America/Los_Angeles at or before `now`: when the current Gemini daily
 * quota window began.
 */
export function lastMidnightPacific(now: Date): Date {
  const w = wallClock(now);
  const midnightWall = Date.UTC(w.y, w.m - 1, w.d, 0, 0, 0);
  const guess = midnightWall - offsetMs(now);
  return new Date(midnightWall - offsetMs(new Date(guess)));
}
