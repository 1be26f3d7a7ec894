"""Tile: keras.ops.tile as a layer (Keras 3.15 has no Tile layer; LayerScope's decision, see
SEMANTICS.md "Tile is a layer"). The judge is keras.ops.tile in a small registered layer whose
to_json() is {"class_name": "Tile", "config": {"name", "multiples", ...}}, as LayerScope saves it.
Multiples of 0 (an empty output, which LayerScope refuses by design) and lists longer than the
rank (a rank-5 result) are outside LayerScope's domain and not generated."""
import keras

from spec import case


@keras.saving.register_keras_serializable(package="LayerScope")
class Tile(keras.layers.Layer):
    def __init__(self, multiples, **kwargs):
        super().__init__(**kwargs)
        self.multiples = list(multiples)

    def call(self, x):
        return keras.ops.tile(x, self.multiples)

    def compute_output_shape(self, input_shape):
        reps = [1] * (len(input_shape) - len(self.multiples)) + self.multiples
        return tuple(None if d is None else d * r for d, r in zip(input_shape, reps))

    def get_config(self):
        return {**super().get_config(), "multiples": self.multiples}


def cases():
    grid = [
        ("identity", [1, 1, 1, 1], (1, 3, 4, 2)),
        ("hw_2x3", [1, 2, 3, 1], (1, 3, 4, 2)),
        ("channels", [1, 1, 1, 4], (1, 5, 2, 3)),
        ("batch", [3, 1, 1, 1], (2, 2, 3, 1)),
        ("all_axes", [2, 2, 3, 2], (1, 3, 2, 3)),
        ("short_list_aligned_right", [2, 3], (1, 2, 3, 4)),
        ("single_multiple", [3], (1, 2, 2, 3)),
        ("odd_sizes", [1, 3, 1, 5], (1, 7, 5, 1)),
        ("mid_size", [1, 2, 2, 1], (1, 48, 40, 8)),
    ]
    for name, multiples, shape in grid:
        yield case("Tile", name, {"multiples": multiples}, shape=shape, factory=Tile)
