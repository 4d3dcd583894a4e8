import type { RenderSegment } from "~/server/services/render-segments";
import { formatBytes, formatMs } from "./format";

/** Seconds of a frame index at `fps`, to the ms ("1.042 s"). */
const at = (frame: number, fps: number) => `${(frame / fps).toFixed(3)} s`;

/**
 * The video's segments in output order (each an H.264 run encoded on its own and joined by stream copy): what it
 * shows, its frames and time span, whether the segment cache supplied it, its size and build time. Every row carries
 * its frames as data attributes (`data-start-frame`, `data-frames`; the table's `data-fps`) for the join tests.
 */
export function SegmentTable({ segments, fps }: { segments: RenderSegment[]; fps: number }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Segments" data-testid="segments" data-fps={fps}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Shows</th>
            <th scope="col">Frames</th>
            <th scope="col">Time</th>
            <th scope="col">Cache</th>
            <th scope="col">Size</th>
            <th scope="col">Build</th>
          </tr>
        </thead>
        <tbody>
          {segments.map((s, i) => (
            <tr key={s.startFrame} data-testid="segment" data-kind={s.kind} data-start-frame={s.startFrame} data-frames={s.frames}>
              <td>{i + 1}</td>
              <td>{s.kind === "body" ? `scene ${s.scene + 1}` : `transition ${s.scene + 1} → ${s.scene + 2}`}</td>
              <td className="mono nowrap">
                {s.startFrame}–{s.startFrame + s.frames - 1}
              </td>
              <td className="mono nowrap">
                {at(s.startFrame, fps)} – {at(s.startFrame + s.frames, fps)}
              </td>
              <td>{s.hit ? "reused" : "encoded"}</td>
              <td className="nowrap">{formatBytes(s.bytes)}</td>
              <td className="nowrap">{s.hit ? "—" : formatMs(s.buildMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
