#pragma once
// Everything File ▸ does with files, for one window: opening inputs (decoded on the document's
// input loader, off the UI thread), pipelines and examples (the Examples menu), saving, the
// "unsaved changes" question, the recent-files list and the crash-recovery session. The window
// creates the actions and calls these; results it must show come back as signals.

#include "remembered_folders.h"

#include "engine/worker_threads.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QMenu;
class QWidget;

namespace layerscope {
struct ModelGraph;
struct DeclaredImageInput;
}

namespace layerscope::gui {

class Autosave;
class UiHandoff;
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
    // File ▸ Lessons: the graphs of resources/lessons (scripts/make_lessons.py), each opening
    // like an example with its lesson text in the graph window's intro panel.
    void populateLessons(QMenu* menu);

    // Start-up: restore the autosaved session if asked and wanted, else the input (the bundled
    // sample when empty) and the pipeline file (the default pipeline when empty or unreadable).
    void openInitial(const QString& inputPath, const QString& pipelinePath, bool offerRestore);
    bool openPipelineFile(const QString& path); // no prompt
    // Undoable; the file is decoded on a worker and a file that does not open changes nothing.
    void openInputFile(const QString& path);
    bool loadExample(const QString& resourcePath);
    bool savePipelineTo(const QString& path);
    // A Keras model file (.keras, .h5, .hdf5, or a model JSON that is not a pipeline), read on a
    // worker: a linear model whose layers all run opens as the stack (with its trained weights);
    // any other opens in a graph window (modelGraphOpened). A file that does not open changes
    // nothing and says why.
    // `discardConfirmed`: the user already agreed to replace unsaved changes (Open dialog).
    void openModelFile(const QString& path, bool discardConfirmed = false);
    bool isLoadingModel() const { return m_loadingModel; }
    // Opens what was dropped or chosen from Open Recent: a .json as a pipeline (or a model),
    // .keras/.h5/.hdf5 as a model, anything else as the input.
    void openAny(const QString& path);
    static bool isModelFileName(const QString& path);
    // The question shown after a plain-stack model opened on an image of another size (tests).
    QWidget* inputFitQuestion() const { return m_inputFitQuestion; }

    bool maybeSave(); // true when the caller may discard the document
    bool save();
    bool saveAs();
    void openInputDialog();
    void openPipelineDialog();
    void newDefaultPipeline();

signals:
    void selectLayerRequested(int index);
    void modelGraphOpened(std::shared_ptr<const layerscope::ModelGraph> graph, const QString& path);
    // After a graph example's modelGraphOpened: what to read and which node to start on.
    void exampleIntro(const QString& title, const QString& description, const QString& selectNode);
    void statusMessage(const QString& message, int timeoutMs);

private:
    // One action per example file under `directory` (a resource folder), titled from its
    // "layerscope_example" key and opening like the Examples menu.
    void populateFromResources(QMenu* menu, const QString& directory);
    bool restoreAutosave();
    void offerInputFit(const DeclaredImageInput& declared);
    bool loadGraphExample(const QByteArray& bytes, const QJsonObject& example);
    void warn(const QString& title, const QString& message);

    QWidget* m_window;
    Document* m_document;
    Autosave* m_autosave;
    RememberedFolders m_folders;
    RestoreAnswer m_restoreAnswer;
    RecentFiles* m_recent = nullptr;
    UiHandoff* m_handoff;
    bool m_loadingModel = false;
    QPointer<QWidget> m_inputFitQuestion;
    quint64 m_modelRequest = 0;
    WorkerThreads m_workers; // last: joined before the handoff goes
};

} // namespace layerscope::gui
