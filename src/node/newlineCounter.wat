;; Counts LF (0x0a) bytes in a range of the imported memory with 128-bit SIMD.
;;
;; Build: `npm run build:wasm` compiles this file with wabt (SIMD enabled) into
;; src/node/newlineCounterWasm.ts. src/node/newlineCounter.ts instantiates it and falls back to
;; a JavaScript loop where the engine rejects SIMD.
(module
  ;; The host creates the memory, so one compiled module serves chunk buffers of any size.
  (import "env" "memory" (memory 1))

  ;; Return the number of LF bytes in memory[start, end), or 0 when end <= start.
  ;; The caller keeps 0 <= start and end <= the memory size, because a load past the end traps.
  (func (export "count") (param $start i32) (param $end i32) (result i32)
    (local $count i32)
    (local $newline v128)
    (local.set $newline (i8x16.splat (i32.const 0x0a)))

    ;; 64 bytes per iteration. i8x16.eq sets a lane to 0xff where the byte is LF, i8x16.bitmask
    ;; packs the 16 lane flags into the low bits of an i32, and two masks fit one i32.popcnt.
    ;; Loads need no alignment, so `start` is used as it comes.
    (block $done64
      (loop $next64
        (br_if $done64 (i32.lt_s (i32.sub (local.get $end) (local.get $start)) (i32.const 64)))
        (local.set $count
          (i32.add
            (local.get $count)
            (i32.add
              (i32.popcnt
                (i32.or
                  (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $start)) (local.get $newline)))
                  (i32.shl
                    (i8x16.bitmask (i8x16.eq (v128.load offset=16 align=1 (local.get $start)) (local.get $newline)))
                    (i32.const 16))))
              (i32.popcnt
                (i32.or
                  (i8x16.bitmask (i8x16.eq (v128.load offset=32 align=1 (local.get $start)) (local.get $newline)))
                  (i32.shl
                    (i8x16.bitmask (i8x16.eq (v128.load offset=48 align=1 (local.get $start)) (local.get $newline)))
                    (i32.const 16)))))))
        (local.set $start (i32.add (local.get $start) (i32.const 64)))
        (br $next64)))

    ;; Up to three more blocks of 16 bytes.
    (block $done16
      (loop $next16
        (br_if $done16 (i32.lt_s (i32.sub (local.get $end) (local.get $start)) (i32.const 16)))
        (local.set $count
          (i32.add
            (local.get $count)
            (i32.popcnt
              (i8x16.bitmask (i8x16.eq (v128.load align=1 (local.get $start)) (local.get $newline))))))
        (local.set $start (i32.add (local.get $start) (i32.const 16)))
        (br $next16)))

    ;; The last 0 to 15 bytes, one at a time.
    (block $done1
      (loop $next1
        (br_if $done1 (i32.ge_s (local.get $start) (local.get $end)))
        (local.set $count
          (i32.add
            (local.get $count)
            (i32.eq (i32.load8_u (local.get $start)) (i32.const 0x0a))))
        (local.set $start (i32.add (local.get $start) (i32.const 1)))
        (br $next1)))

    (local.get $count)))
