#!/usr/bin/python3
"""MTCNN's three networks in float32 and in bfloat16, in PyTorch: what reduced precision could save.

Times facenet-pytorch's P-Net, R-Net and O-Net (the weights the project uses) on random inputs of the
shapes a frame produces (defaults: a 640x480 frame at 20 px: the first P-Net level, 384x288, R-Net on
423 crops, O-Net on 33), in float32, under `torch.autocast("cpu", dtype=torch.bfloat16)`, and with the
network and input cast to bfloat16; prints medians in ms and the largest difference of each network's
outputs from float32. PyTorch's eager kernels, not the project's oneDNN path: a lead, not the
project's figure. Needs a CPU with bfloat16 support in oneDNN (AVX-512 BF16 for its full rate).
Install and run as scripts/bench-detect-reference.py says (`--facenet DIR`: facenet-pytorch's checkout).
"""
import argparse
import json
import os
import sys
import time
import types

import torch


def networks(root):
    package = types.ModuleType("facenet_pytorch")
    package.__path__ = [os.path.abspath(root)]
    sys.modules["facenet_pytorch"] = package
    from facenet_pytorch.models.mtcnn import ONet, PNet, RNet
    return PNet, RNet, ONet


def median_ms(f, warmup, runs):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    times.sort()
    return round(times[len(times) // 2] * 1000, 2)


def largest_difference(a, b):
    return round(max((x.float() - y.float()).abs().max().item() for x, y in zip(a, b)), 4)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--facenet", required=True, help="facenet-pytorch source checkout (its root)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--pnet-level", default="384x288", help="P-Net input WxH")
    p.add_argument("--rnet-crops", type=int, default=423)
    p.add_argument("--onet-crops", type=int, default=33)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(11)
    PNet, RNet, ONet = networks(a.facenet)
    w, h = (int(v) for v in a.pnet_level.split("x"))
    cases = [("pnet", PNet(), (1, 3, h, w)), ("rnet", RNet(), (a.rnet_crops, 3, 24, 24)),
             ("onet", ONet(), (a.onet_crops, 3, 48, 48))]
    rows = []
    with torch.no_grad():
        for name, net, shape in cases:
            net.eval()
            x = torch.randn(*shape)
            reference = net(x)
            row = {"network": name, "input": list(shape), "float32Ms": median_ms(lambda: net(x), a.warmup, a.runs)}
            with torch.autocast("cpu", dtype=torch.bfloat16):
                row["autocastBf16Ms"] = median_ms(lambda: net(x), a.warmup, a.runs)
                row["autocastLargestDifference"] = largest_difference(reference, net(x))
            nb, xb = net.to(torch.bfloat16), x.to(torch.bfloat16)
            row["bf16Ms"] = median_ms(lambda: nb(xb), a.warmup, a.runs)
            row["bf16LargestDifference"] = largest_difference(reference, nb(xb))
            rows.append(row)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "results": rows}))


if __name__ == "__main__":
    main()
