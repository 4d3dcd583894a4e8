/**
 * Serves a stored file with HTTP Range support (RFC 9110 §14), so a <video> element can seek.
 * Single ranges only (what browsers send for media); anything unsatisfiable gets 416.
 */
import { Readable } from "node:stream";
import { type Storage } from "~/server/storage";

export function parseRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "unsatisfiable";
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

export async function serveStored(req: Request, store: Storage, key: string, opts: { contentType: string; downloadName?: string }): Promise<Response> {
  const stat = await store.stat(key);
  if (!stat) return new Response("Not found", { status: 404 });
  const base: Record<string, string> = {
    "content-type": opts.contentType,
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=3600",
    "x-content-type-options": "nosniff",
  };
  if (opts.downloadName) base["content-disposition"] = `attachment; filename="${opts.downloadName.replace(/[^A-Za-z0-9._-]/g, "_")}"`;
  const range = parseRange(req.headers.get("range"), stat.bytes);
  if (range === "unsatisfiable") return new Response(null, { status: 416, headers: { ...base, "content-range": `bytes */${stat.bytes}` } });
  if (req.method === "HEAD") return new Response(null, { status: 200, headers: { ...base, "content-length": String(stat.bytes) } });
  const body = (r?: { start: number; end: number }) => Readable.toWeb(store.stream(key, r)) as ReadableStream<Uint8Array>;
  if (!range) return new Response(body(), { status: 200, headers: { ...base, "content-length": String(stat.bytes) } });
  return new Response(body(range), {
    status: 206,
    headers: { ...base, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${stat.bytes}` },
  });
}
