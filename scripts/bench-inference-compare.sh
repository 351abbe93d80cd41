#!/usr/bin/env bash
# Side-by-side classifier inference speed: `emotion-stream bench inference` on the bundled ResNet-18
# (one worker, fixed batches) against the plain PyTorch reference of
# scripts/bench-inference-reference.py (eager, frozen TorchScript, optimize_for_inference),
# alternating the sides round by round on the same machine, for each thread count; prints every run
# and then, per thread count and batch size, the median images/s of each side and its ratio to each
# reference mode.
#   scripts/bench-inference-compare.sh [--rounds N] [--threads "1 2"] [--batch-sizes 1,8,32]
#       [--seconds S] [--repeats N] [--also DIR]... [--pause PID]
# --also DIR adds another checkout of the project (e.g. an older commit, built) as one more side.
# --pause PID stops another process (e.g. a job sharing the cores) during each run and resumes it
# right after, also when this script fails.
# Needs Debian's python3-torch and python3-torchvision (see the reference script's header).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
threads="1"
batches="1,8,32"
seconds=2
repeats=3
pause=""
sides=("$root")
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --batch-sizes) batches="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --also) sides+=("$(cd "$2" && pwd)"); shift 2 ;;
    --pause) pause="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

# the launcher's allocator and OpenMP settings, and --pause's resumption, for both sides
source "$root/scripts/bench-env.sh"

label() { git -C "$1" log -1 --format='ours@%h' 2>/dev/null || basename "$1"; }

# runs one side with the other process paused; prints "name batch images/s" lines
measure() {
  local kind="$1" json
  shift
  [ -n "$pause" ] && kill -STOP "$pause"
  json="$("$@" 2>/dev/null)" || { resume; echo "failed: $*" >&2; return 1; }
  resume
  printf '%s\n' "$json" | /usr/bin/python3 -c '
import json, sys
kind, name = sys.argv[1], sys.argv[2]
r = json.load(sys.stdin)
rows = r["classifier_images_per_second"]["default"] if kind == "ours" else None
if kind == "ours":
    for k, v in rows.items():
        if k.startswith("batch_"):
            print(name, k[6:], v)
else:
    for mode, row in r["images_per_second"].items():
        for k, v in row.items():
            print("reference-" + mode, k[6:], v)
' "$kind" "${label_now:-}"
}

lscpu | grep -m1 'Model name' >&2
/usr/bin/python3 -c 'import torch; print("reference: torch", torch.__version__)' >&2
for side in "${sides[@]}"; do
  "$side/emotion-stream" --version >/dev/null 2>&1 || true # builds once, outside the timed runs
done
summary=""
for t in $threads; do
  all=""
  for ((r = 1; r <= rounds; r++)); do
    for side in "${sides[@]}"; do
      label_now="$(label "$side")"
      out="$(JAVA_OPTS="-Dai.djl.pytorch.num_threads=$t ${JAVA_OPTS:-}" label_now="$label_now" measure ours \
        "$side/emotion-stream" bench inference --models default --batch-sizes "$batches" --batcher-models= \
        --cpu-threads "$t" --seconds "$seconds" --repeats "$repeats")"
      echo "threads $t round $r: $(echo $out)" >&2
      all+="$out"$'\n'
    done
    out="$(measure reference /usr/bin/python3 "$root/scripts/bench-inference-reference.py" --threads "$t" \
      --batch-sizes "$batches" --seconds "$seconds" --repeats "$repeats")"
    echo "threads $t round $r: $(echo $out)" >&2
    all+="$out"$'\n'
  done
  summary+="$(printf '%s' "$all" | /usr/bin/python3 -c '
import collections, statistics, sys
t, rounds = sys.argv[1], sys.argv[2]
runs = collections.defaultdict(list)
for line in sys.stdin:
    if line.strip():
        name, batch, ips = line.split()
        runs[(name, int(batch))].append(float(ips))
med = {k: statistics.median(v) for k, v in runs.items()}
names = list(dict.fromkeys(k[0] for k in runs))
refs = [n for n in names if n.startswith("reference-")]
for b in sorted({k[1] for k in runs}):
    cells = ", ".join(f"{n} {med[(n, b)]:.1f}" for n in names)
    ratios = "; ".join(f"{n}/{ref[10:]} {med[(n, b)] / med[(ref, b)]:.2f}"
                       for n in names if not n.startswith("reference-") for ref in refs)
    print(f"threads {t} batch {b}: images/s {cells} | {ratios} (medians of {rounds} alternating runs)")
' "$t" "$rounds")"$'\n'
done
printf '%s' "$summary"
