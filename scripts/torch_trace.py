"""Writes a PyTorch profile as a Chrome trace with each operator's input shapes, for
scripts/profile-summary.py. Shared by the reference scripts (bench-*-reference.py --profile).

Written here rather than with export_chrome_trace, which leaves the input shapes out where PyTorch
is built without its Kineto profiler (Debian's is).
"""
import json


def write_trace(prof, path):
    """The operators of a finished torch.autograd.profiler.profile(record_shapes=True) to path."""
    with open(path, "w") as f:
        json.dump([{"name": e.name, "ph": "X", "ts": e.time_range.start, "dur": e.time_range.elapsed_us(),
                    "tid": e.thread, "pid": "CPU functions", "shape": e.input_shapes}
                   for e in prof.function_events], f)
