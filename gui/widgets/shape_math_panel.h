#pragma once
// Shape math for the selected pooling or convolution layer (shapeWhatIf): for the chosen axis,
// the general output-size formula, the formula with the layer's numbers, the SAME padding split
// drawn as a row of input cells with the padding cells before / after and the window of every
// output index underneath (PaddingDiagram), and the what-if tables of the output size for
// neighbouring input sizes, pool / kernel sizes, strides and dilations, the layer's own
// configuration highlighted and invalid combinations explained in their tooltips.

#include "core/explain/shape_what_if.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QVBoxLayout;

namespace layerscope::gui {

class PaddingDiagram : public QWidget {
    Q_OBJECT
public:
    explicit PaddingDiagram(QWidget* parent = nullptr);
    void setShapeWhatIf(std::optional<ShapeWhatIf> math);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<ShapeWhatIf> m_math;
};

class ShapeMathPanel : public QWidget {
    Q_OBJECT
public:
    explicit ShapeMathPanel(QWidget* parent = nullptr);
    // The layer (not kept) and the shape of its input; null or an unsupported class shows a note.
    // Shows the axis that fails when exactly one does (the one to explain), else keeps the
    // chosen axis.
    void setLayer(const Layer* layer, const Shape& input);
    const std::optional<ShapeWhatIf>& math() const { return m_math; }
    int axis() const;
    void setAxis(int axis); // 0 height, 1 width

private:
    void rebuild();

    std::unique_ptr<Layer> m_layer;
    Shape m_input;
    int m_failingAxis = -1; // of the layer last set: 0 height, 1 width, -1 none or both
    std::optional<ShapeWhatIf> m_math;
    QComboBox* m_axis;
    QLabel* m_header;
    QLabel* m_rule;
    QLabel* m_numbers;
    QLabel* m_split;
    PaddingDiagram* m_diagram;
    QWidget* m_tables;
    QVBoxLayout* m_tablesLayout;
};

} // namespace layerscope::gui
