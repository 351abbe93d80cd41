# Sourced by the side-by-side comparison scripts: the allocator settings of each side (below),
# the processes to pause during each timed run (--pause PID, repeatable; variable $pause), their
# resumption also on failure, and runs whose standard error is kept (a failed run is reported with
# the end of its error output, never dropped).
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
# Ours runs under its launcher's own MALLOC_CONF (unset here, so each side's launcher sets its
# default); the reference under purging off, its fastest: the launcher's setting made PyTorch 1.13's
# eager convolutions 3.5-6x slower at batch 8-32 (its optimized graph does not move; why was not
# found), see docs/performance.md. REFERENCE_MALLOC_CONF overrides it.
reference_malloc_conf="${REFERENCE_MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
unset MALLOC_CONF
[ -f "$jemalloc" ] && export LD_PRELOAD="$jemalloc"
# the launcher's default; the scripts set OMP_WAIT_POLICY per run for each policy of --policies
export OMP_WAIT_POLICY=PASSIVE
pause="${pause:-}"
bench_logs="$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")"

resume() { if [ -n "$pause" ]; then kill -CONT $pause 2>/dev/null || true; fi; }
trap resume EXIT
trap "exit 130" INT TERM

# the load average over the last minute, the machine's other work
load1() { cut -d' ' -f1 /proc/loadavg; }

# run_kept NAME COMMAND...: runs COMMAND with the --pause processes stopped and its standard error in
# $bench_logs/NAME.err; prints its standard output; on failure prints the error's last lines to
# standard error and returns 1
run_kept() {
  local name="$1" status=0
  shift
  if [ -n "$pause" ]; then kill -STOP $pause; fi
  "$@" 2>"$bench_logs/$name.err" || status=$?
  resume
  if [ "$status" -ne 0 ]; then
    echo "FAILED ($status): $*" >&2
    tail -5 "$bench_logs/$name.err" | sed 's/^/    /' >&2
    return 1
  fi
}

# the CPU: model and the vector extensions that decide oneDNN's kernels
cpu_line() {
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, flags:" \
    "$(grep -m1 -o -w -E 'avx2|avx512f|avx512_vnni|avx512_bf16|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')"
}
