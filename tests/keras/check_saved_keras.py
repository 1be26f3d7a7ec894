#!/usr/bin/env python3
"""Loads every .keras LayerScope wrote and compares its output with Keras's run of the original.

    python check_saved_keras.py SAVED_DIR JUDGED_DIR

SAVED_DIR/<name>.keras was written by `layerscope save-keras` from the model judged in
JUDGED_DIR/<name>/ (real_models.py: input.npy, nodes/output_*.npy). Prints one JSON object:
{"<name>": {"max_error": max |a - e| / (1 + |e|) over the outputs} or {"error": "..."}}.
"""
import json
import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402


def main():
    saved, judged = Path(sys.argv[1]), Path(sys.argv[2])
    import keras

    results = {}
    for path in sorted(saved.glob("*.keras")):
        name = path.name[: -len(".keras")]
        try:
            model = keras.models.load_model(path, compile=False, safe_mode=True)
            x = np.load(judged / name / "input.npy")
            values = model(x, training=False)
            if not isinstance(values, (list, tuple)):
                values = [values]
            worst = 0.0
            for i, value in enumerate(values):
                expected = np.load(judged / name / "nodes" / f"output_{i}.npy")
                actual = np.asarray(value, dtype="float64")
                worst = max(worst, float(np.max(np.abs(actual - expected) / (1.0 + np.abs(expected)))))
            results[name] = {"max_error": worst}
        except Exception as e:  # noqa: BLE001 - reported to the C++ test
            results[name] = {"error": str(e).replace("\n", " ")[:1000]}
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
