#!/usr/bin/env bash
# Side-by-side training speed: `emotion-stream bench train` (A) against the plain PyTorch loop of
# scripts/bench-train-reference.py (B), alternating A/B/A/B on the same machine, for each thread
# count; prints every run and then, per thread count, the median images/s of each and the ratio A/B.
#   scripts/bench-train-compare.sh [--rounds N] [--threads "1 2"] [--pause PID] [-- BENCH_ARGS...]
# --pause PID stops another process (e.g. a job sharing the cores) during each run and resumes it
# right after, also when this script fails. BENCH_ARGS (e.g. --steps 10) go to both sides.
# Besides images/s it compares the process CPU time per step, a steadier figure where other
# processes share the cores (then images/s falls with their load, CPU time far less).
# Needs Debian's python3-torch and python3-torchvision (see the reference script's header).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=5
threads="1 2"
pause=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --pause) pause="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
bench_args=("$@")

# the launcher's allocator and OpenMP settings, and --pause's resumption, for both sides
source "$root/scripts/bench-env.sh"

# runs one side with the other process paused; prints its images/s and CPU ms per step
measure() {
  local json
  [ -n "$pause" ] && kill -STOP "$pause"
  json="$("$@" 2>/dev/null | tail -1)" || { resume; echo "failed: $*" >&2; return 1; }
  resume
  printf '%s\n' "$json" | /usr/bin/python3 -c 'import json,sys; r = json.load(sys.stdin); print(r["images_per_second"], r["cpu_ms_per_step"])'
}

lscpu | grep -m1 'Model name' >&2
/usr/bin/python3 -c 'import torch; print("reference: torch", torch.__version__)' >&2
"$root/emotion-stream" --version >/dev/null 2>&1 || true # builds once, outside the timed runs
summary=""
for t in $threads; do
  a=(); b=()
  for ((r = 1; r <= rounds; r++)); do
    a+=("$(JAVA_OPTS="-Dai.djl.pytorch.num_threads=$t ${JAVA_OPTS:-}" measure "$root/emotion-stream" bench train "${bench_args[@]}")")
    b+=("$(measure /usr/bin/python3 "$root/scripts/bench-train-reference.py" --threads "$t" "${bench_args[@]}")")
    echo "threads $t round $r: bench train ${a[-1]% *} images/s (${a[-1]#* } CPU ms/step)," \
      "reference ${b[-1]% *} images/s (${b[-1]#* } CPU ms/step)" >&2
  done
  summary+="$(IFS=,; /usr/bin/python3 - "$t" "${a[*]}" "${b[*]}" <<'EOF'
import statistics, sys
t = sys.argv[1]
a, b = ([[float(v) for v in run.split()] for run in side.split(",")] for side in sys.argv[2:4])
ia, ib = statistics.median(r[0] for r in a), statistics.median(r[0] for r in b)
ca, cb = statistics.median(r[1] for r in a), statistics.median(r[1] for r in b)
print(f"threads {t}: bench train {ia:.1f} images/s, reference {ib:.1f} images/s, ratio {ia / ib:.2f}; "
      f"CPU ms/step {ca:.0f} vs {cb:.0f}, ratio {cb / ca:.2f} (medians of {len(a)} alternating runs)")
EOF
)"$'\n'
done
printf '%s' "$summary"
