"""ZeroPadding2D, Cropping2D, Flatten, Reshape, Permute."""
from spec import case


def cases():
    yield case("ZeroPadding2D", "int", {"padding": 1}, shape=(1, 3, 4, 2))
    yield case("ZeroPadding2D", "pair", {"padding": [2, 1]}, shape=(1, 3, 4, 2))
    yield case("ZeroPadding2D", "asymmetric", {"padding": [[1, 2], [0, 3]]}, shape=(2, 2, 3, 1))
    yield case("ZeroPadding2D", "channels_first", {"padding": [[0, 1], [2, 0]], "data_format": "channels_first"},
               shape=(1, 3, 4, 5))
    yield case("ZeroPadding2D", "zero", {"padding": 0}, shape=(1, 3, 3, 2))
    yield case("ZeroPadding2D", "err_bad_padding", {"padding": [1, 2, 3]}, shape=(1, 3, 3, 2))

    yield case("Cropping2D", "int", {"cropping": 1}, shape=(1, 5, 6, 2))
    yield case("Cropping2D", "pair", {"cropping": [2, 1]}, shape=(1, 6, 5, 3))
    yield case("Cropping2D", "asymmetric", {"cropping": [[1, 0], [0, 2]]}, shape=(2, 4, 5, 1))
    yield case("Cropping2D", "channels_first", {"cropping": [[1, 1], [0, 2]], "data_format": "channels_first"},
               shape=(1, 3, 5, 6))
    yield case("Cropping2D", "err_crop_everything", {"cropping": [[2, 2], [0, 0]]}, shape=(1, 4, 5, 2))

    yield case("Flatten", "rank4", {}, shape=(2, 3, 4, 5))
    yield case("Flatten", "channels_first", {"data_format": "channels_first"}, shape=(1, 3, 2, 4))
    yield case("Flatten", "rank2", {}, shape=(3, 5))
    yield case("Flatten", "rank3", {}, shape=(2, 3, 4))

    yield case("Reshape", "to_rank2", {"target_shape": [60]}, shape=(1, 3, 4, 5))
    yield case("Reshape", "swap_hw", {"target_shape": [4, 3, 5]}, shape=(2, 3, 4, 5))
    yield case("Reshape", "minus_one", {"target_shape": [-1, 5]}, shape=(1, 3, 4, 5))
    yield case("Reshape", "from_rank2", {"target_shape": [2, 3, 2]}, shape=(2, 12))
    yield case("Reshape", "err_size_mismatch", {"target_shape": [7, 7]}, shape=(1, 3, 4, 5))
    yield case("Reshape", "err_two_unknown", {"target_shape": [-1, -1]}, shape=(1, 3, 4, 5))

    yield case("Permute", "hwc_to_chw", {"dims": [3, 1, 2]}, shape=(1, 3, 4, 5))
    yield case("Permute", "swap_hw", {"dims": [2, 1, 3]}, shape=(2, 3, 4, 2))
    yield case("Permute", "identity", {"dims": [1, 2, 3]}, shape=(1, 2, 3, 4))
    yield case("Permute", "rank3", {"dims": [2, 1]}, shape=(1, 3, 5))
    yield case("Permute", "err_not_a_permutation", {"dims": [1, 1, 2]}, shape=(1, 3, 4, 5))
