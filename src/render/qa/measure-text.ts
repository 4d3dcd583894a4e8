/**
 * Where the text on screen really is, measured rather than predicted: libass (ffmpeg's `subtitles` filter, the one that burns the captions) draws the render's .ass
 * at each distinct event's midpoint over a black and over a white canvas (one frame per moment); a pixel is lit when
 * it differs from its canvas (white text shows on black, a black outline on white; `blend=lighten` of the first and
 * the negated second takes both), and `bbox` gives the lit pixels' bounding box. One ffmpeg run for all events; it
 * needs only the .ass and the fonts, so it runs while the video is still being assembled.
 */
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { runFfmpeg } from "../ffmpeg";
import { type DrawnText } from "./report";

/** A pixel counts as drawn from this difference to the canvas (0-255): ignores faint anti-aliasing fringes (<6%). */
export const LIT_MIN = 16;

export interface AssEvent {
  start: number;
  end: number;
  /** The Text field as written (override tags included). */
  raw: string;
  /** What a viewer reads: tags removed, `\N` as a space. */
  text: string;
}

const assSeconds = (t: string) => {
  const [h, m, s] = t.split(":");
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
};

/** Dialogue events of an .ass script (Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text). */
export function assEvents(ass: string): AssEvent[] {
  const out: AssEvent[] = [];
  for (const line of ass.split(/\r?\n/)) {
    if (!line.startsWith("Dialogue:")) continue;
    const fields = line.slice("Dialogue:".length).split(",");
    if (fields.length < 10) continue;
    const raw = fields.slice(9).join(",");
    const text = raw
      .replace(/\{[^}]*\}/g, "")
      .replace(/\\[Nn]/g, " ")
      .replace(/\\h/g, " ")
      .replace(/\\([{}])/g, "$1")
      .replace(/\u2060/g, "")
      .trim();
    out.push({ start: assSeconds(fields[1]!.trim()), end: assSeconds(fields[2]!.trim()), raw, text });
  }
  return out;
}

/**
 * One moment per distinct look: karaoke writes one event per highlighted word with the same words and layout, only
 * colours change, so events whose text differs only in colour and alpha tags are measured once (at the first one's
 * midpoint). Any other tag (position, move, fade, size) makes an event distinct.
 */
export function momentsToMeasure(events: AssEvent[]): AssEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = e.raw
      .replace(/\{[^}]*\}/g, (block) => block.replace(/\\(?:[1-4]?c|[1-4]a|alpha)&H[0-9A-Fa-f]+&?/g, ""))
      .replace(/\{\}/g, "");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parse `bbox` lines of `metadata=print` (frames without lit pixels print nothing). */
function parseBoxes(text: string): Map<number, { x: number; y: number; w: number; h: number }> {
  const boxes = new Map<number, { x: number; y: number; w: number; h: number }>();
  let frame = -1;
  const cur: Record<string, number> = {};
  const flush = () => {
    if (frame >= 0 && cur.x1 !== undefined) boxes.set(frame, { x: cur.x1, y: cur.y1!, w: cur.x2! - cur.x1 + 1, h: cur.y2! - cur.y1! + 1 });
  };
  for (const line of text.split("\n")) {
    const head = /^frame:\s*(\d+)/.exec(line);
    if (head) {
      flush();
      frame = Number(head[1]);
      for (const k of Object.keys(cur)) delete cur[k];
      continue;
    }
    const kv = /^lavfi\.bbox\.(x1|x2|y1|y2)=(\d+)/.exec(line.trim());
    if (kv) cur[kv[1]!] = Number(kv[2]);
  }
  flush();
  return boxes;
}

/**
 * Draw `assPath` at the midpoint of each distinct event (see momentsToMeasure) on a `width` x `height` canvas and
 * return what was lit. `fontsDir`: the extra fonts folder the render gives libass, if any. `cwd` gets a temp file.
 */
export async function measureDrawnText(
  assPath: string,
  size: { width: number; height: number },
  opts: { cwd: string; fontsDir?: string | null; signal?: AbortSignal; niceness?: number },
): Promise<DrawnText[]> {
  const moments = momentsToMeasure(assEvents(await readFile(assPath, "utf8")));
  if (moments.length === 0) return [];
  const ms = moments.map((e) => Math.round(((e.start + e.end) / 2) * 1000));
  // Frame N of a 1 fps source gets the N-th midpoint as its timestamp (in ms); a flat sum, no nesting.
  const pts = ms.map((t, i) => `eq(N,${i})*${t}`).join("+");
  const sub = `subtitles=filename=captions.ass${opts.fontsDir ? `:fontsdir=fonts` : ""}`;
  const canvas = (c: string, i: number) =>
    `color=c=${c}:s=${size.width}x${size.height}:r=1:d=${moments.length},format=rgb24,settb=1/1000,setpts='${pts}',${sub}${i ? ",negate" : ""}[c${i}]`;
  const graph = [canvas("black", 0), canvas("white", 1), `[c0][c1]blend=all_mode=lighten,format=gray,bbox=min_val=${LIT_MIN},metadata=mode=print:file=qa-boxes.txt[out]`].join(";");
  // The graph names fixed files in a private folder: no path (user-chosen or not) enters the filter string.
  const dir = await mkdtemp(join(opts.cwd, "qa-text-"));
  try {
    await symlink(assPath, join(dir, "captions.ass"));
    if (opts.fontsDir) await symlink(opts.fontsDir, join(dir, "fonts"));
    await runFfmpeg(["-hide_banner", "-nostdin", "-loglevel", "error", "-filter_complex", graph, "-map", "[out]", "-f", "null", "-"], {
      raw: true,
      cwd: dir,
      signal: opts.signal,
      niceness: opts.niceness,
    });
    const boxes = parseBoxes(await readFile(join(dir, "qa-boxes.txt"), "utf8").catch(() => ""));
    return moments.map((e, i) => ({ t: ms[i]! / 1000, text: e.text, box: boxes.get(i) ?? null }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
