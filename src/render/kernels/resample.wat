;; The SIMD Ken Burns kernel: the two 8-bit passes of a separable bilinear resampler with 7-bit (1/128) weights.
;;
;; Source of src/render/kernels/resample.wasm, which src/render/resample.ts loads. Rebuild it after any change with
;; `npm run build:kernels` (wabt's wat2wasm, scripts/build-kernels.ts); resample.test.ts fails while the committed
;; .wasm differs from what this file compiles to, and checks the kernel bit for bit against resampleReference(),
;; the same model in plain TypeScript.
;;
;; Model (resample.ts): output pixel u samples the source at x = x0 + (u + 0.5) * sx - 0.5; its left tap i and
;; weight w (0..127) come from tap(); the value is (s[i] * (128 - w) + s[i + 1] * w + 64) >> 7, rounded to nearest.
;; Rows first (hpass, into a row cache in this memory), then columns between two cached rows (vpass). The
;; JavaScript side plans everything (tables, offsets, row caching); these loops only do the arithmetic.
;;
;; Every product fits in 16 bits: an 8-bit sample times a weight <= 128 is <= 32640, and the two products of a
;; lane sum to at most 255 * 128 = 32640, + 64 still < 65536, so i16x8 lanes never overflow and the unsigned
;; shift by 7 gives 0..255 exactly; i8x16.narrow_i16x8_u's saturation never triggers.
;;
;; Memory: one exported memory ("mem"), 1 page to start; the host grows it and lays out its buffers
;; (FrameResampler/FrameBlender in resample.ts). The loads and stores run up to 16 bytes past each buffer's end,
;; so the host pads every buffer by 32 bytes.
;;
;; Alignment hints (align=N) are only hints in WebAssembly: any address works. align=1 marks the accesses that are
;; byte-aligned by nature (source rows at any x, output rows of any width); the table loads keep the default
;; (natural) hint.
(module
  (memory $mem 1)

  ;; hpass(src, tab, blocks, dst): one source row through the column table, 8 output bytes per table record.
  ;;
  ;; A table record is 64 bytes, for 8 consecutive output pixels:
  ;;   +0   i32    base: the source index of the leftmost tap, relative to `src`
  ;;   +16  16 x u8 swizzle indices into the 16 source bytes at src + base: lanes 0-7 the left taps i - base,
  ;;        lanes 8-15 the right taps i + 1 - base (the host checks that every tap is within 15 of base)
  ;;   +32  8 x i16 left weights 128 - w
  ;;   +48  8 x i16 right weights w
  ;; Writes dst[0..7] = (left * wl + right * wr + 64) >> 7 per lane. The 16-byte store spills 8 bytes past them,
  ;; which the next record's store overwrites (and the row buffer's padding absorbs after the last).
  ;; `blocks` = 0 writes nothing.
  (func $hpass (param $src i32) (param $tab i32) (param $blocks i32) (param $dst i32)
    (local $v v128)
    (block $done
      (br_if $done (i32.eqz (local.get $blocks)))
      (loop $record
        (local.get $dst) ;; store address, consumed by the v128.store at the end
        ;; $v = the 8 left taps then the 8 right taps, gathered from 16 source bytes at src + base
        (local.tee $v
          (i8x16.swizzle
            (v128.load align=1 (i32.add (local.get $src) (i32.load (local.get $tab))))
            (v128.load offset=16 (local.get $tab))))
        ;; left taps widened to i16, times the left weights ...
        (i16x8.extend_low_i8x16_u)
        (i16x8.mul (v128.load offset=32 (local.get $tab)))
        ;; ... plus right taps widened to i16, times the right weights
        (i16x8.mul (i16x8.extend_high_i8x16_u (local.get $v)) (v128.load offset=48 (local.get $tab)))
        (i16x8.add)
        ;; round to nearest: (+ 64) >> 7
        (i16x8.add (i16x8.splat (i32.const 64)))
        (i16x8.shr_u (i32.const 7))
        ;; back to bytes (both halves the same 8 bytes; only the low 8 matter)
        (local.tee $v)
        (i8x16.narrow_i16x8_u (local.get $v))
        (v128.store align=1)
        ;; next record, next 8 output bytes
        (local.set $tab (i32.add (local.get $tab) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (br_if $record (local.tee $blocks (i32.sub (local.get $blocks) (i32.const 1)))))))

  ;; vpass(r0, r1, wy, blocks16, dst): blend two rows, 16 output bytes per block:
  ;;   dst[k] = (r0[k] * (128 - wy) + r1[k] * wy + 64) >> 7,  wy in 0..128.
  ;; Used for the vertical pass (r0, r1 the two cached rows around the output row) and, as-is, for whole-frame
  ;; crossfades (FrameBlender: r0, r1 two frames, dst may be r0). Writes exactly blocks16 * 16 bytes;
  ;; `blocks16` = 0 writes nothing.
  (func $vpass (param $r0 i32) (param $r1 i32) (param $wy i32) (param $blocks i32) (param $dst i32)
    (local $w0 v128) ;; 128 - wy in every i16 lane
    (local $w1 v128) ;; wy in every i16 lane
    (local.set $w0 (i16x8.splat (i32.sub (i32.const 128) (local.get $wy))))
    (local.set $w1 (i16x8.splat (local.get $wy)))
    (block $done
      (br_if $done (i32.eqz (local.get $blocks)))
      (loop $block
        (local.get $dst) ;; store address, consumed by the v128.store at the end
        ;; bytes 0-7, widened to i16: r0 * w0 + r1 * w1, rounded
        (i16x8.mul (v128.load8x8_u align=1 (local.get $r0)) (local.get $w0))
        (i16x8.mul (v128.load8x8_u align=1 (local.get $r1)) (local.get $w1))
        (i16x8.add)
        (i16x8.add (i16x8.splat (i32.const 64)))
        (i16x8.shr_u (i32.const 7))
        ;; bytes 8-15, the same
        (i16x8.mul (v128.load8x8_u offset=8 align=1 (local.get $r0)) (local.get $w0))
        (i16x8.mul (v128.load8x8_u offset=8 align=1 (local.get $r1)) (local.get $w1))
        (i16x8.add)
        (i16x8.add (i16x8.splat (i32.const 64)))
        (i16x8.shr_u (i32.const 7))
        ;; both halves back to 16 bytes
        (i8x16.narrow_i16x8_u)
        (v128.store align=1)
        (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
        (local.set $r1 (i32.add (local.get $r1) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br_if $block (local.tee $blocks (i32.sub (local.get $blocks) (i32.const 1)))))))

  (export "hpass" (func $hpass))
  (export "vpass" (func $vpass))
  (export "mem" (memory $mem)))
