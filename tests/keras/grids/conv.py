"""Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D: padding, strides, dilation, groups,
depth multipliers, output_padding, activations, use_bias, channels_first, odd sizes."""
from spec import case


def _conv2d():
    cls = "Conv2D"
    grid = [
        ("k3_valid", {"filters": 4, "kernel_size": 3}, (1, 7, 9, 3)),
        ("k3_same", {"filters": 4, "kernel_size": 3, "padding": "same"}, (1, 7, 9, 3)),
        ("k1", {"filters": 5, "kernel_size": 1}, (2, 4, 5, 3)),
        ("k2x3_same", {"filters": 2, "kernel_size": [2, 3], "padding": "same"}, (1, 6, 7, 4)),
        ("k5_same_even_input", {"filters": 3, "kernel_size": 5, "padding": "same"}, (1, 8, 6, 2)),
        ("s2_valid", {"filters": 3, "kernel_size": 3, "strides": 2}, (1, 9, 8, 3)),
        ("s2_same", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 9, 8, 3)),
        ("s2x3_same_k4", {"filters": 2, "kernel_size": 4, "strides": [2, 3], "padding": "same"}, (1, 10, 11, 2)),
        ("s3_valid_k2", {"filters": 2, "kernel_size": 2, "strides": 3}, (1, 11, 7, 1)),
        ("dilation2_valid", {"filters": 3, "kernel_size": 3, "dilation_rate": 2}, (1, 9, 10, 2)),
        ("dilation2_same", {"filters": 3, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (1, 9, 10, 2)),
        ("dilation2x3_same", {"filters": 2, "kernel_size": [3, 2], "dilation_rate": [2, 3], "padding": "same"},
         (1, 8, 9, 3)),
        ("groups2", {"filters": 4, "kernel_size": 3, "groups": 2}, (1, 6, 6, 4)),
        ("groups3_same", {"filters": 6, "kernel_size": 3, "groups": 3, "padding": "same"}, (1, 5, 7, 6)),
        ("groups_depthwise_like", {"filters": 4, "kernel_size": 3, "groups": 4, "padding": "same"}, (1, 5, 5, 4)),
        ("groups2_strided", {"filters": 4, "kernel_size": 3, "groups": 2, "strides": 2, "padding": "same"},
         (1, 7, 8, 4)),
        ("relu", {"filters": 3, "kernel_size": 3, "activation": "relu"}, (1, 6, 6, 2)),
        ("sigmoid", {"filters": 3, "kernel_size": 3, "activation": "sigmoid"}, (1, 6, 6, 2)),
        ("tanh", {"filters": 3, "kernel_size": 3, "activation": "tanh", "padding": "same"}, (1, 6, 6, 2)),
        ("no_bias", {"filters": 3, "kernel_size": 3, "use_bias": False}, (1, 5, 6, 3)),
        ("channels_first", {"filters": 3, "kernel_size": 3, "data_format": "channels_first"}, (1, 2, 6, 7)),
        ("channels_first_same_s2", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same",
                                    "data_format": "channels_first"}, (2, 3, 7, 6)),
        ("kernel_equals_input", {"filters": 2, "kernel_size": [4, 5]}, (1, 4, 5, 3)),
        ("one_pixel_same", {"filters": 2, "kernel_size": 3, "padding": "same"}, (1, 1, 1, 3)),
        ("many_channels", {"filters": 16, "kernel_size": 3, "padding": "same"}, (1, 6, 5, 16)),
        ("mid_size", {"filters": 8, "kernel_size": 3, "padding": "same"}, (1, 48, 40, 8)),
        ("image_values", {"filters": 4, "kernel_size": 3, "padding": "same"}, (1, 9, 8, 3)),
    ]
    for name, kwargs, shape in grid:
        # 0..255 inputs: the 27 products of an output reach ~10³, so any two summation orders
        # (TF's kernel and LayerScope's GEMM; oneDNN's order differs again) round ~10⁻⁴ apart.
        extra = {"values": "image", "atol": 5e-4,
                 "why": "0..255 inputs: terms near 10^3 round ~1e-4 apart in another summation order"} \
            if name == "image_values" else {}
        yield case(cls, name, kwargs, shape=shape, **extra)
    yield case(cls, "err_kernel_larger_than_input", {"filters": 2, "kernel_size": 7}, shape=(1, 5, 5, 3))
    yield case(cls, "err_filters_not_divisible_by_groups", {"filters": 3, "kernel_size": 3, "groups": 2},
               shape=(1, 5, 5, 4))
    yield case(cls, "err_channels_not_divisible_by_groups", {"filters": 4, "kernel_size": 3, "groups": 2},
               shape=(1, 5, 5, 3))
    yield case(cls, "err_strides_and_dilation", {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
               shape=(1, 7, 7, 3))
    yield case(cls, "err_zero_filters", {"filters": 0, "kernel_size": 3}, shape=(1, 5, 5, 3))
    yield case(cls, "err_causal_padding", {"filters": 2, "kernel_size": 3, "padding": "causal"}, shape=(1, 5, 5, 3))
    yield case(cls, "err_dilated_kernel_too_large", {"filters": 2, "kernel_size": 3, "dilation_rate": 3},
               shape=(1, 6, 9, 2))


def _conv2d_transpose():
    cls = "Conv2DTranspose"
    grid = [
        ("k3_valid", {"filters": 3, "kernel_size": 3}, (1, 4, 5, 2)),
        ("k3_same", {"filters": 3, "kernel_size": 3, "padding": "same"}, (1, 4, 5, 2)),
        ("s2_valid", {"filters": 2, "kernel_size": 3, "strides": 2}, (1, 4, 3, 3)),
        ("s2_same", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 4, 3, 3)),
        ("s2_same_k4", {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}, (1, 5, 4, 2)),
        ("s3x2_valid_k2", {"filters": 2, "kernel_size": 2, "strides": [3, 2]}, (1, 3, 4, 1)),
        ("output_padding1", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}, (1, 4, 4, 2)),
        ("output_padding_same", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                                 "output_padding": [1, 0]}, (1, 3, 5, 2)),
        ("dilation2", {"filters": 2, "kernel_size": 3, "dilation_rate": 2}, (1, 4, 5, 2)),
        ("relu_no_bias", {"filters": 3, "kernel_size": 2, "activation": "relu", "use_bias": False}, (1, 5, 5, 2)),
        ("channels_first", {"filters": 2, "kernel_size": 3, "strides": 2, "data_format": "channels_first"},
         (1, 3, 4, 5)),
        ("mid_size", {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 24, 20, 8)),
    ]
    for name, kwargs, shape in grid:
        yield case(cls, name, kwargs, shape=shape)
    yield case(cls, "err_output_padding_ge_stride", {"filters": 2, "kernel_size": 3, "strides": 2,
                                                     "output_padding": 2}, shape=(1, 4, 4, 2))


def _depthwise():
    cls = "DepthwiseConv2D"
    grid = [
        ("k3_valid", {"kernel_size": 3}, (1, 6, 7, 3)),
        ("k3_same", {"kernel_size": 3, "padding": "same"}, (1, 6, 7, 3)),
        ("multiplier2", {"kernel_size": 3, "depth_multiplier": 2}, (1, 5, 6, 3)),
        ("multiplier3_same_s2", {"kernel_size": 3, "depth_multiplier": 3, "strides": 2, "padding": "same"},
         (1, 7, 6, 2)),
        ("k2x3_s2", {"kernel_size": [2, 3], "strides": 2}, (1, 7, 8, 4)),
        ("dilation2_same", {"kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (1, 7, 7, 2)),
        ("relu_no_bias", {"kernel_size": 3, "activation": "relu", "use_bias": False}, (1, 5, 5, 3)),
        ("channels_first", {"kernel_size": 3, "depth_multiplier": 2, "data_format": "channels_first"},
         (1, 3, 6, 5)),
        ("mid_size", {"kernel_size": 3, "padding": "same"}, (1, 40, 32, 16)),
        # 40 channels: the in-register rows' 32- and 8-channel blocks, with dilation and stride
        ("c40_dilation2_s2x1", {"kernel_size": 3, "dilation_rate": [2, 1], "strides": [2, 1], "padding": "same"},
         (1, 11, 13, 40)),
    ]
    for name, kwargs, shape in grid:
        yield case(cls, name, kwargs, shape=shape)
    yield case(cls, "err_kernel_larger_than_input", {"kernel_size": 5}, shape=(1, 4, 4, 2))


def _separable():
    cls = "SeparableConv2D"
    grid = [
        ("k3_valid", {"filters": 4, "kernel_size": 3}, (1, 6, 7, 3)),
        ("k3_same", {"filters": 4, "kernel_size": 3, "padding": "same"}, (1, 6, 7, 3)),
        ("multiplier2_s2", {"filters": 3, "kernel_size": 3, "depth_multiplier": 2, "strides": 2}, (1, 7, 8, 2)),
        ("dilation2_same", {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "padding": "same"}, (1, 7, 7, 3)),
        ("relu_no_bias", {"filters": 3, "kernel_size": 2, "activation": "relu", "use_bias": False}, (1, 5, 5, 2)),
        ("channels_first", {"filters": 2, "kernel_size": 3, "data_format": "channels_first"}, (1, 3, 6, 5)),
    ]
    for name, kwargs, shape in grid:
        yield case(cls, name, kwargs, shape=shape)
    yield case(cls, "err_kernel_larger_than_input", {"filters": 2, "kernel_size": 5}, shape=(1, 4, 4, 2))


def cases():
    yield from _conv2d()
    yield from _conv2d_transpose()
    yield from _depthwise()
    yield from _separable()
