#pragma once
// The Inspector: why the selected output value is what it is. Holds the selection (a layer and
// a semantic output cell) and shows, from the engine's explain functions:
//   - the explanation (explainCell): the summary line and the details with the real numbers, and
//     the input window drawn cell by cell (InputWindowView);
//   - the receptive field (receptiveField) of the cell in every earlier tensor, with its size in
//     input pixels; regionOf() gives the overlay rectangle for any layer's view;
//   - a step-through bar (StepThrough): slider, play / pause, speed and single steps that move
//     the selected cell across the output in raster order.
// Explaining one cell is O(window) and runs on the GUI thread; nothing here computes a tensor.
// Bypassed layers pass their input through: the receptive field skips them and they have no
// explanation of their own.

#include "core/explain/cell_explanation.h"
#include "core/explain/receptive_field.h"
#include "core/explain/step_through.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QSlider;
class QTimer;
class QToolButton;

namespace layerscope::gui {

class Document;
class InputWindowView;
class StepBar;
class PipelineRunner;

// The feature-map and numbers views show a tensor in storage order as (b, y, x, c) (rank 2 as
// B×1×1×C). These convert between a view cell and the semantic cell of a tensor read in `format`.
CellIndex viewToCell(const Shape& shape, DataFormat format, int b, int channel, int y, int x);
void cellToView(const Shape& shape, DataFormat format, const CellIndex& cell, int* channel, int* y, int* x);
// The layout a tensor is read in: the data_format of the layer that produced it (layer index
// `index`; -1 the input, which takes the first layer's); channels_last when there is none.
DataFormat tensorFormat(const Document& document, int index);

class InspectorPanel : public QWidget {
    Q_OBJECT
public:
    InspectorPanel(Document* document, PipelineRunner* runner, QWidget* parent = nullptr);
    ~InspectorPanel() override;

    // Selects output cell `cell` of layer `layer` (-1: a cell of the input).
    void select(int layer, const CellIndex& cell);
    void clearSelection();
    bool hasSelection() const { return m_layer >= -1 && m_hasSelection; }
    int selectedLayer() const { return m_layer; }
    CellIndex selectedCell() const { return m_cell; }
    // Re-explains the selection after the pipeline, the input or a layer output changed (drops it
    // when the cell no longer exists).
    void refresh();

    const std::optional<CellExplanation>& explanation() const { return m_explanation; }
    const std::optional<ReceptiveField>& receptiveField() const { return m_field; }
    // The part of tensor `index` (-1: the input, i: layer i's output) the selection depends on;
    // nullopt when there is none to draw (no selection, a later layer, no spatial axes).
    std::optional<TensorRegion> regionOf(int index) const;
    QString summaryText() const;
    QString detailsText() const;
    QString fieldText() const;
    InputWindowView* windowView() const { return m_window; }

    // Step-through.
    int64_t stepCount() const;
    int64_t stepIndex() const;
    void stepTo(int64_t index);
    void step(int delta);
    void setPlaying(bool playing);
    bool isPlaying() const;
    void setStepsPerSecond(double rate);

signals:
    // The selection changed (clicked, stepped, refreshed or cleared).
    void selectionChanged();

private:
    void updateExplanation();
    void rebuildSteps();
    void updateStepControls();
    int effectiveIndex(int layer) const; // index in the pipeline without bypassed layers

    Document* m_document;
    PipelineRunner* m_runner;
    bool m_hasSelection = false;
    int m_layer = -2;
    CellIndex m_cell;
    std::optional<CellExplanation> m_explanation;
    std::optional<ReceptiveField> m_field;
    std::vector<int> m_fieldTensor; // tensor index (-1..n-1) → index into m_field->tensors, or -1
    QString m_message;

    std::unique_ptr<Layer> m_stepLayer; // StepThrough references its layer
    std::unique_ptr<StepThrough> m_steps;
    Shape m_stepInput;
    int m_stepLayerIndex = -2;
    int64_t m_stepChannel = -1, m_stepBatch = -1;
    std::string m_stepLayerJson;

    QLabel* m_title;
    QLabel* m_summary;
    InputWindowView* m_window;
    QLabel* m_fieldLabel;
    QPlainTextEdit* m_details;
    StepBar* m_stepBar;
};

} // namespace layerscope::gui
