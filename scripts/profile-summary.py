#!/usr/bin/env python3
"""Sums libtorch profiles per operator: where the milliseconds of a training step go.

Reads Chrome traces written by `emotion-stream bench train --profile FILE` (DJL's libtorch profiler)
or by `scripts/bench-train-reference.py --profile FILE` (torch.profiler), and prints for each operator
its self time per step (its own time, without the operators it called), its total time per step
(with them) and its calls per step; with two traces, side by side with the ratio of self times.
Autograd's wrappers (`autograd::engine::evaluate_function: X`) are left out of the self times'
ranking by default, as they hold little of their own; `--wrappers` keeps them.

    scripts/profile-summary.py --steps 10 ours.json reference.json [--top 30] [--shapes]

`--shapes` splits each operator by its input shapes (for example one convolution's backward per layer).
The standard library only: no PyTorch needed to read a trace.
"""
import argparse
import collections
import json
import sys


def events(path):
    """The complete ("X") events of a trace, as (thread, start, duration, name, shapes)."""
    with open(path) as f:
        data = json.load(f)
    items = data["traceEvents"] if isinstance(data, dict) else data
    out = []
    for e in items:
        if e.get("ph") != "X" or "dur" not in e:
            continue
        shapes = e.get("shape") or e.get("args", {}).get("Input Dims") or []
        out.append((str(e.get("pid")) + "/" + str(e.get("tid")), float(e["ts"]), float(e["dur"]), e["name"],
                    json.dumps(shapes, separators=(",", ":"))))
    return out


def per_operator(path, with_shapes):
    """Self and total microseconds and calls per operator (or per operator and input shapes)."""
    by_thread = collections.defaultdict(list)
    for thread, ts, dur, name, shapes in events(path):
        by_thread[thread].append((ts, -dur, name, shapes))
    self_us = collections.Counter()
    total_us = collections.Counter()
    calls = collections.Counter()
    for items in by_thread.values():
        items.sort()
        stack = []  # [end, key, duration, children's time]
        for ts, neg_dur, name, shapes in items:
            dur = -neg_dur
            while stack and stack[-1][0] <= ts:
                end, key, d, children = stack.pop()
                self_us[key] += d - children
            key = (name, shapes) if with_shapes else (name, "")
            if stack:
                stack[-1][3] += dur
            total_us[key] += dur
            calls[key] += 1
            stack.append([ts + dur, key, dur, 0.0])
        while stack:
            end, key, d, children = stack.pop()
            self_us[key] += d - children
    return self_us, total_us, calls


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("traces", nargs="+", help="one or two Chrome traces")
    p.add_argument("--steps", type=int, required=True, help="steps each trace holds (bench train --steps)")
    p.add_argument("--top", type=int, default=25, help="operators to list (default: 25)")
    p.add_argument("--shapes", action="store_true", help="split each operator by its input shapes")
    p.add_argument("--wrappers", action="store_true", help="keep autograd's evaluate_function wrappers")
    a = p.parse_args()
    if len(a.traces) > 2:
        sys.exit("profile-summary: one or two traces, not " + str(len(a.traces)))
    tables = [per_operator(t, a.shapes) for t in a.traces]

    def keep(key):
        return a.wrappers or not key[0].startswith("autograd::engine::evaluate_function")

    ms = 1000.0 * a.steps
    keys = collections.Counter()
    for self_us, _, _ in tables:
        for key, us in self_us.items():
            if keep(key):
                keys[key] = max(keys[key], us)
    header = ["operator"] + [f"{name}: self ms, total ms, calls per step" for name in a.traces]
    if len(tables) == 2:
        header.append("self ratio")
    print(" | ".join(header))
    for key, _ in keys.most_common(a.top):
        row = [key[0] + (" " + key[1] if key[1] else "")]
        for self_us, total_us, calls in tables:
            row.append(f"{self_us[key] / ms:.2f}, {total_us[key] / ms:.2f}, {calls[key] / a.steps:g}")
        if len(tables) == 2:
            row.append(f"{tables[0][0][key] / tables[1][0][key]:.2f}" if tables[1][0][key] > 0 else "-")
        print(" | ".join(row))
    for path, (self_us, _, _) in zip(a.traces, tables):
        print(f"{path}: {sum(self_us.values()) / ms:.1f} ms of operators per step", file=sys.stderr)


if __name__ == "__main__":
    main()
