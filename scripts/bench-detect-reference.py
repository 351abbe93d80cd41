#!/usr/bin/python3
"""MTCNN detection per frame in facenet-pytorch: the reference for `emotion-stream bench detect`.

Times facenet-pytorch's MTCNN (the original Zhang et al. weights, the same as the project's;
defaults: scale factor 0.709, thresholds 0.6 / 0.7 / 0.7) on frames written by
`emotion-stream bench detect --save-frames DIR` (the same pixels as the project's side), for each
minimum face size; prints one JSON object with each case's median milliseconds, like `bench detect`.

facenet-pytorch is not packaged by Debian; its source checkout (version 2.5.x, which holds the weights
in data/) is enough, without installing it: --facenet DIR names the checkout's root.
Install (Debian 12; a manual comparison, not part of the build or CI):
    apt-get install python3-torch python3-torchvision python3-pil
Run under jemalloc without purging (the reference's fastest) and the launcher's OpenMP setting
(scripts/bench-detect-compare.sh does):
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 scripts/bench-detect-reference.py --facenet DIR --frames FRAMES
"""
import argparse
import json
import os
import statistics
import sys
import time
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_trace import write_trace  # noqa: E402 (beside this script)


def load_mtcnn(root):
    """facenet-pytorch's MTCNN class from a source checkout, without its package's other imports."""
    package = types.ModuleType("facenet_pytorch")
    package.__path__ = [os.path.abspath(root)]
    sys.modules["facenet_pytorch"] = package
    from facenet_pytorch.models.mtcnn import MTCNN
    return MTCNN


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--facenet", required=True, help="facenet-pytorch source checkout (its root)")
    p.add_argument("--frames", required=True, help="folder of WxH.png frames from bench detect --save-frames")
    p.add_argument("--size", default="640x480,1280x720")
    p.add_argument("--min-face", default="20,40")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--profile", metavar="PREFIX",
                   help="after the timed frames of each case, detect --runs more under PyTorch's profiler and "
                        "write PREFIX-WxH-mMIN.json (scripts/profile-summary.py sums them)")
    a = p.parse_args()

    from PIL import Image
    torch.set_num_threads(a.threads)
    MTCNN = load_mtcnn(a.facenet)
    results = []
    with torch.no_grad():
        for min_face in (int(v) for v in a.min_face.split(",")):
            mtcnn = MTCNN(min_face_size=min_face, keep_all=True, device="cpu")
            for size in a.size.split(","):
                image = Image.open(os.path.join(a.frames, size + ".png")).convert("RGB")
                boxes = None
                for _ in range(a.warmup):
                    boxes, _ = mtcnn.detect(image)
                times = []
                for _ in range(a.runs):
                    t0 = time.perf_counter()
                    mtcnn.detect(image)
                    times.append(1000 * (time.perf_counter() - t0))
                w, h = (int(v) for v in size.split("x"))
                if a.profile:
                    with torch.autograd.profiler.profile(record_shapes=True) as prof:
                        for _ in range(a.runs):
                            mtcnn.detect(image)
                    write_trace(prof, f"{a.profile}-{w}x{h}-m{min_face}.json")
                results.append({"width": w, "height": h, "minFace": min_face,
                                "faces": 0 if boxes is None else len(boxes),
                                "medianMs": round(statistics.median(times), 1), "minMs": round(min(times), 1)})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "mkldnn": torch.backends.mkldnn.is_available(),
                      "runs": a.runs, "results": results}))


if __name__ == "__main__":
    main()
