#!/usr/bin/env python3
"""TensorFlow's side of the whole-model benchmark (issue 13): Keras 3 on TensorFlow, 2 threads.

Run by layerscope_bench_models (bench/bench_models.cpp), which prints the table; from the checkout:

    nice -n 19 build/bin/layerscope_bench_models --models /work/shared/real_models \
        --tf /work/keras-venv/bin/python

Two steps, each a separate call so that the C++ side runs in between:

    tf_models.py prepare MODELS_DIR WORK   writes WORK/models.json: every non-hostile model of
        MODELS_DIR/index.json (a weights-only file with its JSON architecture) and a MobileNetV2 and
        a ResNet50 (keras.applications, weights=None, seeded) saved here to WORK/built/*.keras
        (build output, never committed; kept between runs).
    tf_models.py time WORK [--threads 2] [--repeat 11]
        for each model of WORK/models.json: loads it with Keras (keras.models.load_model,
        compile=False; a file Keras 3 refuses is loaded after the documented repairs of
        tests/keras/real_models.py, named in "how"; one that still fails is an error), times
        model(x, training=False) (median of --repeat runs after a warm-up; also the same call as a
        tf.function, shown beside it) on WORK/<n>/input_0.npy
        (written by LayerScope's side; the same formula here when LayerScope could not load the
        model), compares with WORK/<n>/layerscope_output_<k>.npy, and writes WORK/tf_results.json.
"""
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "keras"))
TRANSCRIBED = REPO / "tests" / "data" / "real_models"
SEED = 20261129


def deterministic_input(shape):
    """The input both sides use: x[i] = sin(i * 0.001) * 0.5 + 0.5 over the flattened NHWC tensor
    (non-zero, smooth, in [0, 1]); bench_models.cpp computes the same values."""
    count = int(np.prod(shape))
    return (np.sin(np.arange(count, dtype=np.float64) * 0.001) * 0.5 + 0.5).astype(np.float32).reshape(shape)


def companion_of(models_dir, name):
    """The JSON architecture LayerScope and Keras are given for a weights-only file, or None."""
    if "weights_only" in name:
        found = sorted(models_dir.glob(name.split("_weights_only")[0] + "*architecture.json"))
        return found[0] if found else None
    if name.endswith(".weights.h5"):
        path = TRANSCRIBED / (name[: -len(".weights.h5")] + "_architecture.json")
        return path if path.exists() else None
    return None


def build_applications(keras, directory):
    """MobileNetV2 and ResNet50 as keras.applications builds them, random seeded weights and BN
    statistics that are not the identity (a fresh BN would make the comparison too easy)."""
    directory.mkdir(parents=True, exist_ok=True)
    built = []
    for name, make in (("mobilenetv2_224", lambda: keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3), alpha=1.0)),
                       ("resnet50_224", lambda: keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3)))):
        path = directory / (name + ".keras")
        if not path.exists():
            keras.utils.set_random_seed(SEED)
            model = make()
            rng = np.random.default_rng(SEED)
            for layer in model.layers:
                if isinstance(layer, keras.layers.BatchNormalization):
                    gamma, beta, mean, variance = layer.get_weights()
                    layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape).astype("float32"),
                                       rng.uniform(-0.2, 0.2, beta.shape).astype("float32"),
                                       rng.uniform(-0.2, 0.2, mean.shape).astype("float32"),
                                       rng.uniform(0.5, 2.0, variance.shape).astype("float32")])
            model.save(path)
        built.append({"name": "built/" + path.name, "model": str(path), "weights": None, "file": str(path)})
    return built


def prepare(models_dir, work):
    import keras

    models_dir = models_dir.resolve()
    entries = []
    index = json.loads((models_dir / "index.json").read_text())
    for entry in index:
        name = entry["file"]
        if name.startswith("hostile_"):
            continue
        path = models_dir / name
        record = {"name": name, "file": str(path), "model": str(path), "weights": None}
        weights_only = entry.get("format") == "weights_h5"
        if weights_only:
            companion = companion_of(models_dir, name)
            if companion is None:
                record["error"] = "weights-only file without a JSON architecture"
            else:
                record.update({"model": str(companion), "weights": str(path)})
        if not path.exists():
            record["error"] = "missing: " + str(path)
        entries.append(record)
    entries += build_applications(keras, work / "built")
    (work / "models.json").write_text(json.dumps(entries, indent=1))


def load_keras_model(keras, record, scratch):
    """(model, how): keras.models.load_model first; the repairs of real_models.py after."""
    import real_models

    path = Path(record["file"])
    companion = Path(record["model"]) if record["weights"] else None
    if companion is not None:
        model, how = real_models.load(keras, path, companion, scratch, {})
        return model, "weights-only file: " + how
    try:
        return keras.models.load_model(path, compile=False, safe_mode=True), "load_model"
    except Exception as e:  # noqa: BLE001 - real_models.load tries load_model again and then repairs
        refusal = str(e).replace("\n", " ")[:80]
    model, how = real_models.load(keras, path, companion, scratch, {})
    return model, f"load_model refused it ({refusal}); {how}"


def median_ms(work, repeat):
    work()  # warm-up: graph tracing, allocator, thread pool
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000.0)
    times.sort()
    return times[len(times) // 2]


def time_models(work, threads, repeat):
    import tensorflow as tf

    # Before any op: afterwards TensorFlow refuses to change them.
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    results = []
    scratch = Path(tempfile.mkdtemp(prefix="layerscope-tf-models-"))
    for index, record in enumerate(json.loads((work / "models.json").read_text())):
        result = {"name": record["name"]}
        results.append(result)
        if "error" in record:
            result["error"] = record["error"]
            continue
        try:
            model, how = load_keras_model(keras, record, scratch)
        except Exception as e:  # noqa: BLE001 - reported in the table, never skipped
            result["error"] = "Keras cannot load it: " + str(e).replace("\n", " ")[:300]
            continue
        result["how"] = how
        node_dir = work / f"{index:02d}"
        if len(model.inputs) != 1:
            result["error"] = f"{len(model.inputs)} inputs: this bench feeds one"
            continue
        input_path = node_dir / "input_0.npy"
        if input_path.exists():
            x = np.load(input_path)
        else:
            x = deterministic_input([1] + [int(d) if d is not None else 64 for d in model.inputs[0].shape[1:]])
        result["input_shape"] = list(x.shape)
        try:
            tensor = tf.constant(x)
            outputs = []

            def run():
                outputs[:] = [model(tensor, training=False)]

            result["ms"] = median_ms(run, repeat)
            # Not the measure (that is model(x) above), shown beside it: the same call traced
            # once into a TensorFlow graph, without eager Python dispatch per layer.
            graph_call = tf.function(lambda t: model(t, training=False))
            result["graph_ms"] = median_ms(lambda: graph_call(tensor), repeat)
            values = outputs[0]
            values = list(values.values()) if isinstance(values, dict) else values
            values = values if isinstance(values, (list, tuple)) else [values]
            diffs = []
            for k, value in enumerate(values):
                ours = node_dir / f"layerscope_output_{k}.npy"
                if ours.exists():
                    theirs = np.asarray(value, dtype=np.float32)
                    mine = np.load(ours)
                    if mine.shape != theirs.shape:
                        result["diff_error"] = f"output {k}: shape {list(mine.shape)} vs Keras {list(theirs.shape)}"
                        break
                    diffs.append(float(np.max(np.abs(mine - theirs))) if theirs.size else 0.0)
            if diffs and "diff_error" not in result:
                result["max_abs_diff"] = max(diffs)
        except Exception as e:  # noqa: BLE001
            result["error"] = "Keras cannot run it: " + str(e).replace("\n", " ")[:300]
        print(f"[tf_models] {record['name']}: {result.get('ms', result.get('error'))}", file=sys.stderr)
    (work / "tf_results.json").write_text(json.dumps({"threads": threads, "repeat": repeat,
                                                      "tensorflow": tf.__version__, "keras": keras.__version__,
                                                      "models": results}, indent=1))


def main(argv):
    def option(name, default):
        return int(argv[argv.index(name) + 1]) if name in argv else default

    if len(argv) >= 4 and argv[1] == "prepare":
        Path(argv[3]).mkdir(parents=True, exist_ok=True)
        prepare(Path(argv[2]), Path(argv[3]))
        return 0
    if len(argv) >= 3 and argv[1] == "time":
        time_models(Path(argv[2]), option("--threads", 2), option("--repeat", 11))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
