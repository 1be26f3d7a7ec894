#pragma once
// File ▸ Export ▸ Step-through Animation… and File ▸ Export ▸ Figure: the selected layer as a GIF /
// MP4 animation (StepAnimation) or as an SVG / PDF / PNG figure (numbers, padding split, contact
// sheet, graph; gui/figures/). What is drawn is snapshotted on the UI thread (a copy of the layer,
// the immutable input and output tensors); an animation is drawn and written on a worker thread,
// a figure at once (it is one picture, and the graph figure lays out a scene, which needs the UI
// thread). Results are reported as ExportController's are.

#include "background_export.h"
#include "remembered_folders.h"

#include "core/graph/graph.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QWidget;

namespace layerscope::gui {

enum class FigureKind { Numbers, Padding, Contact, Graph };

// The selected layer as the figures need it.
struct FigureSnapshot {
    std::shared_ptr<const Layer> layer;          // a copy: later edits do not reach the export
    std::shared_ptr<const Tensor> input, output; // the layer's input and output
    int64_t channel = 0;                         // the output channel shown
    std::shared_ptr<const ModelGraph> graph;     // the whole model (graph figure)
    std::vector<Shape> graphInputs;
    size_t node = 0;                             // the layer's node in `graph`
};

class FigureExportController : public QObject {
    Q_OBJECT
public:
    // `snapshot` gives the selected layer's snapshot, nullopt when it has no output yet.
    FigureExportController(QWidget* dialogParent, std::function<std::optional<FigureSnapshot>()> snapshot,
                           RememberedFolders folders);

    void exportAnimationWithDialog();
    void exportFigureWithDialog(FigureKind kind);
    // Without a dialog (tests): false, without starting, when there is nothing to export or an
    // animation is being written.
    bool exportAnimationTo(const QString& path);
    bool exportFigureTo(FigureKind kind, const QString& path);
    bool isBusy() const { return m_writer->isBusy(); }
    void waitForIdle() { m_writer->waitForIdle(); }

signals:
    void exported(const QString& message);
    void failed(const QString& message);

private:
    QWidget* m_dialogParent;
    std::function<std::optional<FigureSnapshot>()> m_snapshot;
    RememberedFolders m_folders;
    BackgroundExport* m_writer;
};

QString figureKindName(FigureKind kind);

} // namespace layerscope::gui
