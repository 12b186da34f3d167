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
    f32.add))
