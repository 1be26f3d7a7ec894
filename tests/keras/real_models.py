#!/usr/bin/env python3
"""Keras as the judge of the real model files in ../shared/real_models (index.json).

    python real_models.py MODELS_DIR OUT_DIR [--force]

MODELS_DIR is ../shared/real_models; the architecture of 26_ (its companion is a YAML dump, not a
Keras format) comes from tests/data/real_models/ (transcribed JSON, see its README).

For every non-hostile model (and the weights-only 25_ with its companion JSON) this loads the file
with real Keras 3 (safe_mode=True: no Lambda is ever deserialised), runs it on a seeded input and
writes OUT_DIR/<file>/:

    input.npy        seeded uniform [0, 1) float32, batch 1, the model's declared input shape
    nodes/<i>.npy    the output of every top-level layer Keras can name (layer.output), in
                     model.layers order
    manifest.json    {"file", "model", "weights", "how", "layers": [{"name", "npy"}], "outputs": [...]}
                     ("model" and "weights": the absolute paths LayerScope is given: --model and
                     --weights, the latter null for a whole model file)

A file Keras 3.15 itself cannot load is loaded the way Keras's own tools would after the
documented repairs below, each named in manifest "how"; a file that still does not load is listed
in OUT_DIR/index.json with Keras's message (never silently dropped):
  - HDF5 content under a .keras name (10_): copied to a .h5 name first (Keras checks extensions);
  - tf.keras 2 legacy configs with arguments Keras 3 no longer takes ("groups" on DepthwiseConv2D
    and Conv2DTranspose): the argument (always its default, 1) is dropped, the model is built with
    keras.models.model_from_json and the weights are read with Keras's own
    legacy_h5_format.load_weights_from_hdf5_group;
  - tf.keras 2.13-2.15 .keras zips (module "keras.src.engine.functional"): module paths of
    tf.keras 2 replaced by Keras 3's, then the same build and model.load_weights on the member.
Besides the real files, models saved by Keras itself here are judged the same way
(OUT_DIR/saved_by_keras/): a Sequential and a Functional model with seeded weights (Conv2D,
BatchNormalization with trained-looking statistics, DepthwiseConv2D, SeparableConv2D,
Conv2DTranspose, PReLU, Dense; Add, Concatenate, Multiply merges, a nested Sequential), each saved
with model.save as .keras and as legacy .h5, and the Sequential's weights with save_weights as
.weights.h5 beside its to_json().
The output is cached: a stamp of this script, index.json and the Keras version.
"""
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

sys.dont_write_bytecode = True
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402

SEED = 20261129


TRANSCRIBED = Path(__file__).resolve().parent.parent / "data" / "real_models"


def stamp(models_dir, keras_version):
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    for path in sorted(TRANSCRIBED.glob("*.json")):
        digest.update(path.read_bytes())
    digest.update((models_dir / "index.json").read_bytes())
    digest.update(keras_version.encode())
    return digest.hexdigest()


def drop_keras2_arguments(obj):
    """Removes arguments tf.keras 2 wrote that Keras 3's constructors refuse (always defaults)."""
    if isinstance(obj, dict):
        if obj.get("class_name") in ("DepthwiseConv2D", "Conv2DTranspose") and isinstance(obj.get("config"), dict):
            if obj["config"].get("groups", 1) == 1:
                obj["config"].pop("groups", None)
        for v in obj.values():
            drop_keras2_arguments(v)
    elif isinstance(obj, list):
        for v in obj:
            drop_keras2_arguments(v)
    return obj


def keras3_modules(obj):
    """tf.keras 2.13-2.15 zip configs name tf.keras 2 modules; Keras 3 has the same classes elsewhere."""
    if isinstance(obj, dict):
        if obj.get("module") in ("keras.src.engine.functional", "keras.engine.functional"):
            obj["module"] = "keras.src.models.functional"
        elif obj.get("module") in ("keras.src.engine.sequential", "keras.engine.sequential"):
            obj["module"] = "keras"
        for v in obj.values():
            keras3_modules(v)
    elif isinstance(obj, list):
        for v in obj:
            keras3_modules(v)
    return obj


def renamed(config, names):
    """Keras 3 refuses '/' in layer names (tf.keras 2.8 allowed it, 06_): '/' becomes '_' in every
    layer name and reference; `names` maps the new names back to the file's."""
    text = json.dumps(config)
    for layer in config["config"]["layers"]:
        old = layer["config"]["name"]
        if "/" in old:
            new = old.replace("/", "_")
            names[new] = old
            text = text.replace(json.dumps(old), json.dumps(new))
    return json.loads(text)


def as_dict_sequential(config):
    """Keras 2.0-2.2 wrote a Sequential's config as a bare list of layers (04_, 25_)."""
    if config.get("class_name") == "Sequential" and isinstance(config.get("config"), list):
        config["config"] = {"name": "sequential", "layers": config["config"]}
    return config


def load(keras, path, companion, scratch, names):
    """(model, how) or raises with Keras's message; `names` gets renamed layers (new → old)."""
    data = path.read_bytes()
    import h5py
    from keras.src.legacy.saving import legacy_h5_format, saving_utils

    if companion is not None and path.name.endswith(".weights.h5"):
        model = keras.models.model_from_json(companion.read_text())
        model.load_weights(path)
        return model, "model_from_json(transcribed architecture) + load_weights"
    if companion is not None:
        model = saving_utils.model_from_config(as_dict_sequential(json.loads(companion.read_text())))
        with h5py.File(path, "r") as f:
            legacy_h5_format.load_weights_from_hdf5_group(f, model)
        return model, "legacy model_from_config(companion JSON) + load_weights_from_hdf5_group"
    is_h5 = data[:8] == b"\x89HDF\r\n\x1a\n"
    target = path
    how = "keras.models.load_model"
    if is_h5 and path.suffix not in (".h5", ".hdf5"):
        target = scratch / (path.stem + ".h5")
        shutil.copyfile(path, target)
        how += " (copied to a .h5 name)"
    try:
        return keras.models.load_model(target, compile=False, safe_mode=True), how
    except Exception as first:  # noqa: BLE001 - the repairs below, else Keras's first message
        try:
            if is_h5:
                with h5py.File(target, "r") as f:
                    config = as_dict_sequential(json.loads(f.attrs["model_config"]))
                    model = saving_utils.model_from_config(renamed(drop_keras2_arguments(config), names))
                    legacy_h5_format.load_weights_from_hdf5_group(f["model_weights"], model)
                return model, ("legacy model_from_config(model_config without tf.keras 2 'groups'"
                               + (", '/' in layer names as '_'" if names else "") + ") + load_weights_from_hdf5_group")
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                config = json.loads(z.read("config.json"))
                weights = scratch / (path.stem + ".weights.h5")
                weights.write_bytes(z.read("model.weights.h5"))
            model = keras.models.model_from_json(json.dumps(keras3_modules(drop_keras2_arguments(config))))
            model.load_weights(weights)
            return model, "model_from_json(config.json with Keras 3 module paths) + load_weights(model.weights.h5)"
        except Exception as second:  # noqa: BLE001
            raise RuntimeError(f"repaired: {str(second)[:1000]}; load_model: {str(first)[:1000]}") from None


def keras_saved_models(keras, directory):
    """[(file name, model path, weights path or None)] of the models Keras saves here."""
    from keras import layers

    keras.utils.set_random_seed(SEED)
    sequential = keras.Sequential([
        keras.Input((20, 20, 3)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.DepthwiseConv2D(3, depth_multiplier=2, strides=2),
        layers.SeparableConv2D(6, 3, padding="same"),
        layers.Conv2DTranspose(4, 3, strides=2),
        layers.PReLU(),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(5, activation="softmax"),
    ], name="keras_sequential")
    x = keras.Input((16, 16, 3))
    a = layers.Conv2D(6, 3, padding="same", name="a")(x)
    b = layers.BatchNormalization(name="b_bn")(layers.Conv2D(6, 1, name="b")(x))
    added = layers.Add(name="add")([a, b])
    gate = layers.Dense(6, activation="sigmoid", name="gate")(layers.GlobalAveragePooling2D(keepdims=True, name="gap")(added))
    scaled = layers.Multiply(name="scale")([added, gate])
    inner = keras.Sequential([layers.Conv2D(4, 3, padding="same"), layers.ReLU()], name="inner")
    joined = layers.Concatenate(name="join")([scaled, inner(x)])
    y = layers.Conv2DTranspose(3, 2, strides=2, name="up")(joined)
    functional = keras.Model(x, y, name="keras_functional")
    rng = np.random.default_rng(SEED)
    for model in (sequential, functional):
        for layer in model.layers:
            for sub in (layer.layers if isinstance(layer, keras.Model) else [layer]):
                values = []
                for w in sub.weights:
                    shape = tuple(w.shape)
                    if "moving_variance" in w.path:
                        values.append(rng.uniform(0.5, 2.0, shape).astype("float32"))
                    else:
                        values.append(rng.uniform(-0.5, 0.5, shape).astype("float32"))
                if values:
                    sub.set_weights(values)
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    for model in (sequential, functional):
        for suffix in (".keras", ".h5"):
            path = directory / (model.name + suffix)
            model.save(path)
            saved.append((path.name, path, None))
    architecture = directory / "keras_sequential_architecture.json"
    architecture.write_text(sequential.to_json())
    weights = directory / "keras_sequential.weights.h5"
    sequential.save_weights(weights)
    saved.append((weights.name, architecture, weights))
    return saved


def judge(keras, model, name, directory, how, names, record, model_path, weights_path):
    keras.utils.set_random_seed(SEED)
    shape = [1] + [int(d) for d in model.inputs[0].shape[1:]]
    x = np.random.default_rng(SEED).uniform(0.0, 1.0, size=shape).astype("float32")
    layers, tensors = [], []
    for layer in model.layers:
        # A nested model's .output is its own graph's, not the outer call's: it is judged through
        # the model outputs.
        if isinstance(layer, (keras.layers.InputLayer, keras.Model)):
            continue
        try:
            tensors.append(layer.output)
            layers.append(layer.name)
        except Exception:  # noqa: BLE001 - a layer called several times has no single output
            pass
    probe = keras.Model(model.inputs, tensors + list(model.outputs))
    values = probe(x, training=False)
    if not isinstance(values, (list, tuple)):
        values = [values]
    (directory / "nodes").mkdir(parents=True)
    np.save(directory / "input.npy", x)
    manifest = {"file": name, "model": str(model_path), "weights": str(weights_path) if weights_path else None,
                "how": how, "layers": [], "outputs": []}
    for i, (layer_name, value) in enumerate(zip(layers, values)):
        npy = f"{i:03d}.npy"
        np.save(directory / "nodes" / npy, np.asarray(value, dtype="float32"))
        manifest["layers"].append({"name": names.get(layer_name, layer_name), "npy": npy})
    for i, value in enumerate(values[len(layers):]):
        npy = f"output_{i}.npy"
        np.save(directory / "nodes" / npy, np.asarray(value, dtype="float32"))
        manifest["outputs"].append(npy)
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))
    record.update({"directory": directory.name, "how": how, "layers": len(layers)})
    print(f"[real_models] {name}: {len(layers)} layer outputs ({how})")


def main():
    models_dir = Path(sys.argv[1]).resolve()
    out = Path(sys.argv[2]).resolve()
    force = "--force" in sys.argv
    import keras

    current = stamp(models_dir, keras.__version__)
    stamp_file = out / "stamp.txt"
    if not force and stamp_file.exists() and stamp_file.read_text() == current:
        print(f"[real_models] {out} is up to date")
        return 0
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    index = json.loads((models_dir / "index.json").read_text())
    summary = {"keras_version": keras.__version__, "models": []}
    scratch = Path(tempfile.mkdtemp(prefix="layerscope-real-models-"))
    try:
        for entry in index:
            name = entry["file"]
            if name.startswith("hostile_"):
                continue
            path = models_dir / name
            companion = None
            if "weights_only" in name:
                companions = sorted(models_dir.glob(name.split("_weights_only")[0] + "*architecture.json"))
                if not companions:
                    summary["models"].append({"file": name, "error": "weights-only file without a JSON companion"})
                    continue
                companion = companions[0]
            elif name.endswith(".weights.h5"):
                companion = TRANSCRIBED / (name[: -len(".weights.h5")] + "_architecture.json")
                if not companion.exists():
                    summary["models"].append({"file": name, "error": "weights-only without a JSON architecture"})
                    continue
            record = {"file": name}
            try:
                names = {}
                model, how = load(keras, path, companion, scratch, names)
                judge(keras, model, name, out / name, how, names, record,
                      companion if companion else path, path if companion else None)
            except Exception as e:  # noqa: BLE001 - recorded, the C++ test reports it
                record["error"] = str(e).replace("\n", " ")[:2000]
                print(f"[real_models] {name}: Keras cannot load it: {record['error'][:300]}")
            summary["models"].append(record)
        for name, model_path, weights_path in keras_saved_models(keras, out / "saved_by_keras"):
            record = {"file": "saved_by_keras/" + name}
            try:
                if weights_path:
                    model = keras.models.model_from_json(model_path.read_text())
                    model.load_weights(weights_path)
                    how = "saved here: to_json + save_weights; model_from_json + load_weights"
                else:
                    model = keras.models.load_model(model_path, compile=False, safe_mode=True)
                    how = "saved here: model.save; keras.models.load_model"
                judge(keras, model, record["file"], out / ("keras_saved__" + name), how, {}, record, model_path, weights_path)
            except Exception as e:  # noqa: BLE001
                record["error"] = str(e).replace("\n", " ")[:2000]
                print(f"[real_models] {name}: {record['error'][:300]}")
            summary["models"].append(record)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    (out / "index.json").write_text(json.dumps(summary, indent=1))
    stamp_file.write_text(current)
    return 0


if __name__ == "__main__":
    sys.exit(main())
