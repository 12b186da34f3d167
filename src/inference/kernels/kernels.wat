;; The WebAssembly SIMD kernels of recurrent-network.ts: the matrix–vector products of a
;; keystroke (4–10× faster with f32x4 than scalar JavaScript) and the masked softmax normaliser.
;;
;; This file is the source. `npm run build` (scripts/assemble-kernels.js, with wabt) assembles
;; it into kernels-wasm.ts, which is committed so that the sources run without a build; the unit
;; test recurrent-network.test.ts checks that the committed bytes are this file's.
;;
;; Pointers and strides are in bytes, into the imported memory env.m. Every loop is a
;; do-while guarded by a block: `br_if 0` out of the block when there is nothing to do.

(module
  (import "env" "m" (memory 1))

  ;; dots(q, m, out, rows, cols): out[r] = Σ_j q[j]·m[r·cols + j] for r < rows.
  ;; f32; cols % 8 = 0 (two f32x4 accumulators, 8 floats a turn).
  (func $dots (export "dots") (param $q i32) (param $m i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $p i32) (local $j i32) (local $rowBytes i32) (local $a v128) (local $b v128)
    local.get $m
    local.set $p                      ;; p walks m row after row
    local.get $cols
    i32.const 2
    i32.shl
    local.set $rowBytes               ;; rowBytes = cols · 4
    block $none
      local.get $rows
      i32.eqz
      br_if $none
      loop $row
        v128.const i32x4 0 0 0 0
        local.set $a
        v128.const i32x4 0 0 0 0
        local.set $b
        i32.const 0
        local.set $j                  ;; j: byte offset into q
        loop $col
          ;; a += q[j…j+3] · m[p…p+3]
          local.get $a
          local.get $q
          local.get $j
          i32.add
          v128.load align=4
          local.get $p
          v128.load align=4
          f32x4.mul
          f32x4.add
          local.set $a
          ;; b += q[j+4…j+7] · m[p+4…p+7]
          local.get $b
          local.get $q
          local.get $j
          i32.add
          v128.load offset=16 align=4
          local.get $p
          v128.load offset=16 align=4
          f32x4.mul
          f32x4.add
          local.set $b
          local.get $p
          i32.const 32
          i32.add
          local.set $p
          local.get $j
          i32.const 32
          i32.add
          local.tee $j
          local.get $rowBytes
          i32.lt_u
          br_if $col
        end
        ;; out[r] = the four lanes of a + b, summed
        local.get $out
        local.get $r
        i32.const 2
        i32.shl
        i32.add
        local.get $a
        local.get $b
        f32x4.add
        local.tee $a
        f32x4.extract_lane 0
        local.get $a
        f32x4.extract_lane 1
        f32.add
        local.get $a
        f32x4.extract_lane 2
        f32.add
        local.get $a
        f32x4.extract_lane 3
        f32.add
        f32.store
        local.get $r
        i32.const 1
        i32.add
        local.tee $r
        local.get $rows
        i32.lt_u
        br_if $row
      end
    end)

  ;; axpy(x, W, out, k, n, stride): out[j] += Σ_i x[i]·W[i·stride/4 + j] for i < k, j < n.
  ;; f32; n % 4 = 0, n > 0. The row of W is added scaled by x[i], four columns a turn.
  (func $axpy (export "axpy")
    (param $x i32) (param $W i32) (param $out i32) (param $k i32) (param $n i32) (param $stride i32)
    (local $i i32) (local $row i32) (local $o i32) (local $outEnd i32) (local $w i32) (local $xi v128)
    local.get $W
    local.set $row                    ;; row: W's row i
    local.get $out
    local.get $n
    i32.const 2
    i32.shl
    i32.add
    local.set $outEnd                 ;; outEnd = out + n · 4
    block $none
      local.get $k
      i32.eqz
      br_if $none
      loop $rows
        ;; xi = x[i] in all four lanes
        local.get $x
        local.get $i
        i32.const 2
        i32.shl
        i32.add
        f32.load
        f32x4.splat
        local.set $xi
        local.get $out
        local.set $o
        local.get $row
        local.set $w
        loop $cols
          ;; out[o…o+3] += xi · W[w…w+3]
          local.get $o
          local.get $o
          v128.load align=4
          local.get $xi
          local.get $w
          v128.load align=4
          f32x4.mul
          f32x4.add
          v128.store align=4
          local.get $w
          i32.const 16
          i32.add
          local.set $w
          local.get $o
          i32.const 16
          i32.add
          local.tee $o
          local.get $outEnd
          i32.lt_u
          br_if $cols
        end
        local.get $row
        local.get $stride
        i32.add
        local.set $row
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $k
        i32.lt_u
        br_if $rows
      end
    end)

  ;; dotsI8(q, m, out, rows, cols): out[r] = Σ_j q[j]·m[r·cols + j], q int16, m int8, out int32;
  ;; cols % 16 = 0. The tied output layer quantised per row: a quarter of dots' memory traffic.
  (func $dotsI8 (export "dotsI8") (param $q i32) (param $m i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $p i32) (local $j i32) (local $qp i32) (local $a v128) (local $b v128) (local $w v128)
    local.get $m
    local.set $p                      ;; p: start of m's row r
    block $none
      local.get $rows
      i32.eqz
      br_if $none
      loop $row
        v128.const i32x4 0 0 0 0
        local.set $a
        v128.const i32x4 0 0 0 0
        local.set $b
        i32.const 0
        local.set $j                  ;; j: byte (= weight) offset into the row
        local.get $q
        local.set $qp                 ;; qp: byte offset into q (2 bytes a value)
        loop $col
          ;; w = 16 int8 weights
          local.get $p
          local.get $j
          i32.add
          v128.load align=4
          local.set $w
          ;; a += pairwise dot of the low 8 weights (widened to int16) with q[qp…qp+7]
          local.get $a
          local.get $w
          i16x8.extend_low_i8x16_s
          local.get $qp
          v128.load align=4
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $a
          ;; b += the same for the high 8 weights and q[qp+8…qp+15]
          local.get $b
          local.get $w
          i16x8.extend_high_i8x16_s
          local.get $qp
          v128.load offset=16 align=4
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $b
          local.get $qp
          i32.const 32
          i32.add
          local.set $qp
          local.get $j
          i32.const 16
          i32.add
          local.tee $j
          local.get $cols
          i32.lt_u
          br_if $col
        end
        local.get $p
        local.get $cols
        i32.add
        local.set $p
        ;; out[r] = the four lanes of a + b, summed
        local.get $out
        local.get $r
        i32.const 2
        i32.shl
        i32.add
        local.get $a
        local.get $b
        i32x4.add
        local.tee $a
        i32x4.extract_lane 0
        local.get $a
        i32x4.extract_lane 1
        i32.add
        local.get $a
        i32x4.extract_lane 2
        i32.add
        local.get $a
        i32x4.extract_lane 3
        i32.add
        i32.store
        local.get $r
        i32.const 1
        i32.add
        local.tee $r
        local.get $rows
        i32.lt_u
        br_if $row
      end
    end)

  ;; expsum(l, mask, n, shift) → Σ_i mask[i]·exp(l[i] − shift) for i < n; n % 4 = 0.
  ;; exp(x) = 2^y with y = x·log2(e) clamped to ±126: 2^floor(y) built in the exponent bits,
  ;; 2^f for the fraction f = y − floor(y) by a degree-7 polynomial (the Taylor coefficients
  ;; of e^(f·ln 2), Horner's rule, highest first). Relative error under 2e-6.
  (func $expsum (export "expsum") (param $l i32) (param $mask i32) (param $n i32) (param $shift f32) (result f32)
    (local $p i32) (local $end i32) (local $acc v128) (local $y v128) (local $fl v128)
    local.get $n
    i32.const 2
    i32.shl
    local.set $end                    ;; end = n · 4 (p is a byte offset)
    v128.const i32x4 0 0 0 0
    local.set $acc
    block $none
      local.get $end
      i32.eqz
      br_if $none
      loop $four
        ;; y = clamp((l[p…p+3] − shift) · log2(e), −126, 126); fl = floor(y); y = y − fl
        local.get $l
        local.get $p
        i32.add
        v128.load align=4
        local.get $shift
        f32x4.splat
        f32x4.sub
        f32.const 0x1.715476p+0       ;; log2(e)
        f32x4.splat
        f32x4.mul
        f32.const -126
        f32x4.splat
        f32x4.max
        f32.const 126
        f32x4.splat
        f32x4.min
        local.tee $y
        f32x4.floor
        local.set $fl
        local.get $y
        local.get $fl
        f32x4.sub
        local.set $y
        ;; 2^y on [0, 1): ((c7·y + c6)·y + c5)·y … + c0
        f32.const 0x1.ffcbfcp-17      ;; ln(2)^7 / 7!
        f32x4.splat
        local.get $y
        f32x4.mul
        f32.const 0x1.430912p-13      ;; ln(2)^6 / 6!
        f32x4.splat
        f32x4.add
        local.get $y
        f32x4.mul
        f32.const 0x1.5d87fep-10      ;; ln(2)^5 / 5!
        f32x4.splat
        f32x4.add
        local.get $y
        f32x4.mul
        f32.const 0x1.3b2ab6p-7       ;; ln(2)^4 / 4!
        f32x4.splat
        f32x4.add
        local.get $y
        f32x4.mul
        f32.const 0x1.c6b08ep-5       ;; ln(2)^3 / 3!
        f32x4.splat
        f32x4.add
        local.get $y
        f32x4.mul
        f32.const 0x1.ebfbep-3        ;; ln(2)^2 / 2!
        f32x4.splat
        f32x4.add
        local.get $y
        f32x4.mul
        f32.const 0x1.62e43p-1        ;; ln(2)
        f32x4.splat
        f32x4.add
        local.get $y
        f32x4.mul
        f32.const 1
        f32x4.splat
        f32x4.add
        ;; · 2^fl: add fl to the exponent field of each float (bits 23…30)
        local.get $fl
        i32x4.trunc_sat_f32x4_s
        i32.const 23
        i32x4.shl
        i32x4.add
        ;; acc += mask[p…p+3] · exp
        local.get $mask
        local.get $p
        i32.add
        v128.load align=4
        f32x4.mul
        local.get $acc
        f32x4.add
        local.set $acc
        local.get $p
        i32.const 16
        i32.add
        local.tee $p
        local.get $end
        i32.lt_u
        br_if $four
      end
    end
    ;; the four lanes of acc, summed
    local.get $acc
    f32x4.extract_lane 0
    local.get $acc
    f32x4.extract_lane 1
    f32.add
    local.get $acc
    f32x4.extract_lane 2
    f32.add
    local.get $acc
    f32x4.extract_lane 3
    f32.add)

  ;; ---- loading a model: one-off jobs over a scratch memory (wasm.ts) ----------------------
  ;; Written as folded expressions. Run once per load, they replace JavaScript loops that run
  ;; cold (interpreted, then compiled midway) on a page's way to its first suggestion.

  ;; dequant(q, scales, rows, cols, out): out[r·cols + j] = q[r·cols + j]·scales[r], q int8,
  ;; scales and out f32; cols % 16 = 0. The same products as quantize.ts' dequantizeRows (an
  ;; int8 times an f32 is exact in f32 before its one rounding).
  (func $dequant (export "dequant") (param $q i32) (param $scales i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $end i32) (local $rowEnd i32) (local $s v128) (local $b v128) (local $h v128)
    (local.set $end (i32.add (local.get $q) (i32.mul (local.get $rows) (local.get $cols))))
    (block $none
      (br_if $none (i32.ge_u (local.get $q) (local.get $end)))
      (loop $row
        (local.set $s (f32x4.splat (f32.load (local.get $scales))))
        (local.set $rowEnd (i32.add (local.get $q) (local.get $cols)))
        (loop $sixteen
          (local.set $b (v128.load (local.get $q)))
          (local.set $h (i16x8.extend_low_i8x16_s (local.get $b)))
          (v128.store (local.get $out)
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))) (local.get $s)))
          (v128.store offset=16 (local.get $out)
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))) (local.get $s)))
          (local.set $h (i16x8.extend_high_i8x16_s (local.get $b)))
          (v128.store offset=32 (local.get $out)
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))) (local.get $s)))
          (v128.store offset=48 (local.get $out)
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))) (local.get $s)))
          (local.set $out (i32.add (local.get $out) (i32.const 64)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br_if $sixteen (i32.lt_u (local.get $q) (local.get $rowEnd))))
        (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
        (br_if $row (i32.lt_u (local.get $q) (local.get $end))))))

  ;; exact(m, q, scales, rows, cols) → 1 when m[r·cols + j] = q[r·cols + j]·scales[r] for every
  ;; value (f32 m and scales, int8 q; cols % 16 = 0), else 0: whether a dequantised matrix
  ;; still holds what it was made from (quantize.ts' quantizeRows).
  (func $exact (export "exact") (param $m i32) (param $q i32) (param $scales i32) (param $rows i32) (param $cols i32) (result i32)
    (local $end i32) (local $rowEnd i32) (local $s v128) (local $b v128) (local $h v128) (local $ok v128)
    (local.set $ok (v128.const i32x4 -1 -1 -1 -1))
    (local.set $end (i32.add (local.get $q) (i32.mul (local.get $rows) (local.get $cols))))
    (block $none
      (br_if $none (i32.ge_u (local.get $q) (local.get $end)))
      (loop $row
        (local.set $s (f32x4.splat (f32.load (local.get $scales))))
        (local.set $rowEnd (i32.add (local.get $q) (local.get $cols)))
        (loop $sixteen
          (local.set $b (v128.load (local.get $q)))
          (local.set $h (i16x8.extend_low_i8x16_s (local.get $b)))
          (local.set $ok (v128.and (local.get $ok) (f32x4.eq (v128.load (local.get $m))
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))) (local.get $s)))))
          (local.set $ok (v128.and (local.get $ok) (f32x4.eq (v128.load offset=16 (local.get $m))
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))) (local.get $s)))))
          (local.set $h (i16x8.extend_high_i8x16_s (local.get $b)))
          (local.set $ok (v128.and (local.get $ok) (f32x4.eq (v128.load offset=32 (local.get $m))
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))) (local.get $s)))))
          (local.set $ok (v128.and (local.get $ok) (f32x4.eq (v128.load offset=48 (local.get $m))
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))) (local.get $s)))))
          (local.set $m (i32.add (local.get $m) (i32.const 64)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br_if $sixteen (i32.lt_u (local.get $q) (local.get $rowEnd))))
        (local.set $scales (i32.add (local.get $scales) (i32.const 4)))
        (br_if $row (i32.lt_u (local.get $q) (local.get $end)))))
    (i32x4.all_true (local.get $ok)))

  ;; Where $varint reads next.
  (global $at (mut i32) (i32.const 0))

  ;; varint(end) → the unsigned LEB128 number at $at, which moves past it; −1 when the bytes
  ;; end (at `end`) before the number does, or its sixth byte is not its last (ngram.ts'
  ;; decodeTrigrams refuses exactly these).
  (func $varint (param $end i32) (result i64)
    (local $n i64) (local $shift i64) (local $b i32)
    (loop $byte
      (if (i32.ge_u (global.get $at) (local.get $end)) (then (return (i64.const -1))))
      (local.set $b (i32.load8_u (global.get $at)))
      (global.set $at (i32.add (global.get $at) (i32.const 1)))
      (local.set $n (i64.or (local.get $n)
        (i64.shl (i64.extend_i32_u (i32.and (local.get $b) (i32.const 0x7f))) (local.get $shift))))
      (if (i32.lt_u (local.get $b) (i32.const 0x80)) (then (return (local.get $n))))
      (local.set $shift (i64.add (local.get $shift) (i64.const 7)))
      (br_if $byte (i64.le_u (local.get $shift) (i64.const 35))))
    (i64.const -1))

  ;; trigrams(src, len, count, words, out, keys, start, totals, perV) → the number of contexts k,
  ;; or −1 when the bytes are damaged: ngram.ts' decodeTrigrams, which then decodes them again
  ;; in JavaScript to name the damage. In: `len` bytes at `src` (encodeTrigrams' format),
  ;; `count` trigram types over `words` words. Out: `out` the rows [u, v, w, count] (i32 ×4 each);
  ;; for each context, keys[i] = u·262144 + v (f64), its first row start[i] (i32; start[k] =
  ;; count) and the sum of its counts totals[i] (f64); perV[v] += rows with that v (i32, words
  ;; of them, zeroed by the caller).
  (func $trigrams (export "trigrams")
    (param $src i32) (param $len i32) (param $count i32) (param $words i32)
    (param $out i32) (param $keys i32) (param $start i32) (param $totals i32) (param $perV i32)
    (result i32)
    (local $end i32) (local $at i32) (local $b i32) (local $i i32) (local $k i32) (local $first i32) (local $left i32)
    (local $p i32) (local $u i64) (local $v i64) (local $w i64) (local $du i64) (local $dv i64) (local $f i64) (local $c i64)
    (local $total f64)
    (local.set $at (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (local.set $first (i32.const 1))
    (block $bad
      (block $done
        (loop $context
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          ;; each number read inline when it is one byte (most are), else by $varint
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $du (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $du (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $du) (i64.const 0)))
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $dv (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $dv (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $dv) (i64.const 0)))
          ;; a context written twice
          (br_if $bad (i32.and (i32.eqz (local.get $first)) (i64.eqz (i64.or (local.get $du) (local.get $dv)))))
          ;; v is absolute at a new u, a step from the last v within the same u
          (if (i32.or (local.get $first) (i64.ne (local.get $du) (i64.const 0)))
            (then (local.set $v (local.get $dv)))
            (else (local.set $v (i64.add (local.get $v) (local.get $dv)))))
          (local.set $u (i64.add (local.get $u) (local.get $du)))
          (local.set $first (i32.const 0))
          ;; 1 … count − i followers (−1 is a bad number)
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $f (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $f (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $f) (i64.const 1)))
          (br_if $bad (i64.gt_u (local.get $f) (i64.extend_i32_u (i32.sub (local.get $count) (local.get $i)))))
          (br_if $bad (i64.ge_u (local.get $u) (i64.extend_i32_u (local.get $words))))
          (br_if $bad (i64.ge_u (local.get $v) (i64.extend_i32_u (local.get $words))))
          (f64.store (i32.add (local.get $keys) (i32.shl (local.get $k) (i32.const 3)))
            (f64.add (f64.mul (f64.convert_i64_u (local.get $u)) (f64.const 262144)) (f64.convert_i64_u (local.get $v))))
          (i32.store (i32.add (local.get $start) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
          (local.set $p (i32.add (local.get $perV) (i32.shl (i32.wrap_i64 (local.get $v)) (i32.const 2))))
          (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (i32.wrap_i64 (local.get $f))))
          (local.set $total (f64.const 0))
          (local.set $w (i64.const -1))
          (local.set $left (i32.wrap_i64 (local.get $f)))
          (loop $follower
            ;; w: one past the last w plus Δw − 1; its count − 1
            (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $c (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $c (call $varint (local.get $end))) (local.set $at (global.get $at))))
            (br_if $bad (i64.lt_s (local.get $c) (i64.const 0)))
            (local.set $w (i64.add (local.get $w) (i64.add (local.get $c) (i64.const 1))))
            (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $c (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $c (call $varint (local.get $end))) (local.set $at (global.get $at))))
            (br_if $bad (i64.lt_s (local.get $c) (i64.const 0)))
            (local.set $c (i64.add (local.get $c) (i64.const 1)))
            (br_if $bad (i64.ge_u (local.get $w) (i64.extend_i32_u (local.get $words))))
            (br_if $bad (i64.gt_u (local.get $c) (i64.const 0x7fffffff)))
            (local.set $p (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4))))
            (i32.store (local.get $p) (i32.wrap_i64 (local.get $u)))
            (i32.store offset=4 (local.get $p) (i32.wrap_i64 (local.get $v)))
            (i32.store offset=8 (local.get $p) (i32.wrap_i64 (local.get $w)))
            (i32.store offset=12 (local.get $p) (i32.wrap_i64 (local.get $c)))
            (local.set $total (f64.add (local.get $total) (f64.convert_i64_u (local.get $c))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $follower (local.tee $left (i32.sub (local.get $left) (i32.const 1)))))
          (f64.store (i32.add (local.get $totals) (i32.shl (local.get $k) (i32.const 3))) (local.get $total))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $context)))
      ;; every byte read, no more
      (br_if $bad (i32.ne (local.get $at) (local.get $end)))
      (i32.store (i32.add (local.get $start) (i32.shl (local.get $k) (i32.const 2))) (local.get $count))
      (return (local.get $k)))
    (i32.const -1))

  ;; fourgrams(src, len, count, words, out, start, totals, sums, ns) → the number of contexts k,
  ;; or −1 when the bytes are damaged: fourgram.ts' decodeFourgrams, which then decodes them
  ;; again in JavaScript to name the damage. In: `len` bytes at `src` (encodeFourgrams' format:
  ;; per context how many leading ids equal the last context's, the first that differs as a
  ;; step of at least 1, the ids after it, the number of rows, then Δw − 1 and count − 1 for
  ;; each row), `count` rows over `words` words. Out: `out` the rows [t, u, v, w, count] (i32 ×5
  ;; each); for each context its first row start[i] (i32; start[k] = count), the sum of its
  ;; counts totals[i] and of those with w > 0 sums[i] (f64), and how many have w > 0 ns[i] (i32).
  (func $fourgrams (export "fourgrams")
    (param $src i32) (param $len i32) (param $count i32) (param $words i32)
    (param $out i32) (param $start i32) (param $totals i32) (param $sums i32) (param $ns i32)
    (result i32)
    (local $end i32) (local $at i32) (local $b i32) (local $i i32) (local $k i32) (local $left i32) (local $n i32)
    (local $p i32) (local $t i64) (local $u i64) (local $v i64) (local $w i64) (local $same i64) (local $d i64)
    (local $f i64) (local $c i64) (local $total f64) (local $sum f64)
    (local.set $at (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (block $bad
      (block $done
        (loop $context
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          ;; each number read inline when it is one byte (most are), else by $varint
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $same (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $same (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $same) (i64.const 0)))
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $d (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $d (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $d) (i64.const 0)))
          ;; 0–2 ids shared (0 for the first context), and a step of at least 1 after the first
          (br_if $bad (i64.gt_u (local.get $same) (i64.const 2)))
          (br_if $bad (i32.and (i32.eqz (local.get $i)) (i64.ne (local.get $same) (i64.const 0))))
          (br_if $bad (i32.and (i32.ne (local.get $i) (i32.const 0)) (i64.eqz (local.get $d))))
          (if (i64.eqz (local.get $same))
            (then
              (local.set $t (i64.add (local.get $t) (local.get $d)))
              (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $u (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $u (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $u) (i64.const 0)))
              (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $v (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $v (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $v) (i64.const 0))))
            (else
              (if (i64.eq (local.get $same) (i64.const 1))
                (then
                  (local.set $u (i64.add (local.get $u) (local.get $d)))
                  (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $v (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $v (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $v) (i64.const 0))))
                (else (local.set $v (i64.add (local.get $v) (local.get $d)))))))
          ;; 1 … count − i rows
          (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $f (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $f (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $f) (i64.const 0)))
          (br_if $bad (i64.lt_s (local.get $f) (i64.const 1)))
          (br_if $bad (i64.gt_u (local.get $f) (i64.extend_i32_u (i32.sub (local.get $count) (local.get $i)))))
          (br_if $bad (i64.ge_u (local.get $t) (i64.extend_i32_u (local.get $words))))
          (br_if $bad (i64.ge_u (local.get $u) (i64.extend_i32_u (local.get $words))))
          (br_if $bad (i64.ge_u (local.get $v) (i64.extend_i32_u (local.get $words))))
          (i32.store (i32.add (local.get $start) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
          (local.set $total (f64.const 0))
          (local.set $sum (f64.const 0))
          (local.set $n (i32.const 0))
          (local.set $w (i64.const -1))
          (local.set $left (i32.wrap_i64 (local.get $f)))
          (loop $row
            ;; w: one past the last w plus Δw − 1; its count − 1
            (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $c (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $c (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $c) (i64.const 0)))
            (local.set $w (i64.add (local.get $w) (i64.add (local.get $c) (i64.const 1))))
            (if (i32.lt_u (local.get $at) (local.get $end))
            (then (local.set $b (i32.load8_u (local.get $at)))) (else (local.set $b (i32.const 0x80))))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $c (i64.extend_i32_u (local.get $b))) (local.set $at (i32.add (local.get $at) (i32.const 1))))
            (else (global.set $at (local.get $at)) (local.set $c (call $varint (local.get $end))) (local.set $at (global.get $at))))
          (br_if $bad (i64.lt_s (local.get $c) (i64.const 0)))
            (local.set $c (i64.add (local.get $c) (i64.const 1)))
            (br_if $bad (i64.ge_u (local.get $w) (i64.extend_i32_u (local.get $words))))
            (br_if $bad (i64.gt_u (local.get $c) (i64.const 0x7fffffff)))
            (local.set $p (i32.add (local.get $out) (i32.mul (local.get $i) (i32.const 20))))
            (i32.store (local.get $p) (i32.wrap_i64 (local.get $t)))
            (i32.store offset=4 (local.get $p) (i32.wrap_i64 (local.get $u)))
            (i32.store offset=8 (local.get $p) (i32.wrap_i64 (local.get $v)))
            (i32.store offset=12 (local.get $p) (i32.wrap_i64 (local.get $w)))
            (i32.store offset=16 (local.get $p) (i32.wrap_i64 (local.get $c)))
            (local.set $total (f64.add (local.get $total) (f64.convert_i64_u (local.get $c))))
            (if (i64.ne (local.get $w) (i64.const 0))
              (then
                (local.set $sum (f64.add (local.get $sum) (f64.convert_i64_u (local.get $c))))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $row (local.tee $left (i32.sub (local.get $left) (i32.const 1)))))
          (f64.store (i32.add (local.get $totals) (i32.shl (local.get $k) (i32.const 3))) (local.get $total))
          (f64.store (i32.add (local.get $sums) (i32.shl (local.get $k) (i32.const 3))) (local.get $sum))
          (i32.store (i32.add (local.get $ns) (i32.shl (local.get $k) (i32.const 2))) (local.get $n))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $context)))
      ;; every byte read, no more
      (br_if $bad (i32.ne (local.get $at) (local.get $end)))
      (i32.store (i32.add (local.get $start) (i32.shl (local.get $k) (i32.const 2))) (local.get $count))
      (return (local.get $k)))
    (i32.const -1))

  ;; bigrams(rows, n, perV, words, first, next, ids, keys, start, totals, uniCont, lastV) → the
  ;; number of bigram contexts k: ngram.ts' bigramParts of decoded trigram rows (`n` rows
  ;; [u, v, w, count] at `rows`; perV[v] of them with each v, i32). Out: first[v] (i32, words + 1)
  ;; the first place of v's list; ids (i32, n) each row's w placed in its v's list, in row order;
  ;; for each v with rows, in v order, keys[i] = v and totals[i] = perV[v] (f64), start[i] =
  ;; first[v] (i32; start[k] = n); uniCont[w] (f64) the number of distinct v before w. Scratch,
  ;; zeroed by the caller: next (i32, words), lastV (i32, words; v + 1 of the last v counted).
  (func $bigrams (export "bigrams")
    (param $rows i32) (param $n i32) (param $perV i32) (param $words i32) (param $first i32) (param $next i32)
    (param $ids i32) (param $keys i32) (param $start i32) (param $totals i32) (param $uniCont i32) (param $lastV i32)
    (result i32)
    (local $v i32) (local $sum i32) (local $c i32) (local $i i32) (local $j i32) (local $jEnd i32) (local $p i32)
    (local $k i32)
    ;; first[v] = next[v] = the rows of every v before it
    (block $none
      (br_if $none (i32.eqz (local.get $words)))
      (loop $each
        (local.set $p (i32.shl (local.get $v) (i32.const 2)))
        (i32.store (i32.add (local.get $first) (local.get $p)) (local.get $sum))
        (i32.store (i32.add (local.get $next) (local.get $p)) (local.get $sum))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $perV) (local.get $p)))))
        (br_if $each (i32.lt_u (local.tee $v (i32.add (local.get $v) (i32.const 1))) (local.get $words)))))
    (i32.store (i32.add (local.get $first) (i32.shl (local.get $words) (i32.const 2))) (local.get $sum))
    ;; each row's w at the next place of its v's list
    (block $none
      (br_if $none (i32.eqz (local.get $n)))
      (loop $row
        (local.set $p (i32.add (local.get $next) (i32.shl (i32.load offset=4 (local.get $rows)) (i32.const 2))))
        (local.set $j (i32.load (local.get $p)))
        (i32.store (i32.add (local.get $ids) (i32.shl (local.get $j) (i32.const 2))) (i32.load offset=8 (local.get $rows)))
        (i32.store (local.get $p) (i32.add (local.get $j) (i32.const 1)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 16)))
        (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    ;; the lists in v order, counting each v once for each of its distinct followers
    (local.set $v (i32.const 0))
    (block $none
      (br_if $none (i32.eqz (local.get $words)))
      (loop $each
        (if (local.tee $c (i32.load (i32.add (local.get $perV) (i32.shl (local.get $v) (i32.const 2)))))
          (then
            (local.set $j (i32.load (i32.add (local.get $first) (i32.shl (local.get $v) (i32.const 2)))))
            (f64.store (i32.add (local.get $keys) (i32.shl (local.get $k) (i32.const 3))) (f64.convert_i32_u (local.get $v)))
            (i32.store (i32.add (local.get $start) (i32.shl (local.get $k) (i32.const 2))) (local.get $j))
            (f64.store (i32.add (local.get $totals) (i32.shl (local.get $k) (i32.const 3))) (f64.convert_i32_u (local.get $c)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $jEnd (i32.add (local.get $j) (local.get $c)))
            (loop $follower
              (local.set $p (i32.load (i32.add (local.get $ids) (i32.shl (local.get $j) (i32.const 2)))))
              (if (i32.ne (i32.load (i32.add (local.get $lastV) (i32.shl (local.get $p) (i32.const 2))))
                          (i32.add (local.get $v) (i32.const 1)))
                (then
                  (i32.store (i32.add (local.get $lastV) (i32.shl (local.get $p) (i32.const 2))) (i32.add (local.get $v) (i32.const 1)))
                  (local.set $p (i32.add (local.get $uniCont) (i32.shl (local.get $p) (i32.const 3))))
                  (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.const 1)))))
              (br_if $follower (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $jEnd))))))
        (br_if $each (i32.lt_u (local.tee $v (i32.add (local.get $v) (i32.const 1))) (local.get $words)))))
    (i32.store (i32.add (local.get $start) (i32.shl (local.get $k) (i32.const 2))) (local.get $n))
    (local.get $k)))
