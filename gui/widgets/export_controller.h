#pragma once
// File ▸ Export: one handler for every kind of export. Each kind names its dialog (a file or a
// folder), title, default file name and filter in one table; the outputs are snapshotted on the
// UI thread (immutable shared tensors) and rendered and written on a worker thread, so a large
// export never stalls the window. The result is reported through signals (the window shows them
// in the status bar, a failure in a message box).

#include "background_export.h"
#include "remembered_folders.h"

#include "core/render/render.h"


#include <functional>
#include <memory>
#include <vector>
#include <QObject>
#include <QString>

class QWidget;

namespace layerscope::gui {

class Document;
class PipelineRunner;
struct NamedOutput;

enum class ExportKind { ChannelPngs, ContactSheet, Composite, Npy, AllLayers };

// What can be exported: the stack's layers (index −1: the input) or a graph's nodes.
struct ExportSource {
    std::function<std::shared_ptr<const Tensor>(int index)> output;
    std::function<QString(int index)> name;       // the default file name's stem
    std::function<std::vector<NamedOutput>()> all; // every output, for AllLayers
};
// The stack's: the document's layers and the pipeline runner's outputs.
ExportSource pipelineExportSource(const Document* document, const PipelineRunner* runner);

class ExportController : public QObject {
    Q_OBJECT
public:
    // `dialogParent` parents the file dialogs and owns the controller.
    ExportController(QWidget* dialogParent, ExportSource source, RememberedFolders folders);

    // Asks for the destination, then exports the output of `layer` (−1: the input; AllLayers
    // exports every output).
    void exportWithDialog(ExportKind kind, int layer, const RenderOptions& options);
    // Exports to `destination` (a file; a folder for ChannelPngs and AllLayers) on a worker
    // thread. False, without starting, when there is nothing to export or one is running.
    bool exportTo(ExportKind kind, int layer, const RenderOptions& options, const QString& destination);
    bool isBusy() const { return m_writer->isBusy(); }
    void waitForIdle() { m_writer->waitForIdle(); }

signals:
    void exported(const QString& message);
    void failed(const QString& message);

private:
    QWidget* m_dialogParent;
    ExportSource m_source;
    RememberedFolders m_folders;
    BackgroundExport* m_writer;
};

} // namespace layerscope::gui
