import { QA_CHECK_TITLES, type QaReport } from "~/render/qa/report";

const MARK = { passed: "✓", failed: "⚠", skipped: "–" } as const;
const COLOR = { passed: "var(--ok)", failed: "var(--warn)", skipped: "var(--muted)" } as const;

/** The render's automatic checks (src/render/qa): each check's verdict, what was measured, and what to fix. */
export function QaPanel({ qa, live }: { qa: QaReport | null; live: boolean }) {
  return (
    <section className="panel" aria-labelledby="qa-h" data-testid="qa-panel" data-warnings={qa?.warnings ?? ""}>
      <div className="panel-head">
        <h2 id="qa-h">Checks</h2>
        {qa ? (
          <span className="muted">
            {qa.warnings ? `${qa.warnings} warning${qa.warnings > 1 ? "s" : ""}` : "all passed"} · {(qa.timingsMs.afterEncode / 1000).toFixed(1)} s after the encode
          </span>
        ) : null}
      </div>
      {!qa ? (
        <p className="muted">{live ? "The finished video is checked automatically: length, black or frozen frames, speech, loudness, text placement, photo sharpness and characters." : "This render was not checked."}</p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {qa.checks.map((c) => (
            <li key={c.id} data-testid="qa-check" data-check={c.id} data-verdict={c.verdict} style={{ padding: "6px 0", borderTop: "1px solid var(--line)" }}>
              <span aria-hidden style={{ color: COLOR[c.verdict], fontWeight: 700, display: "inline-block", width: 20 }}>
                {MARK[c.verdict]}
              </span>
              <strong>{QA_CHECK_TITLES[c.id]}</strong>
              <span className="muted"> · {c.summary}</span>
              <span className="sr-only"> ({c.verdict})</span>
              {c.verdict === "failed" && c.details.length ? (
                <ul style={{ margin: "4px 0 0 20px", paddingLeft: 16 }}>
                  {c.details.map((d, i) => (
                    <li key={i} className="muted">
                      {d}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
