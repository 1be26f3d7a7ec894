"""UpSampling2D and Resizing: every interpolation, aspect-ratio crop/pad, channels_first."""
from spec import case

INTERPOLATIONS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"]


def _up_sampling():
    cls = "UpSampling2D"
    for interpolation in INTERPOLATIONS:
        yield case(cls, f"{interpolation}_2x2", {"size": [2, 2], "interpolation": interpolation},
                   shape=(1, 4, 5, 3))
        yield case(cls, f"{interpolation}_3x2", {"size": [3, 2], "interpolation": interpolation},
                   shape=(2, 3, 4, 2))
    yield case(cls, "int_size", {"size": 3}, shape=(1, 3, 3, 2))
    yield case(cls, "size_1x4", {"size": [1, 4], "interpolation": "bilinear"}, shape=(1, 5, 2, 3))
    yield case(cls, "one_pixel_bicubic", {"size": 3, "interpolation": "bicubic"}, shape=(1, 1, 1, 2))
    yield case(cls, "channels_first_nearest", {"size": [2, 3], "data_format": "channels_first"},
               shape=(1, 3, 4, 5))
    yield case(cls, "channels_first_bilinear", {"size": 2, "interpolation": "bilinear",
                                                "data_format": "channels_first"}, shape=(2, 2, 3, 4))
    yield case(cls, "uppercase_interpolation", {"size": 2, "interpolation": "Bilinear"}, shape=(1, 3, 3, 1))
    yield case(cls, "mid_size_bilinear", {"size": 2, "interpolation": "bilinear"}, shape=(1, 40, 48, 8))
    yield case(cls, "image_values_bicubic", {"size": 2, "interpolation": "bicubic"}, shape=(1, 6, 5, 3),
               values="image")
    yield case(cls, "err_gaussian", {"size": 2, "interpolation": "gaussian"}, shape=(1, 3, 3, 1))
    yield case(cls, "err_mitchellcubic", {"size": 2, "interpolation": "mitchellcubic"}, shape=(1, 3, 3, 1))
    yield case(cls, "err_bad_data_format", {"size": 2, "data_format": "nchw"}, shape=(1, 3, 3, 1))


def _resizing():
    cls = "Resizing"
    sizes = [("up", 7, 9), ("down", 3, 2), ("mixed", 9, 3), ("same", 5, 6)]
    for interpolation in INTERPOLATIONS:
        for label, h, w in sizes:
            yield case(cls, f"{interpolation}_{label}", {"height": h, "width": w, "interpolation": interpolation},
                       shape=(1, 5, 6, 3))
        yield case(cls, f"{interpolation}_crop", {"height": 4, "width": 7, "interpolation": interpolation,
                                                  "crop_to_aspect_ratio": True}, shape=(1, 6, 5, 2))
        yield case(cls, f"{interpolation}_pad", {"height": 4, "width": 7, "interpolation": interpolation,
                                                 "pad_to_aspect_ratio": True}, shape=(1, 6, 5, 2))
        yield case(cls, f"{interpolation}_antialias_down", {"height": 3, "width": 4, "interpolation": interpolation,
                                                            "antialias": True}, shape=(1, 8, 9, 2))
    yield case(cls, "pad_fill_value", {"height": 6, "width": 3, "pad_to_aspect_ratio": True, "fill_value": 2.5},
               shape=(1, 4, 5, 3))
    yield case(cls, "pad_taller", {"height": 8, "width": 4, "pad_to_aspect_ratio": True, "interpolation": "bicubic"},
               shape=(2, 5, 5, 1))
    yield case(cls, "crop_wider", {"height": 3, "width": 9, "crop_to_aspect_ratio": True, "interpolation": "area"},
               shape=(1, 7, 6, 2))
    yield case(cls, "crop_same_aspect", {"height": 10, "width": 12, "crop_to_aspect_ratio": True},
               shape=(1, 5, 6, 2))
    yield case(cls, "channels_first", {"height": 4, "width": 7, "data_format": "channels_first"}, shape=(1, 3, 5, 6))
    yield case(cls, "channels_first_crop_bicubic", {"height": 5, "width": 3, "data_format": "channels_first",
                                                    "crop_to_aspect_ratio": True, "interpolation": "bicubic"},
               shape=(2, 2, 6, 7))
    yield case(cls, "channels_first_pad_nearest", {"height": 5, "width": 3, "data_format": "channels_first",
                                                   "pad_to_aspect_ratio": True, "interpolation": "nearest"},
               shape=(1, 2, 6, 7))
    yield case(cls, "one_pixel_to_many", {"height": 4, "width": 3, "interpolation": "bilinear"}, shape=(1, 1, 1, 2))
    yield case(cls, "to_one_pixel_area", {"height": 1, "width": 1, "interpolation": "area"}, shape=(1, 4, 5, 3))
    yield case(cls, "mid_size_down_bilinear", {"height": 37, "width": 29}, shape=(1, 64, 48, 4))
    yield case(cls, "image_values_lanczos3", {"height": 11, "width": 7, "interpolation": "lanczos3"},
               shape=(1, 8, 9, 3), values="image")
    yield case(cls, "err_gaussian", {"height": 3, "width": 3, "interpolation": "gaussian"}, shape=(1, 4, 4, 1))
    yield case(cls, "err_capitalized", {"height": 3, "width": 3, "interpolation": "Bilinear"}, shape=(1, 4, 4, 1))
    yield case(cls, "err_crop_and_pad", {"height": 3, "width": 3, "crop_to_aspect_ratio": True,
                                         "pad_to_aspect_ratio": True}, shape=(1, 4, 4, 1))
    yield case(cls, "err_height_zero", {"height": 0, "width": 3}, shape=(1, 4, 4, 1))
    yield case(cls, "err_fill_mode_reflect", {"height": 3, "width": 3, "fill_mode": "reflect"}, shape=(1, 4, 4, 1))


def cases():
    yield from _up_sampling()
    yield from _resizing()
