#!/usr/bin/env python3
"""The reverse direction: LayerScope's saved pipeline JSON loads in Keras.

    python run_saved_pipelines.py CASE_DIR [CASE_DIR ...]

Each CASE_DIR holds model.json (pipelineToJsonText, or graphToKerasJsonText for a Functional
model) and input.npy (several inputs: input_0.npy, input_1.npy, ...). The model is loaded with
keras.models.model_from_json (Tile, which Keras lacks, from grids/tile.py), every layer object's
inline "weights" are set with set_weights in the layer's own variable order (matched by Keras
variable name; an adapted Normalization then rebuilds its constants with finalize_state), and
model(x, training=False) is written to CASE_DIR/keras_output.npy (several outputs:
keras_output_0.npy, ...). Prints one
line per case; exits non-zero when any case failed to load or run (the message is in
CASE_DIR/keras_error.txt).
"""
import json
import os
import sys
import traceback
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from grids.tile import Tile  # noqa: E402


def run(case_dir):
    text = (case_dir / "model.json").read_text()
    if (case_dir / "input.npy").exists():
        x = np.load(case_dir / "input.npy")
    else:
        x = [np.load(p) for p in sorted(case_dir.glob("input_*.npy"))]
    model = keras.models.model_from_json(text, custom_objects={"Tile": Tile})
    if not model.built:
        model.build((None, *x.shape[1:]))
    for layer_object in json.loads(text)["config"]["layers"]:
        weights = layer_object.get("weights")
        if not weights:
            continue
        layer = model.get_layer(layer_object["config"]["name"])
        arrays = []
        for variable in layer.weights:
            entry = weights[variable.name]
            arrays.append(np.asarray(entry["data"], dtype="float32").reshape(entry["shape"]))
        layer.set_weights(arrays)
        if hasattr(layer, "finalize_state"):
            layer.finalize_state()
    y = model(x, training=False)
    if isinstance(y, (list, tuple)):
        for i, yi in enumerate(y):
            np.save(case_dir / f"keras_output_{i}.npy", keras.ops.convert_to_numpy(yi).astype("float32"))
        return [tuple(yi.shape) for yi in y]
    y = keras.ops.convert_to_numpy(y)
    np.save(case_dir / "keras_output.npy", y.astype("float32"))
    return y.shape


def main():
    failed = 0
    for arg in sys.argv[1:]:
        case_dir = Path(arg)
        try:
            shape = run(case_dir)
            print(f"{case_dir.name}: {tuple(shape)}")
        except Exception:
            failed += 1
            (case_dir / "keras_error.txt").write_text(traceback.format_exc())
            print(f"{case_dir.name}: FAILED\n{traceback.format_exc()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
