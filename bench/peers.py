#!/usr/bin/env python3
"""Times the workloads of bench/workloads.json in LayerScope's peers: PyTorch (each 4-D workload in
NCHW and in channels_last, the faster reported) and ONNX Runtime (the same PyTorch module exported
to ONNX), on the same number of threads, with non-zero data, medians over --repeat runs after a
warm-up. Prints one JSON object: {"versions": {...}, "threads": T, "workloads": {name: {"torch_ms",
"torch_layout", "onnxruntime_ms"} or {"error": ...}}}; bench_vs_opencv.cpp --peers runs it and puts
the numbers beside LayerScope's.

    python3 bench/peers.py [--threads 2] [--repeat 9] [--only conv_a,pool_a] [--workloads FILE]

PyTorch is Debian's python3-torch; ONNX Runtime comes from PyPI (bench/peers-venv.sh sets up a venv
that sees both). A peer that is missing is reported as an error for every workload, not skipped.
"""
import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def median_ms(work, repeat):
    work()  # warm-up: allocator, thread pool, first-touch pages
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def module_for(torch, layer, input_shapes):
    """A torch.nn.Module computing the Keras layer on NCHW inputs (timing only: resize kernels
    differ in detail, e.g. bicubic's a = -0.75 against TF's -0.5)."""
    nn = torch.nn
    F = torch.nn.functional
    cls, c = layer["class_name"], layer["config"]
    rng = torch.Generator().manual_seed(7)

    def uniform_(tensor):
        with torch.no_grad():
            tensor.uniform_(-0.1, 0.1, generator=rng)

    channels = input_shapes[0][-1]
    if cls == "Conv2D":
        k = c["kernel_size"][0]
        m = nn.Conv2d(channels, c["filters"], k, padding=k // 2 if c.get("padding") == "same" else 0)
    elif cls == "DepthwiseConv2D":
        k = c["kernel_size"][0]
        m = nn.Conv2d(channels, channels, k, padding=k // 2, groups=channels)
    elif cls == "Conv2DTranspose":
        k, s = c["kernel_size"][0], c["strides"][0]
        # Keras 'same' with stride s gives s × the input; PyTorch: padding k // 2, output_padding s − 1.
        m = nn.ConvTranspose2d(channels, c["filters"], k, stride=s, padding=k // 2, output_padding=s - 1)
    elif cls == "Dense":
        m = nn.Linear(input_shapes[0][-1], c["units"])
    elif cls == "BatchNormalization":
        m = nn.BatchNorm2d(channels, eps=c.get("epsilon", 1e-3))
        with torch.no_grad():
            m.running_mean.uniform_(-1, 1, generator=rng)
            m.running_var.uniform_(0.5, 1.5, generator=rng)
        m.eval()
        return m
    else:
        m = None
    if m is not None:
        for p in m.parameters():
            uniform_(p)
        return m.eval()

    class Functional(nn.Module):
        def __init__(self, fn):
            super().__init__()
            self.fn = fn

        def forward(self, *xs):
            return self.fn(*xs)

    if cls == "AveragePooling2D":
        k, s = c["pool_size"][0], (c.get("strides") or c["pool_size"])[0]
        pad = k // 2 if c.get("padding") == "same" else 0
        return Functional(lambda x: F.avg_pool2d(x, k, s, padding=pad, count_include_pad=False))
    if cls == "MaxPooling2D":
        k, s = c["pool_size"][0], (c.get("strides") or c["pool_size"])[0]
        return Functional(lambda x: F.max_pool2d(x, k, s))
    if cls == "UpSampling2D":
        mode = c.get("interpolation", "nearest")
        if mode == "nearest":
            return Functional(lambda x: F.interpolate(x, scale_factor=c["size"][0], mode="nearest"))
        return Functional(lambda x: F.interpolate(x, scale_factor=c["size"][0], mode=mode, align_corners=False))
    if cls == "Resizing":
        size = (c["height"], c["width"])
        mode = c.get("interpolation", "bilinear")
        return Functional(lambda x: F.interpolate(x, size=size, mode=mode, align_corners=False))
    if cls == "Tile":
        mult = c["multiples"]  # NHWC multiples → NCHW repeat
        return Functional(lambda x: x.repeat(mult[0], mult[3], mult[1], mult[2]))
    if cls == "Concatenate":
        return Functional(lambda a, b: torch.cat([a, b], dim=1))
    raise ValueError(f"no PyTorch equivalent written for {cls}")


def nchw(shape):
    return shape if len(shape) != 4 else [shape[0], shape[3], shape[1], shape[2]]


def time_torch(torch, module, arrays, repeat):
    """Median ms in NCHW and, for 4-D inputs, channels_last; the faster and its layout."""
    best = None
    layouts = ["NCHW", "channels_last"] if arrays[0].ndim == 4 else ["plain"]
    for layout in layouts:
        xs = [torch.from_numpy(a) for a in arrays]
        m = module
        if layout == "channels_last":
            xs = [x.contiguous(memory_format=torch.channels_last) for x in xs]
            m = module.to(memory_format=torch.channels_last)
        with torch.inference_mode():
            ms = median_ms(lambda: m(*xs), repeat)
        if best is None or ms < best[0]:
            best = (ms, layout)
    return best


def time_onnxruntime(torch, ort, module, arrays, threads, repeat):
    buffer = io.BytesIO()
    names = [f"x{i}" for i in range(len(arrays))]
    with torch.no_grad():
        torch.onnx.export(module.to(memory_format=torch.contiguous_format), tuple(torch.from_numpy(a) for a in arrays),
                          buffer, input_names=names, output_names=["y"], opset_version=13)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
    feeds = dict(zip(names, arrays))
    return median_ms(lambda: session.run(None, feeds), repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", default="")
    parser.add_argument("--workloads", type=Path, default=HERE / "workloads.json")
    args = parser.parse_args()
    wanted = set(filter(None, args.only.split(",")))
    workloads = [w for w in json.loads(args.workloads.read_text())["workloads"] if not wanted or w["name"] in wanted]

    result = {"threads": args.threads, "repeat": args.repeat, "versions": {}, "workloads": {}}
    try:
        import torch
        torch.set_num_threads(args.threads)
        result["versions"]["torch"] = torch.__version__
    except ImportError as e:
        torch = None
        torch_error = f"PyTorch is not installed ({e}); apt-get install python3-torch"
    try:
        import onnxruntime as ort
        ort.set_default_logger_severity(3)
        result["versions"]["onnxruntime"] = ort.__version__
    except ImportError as e:
        ort = None
        ort_error = f"ONNX Runtime is not installed ({e}); bash bench/peers-venv.sh"

    rng = np.random.default_rng(7)
    for w in workloads:
        entry = {}
        # Non-zero data: 0..255 like an image (a zero-filled tensor flatters any kernel).
        arrays = [rng.uniform(0, 255, size=nchw(s)).astype("float32") for s in w["inputs"]]
        if torch is None:
            entry["torch_error"] = torch_error
        else:
            try:
                module = module_for(torch, w["layer"], w["inputs"])
                ms, layout = time_torch(torch, module, arrays, args.repeat)
                entry.update(torch_ms=ms, torch_layout=layout)
            except Exception as e:  # noqa: BLE001 - reported beside the workload
                entry["torch_error"] = str(e)
        if ort is None or torch is None:
            entry["onnxruntime_error"] = ort_error if ort is None else "needs PyTorch to export the ONNX model"
        else:
            try:
                module = module_for(torch, w["layer"], w["inputs"])
                entry["onnxruntime_ms"] = time_onnxruntime(torch, ort, module, arrays, args.threads, args.repeat)
            except Exception as e:  # noqa: BLE001
                entry["onnxruntime_error"] = str(e).splitlines()[0][:300]
        result["workloads"][w["name"]] = entry
        print(f"[peers] {w['name']}: {entry}", file=sys.stderr, flush=True)
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
