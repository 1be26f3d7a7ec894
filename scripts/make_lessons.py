#!/usr/bin/env python3
"""Writes the lessons of File ▸ Lessons (resources/lessons/*.json) with Keras itself.

A lesson is a graph example (the form of scripts/make_graph_examples.py: model.to_json() with
every layer's weights inline and a "layerscope_example" key: title, two-line description, input,
node to select) plus "lesson": the text of the Lesson panel, what to look at and why. Weights that
carry the point of a lesson (constant-ones kernels, a binomial blur) are set explicitly; nothing
is random except the feature convolution of the squeeze-and-excitation lesson (Keras's seeded
Glorot initialiser).

Run with the Keras venv:  build/keras-venv/bin/python scripts/make_lessons.py resources/lessons
"""
import json
import sys
from pathlib import Path

import keras
import numpy as np
from keras import layers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_graph_examples import SAMPLE_INPUT, with_inline_weights  # noqa: E402


def synthetic(kind, height, width, channels=1):
    # kind: the index of SyntheticKind (core/input/synthetic_input.h): 0 arange, 2 ones, 6 zone plate
    return {"kind": "synthetic", "synthetic": kind, "batch": 1, "height": height, "width": width,
            "channels": channels, "seed": 42, "colorMode": 0, "scale": 0}


def pooling_doc_examples():
    x = keras.Input((3, 3, 1), name="x")
    average = layers.AveragePooling2D(2, strides=1, padding="valid", name="average")(x)
    maximum = layers.MaxPooling2D(2, strides=1, padding="valid", name="maximum")(x)
    return keras.Model(x, [average, maximum], name="pooling_doc_examples"), {
        "title": "Graph: Lesson 1 — pooling, the Keras documentation example",
        "description": "1..9 as 3×3, pool 2, stride 1, valid: AveragePooling2D gives [[3, 4], [6, 7]], "
                       "MaxPooling2D [[5, 6], [8, 9]].",
        "lesson": "The Keras AveragePooling2D documentation pools x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] with a 2×2 "
                  "window moving one step at a time and no padding: 3 − 2 + 1 = 2 positions per axis, so the "
                  "output is 2×2. Click 'average' and then a value: the window it came from is outlined on x and "
                  "the four numbers are summed and divided by 4 (1 + 2 + 4 + 5 = 12, / 4 = 3). 'maximum' uses the "
                  "same windows and keeps the largest value; its explanation names the winner. Try stride 2 or "
                  "padding 'same' on either node (Parameters) and watch the shape arithmetic change.",
        "input": synthetic(0, 3, 3),
        "select": "average"}


def global_average_and_excitation():
    x = keras.Input((64, 64, 3), name="image")
    features = layers.Conv2D(8, 3, padding="same", activation="relu", name="features")(x)
    mean = layers.GlobalAveragePooling2D(keepdims=True, name="channel_mean")(features)
    centred = layers.Subtract(name="centred")([features, mean])
    reduce = layers.Conv2D(2, 1, activation="relu", name="reduce")(mean)
    excite = layers.Conv2D(8, 1, activation="sigmoid", name="excite")(reduce)
    scaled = layers.Multiply(name="scaled")([features, excite])
    return keras.Model(x, [centred, scaled], name="global_average_and_excitation"), {
        "title": "Graph: Lesson 2 — broadcasting a global average back; squeeze-and-excitation",
        "description": "GlobalAveragePooling2D(keepdims=True) leaves 1×1×8; Subtract and Multiply broadcast it over "
                       "64×64×8.",
        "lesson": "'channel_mean' is one number per channel, kept as a 1×1×8 map (keepdims=True). A merge layer "
                  "broadcasts a 1×1 map over the other input's 64×64: 'centred' subtracts each channel's mean from "
                  "every pixel of that channel (click a value: the explanation names the broadcast axes), so each "
                  "channel of 'centred' averages to zero (see Statistics). Squeeze-and-excitation uses the same "
                  "broadcast to re-weight channels: two 1×1 convolutions turn the means into a weight in (0, 1) per "
                  "channel ('excite') and 'scaled' multiplies each feature channel by its weight.",
        "input": SAMPLE_INPUT,
        "select": "centred"}


def checkerboard():
    x = keras.Input((16, 16, 1), name="x")
    transposed = layers.Conv2DTranspose(1, 3, strides=2, padding="same", use_bias=False,
                                        kernel_initializer="ones", name="transposed")(x)
    upsampled = layers.UpSampling2D(2, name="upsampled")(x)
    resize_conv = layers.Conv2D(1, 3, padding="same", use_bias=False, kernel_initializer="ones",
                                name="resize_conv")(upsampled)
    return keras.Model(x, [transposed, resize_conv], name="checkerboard"), {
        "title": "Graph: Lesson 3 — checkerboard artifacts of transposed convolution",
        "description": "A constant input through Conv2DTranspose 3×3 stride 2 (ones) gives 1, 2 and 4 in a "
                       "checkerboard; UpSampling2D then Conv2D 3×3 (ones) gives an even 9.",
        "lesson": "Odena, Dumoulin and Olah, 'Deconvolution and Checkerboard Artifacts' (Distill, 2016). A 3×3 "
                  "transposed convolution with stride 2 stamps its kernel every 2 pixels, so neighbouring stamps "
                  "overlap unevenly: on an input of ones, with a kernel of ones, an output pixel receives 1, 2 or 4 "
                  "contributions depending on its position (look at 'transposed' as numbers: 4 where two rows and "
                  "two columns of stamps overlap). Resize-then-convolve ('upsampled' then 'resize_conv') gives every "
                  "interior pixel the same 9 contributions: no checkerboard. Set the input to an image (Input panel) "
                  "to see the same pattern printed over real content.",
        "input": synthetic(2, 16, 16),
        "select": "transposed"}


def shift_equivariance():
    image = keras.Input((65, 65, 3), name="image")
    # Two 64×64 views of the photo one pixel apart: no padding enters either.
    x = layers.Cropping2D(((1, 0), (1, 0)), name="view")(image)
    shifted = layers.Cropping2D(((0, 1), (0, 1)), name="shifted")(image)
    binomial = np.outer([1, 2, 1], [1, 2, 1]).astype("float32") / 16.0
    outputs = []
    for label, make in (("max", lambda n: layers.MaxPooling2D(2, name=n)),
                        ("avg", lambda n: layers.AveragePooling2D(2, name=n)),
                        ("blur", lambda n: layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False,
                                                                  name=n))):
        original = make(f"{label}_pool")
        moved = make(f"{label}_pool_shifted")
        a, b = original(x), moved(shifted)
        if label == "blur":
            kernel = np.repeat(binomial[:, :, None, None], 3, axis=2)
            original.set_weights([kernel])
            moved.set_weights([kernel])
        outputs.append(layers.Subtract(name=f"{label}_difference")([a, b]))
    return keras.Model(image, outputs, name="shift_equivariance"), {
        "title": "Graph: Lesson 4 — shift equivariance of max, average and blurred pooling",
        "description": "The image and the image moved one pixel down-right, each pooled with stride 2 three ways; "
                       "the differences show how much a one-pixel shift changes each.",
        "lesson": "Zhang, 'Making Convolutional Networks Shift-Invariant Again' (ICML 2019). 'view' and 'shifted' "
                  "are the same photo one pixel apart (two crops). Each branch downsamples both by 2: "
                  "MaxPooling2D, AveragePooling2D, and a fixed 3×3 binomial blur applied with stride 2 "
                  "(DepthwiseConv2D, the paper's BlurPool). A shift-invariant layer would give the same output for "
                  "both; the three '*_difference' nodes show how far each is from that. Look at where the "
                  "differences are (edges: the cat's whiskers and eyes) and at the spread in Statistics: blurring "
                  "before subsampling changes least.",
        "input": SAMPLE_INPUT,
        "select": "max_difference"}


def aliased_resizing():
    x = keras.Input((256, 256, 1), name="zone_plate")
    plain = layers.Resizing(64, 64, interpolation="bilinear", antialias=False, name="bilinear")(x)
    smooth = layers.Resizing(64, 64, interpolation="bilinear", antialias=True, name="bilinear_antialias")(x)
    area = layers.Resizing(64, 64, interpolation="area", name="area")(x)
    return keras.Model(x, [plain, smooth, area], name="aliased_resizing"), {
        "title": "Graph: Lesson 5 — aliasing when resizing down",
        "description": "A zone plate (rings up to the Nyquist frequency in the corners) resized 256 → 64 with bilinear, bilinear "
                       "with antialias=True, and area.",
        "lesson": "Parmar, Zhang and Zhu, 'On Aliased Resizing and Surprising Subtleties in GAN Evaluation' (CVPR "
                  "2022). The input's rings get finer towards the edges, reaching the finest pattern a pixel grid "
                  "can hold. Shrinking 4× with plain bilinear interpolation reads only the 2×2 pixels nearest each "
                  "output sample, so rings finer than the new grid fold back as false, coarse rings ('bilinear'). "
                  "antialias=True widens the filter by the scale factor and averages them away "
                  "('bilinear_antialias'); 'area' averages each 4×4 block, which removes less (a box filter "
                  "lets part of the finest rings through). Compare the outer half of the three.",
        "input": synthetic(6, 256, 256),
        "select": "bilinear"}


def same_padding():
    x = keras.Input((4, 4, 1), name="x")
    conv = layers.Conv2D(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones",
                         name="conv_same_s2")(x)
    pool = layers.AveragePooling2D(3, strides=2, padding="same", name="pool_same_s2")(x)
    return keras.Model(x, [conv, pool], name="same_padding"), {
        "title": "Graph: Lesson 6 — TensorFlow's asymmetric SAME padding",
        "description": "3×3 stride 2 'same' on 4×4: the one padding row goes to the bottom and the padding column "
                       "to the right; the top-left output sums rows 0–2 and columns 0–2 (54).",
        "lesson": "With padding='same' TensorFlow pads max((out − 1)·stride + k − in, 0) = (2 − 1)·2 + 3 − 4 = 1 "
                  "row and 1 column in all, and puts the odd one at the bottom and right (top = 1 // 2 = 0). So "
                  "the top-left output of 'conv_same_s2' (a 3×3 kernel of ones over 1..16) sums rows 0–2 and "
                  "columns 0–2: 1+2+3+5+6+7+9+10+11 = 54. A PyTorch port with symmetric padding=1 pads the top "
                  "and left instead and gets 1+2+5+6 = 14 there: every output moves by one input pixel. "
                  "'pool_same_s2' shows the same windows; its averages count only real pixels.",
        "input": synthetic(0, 4, 4),
        "select": "conv_same_s2"}


LESSONS = (pooling_doc_examples, global_average_and_excitation, checkerboard, shift_equivariance,
           aliased_resizing, same_padding)


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/lessons")
    out.mkdir(parents=True, exist_ok=True)
    for number, build in enumerate(LESSONS, start=1):
        keras.utils.set_random_seed(0)
        model, example = build()
        config = with_inline_weights(model)
        config["layerscope_example"] = example
        path = out / f"{number:02d}_{model.name}.json"
        path.write_text(json.dumps(config, indent=1) + "\n")
        print(path, len(model.layers), "layers")


if __name__ == "__main__":
    main()
