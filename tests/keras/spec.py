"""The case description the grids yield (one dict per case), with defaults.

    case("Conv2D", "same_s2", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
         shape=(1, 7, 9, 4))

class_name  the Keras class (keras.layers.<class_name>, or `factory` for a class Keras lacks)
name        a short id, unique within the class (becomes the case folder <class>__<name>)
kwargs      the constructor arguments (JSON-able: lists, not tuples, where Keras stores lists)
shape       the input shape with batch; `shapes` (a list) for a merge layer's inputs
values      "mixed" (default: |x| in [0.05, 1), both signs), "positive" ([0.05, 1)), "image" (0..255)
atol, rtol  a looser tolerance than the default 1e-5 * (1 + |expected|), with `why`
essential   the part of Keras's error message LayerScope must contain (default: the message up
            to its first "Received", see test_keras_differential.cpp)
factory     a callable returning the layer, for classes Keras has no layer for (Tile)
weights     a callable (layer, rng) -> list of arrays for set_weights; default: seeded random,
            variances positive
"""


def case(class_name, name, kwargs=None, shape=(1, 5, 6, 3), **extra):
    spec = {
        "class_name": class_name,
        "name": name,
        "kwargs": dict(kwargs or {}),
        "shape": tuple(shape),
        "values": "mixed",
    }
    spec.update(extra)
    return spec


def merge_case(class_name, name, shapes, kwargs=None, **extra):
    spec = case(class_name, name, kwargs, shape=shapes[0], **extra)
    spec["shapes"] = [tuple(s) for s in shapes]
    return spec
