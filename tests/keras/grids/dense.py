"""Dense: on the last axis of rank 2 and rank 4 inputs, activations, use_bias."""
from spec import case


def cases():
    yield case("Dense", "rank2", {"units": 4}, shape=(2, 6))
    yield case("Dense", "rank2_relu", {"units": 3, "activation": "relu"}, shape=(3, 5))
    yield case("Dense", "rank2_no_bias", {"units": 5, "use_bias": False}, shape=(1, 7))
    yield case("Dense", "rank4_last_axis", {"units": 2}, shape=(1, 3, 4, 5))
    yield case("Dense", "rank3", {"units": 3, "activation": "tanh"}, shape=(2, 4, 3))
    yield case("Dense", "one_unit_sigmoid", {"units": 1, "activation": "sigmoid"}, shape=(4, 9))
    yield case("Dense", "wide", {"units": 64}, shape=(2, 128))
    # a small batch on the packed few-rows kernel: 16- and 8-column blocks and a 3-column tail
    yield case("Dense", "batch8_tail", {"units": 27, "activation": "relu"}, shape=(8, 130))
    yield case("Dense", "err_zero_units", {"units": 0}, shape=(2, 6))
