"""Seeded random Keras Functional graphs, run by Keras node by node (the judge for LayerScope's
graph engine).

Each graph starts from one or two image Inputs and grows by random steps drawn from what real CNNs
do: a convolution or pooling on the main path, an activation or BatchNormalization, a branch that
is merged back (Add / Subtract / Multiply / Average / Maximum / Minimum / Concatenate, also with a
broadcast (1, 1, C) squeeze-and-excitation gate from GlobalAveragePooling2D(keepdims=True)), a
pooled-and-upsampled pyramid branch (PSPNet), a layer called twice (shared weights), and a nested
Sequential called as a layer. Some graphs have two outputs.

write_graph_cases(keras, out_dir, count) writes out_dir/graphs/g<NN>/:
    model.json      model.to_json() with LayerScope's inline "weights" (also inside nested models)
    input_<i>.npy   one per model input, seeded random float32 (mixed sign)
    nodes/<node>.npy  every recorded node's output; <node> is the layer name, "<name>#<k>" for the
                    k-th call of a shared layer (LayerScope's ModelGraph::nodeName)
    meta.json       inputs, outputs (node names), nodes (in creation order), the layer classes used
"""
import json
import zlib

import numpy as np

# Every class a random graph may contain; all must be enabled in LayerScope.
GRAPH_CLASSES = [
    "Conv2D", "DepthwiseConv2D", "AveragePooling2D", "MaxPooling2D", "GlobalAveragePooling2D",
    "UpSampling2D", "BatchNormalization", "ReLU", "Activation", "Dense", "Add", "Subtract",
    "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Sequential",
]


class GraphBuilder:
    def __init__(self, keras, rng):
        self.keras = keras
        self.rng = rng
        self.nodes = {}   # node name -> symbolic tensor, in creation order
        self.calls = {}   # layer name -> how many times it was called
        self.classes = set()
        self.counter = 0

    def name(self, stem):
        self.counter += 1
        return f"{stem}_{self.counter}"

    def call(self, layer, inputs):
        out = layer(inputs)
        k = self.calls.get(layer.name, 0)
        self.calls[layer.name] = k + 1
        self.nodes[layer.name if k == 0 else f"{layer.name}#{k}"] = out
        self.classes.add(type(layer).__name__)
        return out

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    # ---- steps: each takes the current tensor, returns the next -----------------------------
    def conv(self, x):
        L = self.keras.layers
        channels = int(x.shape[-1])
        kind = self.pick(["conv3", "conv1", "depthwise"])
        if kind == "depthwise":
            return self.call(L.DepthwiseConv2D(3, padding="same", name=self.name("dw")), x)
        filters = int(self.rng.integers(2, 6))
        kernel = 3 if kind == "conv3" else 1
        act = self.pick([None, "relu", "tanh"])
        return self.call(L.Conv2D(filters, kernel, padding="same", activation=act,
                                  name=self.name("conv")), x) if channels else x

    def activation(self, x):
        L = self.keras.layers
        kind = self.pick(["relu", "bn", "act"])
        if kind == "relu":
            return self.call(L.ReLU(name=self.name("relu")), x)
        if kind == "bn":
            return self.call(L.BatchNormalization(name=self.name("bn")), x)
        return self.call(L.Activation(self.pick(["sigmoid", "swish", "elu"]), name=self.name("act")), x)

    def residual(self, x):
        L = self.keras.layers
        channels = int(x.shape[-1])
        branch = self.call(L.Conv2D(channels, 3, padding="same", name=self.name("res_conv")), x)
        merge = self.pick([L.Add, L.Subtract, L.Average, L.Maximum, L.Minimum, L.Multiply])
        return self.call(merge(name=self.name(merge.__name__.lower())), [x, branch])

    def squeeze_excite(self, x):
        L = self.keras.layers
        channels = int(x.shape[-1])
        gate = self.call(L.GlobalAveragePooling2D(keepdims=True, name=self.name("gap")), x)
        gate = self.call(L.Dense(max(1, channels // 2), activation="relu", name=self.name("se_reduce")), gate)
        gate = self.call(L.Dense(channels, activation="sigmoid", name=self.name("se_expand")), gate)
        return self.call(L.Multiply(name=self.name("se_scale")), [x, gate])

    def pyramid(self, x):
        L = self.keras.layers
        pooled = self.call(L.AveragePooling2D(2, name=self.name("psp_pool")), x)
        pooled = self.call(L.Conv2D(2, 1, name=self.name("psp_conv")), pooled)
        up = self.call(L.UpSampling2D(2, interpolation=self.pick(["nearest", "bilinear"]),
                                      name=self.name("psp_up")), pooled)
        return self.call(L.Concatenate(name=self.name("psp_concat")), [x, up])

    def shared(self, x):
        L = self.keras.layers
        channels = int(x.shape[-1])
        layer = L.Conv2D(channels, 3, padding="same", name=self.name("shared_conv"))
        a = self.call(layer, x)
        b = self.call(layer, a)  # the same weights twice
        return self.call(L.Add(name=self.name("shared_add")), [a, b])

    def nested(self, x):
        L = self.keras.layers
        channels = int(x.shape[-1])
        block = self.keras.Sequential([L.Conv2D(channels, 3, padding="same", name=self.name("inner_conv")),
                                       L.ReLU(name=self.name("inner_relu"))], name=self.name("block"))
        self.classes.update({"Conv2D", "ReLU"})
        return self.call(block, x)

    def downsample(self, x):
        L = self.keras.layers
        pool = self.pick([L.MaxPooling2D, L.AveragePooling2D])
        return self.call(pool(2, padding="same", name=self.name("pool")), x)


def set_seeded_weights(model, rng):
    for layer in model.layers:
        if isinstance(layer, type(model)) or hasattr(layer, "layers"):
            set_seeded_weights(layer, rng)
            continue
        arrays = []
        for variable in layer.weights:
            shape = tuple(variable.shape)
            if "variance" in variable.name:
                arrays.append(rng.uniform(0.5, 1.5, size=shape).astype("float32"))
            else:
                # Small enough that deep graphs stay in a well-conditioned range.
                arrays.append(rng.uniform(-0.5, 0.5, size=shape).astype("float32"))
        if arrays:
            layer.set_weights(arrays)


def inline_weights(model_json, model):
    by_name = {layer.name: layer for layer in model.layers}
    for layer_object in model_json["config"]["layers"]:
        name = layer_object.get("config", {}).get("name") or layer_object.get("name")
        layer = by_name.get(name)
        if layer is None:
            continue
        if hasattr(layer, "layers") and isinstance(layer_object.get("config"), dict) \
                and "layers" in layer_object["config"]:
            inline_weights(layer_object, layer)
            continue
        if layer.weights:
            layer_object["weights"] = {
                v.name: {"shape": list(v.shape), "data": np.asarray(v.numpy(), dtype="float32").reshape(-1).tolist()}
                for v in layer.weights}
    return model_json


def build_graph(keras, index):
    rng = np.random.default_rng(zlib.crc32(f"graph/{index}".encode()))
    g = GraphBuilder(keras, rng)
    size = int(rng.choice([4, 6, 8]))
    channels = int(rng.integers(1, 4))
    two_inputs = index % 4 == 3
    inputs = [keras.Input((size, size, channels), name="image")]
    if two_inputs:
        inputs.append(keras.Input((size, size, channels), name="second"))
    x = inputs[0]
    if two_inputs:
        x = g.call(keras.layers.Add(name=g.name("inputs_add")), [inputs[0], inputs[1]])
    steps = [g.conv, g.activation, g.residual, g.squeeze_excite, g.pyramid, g.shared, g.nested]
    outputs = []
    for step in range(int(rng.integers(4, 8))):
        x = g.pick(steps)(x)
        if step == 2 and index % 3 == 1:
            outputs.append(x)  # a second output from the middle
    if index % 5 == 4:
        x = g.downsample(x)
    outputs.append(x)
    model = keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0], name=f"graph_{index}")
    set_seeded_weights(model, rng)
    values = [(rng.uniform(0.05, 1.0, size=(1, size, size, channels))
               * np.where(rng.random(size=(1, size, size, channels)) < 0.5, -1.0, 1.0)).astype("float32")
              for _ in inputs]
    return model, g, inputs, outputs, values


def write_graph_cases(keras, out_dir, count=24):
    metas = []
    for index in range(count):
        model, g, inputs, outputs, values = build_graph(keras, index)
        names = list(g.nodes)
        probe = keras.Model(inputs, [g.nodes[n] for n in names])
        results = probe(values, training=False)
        case = out_dir / "graphs" / f"g{index:02d}"
        (case / "nodes").mkdir(parents=True)
        (case / "model.json").write_text(json.dumps(inline_weights(json.loads(model.to_json()), model)))
        for i, v in enumerate(values):
            np.save(case / f"input_{i}.npy", v)
        for name, value in zip(names, results):
            np.save(case / "nodes" / f"{name}.npy", np.asarray(keras.ops.convert_to_numpy(value), dtype="float32"))
        output_names = [n for n in names if any(g.nodes[n] is o for o in outputs)]
        meta = {"name": model.name, "inputs": len(values), "nodes": names, "outputs": output_names,
                "classes": sorted(g.classes)}
        (case / "meta.json").write_text(json.dumps(meta, indent=1))
        metas.append(meta)
        keras.backend.clear_session()
    return metas


if __name__ == "__main__":
    import sys
    from pathlib import Path
    import keras
    out = Path(sys.argv[1])
    for m in write_graph_cases(keras, out, int(sys.argv[2]) if len(sys.argv) > 2 else 24):
        print(m["name"], len(m["nodes"]), "nodes", m["classes"])
