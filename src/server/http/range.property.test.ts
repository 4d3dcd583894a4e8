/**
 * Properties of the HTTP Range parser (RFC 9110 §14.1.2, single byte ranges) over generated
 * headers and sizes (fast-check): every valid header gives a range inside the file, with the
 * bytes the header asked for; everything else is unsatisfiable, and the served answer is a 416.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storage, type Storage } from "~/server/storage";
import { parseRange, serveStored } from "./range";

const size = fc.integer({ min: 1, max: 10_000_000 });

/** A valid single range for a file of `n` bytes, and the bytes it means. */
const validFor = (n: number) =>
  fc.oneof(
    fc.tuple(fc.nat(n - 1), fc.nat(2 * n)).filter(([a, b]) => a <= b).map(([a, b]) => ({ header: `bytes=${a}-${b}`, start: a, end: Math.min(b, n - 1) })),
    fc.nat(n - 1).map((a) => ({ header: `bytes=${a}-`, start: a, end: n - 1 })),
    fc.integer({ min: 1, max: 2 * n }).map((k) => ({ header: `bytes=-${k}`, start: Math.max(0, n - k), end: n - 1 })),
  );

/** Headers no file of `n` bytes can satisfy, or that are not one byte range at all. */
const invalidFor = (n: number) =>
  fc.oneof(
    fc.integer({ min: n, max: n + 1_000_000 }).map((a) => `bytes=${a}-`),
    fc.tuple(fc.nat(n), fc.nat(n)).filter(([a, b]) => a > b).map(([a, b]) => `bytes=${a}-${b}`),
    fc.constantFrom("bytes=-0", "bytes=-", "bytes=", "bytes=1-2,4-5", "bytes=0-1, 3-4", "items=0-1", "bytes=a-b", "bytes=-1-2", "bytes=1.5-2", "bytes 0-1", "bytes=0x10-"),
    fc.string({ maxLength: 20 }).filter((s) => s.trim() !== "" && !/^bytes=\d*-\d*$/.test(s.trim())),
  );

describe("parseRange", () => {
  it("every valid header gives the range it asks for, inside the file", () => {
    fc.assert(
      fc.property(size.chain((n) => fc.tuple(fc.constant(n), validFor(n), fc.constantFrom("", " "))), ([n, v, pad]) => {
        const r = parseRange(`${pad}${v.header}${pad}`, n);
        expect(r).toEqual({ start: v.start, end: v.end });
        const { start, end } = r as { start: number; end: number };
        expect(0 <= start && start <= end && end <= n - 1).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("every invalid header is unsatisfiable; any header at all gives in-bounds bytes or unsatisfiable", () => {
    fc.assert(
      fc.property(size.chain((n) => fc.tuple(fc.constant(n), invalidFor(n))), ([n, h]) => {
        expect(parseRange(h, n)).toBe("unsatisfiable");
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(size, fc.string({ maxLength: 30 }), (n, h) => {
        const r = parseRange(h, n);
        if (r === null) expect(h).toBe("");
        else if (r !== "unsatisfiable") expect(0 <= r.start && r.start <= r.end && r.end < n).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("serveStored with generated ranges (real storage)", () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) % 256));
  const key = `test/range-property-${process.pid}.bin`;
  let store: Storage;
  beforeAll(async () => {
    store = await storage();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "range-prop-"));
    await fs.writeFile(path.join(dir, "f.bin"), bytes);
    await store.putFile(key, path.join(dir, "f.bin"), { move: true });
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await store.delete(key);
  });

  const get = (range: string) => serveStored(new Request("http://localhost/v", { headers: { range } }), store, key, { contentType: "video/mp4" });

  it("answers 206 with exactly the asked bytes, or 416 with the size", async () => {
    await fc.assert(
      fc.asyncProperty(validFor(bytes.length), async (v) => {
        const res = await get(v.header);
        expect(res.status).toBe(206);
        expect(res.headers.get("content-range")).toBe(`bytes ${v.start}-${v.end}/${bytes.length}`);
        expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(v.start, v.end + 1))).toBe(true);
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(invalidFor(bytes.length), async (h) => {
        const res = await get(h);
        expect(res.status).toBe(416);
        expect(res.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
      }),
      { numRuns: 60 },
    );
  });
});
