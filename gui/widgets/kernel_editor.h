#pragma once
// The Conv2D kernel editor: a grid of small editable kernel matrices (filters × input channels,
// paged), the bias values, and presets (identity, blur, Gaussian, sharpen, Sobel, Laplacian,
// emboss, seeded Glorot-uniform). Edits the layer's "weights" JSON through ChangeLayerCommand.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace layerscope::gui {

class Document;
struct ConvWeights;

class KernelEditor : public QWidget {
    Q_OBJECT
public:
    explicit KernelEditor(Document* document, QWidget* parent = nullptr);
    void setLayerIndex(int index);

    // Applies preset `preset` (index into kernelPresetNames()) to `filter` (-1: all).
    void applyPreset(int preset, int filter);

private:
    void refresh();
    void pushWeights(const ConvWeights& weights, const QString& text, const QString& mergeKey);
    ConvWeights currentWeights() const;

    Document* m_document;
    int m_index = -1;
    bool m_updating = false;
    QComboBox* m_preset;
    QComboBox* m_target;
    QCheckBox* m_average;
    QSpinBox* m_seed;
    QSpinBox* m_page;
    QLabel* m_info;
    QWidget* m_grid = nullptr;
    QGridLayout* m_gridLayout = nullptr;
    QTableWidget* m_bias = nullptr;
};

} // namespace layerscope::gui
