#pragma once
// One spatial axis of a sliding-window layer, as shape what-if (shape_what_if.h) varies it. Apart
// from shape_what_if.h so that Layer can return it without including the what-if tables.

#include "core/shape_math.h"

#include <cstdint>

namespace layerscope {

struct WindowConfig {
    int64_t input = 1;    // n
    int64_t kernel = 1;   // k (pool_size or kernel_size)
    int64_t stride = 1;   // s
    int64_t dilation = 1; // d (1 for pooling)
    Padding padding = Padding::Valid;
    bool convolution = false; // Conv2D (dilation allowed) rather than pooling
    bool operator==(const WindowConfig&) const = default;
};

} // namespace layerscope
