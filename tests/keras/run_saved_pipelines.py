#!/usr/bin/env python3
"""The reverse direction: LayerScope's saved pipeline JSON loads in Keras.

    python run_saved_pipelines.py CASE_DIR [CASE_DIR ...]

Each CASE_DIR holds model.json (pipelineToJsonText) and input.npy. The model is loaded with
keras.models.model_from_json (Tile, which Keras lacks, from grids/tile.py), every layer object's
inline "weights" are set with set_weights in the layer's own variable order (matched by Keras
variable name), and model(x, training=False) is written to CASE_DIR/keras_output.npy. Prints one
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
    x = np.load(case_dir / "input.npy")
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
    y = keras.ops.convert_to_numpy(model(x, training=False))
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
