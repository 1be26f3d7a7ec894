#pragma once
// Everything File ▸ does with files, for one window: opening inputs (decoded on the document's
// input loader, off the UI thread), pipelines and examples (the Examples menu), saving, the
// "unsaved changes" question, the recent-files list and the crash-recovery session. The window
// creates the actions and calls these; results it must show come back as signals.

#include "remembered_folders.h"

#include <QObject>
#include <QString>

class QMenu;
class QWidget;

namespace layerscope::gui {

class Autosave;
class Document;
class RecentFiles;
enum class RestoreAnswer;

class FileController : public QObject {
    Q_OBJECT
public:
    FileController(QWidget* window, Document* document, Autosave* autosave, const RememberedFolders& folders,
                   RestoreAnswer restoreAnswer);

    // Builds File ▸ Open Recent in `menu`.
    void createRecentMenu(QMenu* menu, bool useSettings);
    // One entry per built-in example (":/examples/*.json"), titled from the file.
    void populateExamples(QMenu* menu);

    // Start-up: restore the autosaved session if asked and wanted, else the input (the bundled
    // sample when empty) and the pipeline file (the default pipeline when empty or unreadable).
    void openInitial(const QString& inputPath, const QString& pipelinePath, bool offerRestore);
    bool openPipelineFile(const QString& path); // no prompt
    // Undoable; the file is decoded on a worker and a file that does not open changes nothing.
    void openInputFile(const QString& path);
    bool loadExample(const QString& resourcePath);
    bool savePipelineTo(const QString& path);
    // Opens what was dropped or chosen from Open Recent: a .json as a pipeline, anything else as
    // the input.
    void openAny(const QString& path);

    bool maybeSave(); // true when the caller may discard the document
    bool save();
    bool saveAs();
    void openInputDialog();
    void openPipelineDialog();
    void newDefaultPipeline();

signals:
    void selectLayerRequested(int index);
    void statusMessage(const QString& message, int timeoutMs);

private:
    bool restoreAutosave();
    void warn(const QString& title, const QString& message);

    QWidget* m_window;
    Document* m_document;
    Autosave* m_autosave;
    RememberedFolders m_folders;
    RestoreAnswer m_restoreAnswer;
    RecentFiles* m_recent = nullptr;
};

} // namespace layerscope::gui
