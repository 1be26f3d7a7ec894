"""Dropout, SpatialDropout2D, GaussianNoise, GaussianDropout: the identity at inference."""
from spec import case


def cases():
    s = (1, 4, 5, 3)
    yield case("Dropout", "rate_0_5", {"rate": 0.5}, shape=s)
    yield case("Dropout", "noise_shape", {"rate": 0.3, "noise_shape": [None, 1, 1, 3]}, shape=s)
    yield case("Dropout", "rank2", {"rate": 0.9}, shape=(2, 7))
    yield case("Dropout", "rate_1", {"rate": 1.0}, shape=s)
    yield case("SpatialDropout2D", "rate_0_4", {"rate": 0.4}, shape=s)
    yield case("SpatialDropout2D", "channels_first", {"rate": 0.4, "data_format": "channels_first"}, shape=(1, 3, 4, 5))
    yield case("GaussianNoise", "stddev_1", {"stddev": 1.0}, shape=s)
    yield case("GaussianDropout", "rate_0_3", {"rate": 0.3}, shape=s)
