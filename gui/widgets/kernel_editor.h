#pragma once
// The Conv2D kernel editor: a grid of small editable kernel matrices (filters × input channels,
// paged), the bias values, and presets (identity, blur, Gaussian, sharpen, Sobel, Laplacian,
// emboss, seeded Glorot-uniform). Edits the layer's "weights" JSON through ChangeLayerCommand.
// Lives in the "Kernel" dock and follows the selected layer; for anything but a Conv2D it says so
// and disables itself. Follows document edits (undo included) on its own.

#include <QWidget>

#include <nlohmann/json.hpp>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace layerscope {
struct ConvWeights; // core/weights/conv_weights.h
}

namespace layerscope::gui {

class Document;
using layerscope::ConvWeights;

class KernelEditor : public QWidget {
    Q_OBJECT
public:
    explicit KernelEditor(Document* document, QWidget* parent = nullptr);
    void setLayerIndex(int index); // any layer index; -1 is the input
    int layerIndex() const { return m_index; }
    bool editsKernel() const;

    // Applies preset `preset` (index into kernelPresetNames()) to `filter` (-1: all).
    void applyPreset(int preset, int filter);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();
    // refresh() now, or when shown again if the editor is hidden in a shown window (its dock
    // closed or behind another tab): rebuilding the grid of a 3×3×3×5 kernel cost 6–10 ms of
    // every Conv2D edit even with the dock closed.
    void refreshWhenShown();
    nlohmann::json shownLayerJson() const; // the layer at m_index, null when there is none
    void pushWeights(const ConvWeights& weights, const QString& text, const QString& mergeKey);
    ConvWeights currentWeights() const;

    Document* m_document;
    int m_index = -1;
    bool m_updating = false;
    nlohmann::json m_shown; // the layer JSON the grid was built from
    bool m_stale = false;   // a refresh waits for the editor to be shown
    QComboBox* m_preset;
    QComboBox* m_target;
    QCheckBox* m_average;
    QSpinBox* m_seed;
    QSpinBox* m_page;
    QLabel* m_info;
    QWidget* m_grid = nullptr;
    QGridLayout* m_gridLayout = nullptr;
    QTableWidget* m_bias = nullptr;
    QWidget* m_controls = nullptr; // everything but the title: disabled for non-Conv2D layers
    QLabel* m_title = nullptr;
};

} // namespace layerscope::gui
