#!/usr/bin/env python3
"""Writes the graph examples of File ▸ Examples (resources/examples/1x_*.json) with Keras itself.

Each model is built with the Keras functional API, its weights drawn by Keras's own initialisers
under keras.utils.set_random_seed(0), and saved as model.to_json() with every layer's weights
inline ("weights": {"kernel": {"shape", "data"}, ...}, the form LayerScope's loader reads) and a
"layerscope_example" key (title, two-line description, the input: the bundled sample photo, which
the graph window resizes to the model's input as tf.image.resize would).

Run with the Keras venv:  build/keras-venv/bin/python scripts/make_graph_examples.py resources/examples
"""
import json
import sys
from pathlib import Path

import keras
from keras import layers

SAMPLE_INPUT = {"kind": "file", "path": "sample", "synthetic": 0, "batch": 1, "height": 3, "width": 3,
                "channels": 1, "seed": 42, "colorMode": 0, "scale": 1}


def squeeze_excitation():
    x = keras.Input((96, 96, 3), name="image")
    f = layers.Conv2D(8, 3, padding="same", activation="relu", name="features")(x)
    s = layers.GlobalAveragePooling2D(keepdims=True, name="squeeze")(f)
    r = layers.Conv2D(2, 1, activation="relu", name="reduce")(s)
    e = layers.Conv2D(8, 1, activation="sigmoid", name="excite")(r)
    y = layers.Multiply(name="scale")([f, e])
    return keras.Model(x, y, name="squeeze_excitation"), {
        "title": "Graph: squeeze-and-excitation (GAP keepdims → Conv 1×1 → Multiply)",
        "description": "GlobalAveragePooling2D(keepdims=True) averages each of the 8 channels to one number; two 1×1 "
                       "convolutions turn those averages into a weight per channel in (0, 1). Multiply broadcasts the "
                       "1×1×8 weights over the 96×96×8 features: compare 'scale' with 'features', channel by channel.",
        "select": "scale"}


def pyramid_pooling():
    size = 96
    x = keras.Input((size, size, 3), name="image")
    f = layers.Conv2D(8, 3, padding="same", activation="relu", name="features")(x)
    branches = [f]
    for bins in (1, 2, 3, 6):
        p = layers.AveragePooling2D(size // bins, strides=size // bins, name=f"pool_{bins}x{bins}")(f)
        c = layers.Conv2D(2, 1, activation="relu", name=f"conv_{bins}x{bins}")(p)
        branches.append(layers.Resizing(size, size, interpolation="bilinear", name=f"up_{bins}x{bins}")(c))
    y = layers.Concatenate(name="pyramid")(branches)
    return keras.Model(x, y, name="pspnet_pyramid_pooling"), {
        "title": "Graph: PSPNet pyramid pooling (1, 2, 3, 6 bins → Conv 1×1 → bilinear back → Concatenate)",
        "description": "AveragePooling2D with pool = stride = 96 / bins averages the features into 1×1, 2×2, 3×3 and 6×6 "
                       "bins; a 1×1 convolution mixes each, Resizing (bilinear) brings it back to 96×96 and Concatenate "
                       "stacks the 8 feature channels with 4 × 2 context channels: look at 'up_2x2' and 'up_6x6'.",
        "select": "pyramid"}


def aspp():
    size = 64
    x = keras.Input((size, size, 3), name="image")
    f = layers.Conv2D(8, 3, padding="same", activation="relu", name="features")(x)
    branches = [layers.Conv2D(4, 1, activation="relu", name="aspp_1x1")(f)]
    for rate in (2, 4, 6):
        branches.append(layers.Conv2D(4, 3, padding="same", dilation_rate=rate, activation="relu",
                                      name=f"aspp_3x3_rate{rate}")(f))
    g = layers.GlobalAveragePooling2D(keepdims=True, name="image_pooling")(f)
    g = layers.Conv2D(4, 1, activation="relu", name="image_pooling_conv")(g)
    branches.append(layers.UpSampling2D(size, interpolation="bilinear", name="image_pooling_up")(g))
    c = layers.Concatenate(name="aspp_concat")(branches)
    y = layers.Conv2D(8, 1, activation="relu", name="project")(c)
    return keras.Model(x, y, name="deeplabv3_aspp"), {
        "title": "Graph: DeepLabV3 ASPP with image pooling (dilated 3×3 branches + GAP → Conv → upsample)",
        "description": "Four parallel branches see the same features through a 1×1 and 3×3 kernels dilated by 2, 4 and 6 "
                       "(receptive fields 5, 9, 13); the image-pooling branch averages the whole map (GAP keepdims → Conv "
                       "1×1) and UpSampling2D spreads it back to 64×64. Concatenate and a 1×1 projection combine them.",
        "select": "aspp_concat"}


def unet_skip():
    x = keras.Input((64, 64, 3), name="image")
    e = layers.Conv2D(8, 3, padding="same", activation="relu", name="encoder")(x)
    d = layers.MaxPooling2D(2, name="down")(e)
    b = layers.Conv2D(16, 3, padding="same", activation="relu", name="bottleneck")(d)
    u = layers.Conv2DTranspose(8, 2, strides=2, name="up")(b)
    s = layers.Concatenate(name="skip")([e, u])
    y = layers.Conv2D(8, 3, padding="same", activation="relu", name="decoder")(s)
    return keras.Model(x, y, name="unet_skip"), {
        "title": "Graph: U-Net skip connection (MaxPooling2D down, Conv2DTranspose up, Concatenate)",
        "description": "MaxPooling2D halves the 64×64 encoder map, Conv2DTranspose (2×2, stride 2) doubles it back; "
                       "Concatenate puts the sharp encoder channels beside the coarse upsampled ones so the decoder sees "
                       "both: compare 'encoder' and 'up' at the same place.",
        "select": "skip"}


def with_inline_weights(model):
    config = json.loads(model.to_json())
    by_name = {layer.name: layer for layer in model.layers}
    for entry in config["config"]["layers"]:
        layer = by_name[entry["config"]["name"]]
        if not layer.weights:
            continue
        entry["weights"] = {
            v.path.split("/")[-1]: {"shape": list(v.shape), "data": [float(a) for a in v.numpy().ravel()]}
            for v in layer.weights}
    return config


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/examples")
    for number, build in enumerate((squeeze_excitation, pyramid_pooling, aspp, unet_skip), start=10):
        keras.utils.set_random_seed(0)
        model, example = build()
        config = with_inline_weights(model)
        config["layerscope_example"] = dict(example, input=SAMPLE_INPUT)
        path = out / f"{number}_graph_{model.name}.json"
        path.write_text(json.dumps(config, indent=1) + "\n")
        print(path, len(model.layers), "layers")


if __name__ == "__main__":
    main()
