#!/usr/bin/python3
"""Plain PyTorch training loop of ResNet-18: the reference for `emotion-stream bench train`.

Times the same work as `bench train` (io.emotionstream.train.TrainingThroughput): torchvision's
resnet18(num_classes=7) in train mode (batch normalisation updates its statistics), SGD with
momentum 0.9 and weight decay 5e-4 at lr 0.01, cross-entropy, one fixed random batch (64 x 48 x 48
by default, values uniform in [-2, 2), random labels), warm-up steps, then `--repeats` times
`--steps` steps; prints one JSON object with the median images/s, like `bench train`.

Input: the project's ResNet18 takes one grey channel and replicates it to three channels inside
the network (torchvision's stem expects RGB). By default this script does the same (a 1-channel
batch repeated to 3 channels in every step), so both run the same 3-channel network on the same
data; `--input rgb` feeds a 3-channel batch directly instead (the copy is about 1.8 MB per step
and measured no different). Neither times data reading or augmentation.

Each step: forward, loss, backward, loss.item() and argmax (the project's step also reads the
loss and the predicted classes), optimizer.step(), zero_grad(set_to_none=True) (PyTorch 2's
default).

The project's step runs the stem and stages 1-2 on channels-last activations and updates the
weights with one fused pass per tensor; the same tricks for the reference: --layout channels-last
(model and batch in channels-last memory, PyTorch's documented way) and --update foreach (SGD's
multi-tensor update); --layout nchw --update loop is plain PyTorch as most scripts run it. The JSON holds the milliseconds per step of each phase and the process CPU time per step
and of the stepping thread (steadier figures than images/s where other processes share the cores;
with one thread the stepping thread does all of the engine's work), as `bench train` does.

Install (Debian 12; a manual comparison, not part of the build or CI):
    apt-get update
    apt-get install python3-torch python3-torchvision libopenblas0-openmp
Run under jemalloc without purging (the reference's fastest) and the launcher's OpenMP setting,
one and two intra-op threads:
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \\
    MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 OMP_WAIT_POLICY=PASSIVE \\
        /usr/bin/python3 scripts/bench-train-reference.py --threads 1
    ./emotion-stream bench train --help      # the project's side, with JAVA_OPTS=-Dai.djl.pytorch.num_threads=1
scripts/bench-train-compare.sh runs both alternately and prints the medians and ratios.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_trace import write_trace  # noqa: E402 (beside this script)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default: 1)")
    p.add_argument("--input-size", type=int, default=48)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--classes", type=int, default=7)
    p.add_argument("--warmup-steps", type=int, default=5)
    p.add_argument("--steps", type=int, default=20, help="steps per repeat")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--layout", choices=["nchw", "channels-last"], default="nchw")
    p.add_argument("--update", choices=["loop", "foreach"], default="loop",
                   help="SGD's per-parameter loop or its multi-tensor (foreach) update")
    p.add_argument("--input", choices=["grey", "rgb"], default="grey",
                   help="grey: 1 channel replicated to 3 in each step, as the project's model (default)")
    p.add_argument("--profile", metavar="FILE",
                   help="after the timed steps, run as many more under torch.profiler and write its Chrome "
                        "trace to FILE (scripts/profile-summary.py sums it per operator)")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = torchvision.models.resnet18(num_classes=a.classes)
    model.train()
    memory_format = torch.channels_last if a.layout == "channels-last" else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4,
                                foreach=a.update == "foreach")
    channels = 1 if a.input == "grey" else 3
    x = torch.rand(a.batch_size, channels, a.input_size, a.input_size) * 4 - 2
    y = torch.randint(0, a.classes, (a.batch_size,))

    phases = dict.fromkeys(["forward", "backward", "outcome", "update"], 0.0)

    def step():
        t0 = time.perf_counter()
        inputs = x.repeat(1, 3, 1, 1) if channels == 1 else x
        inputs = inputs.contiguous(memory_format=memory_format)
        logits = model(inputs)
        loss = F.cross_entropy(logits, y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        loss.item()
        logits.argmax(1)
        t3 = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        t4 = time.perf_counter()
        for key, seconds in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            phases[key] += seconds

    for _ in range(a.warmup_steps):
        step()
    phases.update(dict.fromkeys(phases, 0.0))
    rates = []
    cpu = []
    thread_cpu = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        cpu_start = time.process_time()
        thread_cpu_start = time.thread_time()
        for _ in range(a.steps):
            step()
        rates.append(a.steps * a.batch_size / (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - cpu_start) / a.steps)
        thread_cpu.append(1000 * (time.thread_time() - thread_cpu_start) / a.steps)
    if a.profile:
        with torch.autograd.profiler.profile(record_shapes=True) as prof:
            for _ in range(a.steps):
                step()
        write_trace(prof, a.profile)
    median = statistics.median(rates)
    print(json.dumps({
        "input_size": a.input_size,
        "batch_size": a.batch_size,
        "optimizer": "sgd",
        "images_per_second": round(median, 4),
        "ms_per_step": round(1000.0 * a.batch_size / median, 4),
        "repeats": [round(r, 4) for r in rates],
        "steps_per_repeat": a.steps,
        "cpu_ms_per_step": round(statistics.median(cpu), 4),
        "step_thread_cpu_ms_per_step": round(statistics.median(thread_cpu), 4),
        "phases_ms_per_step": {k: round(1000 * v / (a.repeats * a.steps), 4) for k, v in phases.items()},
        "threads": torch.get_num_threads(),
        "input": a.input,
        "layout": a.layout,
        "update": a.update,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "jemalloc": "jemalloc" in os.environ.get("LD_PRELOAD", ""),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "None"),
        **({"profile": a.profile, "profiled_steps": a.steps} if a.profile else {}),
    }))


if __name__ == "__main__":
    main()
