#pragma once
// Step-through: the output cells of a layer in raster order (row by row, left to right, for one
// batch item and channel) and, for each, its window in input coordinates, so that a GUI can move
// a highlight across the output with play / pause / single steps and show the arithmetic of the
// current cell (explain() = explainCell at that cell).
// Construction tabulates the window of every output row and column once (spatialAxisWindows,
// the receptive-field rules: a resize's taps are built once); at() is O(1) after that, cheap
// enough to call every frame. The windows are those of receptive_field.h: `clipped` inside the
// image, `unclipped` including SAME padding.

#include "cell_explanation.h"
#include "receptive_field.h"

#include <cstdint>
#include <vector>

namespace layerscope {

struct StepCell {
    int64_t index = 0;     // raster position, y·width + x
    CellIndex output;      // the output cell (semantic b, y, x, c)
    Interval rows, cols;   // its input window, clipped to the image
    Interval rowsUnclipped, colsUnclipped; // the same including padding
};

class StepThrough {
public:
    // Throws LayerError when `input` does not fit the layer and std::invalid_argument for a layer
    // class without a receptive-field rule. GlobalAveragePooling2D gives one step (the whole map).
    // The layer is referenced, not copied: it must outlive this object.
    StepThrough(const Layer& layer, Shape input, int64_t batch = 0, int64_t channel = 0);

    int64_t count() const { return m_height * m_width; }
    int64_t outputHeight() const { return m_height; }
    int64_t outputWidth() const { return m_width; }
    // Raster order; index is clamped to [0, count − 1].
    StepCell at(int64_t index) const;
    int64_t indexOf(int64_t y, int64_t x) const { return y * m_width + x; }
    // The value explanation of step `index` (input must have the shape given at construction).
    CellExplanation explain(const Tensor& input, int64_t index) const;

private:
    const Layer& m_layer;
    Shape m_input;
    int64_t m_batch = 0, m_channel = 0;
    int64_t m_height = 1, m_width = 1;
    std::vector<AxisWindow> m_rows, m_cols;
};

} // namespace layerscope
