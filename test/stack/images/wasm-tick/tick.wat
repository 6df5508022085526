;; A WASI command that writes "wasm tick" to stdout once a second, forever.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; ciovec at 0: buffer at 16, length 10.
  (data (i32.const 0) "\10\00\00\00\0a\00\00\00")
  (data (i32.const 16) "wasm tick\n")

  ;; subscription at 64 (48 bytes): userdata 0, tag 0 = clock at 72, clock id 1 = monotonic
  ;; at 80, relative timeout 1e9 ns at 88, precision 0 at 96, flags 0 at 104.
  (data (i32.const 80) "\01\00\00\00")
  (data (i32.const 88) "\00\ca\9a\3b\00\00\00\00")

  (func (export "_start")
    (loop $tick
      ;; The event goes to 128, the counts to 256 and 260; the results are ignored.
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 256)))
      (drop (call $poll_oneoff (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 260)))
      (br $tick))))
