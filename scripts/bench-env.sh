# Sourced by the side-by-side comparison scripts: the launcher's allocator and OpenMP settings for
# both sides, and the resumption of a process paused with --pause (variable $pause), also on failure.
jemalloc=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
[ -f "$jemalloc" ] && export LD_PRELOAD="$jemalloc" MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
export OMP_WAIT_POLICY=PASSIVE

resume() { [ -n "$pause" ] && kill -CONT "$pause" 2>/dev/null || true; }
trap resume EXIT
trap "exit 130" INT TERM
