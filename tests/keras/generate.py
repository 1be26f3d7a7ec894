#!/usr/bin/env python3
"""Writes the Keras differential cases: real Keras 3 (TensorFlow backend) is the judge.

    python generate.py OUT_DIR [--all] [--classes A,B] [--force]

For every case the grids in grids/*.py yield (for the classes in enabled.ENABLED_CLASSES, or every
class with --all), builds keras.Sequential([keras.Input(...), layer]) (a Functional model with two
Inputs for merges), sets seeded random weights and writes OUT_DIR/cases/<Class>__<name>/:

    model.json      model.to_json(), each weighted layer object with LayerScope's inline
                    "weights": {"<keras variable name>": {"shape": [...], "data": [...]}}
    input.npy       (merges: input_0.npy, input_1.npy) seeded random float32
    expected.npy    model(x, training=False)                       -- or --
    error.txt       Keras's exception message (construction, build or call), ANSI and the
                    "Exception encountered when calling ..." frame removed
    meta.json       class, name, kind ("output" / "error"), inputs, tolerance, essential text

plus OUT_DIR/index.json (every case, the enabled classes, the Keras/TF versions). The output is
cached: a stamp of the generator's sources, the class selection and the versions; an unchanged
stamp leaves OUT_DIR as it is.
"""
import argparse
import hashlib
import importlib
import json
import os
import re
import shutil
import sys
import time
import zlib
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402


def source_stamp(selection, versions):
    digest = hashlib.sha256()
    for path in sorted(HERE.rglob("*.py")):
        digest.update(str(path.relative_to(HERE)).encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps([selection, versions]).encode())
    return digest.hexdigest()


def load_grids():
    specs = []
    for path in sorted((HERE / "grids").glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = importlib.import_module("grids." + path.stem)
        for spec in module.cases():
            spec["group"] = path.stem
            specs.append(spec)
    return specs


GRAPH_COUNT = 24

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def clean_message(exc):
    """Keras's own sentence: without the call frame, ANSI codes, TF op decorations."""
    text = str(exc)
    bold = re.search(r"\x1b\[1m(.*?)\x1b\[0m", text, re.S)
    if bold:
        text = bold.group(1)
    text = ANSI.sub("", text)
    text = text.split("\n\nArguments received by")[0]
    text = re.sub(r"^Exception encountered when calling [^\n]*\n+", "", text)
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", text)
    text = re.sub(r"\s*\[Op:[A-Za-z0-9_]+\](\s*name:\s*\S*)?\s*$", "", text)
    return text.strip()


def make_values(rng, shape, kind):
    shape = tuple(shape)
    if kind == "image":
        return rng.uniform(0.0, 255.0, size=shape).astype("float32")
    magnitude = rng.uniform(0.05, 1.0, size=shape)
    if kind == "positive":
        return magnitude.astype("float32")
    sign = np.where(rng.random(size=shape) < 0.5, -1.0, 1.0)
    return (magnitude * sign).astype("float32")


def default_weights(layer, rng):
    arrays = []
    for variable in layer.weights:
        shape = tuple(variable.shape)
        name = variable.name
        if "variance" in name:
            arrays.append(rng.uniform(0.5, 1.5, size=shape).astype("float32"))
        elif name == "count":
            arrays.append(np.asarray(variable.numpy()))
        else:
            arrays.append(make_values(rng, shape, "mixed"))
    return arrays


def jsonable(value):
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def hand_made_model_json(spec, layer_name, layer, shapes):
    """The JSON Keras would have written, for a case Keras refuses to build."""
    if layer is not None:
        try:
            config = jsonable(layer.get_config())
        except Exception:  # a half-built layer
            config = None
    else:
        config = None
    if config is None:
        config = {"name": layer_name, **jsonable(spec["kwargs"])}
    layer_object = {"class_name": spec["class_name"], "config": config}
    if "shapes" in spec:
        inputs = [{"class_name": "InputLayer", "name": f"input_{i}",
                   "config": {"batch_shape": [None, *s[1:]], "name": f"input_{i}"}, "inbound_nodes": []}
                  for i, s in enumerate(shapes)]
        layer_object["name"] = layer_name
        layer_object["inbound_nodes"] = [{"args": [[
            {"class_name": "__keras_tensor__", "config": {"shape": [None, *s[1:]], "dtype": "float32",
             "keras_history": [f"input_{i}", 0, 0]}} for i, s in enumerate(shapes)]], "kwargs": {}}]
        return {"class_name": "Functional", "config": {
            "name": "functional", "layers": inputs + [layer_object],
            "input_layers": [[f"input_{i}", 0, 0] for i in range(len(shapes))],
            "output_layers": [layer_name, 0, 0]}}
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, *shapes[0][1:]], "name": "input"}},
        layer_object]}}


def inline_weights(model_json, model):
    """LayerScope's extension: each weighted layer's variables beside its config."""
    by_name = {layer.name: layer for layer in model.layers}
    for layer_object in model_json["config"]["layers"]:
        name = layer_object.get("config", {}).get("name") or layer_object.get("name")
        layer = by_name.get(name)
        if layer is None or not layer.weights:
            continue
        layer_object["weights"] = {
            variable.name: {"shape": list(variable.shape),
                            "data": np.asarray(variable.numpy(), dtype="float32").reshape(-1).tolist()}
            for variable in layer.weights}
    return model_json


# TensorFlow's plain CPU kernels (a machine where TF does not use oneDNN, such as an AMD EPYC
# without AVX-512) refuse configurations the layer defines and oneDNN computes: NCHW
# convolutions and dilated transposed convolutions. Such a call is a limit of the machine's
# kernels, not Keras refusing the layer, so the reference is the same layer in an equivalent
# form those kernels accept: channels_last on the transposed input, and the dilated kernel
# written out with its zeros (a dilated kernel is exactly that). Where oneDNN runs, TF computes
# the layer directly and gives the same numbers.
CPU_KERNEL_LIMITS = ("only supports the NHWC tensor format on the CPU", "only supports NHWC",
                     "Current CPU implementations do not yet support dilation rates larger than 1")


def equivalent_reference(keras, layer, x):
    config = layer.get_config()
    weights = layer.get_weights()
    channels_first = config.get("data_format") == "channels_first"
    dilation = tuple(config.get("dilation_rate", (1, 1)))
    if channels_first:
        config["data_format"] = "channels_last"
        x = np.transpose(x, (0, 2, 3, 1))
    if dilation != (1, 1) and type(layer).__name__ == "Conv2DTranspose":
        kernel = weights[0]
        dh, dw = dilation
        kh, kw = kernel.shape[:2]
        spread = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1, *kernel.shape[2:]), dtype=kernel.dtype)
        spread[::dh, ::dw] = kernel
        weights = [spread, *weights[1:]]
        config["kernel_size"] = list(spread.shape[:2])
        config["dilation_rate"] = [1, 1]
    config["name"] = config["name"] + "_equivalent"
    twin = type(layer).from_config(config)
    twin.build(x.shape)
    twin.set_weights(weights)
    y = np.asarray(keras.ops.convert_to_numpy(twin(x)), dtype="float32")
    return np.transpose(y, (0, 3, 1, 2)) if channels_first else y


def run_case(keras, spec, out_dir):
    seed = zlib.crc32(f"{spec['class_name']}/{spec['name']}".encode())
    rng = np.random.default_rng(seed)
    shapes = spec.get("shapes", [spec["shape"]])
    inputs = [make_values(rng, s, spec.get("values", "mixed")) for s in shapes]
    layer_name = re.sub(r"(?<!^)(?=[A-Z])", "_", spec["class_name"]).lower().replace("2_d", "2d") + "_case"
    layer = None
    model = None
    stage = "construction"
    try:
        factory = spec.get("factory") or getattr(keras.layers, spec["class_name"])
        layer = factory(name=layer_name, **spec["kwargs"])
        stage = "build"
        tensors = [keras.Input(shape=s[1:], name="input" if len(shapes) == 1 else f"input_{i}")
                   for i, s in enumerate(shapes)]
        if "shapes" in spec:
            model = keras.Model(tensors, layer(tensors), name="functional")
        else:
            model = keras.Sequential([tensors[0], layer], name="sequential")
        weights = spec.get("weights", default_weights)
        if layer.weights and weights != "keep":
            layer.set_weights(weights(layer, rng))
        stage = "call"
        try:
            result = model(inputs if "shapes" in spec else inputs[0], training=False)
            expected = np.asarray(keras.ops.convert_to_numpy(result), dtype="float32")
        except Exception as exc:  # noqa: BLE001 - a limit of TF's CPU kernels, or Keras refusing
            if "shapes" in spec or not any(limit in str(exc) for limit in CPU_KERNEL_LIMITS):
                raise
            expected = equivalent_reference(keras, layer, inputs[0])
        model_json = inline_weights(json.loads(model.to_json()), model)
        error = None
    except Exception as exc:  # Keras refused: the case expects an error
        error = clean_message(exc)
        if not error:
            error = type(exc).__name__
        model_json = hand_made_model_json(spec, layer_name, layer, shapes)
        expected = None

    out_dir.mkdir(parents=True)
    (out_dir / "model.json").write_text(json.dumps(model_json))
    if len(inputs) == 1:
        np.save(out_dir / "input.npy", inputs[0])
    else:
        for i, x in enumerate(inputs):
            np.save(out_dir / f"input_{i}.npy", x)
    meta = {"class_name": spec["class_name"], "name": spec["name"], "group": spec["group"],
            "inputs": len(inputs), "kwargs": jsonable(spec["kwargs"]),
            "input_shapes": [list(s) for s in shapes]}
    if error is None:
        np.save(out_dir / "expected.npy", expected)
        meta.update(kind="output", output_shape=list(expected.shape),
                    atol=spec.get("atol", 1e-5), rtol=spec.get("rtol", 1e-5))
        if "why" in spec:
            meta["why"] = spec["why"]
    else:
        (out_dir / "error.txt").write_text(error + "\n")
        meta.update(kind="error", stage=stage)
        if "essential" in spec:
            meta["essential"] = spec["essential"]
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--all", action="store_true", help="every class some grid describes")
    parser.add_argument("--classes", default="", help="comma-separated classes instead of enabled.py")
    parser.add_argument("--force", action="store_true", help="regenerate even when the stamp matches")
    args = parser.parse_args()

    from enabled import ALL_CLASSES, ENABLED_CLASSES
    if args.classes:
        selection = [c for c in args.classes.split(",") if c]
    elif args.all:
        selection = list(ALL_CLASSES)
    else:
        selection = list(ENABLED_CLASSES)

    # Versions from the installed packages' metadata: the up-to-date check needs no TF import.
    from importlib.metadata import PackageNotFoundError, version
    versions = {"keras": version("keras"), "numpy": np.__version__}
    for tf_package in ("tensorflow-cpu", "tensorflow"):
        try:
            versions["tensorflow"] = version(tf_package)
            break
        except PackageNotFoundError:
            continue
    stamp = source_stamp(selection, versions)
    stamp_file = args.out / "stamp.txt"
    if not args.force and stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        index = json.loads((args.out / "index.json").read_text())
        print(f"keras cases up to date: {len(index['cases'])} cases in {args.out}")
        return 0

    started = time.monotonic()
    import keras
    import tensorflow as tf
    if (keras.__version__, tf.__version__) != (versions["keras"], versions.get("tensorflow")):
        print(f"error: imported keras {keras.__version__} / tensorflow {tf.__version__} differ from the "
              f"installed metadata {versions}", file=sys.stderr)
        return 1
    keras.utils.set_random_seed(1234)
    specs = load_grids()
    unknown = sorted({s["class_name"] for s in specs} - set(ALL_CLASSES))
    if unknown:
        print(f"error: grids yield classes missing from enabled.ALL_CLASSES: {unknown}", file=sys.stderr)
        return 1
    chosen = [s for s in specs if s["class_name"] in selection]
    missing = sorted(set(selection) - {s["class_name"] for s in chosen})
    if missing:
        print(f"error: no grid describes the selected classes {missing}", file=sys.stderr)
        return 1
    seen = set()
    for s in chosen:
        key = (s["class_name"], s["name"])
        if key in seen:
            print(f"error: duplicate case {key}", file=sys.stderr)
            return 1
        seen.add(key)

    if args.out.exists():
        shutil.rmtree(args.out)
    cases_dir = args.out / "cases"
    cases_dir.mkdir(parents=True)
    metas = []
    for spec in chosen:
        # No keras.backend.clear_session() between cases: its gc.collect() took 0.35 s a case.
        metas.append(run_case(keras, spec, cases_dir / f"{spec['class_name']}__{spec['name']}"))
    # Random graphs (branches, merges, shared layers, nested Sequential), judged node by node, once
    # every class they use is selected.
    from random_graphs import GRAPH_CLASSES, write_graph_cases
    graph_metas = []
    if set(GRAPH_CLASSES) - {"Sequential"} <= set(selection):
        graph_metas = write_graph_cases(keras, args.out, GRAPH_COUNT)
    index = {"versions": versions, "classes": selection,
             "cases": [f"{m['class_name']}__{m['name']}" for m in metas],
             "graphs": [f"g{i:02d}" for i in range(len(graph_metas))]}
    (args.out / "index.json").write_text(json.dumps(index, indent=1))
    stamp_file.write_text(stamp + "\n")

    counts = {}
    for m in metas:
        c = counts.setdefault(m["class_name"], [0, 0])
        c[0 if m["kind"] == "output" else 1] += 1
    print(f"keras {versions['keras']}, tensorflow {versions['tensorflow']}: "
          f"{len(metas)} cases in {time.monotonic() - started:.1f} s -> {args.out}")
    for name in selection:
        ok, err = counts.get(name, [0, 0])
        print(f"  {name:24s} {ok:4d} outputs {err:3d} errors")
    print(f"  {len(graph_metas)} random graphs, {sum(len(m['nodes']) for m in graph_metas)} nodes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
