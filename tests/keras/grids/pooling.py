"""AveragePooling2D, MaxPooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D."""
from spec import case


def _pool2d(cls):
    shapes = [(1, 7, 9, 3), (2, 6, 5, 4), (1, 1, 1, 2), (1, 8, 8, 1)]
    for pool in ([2, 2], [3, 3], [2, 3], [1, 1], [3, 1]):
        for strides in (None, [1, 1], [2, 1], [3, 2]):
            for padding in ("valid", "same"):
                # a third of the combinations, varied by a stable counter, keeps the grid small
                i = len(pool) * 0 + pool[0] * 7 + pool[1] * 3 + (strides or [0, 0])[0] * 5 \
                    + (strides or [0, 0])[1] + (padding == "same")
                if i % 3:
                    continue
                shape = shapes[i % 2]
                name = f"p{pool[0]}x{pool[1]}_s{'none' if strides is None else f'{strides[0]}x{strides[1]}'}_{padding}"
                yield case(cls, name, {"pool_size": pool, "strides": strides, "padding": padding},
                           shape=shape)
    yield case(cls, "int_pool_same", {"pool_size": 3, "strides": 2, "padding": "same"}, shape=(1, 11, 13, 5))
    yield case(cls, "channels_first_valid", {"pool_size": [2, 3], "strides": [2, 2], "padding": "valid",
                                            "data_format": "channels_first"}, shape=(1, 4, 7, 8))
    yield case(cls, "channels_first_same", {"pool_size": 3, "strides": 2, "padding": "same",
                                           "data_format": "channels_first"}, shape=(2, 3, 5, 6))
    yield case(cls, "same_window_bigger_than_input", {"pool_size": 5, "strides": 1, "padding": "same"},
               shape=(1, 3, 4, 2))
    yield case(cls, "uppercase_padding", {"pool_size": 2, "padding": "SAME"}, shape=(1, 5, 5, 2))
    yield case(cls, "mid_size", {"pool_size": 3, "strides": 2, "padding": "same"}, shape=(1, 64, 48, 16))
    yield case(cls, "c40_same", {"pool_size": 3, "strides": 1, "padding": "same"}, shape=(2, 9, 11, 40))
    yield case(cls, "image_values", {"pool_size": 2}, shape=(1, 9, 7, 3), values="image")
    # errors
    yield case(cls, "err_pool_larger_than_input", {"pool_size": 3}, shape=(1, 2, 2, 3))
    yield case(cls, "err_pool_larger_one_axis", {"pool_size": [1, 4], "strides": [1, 1]}, shape=(1, 5, 3, 2))
    yield case(cls, "err_bad_padding", {"pool_size": 2, "padding": "full"}, shape=(1, 4, 4, 1))
    yield case(cls, "err_zero_pool", {"pool_size": 0}, shape=(1, 4, 4, 1))
    yield case(cls, "err_bad_data_format", {"pool_size": 2, "data_format": "nhwc"}, shape=(1, 4, 4, 1))


def _global(cls):
    yield case(cls, "basic", {}, shape=(1, 5, 6, 3))
    yield case(cls, "batch2", {}, shape=(2, 4, 3, 5))
    yield case(cls, "keepdims", {"keepdims": True}, shape=(1, 7, 3, 4))
    yield case(cls, "channels_first", {"data_format": "channels_first"}, shape=(2, 3, 5, 4))
    yield case(cls, "channels_first_keepdims", {"data_format": "channels_first", "keepdims": True},
               shape=(1, 4, 3, 6))
    yield case(cls, "one_pixel", {}, shape=(1, 1, 1, 7))
    yield case(cls, "odd_sizes", {"keepdims": True}, shape=(1, 13, 11, 1))
    yield case(cls, "mid_size", {}, shape=(1, 64, 64, 8))
    yield case(cls, "image_values", {}, shape=(1, 17, 9, 3), values="image")
    yield case(cls, "err_bad_data_format", {"data_format": "channels_middle"}, shape=(1, 4, 4, 1))


def cases():
    yield from _pool2d("AveragePooling2D")
    yield from _pool2d("MaxPooling2D")
    yield from _global("GlobalAveragePooling2D")
    yield from _global("GlobalMaxPooling2D")
