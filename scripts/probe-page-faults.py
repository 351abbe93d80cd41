#!/usr/bin/python3
"""What a page of fresh memory costs on this machine: the price of every page the allocator returns.

Maps anonymous memory, touches one byte per page (each touch is a minor page fault: the kernel finds
and zeroes a page, and under some hypervisors the host backs it too), unmaps it, and repeats. Prints
microseconds per page for each round as JSON. jemalloc's purging (MALLOC_CONF, see the launcher)
hands pages back to the kernel; each one that is used again costs this much. On bare metal it is
typically well under a microsecond; on some virtual machines it is ten times more, and then how often
the allocator purges shows in the processor's CPU per frame (docs/performance.md, "The allocator's
purging").

    scripts/probe-page-faults.py [--mib 200] [--rounds 3]
"""
import argparse
import json
import mmap
import resource
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mib", type=int, default=200, help="memory mapped and touched per round (default 200)")
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    size = a.mib * 1024 * 1024
    page = mmap.PAGESIZE
    rounds = []
    for _ in range(a.rounds):
        m = mmap.mmap(-1, size)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        start = time.perf_counter()
        for offset in range(0, size, page):
            m[offset] = 1
        seconds = time.perf_counter() - start
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        m.close()
        rounds.append({"pages": size // page, "minor_faults": faults,
                       "us_per_page": round(seconds * 1e6 / (size // page), 2)})
    print(json.dumps({"page_bytes": page, "rounds": rounds,
                      "median_us_per_page": sorted(r["us_per_page"] for r in rounds)[len(rounds) // 2]}))


if __name__ == "__main__":
    main()
