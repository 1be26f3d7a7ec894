"""BatchNormalization (inference: moving statistics), Normalization, Rescaling."""
from spec import case


def cases():
    bn = "BatchNormalization"
    yield case(bn, "channels_last", {}, shape=(2, 4, 5, 3))
    yield case(bn, "epsilon", {"epsilon": 0.1}, shape=(1, 3, 4, 2))
    yield case(bn, "no_center", {"center": False}, shape=(1, 3, 4, 2))
    yield case(bn, "no_scale", {"scale": False}, shape=(1, 3, 4, 2))
    yield case(bn, "no_center_no_scale", {"center": False, "scale": False}, shape=(1, 3, 4, 2))
    yield case(bn, "axis1_channels_first", {"axis": 1}, shape=(1, 3, 4, 5))
    yield case(bn, "axis2", {"axis": 2}, shape=(1, 3, 4, 5))
    yield case(bn, "rank2", {}, shape=(4, 6))
    yield case(bn, "many_channels", {}, shape=(1, 6, 5, 16))
    yield case(bn, "image_values", {}, shape=(1, 5, 4, 3), values="image")

    n = "Normalization"
    yield case(n, "scalar_mean_variance", {"mean": 0.5, "variance": 2.0}, shape=(1, 3, 4, 3))
    yield case(n, "per_channel", {"mean": [0.1, -0.2, 0.3], "variance": [1.5, 0.5, 2.0]}, shape=(2, 3, 4, 3))
    yield case(n, "per_channel_invert", {"mean": [0.1, -0.2, 0.3], "variance": [1.5, 0.5, 2.0], "invert": True},
               shape=(1, 3, 4, 3))
    yield case(n, "axis1", {"axis": 1, "mean": [1.0, 2.0], "variance": [4.0, 0.25]}, shape=(1, 2, 3, 4))
    yield case(n, "image_values_imagenet", {"mean": [123.675, 116.28, 103.53], "variance": [3409.98, 3262.69, 3291.36]},
               shape=(1, 4, 5, 3), values="image")
    yield case(n, "err_mean_without_variance", {"mean": [0.1, 0.2, 0.3]}, shape=(1, 3, 4, 3))

    r = "Rescaling"
    yield case(r, "to_unit", {"scale": 1.0 / 255}, shape=(1, 4, 5, 3), values="image")
    yield case(r, "to_symmetric", {"scale": 1.0 / 127.5, "offset": -1.0}, shape=(1, 4, 5, 3), values="image")
    yield case(r, "negative_scale", {"scale": -2.0, "offset": 0.5}, shape=(2, 3, 3, 2))
    yield case(r, "per_channel_scale", {"scale": [0.5, 2.0, -1.0]}, shape=(1, 3, 4, 3))
