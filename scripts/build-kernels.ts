/**
 * `npm run build:kernels`: compiles the WebAssembly text kernels (src/render/kernels/*.wat) to the .wasm files
 * beside them with wabt's wat2wasm (the `wabt` npm package, WABT compiled to JavaScript; a dev dependency).
 * `npm run build:kernels -- --check` writes nothing and exits 1 when a committed .wasm is not what its .wat
 * compiles to (src/render/resample.test.ts checks the same in the test suite).
 *
 * The .wasm files are committed, not generated at install: the engine loads them with no build step in the app,
 * the worker, tsx scripts and benches alike, and a production install needs no compiler. The check keeps them
 * from drifting from their source.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import wabt from "wabt";

/** The folder of the kernels' sources (.wat) and of their compiled modules (.wasm, same base name). */
export const KERNELS_DIR = path.resolve(import.meta.dirname, "../src/render/kernels");

/** The kernels' sources: absolute paths of every .wat in KERNELS_DIR, sorted. */
export function kernelSources(): string[] {
  return fs
    .readdirSync(KERNELS_DIR)
    .filter((f) => f.endsWith(".wat"))
    .sort()
    .map((f) => path.join(KERNELS_DIR, f));
}

/**
 * Compiles one .wat file to a WebAssembly binary (SIMD enabled, no name section, so the bytes depend on the
 * code alone). Throws wabt's parse or validation error, which names the file, line and column.
 */
export async function compileKernel(watPath: string): Promise<Uint8Array> {
  const w = await wabt();
  const mod = w.parseWat(path.basename(watPath), fs.readFileSync(watPath, "utf8"), { simd: true });
  try {
    mod.resolveNames();
    mod.validate();
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/** The .wasm path of a kernel source. */
export const wasmPathOf = (watPath: string) => watPath.replace(/\.wat$/, ".wasm");

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const wat of kernelSources()) {
    const bytes = await compileKernel(wat);
    const out = wasmPathOf(wat);
    const same = fs.existsSync(out) && Buffer.from(bytes).equals(fs.readFileSync(out));
    const name = path.relative(process.cwd(), out);
    if (check) {
      if (!same) stale++;
      console.log(`${same ? "up to date" : "STALE"}: ${name}`);
    } else if (!same) {
      fs.writeFileSync(out, bytes);
      console.log(`wrote ${name} (${bytes.length} bytes)`);
    } else {
      console.log(`unchanged: ${name}`);
    }
  }
  if (stale > 0) {
    console.error(`${stale} kernel(s) differ from their .wat source: run npm run build:kernels`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
