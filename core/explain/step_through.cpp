#include "step_through.h"

#include <algorithm>

namespace layerscope {

StepThrough::StepThrough(const Layer& layer, Shape input, int64_t batch, int64_t channel)
    : m_layer(layer), m_input(std::move(input)), m_batch(batch), m_channel(channel)
{
    m_rows = spatialAxisWindows(layer, m_input, 0);
    m_cols = spatialAxisWindows(layer, m_input, 1);
    m_height = static_cast<int64_t>(m_rows.size());
    m_width = static_cast<int64_t>(m_cols.size());
}

StepCell StepThrough::at(int64_t index) const
{
    index = std::clamp<int64_t>(index, 0, std::max<int64_t>(count() - 1, 0));
    StepCell step;
    step.index = index;
    const int64_t y = index / std::max<int64_t>(m_width, 1), x = index % std::max<int64_t>(m_width, 1);
    step.output = {m_batch, y, x, m_channel};
    const AxisWindow& r = m_rows[static_cast<size_t>(y)];
    const AxisWindow& c = m_cols[static_cast<size_t>(x)];
    step.rows = r.clipped;
    step.cols = c.clipped;
    step.rowsUnclipped = r.unclipped;
    step.colsUnclipped = c.unclipped;
    return step;
}

CellExplanation StepThrough::explain(const Tensor& input, int64_t index) const
{
    return explainCell(m_layer, input, at(index).output);
}

} // namespace layerscope
