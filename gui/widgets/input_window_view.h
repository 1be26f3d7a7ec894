#pragma once
// The neighbourhood of an explained output value in the layer's input: one small grid per input
// channel (up to four), covering the cell's window plus one cell of context, with the value
// written in every cell. Window cells are outlined; cells outside the image (SAME padding, a
// pad_to_aspect_ratio fill) are hatched; the gaps of a dilated kernel are drawn dotted and
// greyed; a weight other than 1 (a kernel tap, a resize tap's row × column weight) is written
// under the value. Everything shown comes from the CellExplanation (explainCell) and, for the
// context ring, the input tensor itself.

#include "core/explain/cell_explanation.h"

#include <QWidget>

#include <memory>
#include <optional>

namespace layerscope::gui {

class InputWindowView : public QWidget {
    Q_OBJECT
public:
    explicit InputWindowView(QWidget* parent = nullptr);

    void setExplanation(std::optional<CellExplanation> explanation, std::shared_ptr<const Tensor> input);
    void clear();
    // The input channels drawn (at most kMaxGrids).
    const std::vector<int64_t>& channels() const { return m_channels; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

    static constexpr int kMaxGrids = 4;
    static constexpr int kMaxCellsPerAxis = 40;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Area {
        int64_t y0 = 0, y1 = -1, x0 = 0, x1 = -1; // input rows / columns drawn (inclusive)
        int64_t rows() const { return y1 - y0 + 1; }
        int64_t cols() const { return x1 - x0 + 1; }
    };
    int cellSize(int width) const;
    std::optional<float> inputValue(int64_t c, int64_t y, int64_t x) const;

    std::optional<CellExplanation> m_explanation;
    std::shared_ptr<const Tensor> m_input;
    std::vector<int64_t> m_channels;
    Area m_area;
};

} // namespace layerscope::gui
