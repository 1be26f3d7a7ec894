#pragma once
// One frame of a step-through animation, drawn with QPainter in the app's own style (the
// Inspector's input window, InputWindowView): the layer's input grid on the left with the current
// output cell's window outlined in orange (or its taps, for a resize or a transposed convolution,
// each outlined on its own), SAME padding hatched, dilation gaps dotted; the output region on the
// right, filled in up to the current cell, which is outlined; a caption with that cell's arithmetic
// (CellExplanation::summary). The same frame with every cell filled in is the "numbers" figure.
//
// Everything drawn comes from the StepThrough (which input cells the region can reach), the
// CellExplanation of the current cell (window, padding, gaps, weights, arithmetic) and the two
// tensors (values). The painter works on any QPaintDevice: a QImage frame, an SVG or a PDF.

#include "core/explain/step_animation_plan.h"

#include <QColor>
#include <QRect>
#include <QSize>
#include <QString>

#include <memory>

class QPainter;

namespace layerscope::gui {

class StepFrame {
public:
    // Throws std::invalid_argument when the region's cells cannot be drawn at `size` (smaller than
    // 3 pixels a cell) or the input area it reaches exceeds kMaxAreaCells per axis.
    StepFrame(const Layer& layer, const StepThrough& steps, std::shared_ptr<const Tensor> input,
              std::shared_ptr<const Tensor> output, OutputRegion region, QSize size);

    QSize size() const { return m_size; }
    // Draws the frame of `current` (the explanation of one cell of the region). `caption` is the
    // first caption line (e.g. "step 3 of 9"); fillAll fills every output cell (figures).
    void paint(QPainter& painter, const CellExplanation& current, const QString& caption, bool fillAll = false) const;

    // Where the output cell (y, x) and the input cell (y, x) (padding included) are drawn.
    QRect outputCellRect(int64_t y, int64_t x) const;
    QRect inputCellRect(int64_t y, int64_t x) const;

    static constexpr int64_t kMaxAreaCells = 256;
    // The colour of the window outline and of the current output cell's frame.
    static QColor highlightColor();

private:
    float inputAt(int64_t c, int64_t y, int64_t x) const;
    float outputAt(int64_t y, int64_t x) const;

    std::string m_title;
    std::shared_ptr<const Tensor> m_input, m_output;
    DataFormat m_inputFormat = DataFormat::ChannelsLast, m_outputFormat = DataFormat::ChannelsLast;
    int64_t m_batch = 0, m_channel = 0;
    int64_t m_inputHeight = 0, m_inputWidth = 0;
    OutputRegion m_region;
    Interval m_areaRows, m_areaCols; // input cells drawn, padding included
    QSize m_size;
    int m_cell = 0;
    QPoint m_inputOrigin, m_outputOrigin;
};

} // namespace layerscope::gui
