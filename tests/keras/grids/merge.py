"""Merge layers: a Functional model with two Inputs (input_0.npy, input_1.npy). Broadcasting of
size-1 axes, Concatenate along each axis, and the errors for incompatible shapes."""
from spec import merge_case


def cases():
    for cls in ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]:
        yield merge_case(cls, "same_shape", [(1, 4, 5, 3), (1, 4, 5, 3)])
        yield merge_case(cls, "batch2", [(2, 3, 3, 2), (2, 3, 3, 2)])
        yield merge_case(cls, "broadcast_channels", [(1, 4, 5, 3), (1, 4, 5, 1)])
        yield merge_case(cls, "broadcast_spatial", [(1, 4, 5, 3), (1, 1, 1, 3)])
        yield merge_case(cls, "err_mismatch", [(1, 4, 5, 3), (1, 4, 5, 2)])
    c = "Concatenate"
    yield merge_case(c, "channels", [(1, 4, 5, 3), (1, 4, 5, 2)])
    yield merge_case(c, "axis1", [(1, 2, 5, 3), (1, 4, 5, 3)], {"axis": 1})
    yield merge_case(c, "axis2", [(2, 3, 1, 2), (2, 3, 4, 2)], {"axis": 2})
    yield merge_case(c, "axis_minus3", [(1, 2, 5, 3), (1, 3, 5, 3)], {"axis": -3})
    yield merge_case(c, "err_mismatch", [(1, 4, 5, 3), (1, 3, 5, 2)])
