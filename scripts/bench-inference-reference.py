#!/usr/bin/python3
"""Plain PyTorch inference of ResNet-18: the reference for `emotion-stream bench inference`.

Times the same work as `bench inference`'s classifier figures (one worker, fixed batches,
pre-processing excluded): torchvision's resnet18(num_classes=7) in eval mode under
torch.no_grad(), fed a batch of 48 x 48 grey crops (one fixed crop repeated, values as the crop
pre-processing makes them), softmax on the outputs. The project's ResNet18 is torchvision's network
exactly (7x7/2 stem conv, batch norm, relu, 3x3/2 max pool with padding 1, four stages of two basic
blocks, global average pool, fc) and replicates its one grey channel to three channels inside the
network; served, it reads the grey channel once with the stem's weights summed over RGB. By default
(--stem summed) the reference module below does the same, so both run the same network.

Three ways of running it, each timed at every batch size:
  eager      the module as it is (batch norm as its own operation after each convolution);
  frozen     torch.jit.script + torch.jit.freeze: a TorchScript graph with the weights as
             constants and batch norm folded into the convolutions;
  optimized  torch.jit.optimize_for_inference of the scripted module: frozen, then convolutions
             converted to oneDNN (MKL-DNN) with weights packed once, activations kept in oneDNN's
             blocked layout from layer to layer.
With --modes ...,eager-bf16,frozen-bf16 (for the project's inference.precision=bfloat16): the module
with its weights and inputs in bfloat16 and channels-last, eager and frozen (optimize_for_inference
packs float32 convolutions only); PyTorch runs those convolutions on oneDNN in bfloat16.
Each figure is the median images/s of `--repeats` timed runs of `--seconds` each, after warm-up;
one JSON object is printed. Both sides run the batch as it is (the project's side no longer pads
one face to two, see ResNet18Architecture.smallestCpuBatch).

Install (Debian 12; a manual comparison, not part of the build or CI):
    apt-get update
    apt-get install python3-torch python3-torchvision libopenblas0-openmp
Run under jemalloc without purging (the reference's fastest) and the launcher's OpenMP setting,
one intra-op thread (the processor's default is one inference thread):
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \\
    MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 OMP_WAIT_POLICY=PASSIVE \\
        /usr/bin/python3 scripts/bench-inference-reference.py --threads 1
    ./emotion-stream bench inference --help  # the project's side, with JAVA_OPTS=-Dai.djl.pytorch.num_threads=1
scripts/bench-inference-compare.sh runs both alternately and prints the medians and ratios.
"""
import argparse
import copy
import json
import os
import statistics
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_trace import write_trace  # noqa: E402 (beside this script)


class GreyResNet18(torch.nn.Module):
    """torchvision's resnet18 taking one grey channel, replicated to three as the trained network does."""

    def __init__(self, classes):
        super().__init__()
        self.net = torchvision.models.resnet18(num_classes=classes)

    def forward(self, x):
        if x.shape[1] == 1:
            x = x.repeat(1, 3, 1, 1)
        return self.net(x)


def summed_stem(model):
    """The same network reading the grey channel once: the stem's weights summed over RGB (three
    equal channels convolved are one channel convolved with the summed weights), as the project
    serves it; the replication goes away."""
    net = model.net
    rgb = net.conv1
    grey = torch.nn.Conv2d(1, rgb.out_channels, rgb.kernel_size, rgb.stride, rgb.padding, bias=False)
    with torch.no_grad():
        grey.weight.copy_(rgb.weight.sum(dim=1, keepdim=True))
    net.conv1 = grey
    return net


def images_per_second(model, x, seconds, repeats):
    with torch.no_grad():
        for _ in range(3):
            model(x).softmax(1)
        runs = []
        for _ in range(repeats):
            n = 0
            t0 = time.perf_counter()
            end = t0 + seconds
            while time.perf_counter() < end:
                model(x).softmax(1).tolist()
                n += x.shape[0]
            runs.append(n / (time.perf_counter() - t0))
    return round(statistics.median(runs), 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default: 1)")
    p.add_argument("--input-size", type=int, default=48)
    p.add_argument("--classes", type=int, default=7)
    p.add_argument("--batch-sizes", default="1,8,32")
    p.add_argument("--modes", default="eager,frozen,optimized")
    p.add_argument("--stem", choices=["summed", "replicated"], default="summed",
                   help="summed: the stem reads the grey channel with weights summed over RGB, as the "
                        "project serves its model (default); replicated: grey copied to three channels")
    p.add_argument("--seconds", type=float, default=2.0, help="seconds per timed run (default: 2)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs per figure; the median is printed")
    p.add_argument("--profile", metavar="PREFIX",
                   help="after the timed runs of each mode and batch size, run --profile-calls more under "
                        "PyTorch's profiler and write PREFIX-MODE-bSIZE.json (scripts/profile-summary.py sums them)")
    p.add_argument("--profile-calls", type=int, default=50, help="calls per profile (default: 50)")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = GreyResNet18(a.classes).eval()
    if a.stem == "summed":
        model = summed_stem(model).eval()
    modes = a.modes.split(",")
    runnable = {}
    with torch.no_grad():
        if "eager" in modes:
            runnable["eager"] = model
        if "frozen" in modes:
            runnable["frozen"] = torch.jit.freeze(torch.jit.script(model))
        if "optimized" in modes:
            runnable["optimized"] = torch.jit.optimize_for_inference(torch.jit.script(model))
        if "eager-bf16" in modes or "frozen-bf16" in modes:
            half = copy.deepcopy(model).to(torch.bfloat16).to(memory_format=torch.channels_last).eval()
            if "eager-bf16" in modes:
                runnable["eager-bf16"] = half
            if "frozen-bf16" in modes:
                runnable["frozen-bf16"] = torch.jit.freeze(torch.jit.script(half))
    # a pre-processed crop: (pixel - mean) / std of the bundled model, about [-2, 2]
    crop = torch.rand(1, 1, a.input_size, a.input_size) * 4 - 2
    out = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "ld_preload": os.environ.get("LD_PRELOAD"),
        "malloc_conf": os.environ.get("MALLOC_CONF"),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "stem": a.stem,
        "input": f"{a.input_size}x{a.input_size}x1",
        "seconds_per_measurement": a.seconds,
        "repeats": a.repeats,
        "statistic": "median",
        "images_per_second": {},
    }
    for size in (int(s) for s in a.batch_sizes.split(",")):
        x = crop.repeat(size, 1, 1, 1)
        for name, m in runnable.items():
            xm = x.to(torch.bfloat16).to(memory_format=torch.channels_last) if name.endswith("-bf16") else x
            out["images_per_second"].setdefault(name, {})[f"batch_{size}"] = \
                images_per_second(m, xm, a.seconds, a.repeats)
            if a.profile:
                path = f"{a.profile}-{name}-b{size}.json"
                with torch.no_grad(), torch.autograd.profiler.profile(record_shapes=True) as prof:
                    for _ in range(a.profile_calls):
                        m(xm)
                write_trace(prof, path)
                out.setdefault("profiles", []).append(path)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
