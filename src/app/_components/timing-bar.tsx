/**
 * A render's time per stage as one stacked bar: script, assets, then the assembly's own steps
 * when recorded (the engine's stages: .plan = input checks, hashes and segment keys, .segments = the
 * segments found in the cache or drawn and encoded, .mux = join + soundtrack, .audioMix (beside the
 * segments), .qa = the checks' decode pass after the encode; older renders have .prepare, .encoders,
 * .assemble, .cacheWrite, .validate, .audio, .kenBurns), else "assemble". `.musicWait` (the soundtrack waiting
 * for music that was still being made, while the segments were encoded) is not a step of its own: left out.
 */
const COLORS: Record<string, string> = {
  script: "#a78bfa",
  assets: "#60a5fa",
  "assemble.validate": "#fbbf24",
  "assemble.plan": "#fbbf24",
  "assemble.segments": "#4f46e5",
  "assemble.mux": "#818cf8",
  "assemble.prepare": "#fbbf24",
  "assemble.audioMix": "#34d399",
  "assemble.cacheWrite": "#f9a8d4",
  "assemble.encoders": "#fcd34d",
  "assemble.audio": "#34d399",
  "assemble.kenBurns": "#f472b6",
  "assemble.assemble": "#4f46e5",
  "assemble.qa": "#14b8a6",
  assemble: "#4f46e5",
  other: "#94a3b8",
};
const LABELS: Record<string, string> = {
  "assemble.validate": "validate",
  "assemble.plan": "checks + keys",
  "assemble.segments": "segments (cache + encode)",
  "assemble.mux": "join + mux",
  "assemble.prepare": "checks + stills",
  "assemble.audioMix": "audio mix",
  "assemble.cacheWrite": "cache write",
  "assemble.encoders": "encoder check",
  "assemble.audio": "audio mix",
  "assemble.kenBurns": "Ken Burns",
  "assemble.assemble": "Ken Burns + encode",
  "assemble.qa": "QA checks",
};

/** Recorded with the assembly's steps, but not steps: the whole, and a wait that overlaps the encode. */
const NOT_STEPS = new Set(["assemble.total", "assemble.musicWait"]);

/** The assembly's steps in the order they run. */
const SUB_ORDER = ["assemble.plan", "assemble.validate", "assemble.prepare", "assemble.encoders", "assemble.audio", "assemble.audioMix", "assemble.kenBurns", "assemble.assemble", "assemble.segments", "assemble.mux", "assemble.cacheWrite", "assemble.qa"];

export function timingSegments(t: Record<string, number>): { key: string; label: string; ms: number; color: string }[] {
  const known = SUB_ORDER.filter((k) => k in t);
  const subs = [...known, ...Object.keys(t).filter((k) => k.startsWith("assemble.") && !NOT_STEPS.has(k) && !known.includes(k))];
  const segs: { key: string; ms: number }[] = [];
  if (t.script) segs.push({ key: "script", ms: t.script });
  if (t.assets) segs.push({ key: "assets", ms: t.assets });
  if (subs.length) {
    const subTotal = subs.reduce((a, k) => a + (t[k] ?? 0), 0);
    for (const k of subs) segs.push({ key: k, ms: t[k] ?? 0 });
    const rest = (t.assemble ?? 0) - subTotal;
    if (rest > 50) segs.push({ key: "other", ms: rest });
  } else if (t.assemble) segs.push({ key: "assemble", ms: t.assemble });
  return segs.filter((s) => s.ms > 0).map((s) => ({ ...s, label: LABELS[s.key] ?? s.key, color: COLORS[s.key] ?? COLORS.other! }));
}

export function TimingBar({ timings, showLegend = false }: { timings: Record<string, number>; showLegend?: boolean }) {
  const segs = timingSegments(timings);
  const total = segs.reduce((a, s) => a + s.ms, 0);
  if (total === 0) return <span className="muted">—</span>;
  const text = segs.map((s) => `${s.label} ${(s.ms / 1000).toFixed(1)} s`).join(", ");
  return (
    <div>
      <div className="timing" role="img" aria-label={`Stage timings: ${text}`} title={text} data-testid="timing-bar">
        {segs.map((s) => (
          <span key={s.key} style={{ width: `${(100 * s.ms) / total}%`, background: s.color }} />
        ))}
      </div>
      {showLegend ? (
        <div className="legend" style={{ marginTop: 6 }}>
          {segs.map((s) => (
            <span key={s.key}>
              <i style={{ background: s.color }} />
              {s.label} {(s.ms / 1000).toFixed(1)} s
            </span>
          ))}
        </div>
      ) : null}
    </div>
  );
}
