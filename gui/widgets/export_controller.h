#pragma once
// File ▸ Export: one handler for every kind of export. Each kind names its dialog (a file or a
// folder), title, default file name and filter in one table; the outputs are snapshotted on the
// UI thread (immutable shared tensors) and rendered and written on a worker thread, so a large
// export never stalls the window. The result is reported through signals (the window shows them
// in the status bar, a failure in a message box).

#include "remembered_folders.h"

#include "core/render/render.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

class QWidget;

namespace layerscope::gui {

class Document;
class PipelineRunner;

enum class ExportKind { ChannelPngs, ContactSheet, Composite, Npy, AllLayers };

class ExportController : public QObject {
    Q_OBJECT
public:
    // `dialogParent` parents the file dialogs and owns the controller.
    ExportController(QWidget* dialogParent, const Document* document, const PipelineRunner* runner,
                     RememberedFolders folders);
    ~ExportController() override;

    // Asks for the destination, then exports the output of `layer` (−1: the input; AllLayers
    // exports every output).
    void exportWithDialog(ExportKind kind, int layer, const RenderOptions& options);
    // Exports to `destination` (a file; a folder for ChannelPngs and AllLayers) on a worker
    // thread. False, without starting, when there is nothing to export or one is running.
    bool exportTo(ExportKind kind, int layer, const RenderOptions& options, const QString& destination);
    bool isBusy() const { return m_watcher.isRunning(); }
    void waitForIdle() { m_watcher.waitForFinished(); }

signals:
    void exported(const QString& message);
    void failed(const QString& message);

private:
    QString layerStem(int layer) const;

    QWidget* m_dialogParent;
    const Document* m_document;
    const PipelineRunner* m_runner;
    RememberedFolders m_folders;
    QFutureWatcher<QString> m_watcher; // the result: the status text, or "error: …"
};

} // namespace layerscope::gui
