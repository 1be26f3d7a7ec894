"""Random* preprocessing layers at inference (training=False): RandomFlip, RandomRotation,
RandomZoom, RandomTranslation, RandomContrast and RandomBrightness pass the input through;
RandomCrop centre-crops (resizing when the input is smaller). CenterCrop is deterministic."""
from spec import case


def cases():
    s = (1, 6, 7, 3)
    yield case("RandomFlip", "horizontal_and_vertical", {"seed": 1}, shape=s, values="image")
    yield case("RandomFlip", "horizontal", {"mode": "horizontal", "seed": 1}, shape=s)
    yield case("RandomFlip", "vertical", {"mode": "vertical", "seed": 1}, shape=s)
    yield case("RandomRotation", "factor_0_2", {"factor": 0.2, "seed": 1}, shape=s)
    yield case("RandomRotation", "range_reflect", {"factor": [-0.1, 0.3], "fill_mode": "reflect", "seed": 1}, shape=s)
    yield case("RandomZoom", "height_only", {"height_factor": 0.2, "seed": 1}, shape=s)
    yield case("RandomZoom", "both", {"height_factor": [-0.3, 0.1], "width_factor": 0.2, "seed": 1}, shape=s)
    yield case("RandomTranslation", "both", {"height_factor": 0.2, "width_factor": 0.1, "seed": 1}, shape=s)
    yield case("RandomContrast", "factor_0_5", {"factor": 0.5, "seed": 1}, shape=s, values="image")
    yield case("RandomBrightness", "factor_0_2", {"factor": 0.2, "seed": 1}, shape=s, values="image")
    yield case("RandomBrightness", "err_factor", {"factor": 1.5}, shape=s)
    yield case("RandomCrop", "smaller", {"height": 4, "width": 5, "seed": 1}, shape=(1, 6, 7, 3))
    yield case("RandomCrop", "same_size", {"height": 6, "width": 7, "seed": 1}, shape=(1, 6, 7, 3))
    yield case("RandomCrop", "larger_resizes", {"height": 8, "width": 9, "seed": 1}, shape=(1, 6, 7, 2))
    yield case("RandomCrop", "batch2_odd", {"height": 3, "width": 2, "seed": 1}, shape=(2, 6, 5, 1))
    yield case("CenterCrop", "smaller", {"height": 4, "width": 3}, shape=(1, 6, 7, 3))
    yield case("CenterCrop", "odd_margin", {"height": 3, "width": 4}, shape=(2, 6, 7, 2))
    yield case("CenterCrop", "larger_resizes", {"height": 8, "width": 9}, shape=(1, 6, 7, 2))
    yield case("CenterCrop", "channels_first", {"height": 3, "width": 2, "data_format": "channels_first"},
               shape=(1, 2, 5, 6))
