#!/usr/bin/env python3
"""Writes tests/data/graphs/*.json: small Keras 3 Functional models (model.to_json() with every
Conv2D's weights added inline as LayerScope stores them), a seeded input, and every layer's output
from Keras itself (predict on a model returning every layer's output). Run with the Keras venv:
    /work/keras-venv/bin/python scripts/make_graph_fixtures.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
from keras import layers

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "graphs")
rng = np.random.default_rng(1234)


def rounded(a):
    return [float(v) for v in np.asarray(a, dtype="float32").ravel()]


def all_layers(model):
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


def add_weights(entries, by_name):
    for entry in entries:
        layer = by_name.get(entry["config"].get("name", entry.get("name")))
        if isinstance(layer, layers.Conv2D):
            entry["weights"] = {v.name: {"shape": list(v.shape), "data": rounded(v.numpy())} for v in layer.weights}
        if isinstance(entry.get("config"), dict) and "layers" in entry["config"]:
            add_weights(entry["config"]["layers"], by_name)


def save(name, model, inputs, aliases=None):
    for layer in all_layers(model):
        if isinstance(layer, layers.Conv2D):
            layer.set_weights([rng.uniform(-1, 1, size=w.shape).astype("float32") for w in layer.weights])
    document = json.loads(model.to_json())
    add_weights(document["config"]["layers"], {l.name: l for l in all_layers(model)})
    # Every layer's (every call's) output.
    names, tensors = [], []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        for i, node in enumerate(layer._inbound_nodes):
            names.append(layer.name if i == 0 else f"{layer.name}#{i}")
            tensors.append(node.outputs[0])
    probe = keras.Model(model.inputs, tensors)
    outs = probe.predict(inputs, verbose=0)
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    fixture = {
        "keras_version": keras.__version__,
        "model": document,
        "inputs": [{"shape": list(x.shape), "data": rounded(x)} for x in inputs],
        "aliases": aliases or {},
        "nodes": {n: {"shape": list(np.shape(o)), "data": rounded(o)} for n, o in zip(names, outs)},
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(name, names)


def squeeze_excitation():
    x = keras.Input(shape=(6, 5, 4), name="image")
    main = layers.Conv2D(4, 3, padding="same", name="main_conv")(x)
    s = layers.GlobalAveragePooling2D(keepdims=True, name="squeeze")(main)
    s = layers.Conv2D(2, 1, activation="relu", name="reduce")(s)
    s = layers.Conv2D(4, 1, activation="sigmoid", name="expand")(s)
    y = layers.Multiply(name="scale")([main, s])
    y = layers.Add(name="residual")([y, x])
    return keras.Model(x, y, name="se_block"), [rng.uniform(0, 1, size=(1, 6, 5, 4)).astype("float32")]


def pspnet_like():
    x = keras.Input(shape=(8, 6, 3), name="image")
    f = layers.Conv2D(4, 3, padding="same", name="features")(x)
    p = layers.AveragePooling2D(2, name="pool")(f)
    p = layers.Conv2D(2, 1, name="pool_conv")(p)
    p = layers.UpSampling2D(2, interpolation="bilinear", name="up")(p)
    g = layers.GlobalAveragePooling2D(keepdims=True, name="global")(f)
    y = layers.Concatenate(name="concat")([f, p])
    g2 = layers.Conv2D(2, 1, name="g_conv")(g)
    y = layers.Multiply(name="gate")([y, layers.Concatenate(name="concat_g")([g, g2])])
    rows = layers.Concatenate(axis=1, name="stack_rows")([y, y])
    return keras.Model(x, [y, rows], name="psp_like"), [rng.uniform(-1, 1, size=(1, 8, 6, 3)).astype("float32")]


def shared_two_outputs():
    a = keras.Input(shape=(5, 7, 2), name="left")
    b = keras.Input(shape=(5, 7, 2), name="right")
    conv = layers.Conv2D(3, 3, padding="same", name="shared_conv")
    ca, cb = conv(a), conv(b)
    d = layers.Subtract(name="diff")([ca, cb])
    m = layers.Maximum(name="maxi")([ca, cb])
    avg = layers.Average(name="avg")([ca, cb, m])
    mn = layers.Minimum(name="mini")([d, avg])
    return (keras.Model([a, b], [d, mn], name="siamese"),
            [rng.uniform(-1, 1, size=(1, 5, 7, 2)).astype("float32"), rng.uniform(-1, 1, size=(1, 5, 7, 2)).astype("float32")])


def nested_sequential():
    inner = keras.Sequential([layers.Conv2D(3, 3, padding="same", name="inner_conv"),
                              layers.AveragePooling2D(2, name="inner_pool")], name="block")
    x = keras.Input(shape=(6, 6, 3), name="image")
    y = inner(x)
    z = layers.Add(name="plus")([y, layers.AveragePooling2D(2, name="skip_pool")(x)])
    return keras.Model(x, z, name="with_nested"), [rng.uniform(-1, 1, size=(1, 6, 6, 3)).astype("float32")], {"block": "inner_pool"}


def nested_functional():
    # A nested Functional called twice (its layers shared by both calls); the outer model's
    # outputs reference the nested model directly (Keras's +1 node reindexing).
    inner_in = keras.Input(shape=(6, 6, 3), name="enc_in")
    inner_out = layers.Conv2D(3, 3, padding="same", name="enc_conv")(inner_in)
    encoder = keras.Model(inner_in, inner_out, name="encoder")
    x = keras.Input(shape=(6, 6, 3), name="image")
    y1 = encoder(x)
    y2 = encoder(y1)
    z = layers.Add(name="sum")([y1, y2])
    return (keras.Model(x, [y2, z], name="twice_encoded"), [rng.uniform(-1, 1, size=(1, 6, 6, 3)).astype("float32")],
            {"encoder": "enc_conv", "encoder#1": "enc_conv#1"})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for make in (squeeze_excitation, pspnet_like, shared_two_outputs, nested_sequential, nested_functional):
        made = make()
        save(make.__name__, *made)
