#!/usr/bin/python3
"""Summary of alternating side-by-side rounds, for the scripts/bench-*-compare.sh scripts.

Reads lines `GROUP<TAB>SIDE<TAB>VALUE<TAB>ROUND<TAB>LOAD` (VALUE "failed" for a failed run) and
prints, per group, one Markdown row per side: the median, every round's value in round order, the
spread ((max - min) / median) and the load averages, then the ratio of each side to each reference
side (sides whose name starts with "reference"). --lower-is-better for times (ratio = time of the
side over the reference's: 0.25 is a quarter of its time), otherwise rates (ratio = rate over the
reference's). A spread above 30% is flagged: such a median is not a figure yet. A side that reported
other groups but not this one is listed as absent (a case one side did not run is never dropped).
"""
import argparse
import collections
import statistics
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lower-is-better", action="store_true")
    p.add_argument("--unit", default="")
    a = p.parse_args()
    runs = collections.OrderedDict()
    for line in sys.stdin:
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 5:
            continue
        group, side, value, rnd, load = parts
        runs.setdefault(group, collections.OrderedDict()).setdefault(side, []).append((int(rnd), value, load))
    every_side = list(collections.OrderedDict.fromkeys(s for sides in runs.values() for s in sides))
    for group, sides in runs.items():
        print(f"\n{group} ({a.unit}{', lower is better' if a.lower_is_better else ''})\n")
        print("| side | median | rounds (in order) | spread | failed | load |")
        print("|---|---|---|---|---|---|")
        medians = {}
        for side, rows in sides.items():
            rows.sort()
            values = [float(v) for _, v, _ in rows if v != "failed"]
            failed = sum(1 for _, v, _ in rows if v == "failed")
            loads = ", ".join(l for _, _, l in rows)
            if values:
                med = statistics.median(values)
                medians[side] = med
                spread = (max(values) - min(values)) / med if med else 0
                flag = " (over 30%: not a figure yet)" if spread > 0.3 else ""
                cells = ", ".join("failed" if v == "failed" else f"{float(v):g}" for _, v, _ in rows)
                print(f"| {side} | {med:.4g} | {cells} | {100 * spread:.0f}%{flag} | {failed} | {loads} |")
            else:
                print(f"| {side} | - | all failed | - | {failed} | {loads} |")
        for side in every_side:
            if side not in sides:
                print(f"| {side} | - | absent: no run of this side reported this case | - | - | - |")
        refs = [s for s in medians if s.startswith("reference")]
        ours = [s for s in medians if not s.startswith("reference")]
        for o in ours:
            ratios = "; ".join(f"{o} / {r}: {medians[o] / medians[r]:.2f}" for r in refs if medians[r])
            if ratios:
                print(f"\nratios: {ratios}")


if __name__ == "__main__":
    main()
