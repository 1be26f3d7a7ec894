"""ReLU, LeakyReLU, PReLU, ELU, Softmax, Activation."""
from spec import case


def cases():
    s = (1, 4, 5, 3)
    yield case("ReLU", "default", {}, shape=s)
    yield case("ReLU", "max_value", {"max_value": 0.5}, shape=s)
    yield case("ReLU", "negative_slope", {"negative_slope": 0.2}, shape=s)
    yield case("ReLU", "threshold", {"threshold": 0.3}, shape=s)
    yield case("ReLU", "all_three", {"max_value": 0.8, "negative_slope": 0.1, "threshold": -0.2}, shape=(2, 3, 3, 2))
    yield case("ReLU", "rank2", {"max_value": 0.6}, shape=(3, 7))
    yield case("ReLU", "err_negative_max_value", {"max_value": -1.0}, shape=s)
    yield case("ReLU", "err_negative_slope", {"negative_slope": -0.5}, shape=s)

    yield case("LeakyReLU", "default", {}, shape=s)
    yield case("LeakyReLU", "slope_0_01", {"negative_slope": 0.01}, shape=s)
    yield case("LeakyReLU", "slope_2", {"negative_slope": 2.0}, shape=(1, 3, 7, 2))
    yield case("LeakyReLU", "err_negative_slope", {"negative_slope": -0.1}, shape=s)

    yield case("PReLU", "default_alpha_per_element", {}, shape=s)
    yield case("PReLU", "shared_hw", {"shared_axes": [1, 2]}, shape=(2, 4, 5, 3))
    yield case("PReLU", "shared_all_spatial_channels", {"shared_axes": [1, 2, 3]}, shape=(1, 3, 3, 2))
    yield case("PReLU", "rank2", {}, shape=(2, 6))

    yield case("ELU", "default", {}, shape=s)
    yield case("ELU", "alpha_0_5", {"alpha": 0.5}, shape=s)
    yield case("ELU", "alpha_2", {"alpha": 2.0}, shape=(1, 2, 9, 1))

    yield case("Softmax", "last_axis", {}, shape=s)
    yield case("Softmax", "axis1", {"axis": 1}, shape=s)
    yield case("Softmax", "axis_h_w", {"axis": [1, 2]}, shape=(1, 3, 4, 2))
    yield case("Softmax", "rank2", {}, shape=(2, 10))
    yield case("Softmax", "image_values", {}, shape=(1, 2, 3, 4), values="image",
               atol=1e-6, rtol=1e-4, why="exp of values up to 255: float32 rounding of the shifted exponent")

    for activation in ["relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "elu", "selu", "gelu",
                       "swish", "silu", "hard_sigmoid", "hard_silu", "relu6", "leaky_relu", "mish", "exponential",
                       "linear", "log_softmax"]:
        yield case("Activation", activation, {"activation": activation}, shape=(1, 3, 4, 3))
    yield case("Activation", "err_unknown", {"activation": "sparsemaxx"}, shape=(1, 3, 4, 3))
