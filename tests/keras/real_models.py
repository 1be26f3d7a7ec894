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
    tf.keras 2 replaced by Keras 3's, then the same build and model.load_weights on the member;
  - Keras 2.0-2.2 Sequential configs (04_, and 25_'s companion JSON): the bare list of layers
    becomes {"name", "layers"}, and the first layer's "batch_input_shape" an explicit
    InputLayer(batch_shape) named "<first layer>_input", as Keras 2's Sequential.add made it (Keras
    3's legacy reader passes the whole batch_input_shape as input_shape, adding a second batch
    dimension: (None, None, 5184) for 04_, rank 5 for 25_); "batch_input_shape" on a later layer,
    ignored by Keras 2's Sequential as by Keras 3's, is dropped (as_dict_sequential);
  - a nested Sequential that starts with an InputLayer in a tf.keras 2 zip (12_): tf.keras 2
    built it as a graph network with its own node 0, so the outer model calls it as node 1
    (["sequential", 1, 0, {}]); Keras 3's Sequential has no built-in node and writes node 0 for
    the same model, so references to it lose one (keras3_sequential_nodes);
  - weights of a tf.keras 2.13 zip written on Windows (11_): the weight groups' link names hold a
    literal backslash ("_layer_checkpoint_dependencies\\conv2d/vars/0") and tf.keras 2's
    counters skip (conv2d, conv2d_2, conv2d_4 ...), so Keras's load_weights finds none. h5py walks
    the root links, reads "<snake_case class>[_<n>]" after the backslash, and gives the groups of
    each class, in the order of their numbers, to the model's layers of that class in model order
    with layer.set_weights (shapes checked; every weighted layer and every group holding
    variables must be matched) (load_weights_by_walk). In that order 11_'s autoencoder gives back a
    smooth 32x32 test image with mean squared error 0.05; with its first two Conv2DTranspose
    swapped (same shapes), 1.5.
Files holding custom code (08_ TFOpLambda, 09_ larq classes) are not repaired: Keras 3 has no
class of its own for them.
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
import re
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


def as_dict_sequential(config, repairs=None):
    """Keras 2.0-2.2 wrote a Sequential's config as a bare list of layers (04_, 25_), and its input
    only as "batch_input_shape" on the first layer. Keras 3's legacy reader turns that into the
    layer's input_shape *with* the batch dimension (rank 5 for 25_'s 8x8x1, (None, None, 5184)
    for 04_), so the input becomes an explicit InputLayer(batch_shape) named "<first>_input", as
    Keras 2's Sequential.add made it; "batch_input_shape" on later layers (04_'s conv2d_4), which
    Keras 2's Sequential ignored as Keras 3's does, is dropped. `repairs` gets what was done."""
    if config.get("class_name") == "Sequential" and isinstance(config.get("config"), list):
        config["config"] = {"name": "sequential", "layers": config["config"]}
        if repairs is not None:
            repairs.append("Keras 2.0-2.2 Sequential layer list as {name, layers}")
    layers = config.get("config", {}).get("layers") if config.get("class_name") == "Sequential" else None
    if layers and layers[0].get("class_name") != "InputLayer" and "batch_input_shape" in layers[0]["config"]:
        first = layers[0]["config"]
        input_config = {"batch_input_shape": first["batch_input_shape"], "name": first["name"] + "_input"}
        if "dtype" in first:
            input_config["dtype"] = first["dtype"]
        for layer in layers:
            layer["config"].pop("batch_input_shape", None)
        layers.insert(0, {"class_name": "InputLayer", "config": input_config})
        if repairs is not None:
            repairs.append("first layer's batch_input_shape as an InputLayer")
    return config


def keras3_sequential_nodes(config, repairs):
    """tf.keras 2 built a Sequential that starts with an InputLayer as a graph network at once: that
    is its node 0, and the outer model's call of it is node 1 (12_: ["sequential", 1, 0, {}]).
    Keras 3's Sequential has no such built-in node (only its Functional has one; Keras 3 writes
    ["seq", 0, 0] for the same model), so references to such a nested Sequential lose that node."""
    layers = config.get("config", {}).get("layers", []) if config.get("class_name") in ("Functional", "Model") else []
    nested = {layer["name"] for layer in layers if layer.get("class_name") == "Sequential"
              and layer["config"].get("layers") and layer["config"]["layers"][0].get("class_name") == "InputLayer"}
    changed = False

    def shift(ref):
        nonlocal changed
        if isinstance(ref, list) and len(ref) >= 3 and ref[0] in nested and isinstance(ref[1], int) and ref[1] >= 1:
            ref[1] -= 1
            changed = True

    for layer in layers:
        for node in layer.get("inbound_nodes", []):
            if isinstance(node, list):
                for ref in node:
                    shift(ref)
    for key in ("input_layers", "output_layers"):
        refs = config["config"].get(key, [])
        if isinstance(refs, dict):  # Keras 3 outputs given as a dict
            refs = list(refs.values())
        for ref in (refs if refs and isinstance(refs[0], list) else [refs]):
            shift(ref)
    if changed:
        repairs.append("nested Sequential's tf.keras 2 node 1 as Keras 3's node 0")
    return config


def load_weights_by_walk(model, weights_path):
    """tf.keras 2.13 on Windows joined weight group paths with os.path.join (11_): each link name is
    one string with a literal backslash, "_layer_checkpoint_dependencies\\conv2d", and its layer
    counters skip (conv2d, conv2d_2, conv2d_4, conv2d_6 for the four Conv2D), so Keras 3 finds
    nothing to load. h5py walks the root links: each is split at the backslash, its last part read
    as "<snake_case class>[_<n>]", and the groups of each class, in the order of their numbers, go
    to the layers of that class in the model's order (the order tf.keras 2 numbered them): their
    vars/0..k-1 through layer.set_weights (which checks every shape). Every layer with weights must
    get a group, and every group holding variables a layer."""
    import h5py
    from keras.src.utils import naming

    groups = {}
    with h5py.File(weights_path, "r") as f:
        for link in f.keys():
            parts = link.split("\\")
            if len(parts) != 2 or parts[0] != "_layer_checkpoint_dependencies":
                continue
            match = re.fullmatch(r"(.*?)(?:_(\d+))?", parts[1])
            variables = f[link].get("vars")
            values = [np.asarray(variables[str(i)]) for i in range(len(variables))] if variables is not None else []
            groups.setdefault(match.group(1), []).append((int(match.group(2) or 0), link, values))
    for entries in groups.values():
        entries.sort(key=lambda entry: entry[0])
    for layer in model.layers:
        if not layer.weights:
            continue
        entries = groups.get(naming.to_snake_case(layer.__class__.__name__), [])
        weighted = [entry for entry in entries if entry[2]]
        if not weighted:
            raise ValueError(f"no weight group left for layer {layer.name}")
        entries.remove(weighted[0])
        layer.set_weights(weighted[0][2])
    left = [entry[1] for entries in groups.values() for entry in entries if entry[2]]
    if left:
        raise ValueError(f"weight groups matched to no layer: {left}")


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
        repairs = []
        model = saving_utils.model_from_config(as_dict_sequential(json.loads(companion.read_text()), repairs))
        with h5py.File(path, "r") as f:
            legacy_h5_format.load_weights_from_hdf5_group(f, model)
        return model, ("legacy model_from_config(companion JSON" + "".join(", " + r for r in repairs)
                       + ") + load_weights_from_hdf5_group")
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
            repairs = []
            if is_h5:
                with h5py.File(target, "r") as f:
                    config = as_dict_sequential(json.loads(f.attrs["model_config"]), repairs)
                    model = saving_utils.model_from_config(renamed(drop_keras2_arguments(config), names))
                    legacy_h5_format.load_weights_from_hdf5_group(f["model_weights"], model)
                return model, ("legacy model_from_config(model_config without tf.keras 2 'groups'"
                               + (", '/' in layer names as '_'" if names else "")
                               + "".join(", " + r for r in repairs) + ") + load_weights_from_hdf5_group")
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                config = json.loads(z.read("config.json"))
                weights = scratch / (path.stem + ".weights.h5")
                weights.write_bytes(z.read("model.weights.h5"))
            config = keras3_sequential_nodes(keras3_modules(drop_keras2_arguments(config)), repairs)
            model = keras.models.model_from_json(json.dumps(config))
            how = "model_from_json(config.json with Keras 3 module paths" + "".join(", " + r for r in repairs) + ")"
            with h5py.File(weights, "r") as f:
                backslashes = any("\\" in link for link in f.keys())
            if backslashes:
                load_weights_by_walk(model, weights)
                return model, how + (" + h5py walk of model.weights.h5's backslash link names, groups of each class"
                                     " in number order to its layers in model order, set_weights")
            model.load_weights(weights)
            return model, how + " + load_weights(model.weights.h5)"
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
