#include "file_controller.h"

#include "commands/change_input_command.h"
#include "document/autosave.h"
#include "document/document.h"
#include "document/pipeline_file.h"
#include "engine/ui_handoff.h"
#include "widgets/main_window.h"
#include "widgets/recent_files.h"

#include "cli/cli.h"
#include "core/default_pipeline.h"
#include "core/graph/graph.h"
#include "core/graph/graph_json.h"
#include "core/graph/model_file.h"
#include "core/graph/model_input_fit.h"
#include "core/io/image_io.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenu>
#include <QAbstractButton>
#include <QApplication>
#include <QPushButton>
#include <QMessageBox>

namespace layerscope::gui {

namespace {

InputSpec specFromDeclaredShape(const Pipeline& pipeline)
{
    InputSpec spec;
    if (pipeline.declaredInputShape && pipeline.declaredInputShape->size() == 4) {
        const Shape& s = *pipeline.declaredInputShape;
        spec = InputSpec::arange(s[0] > 0 ? static_cast<int>(s[0]) : 1, s[1] > 0 ? static_cast<int>(s[1]) : 3,
                                 s[2] > 0 ? static_cast<int>(s[2]) : 3, s[3] > 0 ? static_cast<int>(s[3]) : 1);
    }
    return spec;
}

QString sampleImagePath()
{
    return QString::fromStdString(bundledSampleImage().string());
}

int inputChannels(const Document& document)
{
    const auto input = document.input();
    return input && input->rank() == 4 ? static_cast<int>(input->dim(3)) : 3;
}

} // namespace

FileController::FileController(QWidget* window, Document* document, Autosave* autosave,
                               const RememberedFolders& folders, RestoreAnswer restoreAnswer)
    : QObject(window), m_window(window), m_document(document), m_autosave(autosave), m_folders(folders),
      m_restoreAnswer(restoreAnswer), m_handoff(new UiHandoff(this))
{
}

void FileController::createRecentMenu(QMenu* menu, bool useSettings)
{
    m_recent = new RecentFiles(menu, useSettings, this);
    connect(m_recent, &RecentFiles::openRequested, this, &FileController::openAny);
}

void FileController::populateExamples(QMenu* menu)
{
    populateFromResources(menu, QStringLiteral(":/examples"));
}

void FileController::populateLessons(QMenu* menu)
{
    populateFromResources(menu, QStringLiteral(":/lessons"));
}

void FileController::populateFromResources(QMenu* menu, const QString& directory)
{
    QDirIterator it(directory, {"*.json"}, QDir::Files);
    QStringList files;
    while (it.hasNext())
        files << it.next();
    files.sort();
    for (const QString& path : files) {
        QFile f(path);
        QString title = QFileInfo(path).baseName();
        if (f.open(QIODevice::ReadOnly)) {
            const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
            title = o.value("layerscope_example").toObject().value("title").toString(title);
        }
        menu->addAction(title, this, [this, path] {
            if (maybeSave())
                loadExample(path);
        });
    }
}

void FileController::openInitial(const QString& inputPath, const QString& pipelinePath, bool offerRestore)
{
    if (offerRestore && restoreAutosave())
        return;
    // `layerscope PIPELINE.json` alone (how the file manager's "Open with" calls the .desktop
    // entry's Exec=layerscope %f): a pipeline or Keras JSON model, shown on the bundled sample.
    if (pipelinePath.isEmpty() && inputPath.endsWith(".json", Qt::CaseInsensitive)) {
        openInitial(QString(), inputPath, /*offerRestore=*/false);
        return;
    }
    // `layerscope PIPELINE.json IMAGE` (the model first, as for .keras/.h5): the same as the
    // original order IMAGE PIPELINE.json.
    if (inputPath.endsWith(".json", Qt::CaseInsensitive) && !pipelinePath.isEmpty()
        && !pipelinePath.endsWith(".json", Qt::CaseInsensitive)) {
        openInitial(pipelinePath, inputPath, /*offerRestore=*/false);
        return;
    }
    // `layerscope MODEL [IMAGE]`: a Keras model first, then the image it is shown on.
    if (isModelFileName(inputPath)) {
        const QString model = inputPath;
        const InputSpec spec = InputSpec::file(pipelinePath.isEmpty() ? sampleImagePath() : pipelinePath);
        m_document->inputLoader()->load(spec, [this, spec, model](std::shared_ptr<const Tensor> tensor, const QString&) {
            if (tensor)
                m_document->setInput(spec, std::move(tensor));
            else
                m_document->setInput(spec);
            m_document->resetPipeline(defaultPipeline(inputChannels(*m_document)));
            emit selectLayerRequested(0);
            openModelFile(model, /*discardConfirmed=*/true);
        });
        return;
    }
    const InputSpec spec = InputSpec::file(inputPath.isEmpty() ? sampleImagePath() : inputPath);
    if (!pipelinePath.isEmpty()) {
        m_document->setInput(spec);
        if (openPipelineFile(pipelinePath))
            return;
    }
    // The default pipeline is made for the input's channels, so it waits for the decoded input.
    m_document->inputLoader()->load(spec, [this, spec](std::shared_ptr<const Tensor> tensor, const QString&) {
        if (tensor)
            m_document->setInput(spec, std::move(tensor));
        else
            m_document->setInput(spec); // fails again, and the document shows why
        m_document->resetPipeline(defaultPipeline(inputChannels(*m_document)));
        emit selectLayerRequested(0);
    });
}

bool FileController::openPipelineFile(const QString& path)
{
    QByteArray bytes;
    {
        // An example file (a pipeline plus the input it is meant for) opens like the Examples menu.
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            bytes = f.readAll();
        if (QJsonDocument::fromJson(bytes).object().contains("layerscope_example")) {
            if (!loadExample(path))
                return false;
            m_document->setFileName(path);
            if (m_recent)
                m_recent->add(path);
            return true;
        }
    }
    try {
        Pipeline pipeline = loadPipelineFile(path.toStdString());
        m_document->resetPipeline(std::move(pipeline));
        m_document->setFileName(path);
        if (m_recent)
            m_recent->add(path);
        m_folders.remember("pipeline", QFileInfo(path).absolutePath());
        emit selectLayerRequested(m_document->layerCount() > 0 ? 0 : -1);
        const QString mismatch = m_document->declaredShapeMismatch();
        const QString opened = tr("Opened %1").arg(QFileInfo(path).fileName());
        emit statusMessage(opened + (mismatch.isEmpty() ? QString() : QStringLiteral(" — ") + mismatch),
                           mismatch.isEmpty() ? 4000 : 15000);
        // The input saved with the pipeline comes back with it (decoded on the worker); one that
        // no longer loads (a moved image) leaves the current input and says so.
        if (const std::optional<InputSpec> saved = savedInput(bytes, path)) {
            const InputSpec spec = *saved;
            m_document->inputLoader()->load(spec, [this, spec, opened](std::shared_ptr<const Tensor> tensor,
                                                                       const QString& error) {
                if (tensor) {
                    m_document->setInput(spec, std::move(tensor));
                    const QString mismatch = m_document->declaredShapeMismatch();
                    if (!mismatch.isEmpty())
                        emit statusMessage(opened + QStringLiteral(" — ") + mismatch, 15000);
                } else {
                    emit statusMessage(opened + tr(" — its input %1 did not load (%2); the current input stays")
                                                    .arg(spec.describe(), error),
                                       15000);
                }
            });
        }
        return true;
    } catch (const std::exception& error) {
        // A Keras model JSON with branches (or layers a pipeline cannot hold) opens as a graph,
        // parsed from the bytes already read (JSON: no weights file, no HDF5).
        try {
            auto graph = std::make_shared<const ModelGraph>(loadModelBytes(bytes.toStdString(), path.toStdString()));
            if (!pipelineFromGraph(*graph)) {
                if (m_recent)
                    m_recent->add(path);
                m_folders.remember("pipeline", QFileInfo(path).absolutePath());
                emit statusMessage(tr("Opened %1: %2 nodes").arg(QFileInfo(path).fileName()).arg(graph->nodes.size()), 5000);
                emit modelGraphOpened(graph, path);
                return true;
            }
        } catch (const std::exception&) {
            // Not a model either: the pipeline reader's message says what is wrong.
        }
        warn(tr("Open pipeline"), tr("Could not open %1:\n%2").arg(path, QString::fromStdString(error.what())));
        return false;
    }
}

void FileController::openInputFile(const QString& path)
{
    // A new file starts from Keras's defaults (img_to_array: 0..255, colour as loaded); the
    // previous input's scale or colour mode does not carry over.
    const InputSpec spec = InputSpec::file(path);
    m_folders.remember("input", QFileInfo(path).absolutePath());
    emit statusMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()), 0);
    // Load before touching the document: a file that does not open changes nothing.
    m_document->inputLoader()->load(spec, [this, spec, path](std::shared_ptr<const Tensor> tensor, const QString& error) {
        if (!tensor) {
            const QString message = tr("Could not open %1: %2").arg(QFileInfo(path).fileName(), error);
            emit statusMessage(message, 10000);
            warn(tr("Open input"), message);
            return;
        }
        emit statusMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 3000);
        m_document->undoStack()->push(new ChangeInputCommand(m_document, spec, {}, nullptr, std::move(tensor)));
        if (m_recent)
            m_recent->add(path);
        emit selectLayerRequested(-1);
    });
}

bool FileController::loadExample(const QString& resourcePath)
{
    QFile f(resourcePath);
    if (!f.open(QIODevice::ReadOnly)) {
        qWarning("example %s: %s", qPrintable(resourcePath), qPrintable(f.errorString()));
        return false;
    }
    const QByteArray bytes = f.readAll();
    const QJsonObject graphExample = QJsonDocument::fromJson(bytes).object().value("layerscope_example").toObject();
    if (graphExample.value("title").toString().startsWith(QStringLiteral("Graph:")))
        return loadGraphExample(bytes, graphExample);
    try {
        Pipeline pipeline = parsePipelineJson(bytes.toStdString());
        const QJsonObject example = QJsonDocument::fromJson(bytes).object().value("layerscope_example").toObject();
        InputSpec spec = specFromDeclaredShape(pipeline);
        const QJsonObject input = example.value("input").toObject();
        if (!input.isEmpty()) {
            spec = InputSpec::fromJson(input);
            if (spec.kind == InputSourceKind::File && spec.path == "sample")
                spec.path = sampleImagePath();
        }
        m_document->setInput(spec);
        m_document->resetPipeline(std::move(pipeline));
        m_document->setFileName({});
        const int select = example.value("select").toInt(m_document->layerCount() - 1);
        emit selectLayerRequested(std::min(select, m_document->layerCount() - 1));
        emit statusMessage(example.value("description").toString(), 8000);
        return true;
    } catch (const std::exception& error) {
        warn(tr("Example"), QString::fromStdString(error.what()));
        return false;
    }
}

bool FileController::loadGraphExample(const QByteArray& bytes, const QJsonObject& example)
{
    try {
        auto graph = std::make_shared<const ModelGraph>(parseModelJson(bytes.toStdString()));
        InputSpec spec = InputSpec::fromJson(example.value("input").toObject());
        if (spec.kind == InputSourceKind::File && spec.path == "sample")
            spec.path = sampleImagePath();
        // The example's picture becomes the input (one undo step); the stack stays as it is.
        if (!(spec == m_document->inputSpec()))
            m_document->undoStack()->push(new ChangeInputCommand(m_document, spec));
        const QString title = example.value("title").toString().mid(QStringLiteral("Graph:").size()).trimmed();
        emit modelGraphOpened(graph, title);
        // A lesson says what to look at in a paragraph of its own below the summary.
        const QString lesson = example.value("lesson").toString();
        const QString text = example.value("description").toString() + (lesson.isEmpty() ? QString() : "\n\n" + lesson);
        emit exampleIntro(title, text, example.value("select").toString());
        return true;
    } catch (const std::exception& error) {
        warn(tr("Example"), QString::fromStdString(error.what()));
        return false;
    }
}

bool FileController::savePipelineTo(const QString& path)
{
    try {
        savePipelineWithInput(m_document->pipeline(), m_document->inputSpec(), path);
    } catch (const std::exception& error) {
        QMessageBox::warning(m_window, tr("Save pipeline"),
                             tr("Could not save %1:\n%2").arg(path, QString::fromStdString(error.what())));
        return false;
    }
    m_document->setFileName(path);
    m_document->undoStack()->setClean();
    if (m_recent)
        m_recent->add(path);
    m_folders.remember("pipeline", QFileInfo(path).absolutePath());
    emit statusMessage(tr("Saved %1").arg(path), 4000);
    return true;
}

bool FileController::isModelFileName(const QString& path)
{
    return path.endsWith(".keras", Qt::CaseInsensitive) || path.endsWith(".h5", Qt::CaseInsensitive)
           || path.endsWith(".hdf5", Qt::CaseInsensitive);
}

void FileController::openAny(const QString& path)
{
    if (isModelFileName(path)) {
        openModelFile(path);
        return;
    }
    if (!path.endsWith(".json", Qt::CaseInsensitive))
        openInputFile(path);
    else if (maybeSave())
        openPipelineFile(path);
}

void FileController::openModelFile(const QString& path, bool discardConfirmed)
{
    const quint64 request = ++m_modelRequest;
    m_loadingModel = true;
    emit statusMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()), 0);
    QApplication::setOverrideCursor(Qt::BusyCursor);
    // Reading a model (zip, HDF5 in the reader process, weights) is file and tensor work: a worker's.
    m_workers.start([this, handoff = m_handoff, path, request, discardConfirmed] {
        std::shared_ptr<const ModelGraph> graph;
        QString error;
        try {
            graph = std::make_shared<const ModelGraph>(loadModelFile(path.toStdString()));
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        handoff->post([this, path, graph, error, request, discardConfirmed] {
            QApplication::restoreOverrideCursor();
            if (request != m_modelRequest)
                return;
            m_loadingModel = false;
            if (!graph) {
                emit statusMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 6000);
                warn(tr("Open model"), tr("Could not open %1:\n%2").arg(path, error));
                return;
            }
            if (m_recent)
                m_recent->add(path);
            m_folders.remember("pipeline", QFileInfo(path).absolutePath());
            // A plain stack of layers that all run reads best as the familiar stack.
            if (std::optional<Pipeline> pipeline = pipelineFromGraph(*graph)) {
                if (!discardConfirmed && !maybeSave())
                    return;
                m_document->resetPipeline(std::move(*pipeline));
                m_document->setFileName({});
                emit selectLayerRequested(m_document->layerCount() > 0 ? 0 : -1);
                const QString mismatch = m_document->declaredShapeMismatch();
                emit statusMessage(tr("Opened %1 as a stack of %2 layers with its weights (Save writes a pipeline "
                                      "file)%3")
                                       .arg(QFileInfo(path).fileName())
                                       .arg(m_document->layerCount())
                                       .arg(mismatch.isEmpty() ? QString() : QStringLiteral(" — ") + mismatch),
                                   mismatch.isEmpty() ? 6000 : 15000);
                offerInputFit(declaredImageInput(*graph));
                return;
            }
            emit statusMessage(tr("Opened %1: %2 nodes").arg(QFileInfo(path).fileName()).arg(graph->nodes.size()), 5000);
            emit modelGraphOpened(graph, path);
        });
    });
}

bool FileController::maybeSave()
{
    if (!m_document->isModified())
        return true;
    const auto answer = QMessageBox::warning(
        m_window, tr("Unsaved changes"), tr("The pipeline has unsaved changes. Save them first?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

bool FileController::save()
{
    if (m_document->fileName().isEmpty())
        return saveAs();
    return savePipelineTo(m_document->fileName());
}

bool FileController::saveAs()
{
    QString path = QFileDialog::getSaveFileName(m_window, tr("Save pipeline"),
                                                QDir(m_folders.folder("pipeline")).filePath("pipeline.json"),
                                                tr("Pipelines (*.json)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(".json", Qt::CaseInsensitive))
        path += ".json";
    return savePipelineTo(path);
}

void FileController::openInputDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open image or array"), m_folders.folder("input"),
        tr("Images and arrays (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.npy);;All files (*)"));
    if (!path.isEmpty())
        openInputFile(path);
}

void FileController::openPipelineDialog()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open model or pipeline"), m_folders.folder("pipeline"),
        tr("Models and pipelines (*.keras *.h5 *.hdf5 *.json);;Keras models (*.keras *.h5 *.hdf5);;Pipelines "
           "(*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (isModelFileName(path))
        openModelFile(path, /*discardConfirmed=*/true);
    else
        openPipelineFile(path);
}

void FileController::newDefaultPipeline()
{
    if (!maybeSave())
        return;
    m_document->resetPipeline(defaultPipeline(inputChannels(*m_document)));
    m_document->setFileName({});
}

bool FileController::restoreAutosave()
{
    const std::optional<QJsonObject> session = Autosave::read();
    if (!session)
        return false;
    const auto answer = m_restoreAnswer == RestoreAnswer::Yes ? QMessageBox::Yes
        : m_restoreAnswer == RestoreAnswer::No                ? QMessageBox::No
        : QMessageBox::question(
              m_window, tr("Restore session"),
              tr("LayerScope did not exit cleanly last time. Restore the unsaved pipeline and input?"),
              QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
        m_autosave->remove();
        return false;
    }
    try {
        Autosave::restoreInto(*m_document, *session);
        emit selectLayerRequested(0);
        return true;
    } catch (const std::exception& error) {
        warn(tr("Restore session"), QString::fromStdString(error.what()));
        return false;
    }
}

// Not modal-blocking: the message may come from a finished background load, and a nested event
// loop there would let the next edit in under it.
void FileController::offerInputFit(const DeclaredImageInput& declared)
{
    const std::shared_ptr<const Tensor> input = m_document->input();
    const InputSpec current = m_document->inputSpec();
    if (!input || current.kind != InputSourceKind::File || !declared.height || !declared.width
        || input->rank() != 4 || (input->dim(1) == *declared.height && input->dim(2) == *declared.width))
        return;
    // The model was trained on images of its declared size: offer Keras's preprocessing (resize,
    // or centre crop to the aspect and resize), or keep the picture as it is. Not modal: the
    // stack is already open and running behind the question.
    auto* box = new QMessageBox(QMessageBox::Question, tr("Fit the input to the model"),
                                tr("The model takes %1×%2 images; %3 is %4×%5. Resize it as Keras preprocessing "
                                   "would (tf.image.resize, bilinear)?")
                                    .arg(*declared.width)
                                    .arg(*declared.height)
                                    .arg(current.describe())
                                    .arg(input->dim(2))
                                    .arg(input->dim(1)),
                                QMessageBox::NoButton, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QAbstractButton* resize = box->addButton(tr("Resize to %1×%2").arg(*declared.width).arg(*declared.height),
                                             QMessageBox::AcceptRole);
    QAbstractButton* crop = box->addButton(tr("Crop to Aspect and Resize"), QMessageBox::AcceptRole);
    box->addButton(tr("Keep as It Is"), QMessageBox::RejectRole);
    box->setDefaultButton(qobject_cast<QPushButton*>(resize));
    const int height = static_cast<int>(*declared.height), width = static_cast<int>(*declared.width);
    connect(box, &QMessageBox::buttonClicked, this, [this, resize, crop, current, height, width](QAbstractButton* button) {
        if (button != resize && button != crop)
            return;
        InputSpec fitted = current;
        fitted.fitHeight = height;
        fitted.fitWidth = width;
        fitted.fitCrop = button == crop;
        m_document->undoStack()->push(new ChangeInputCommand(m_document, fitted));
    });
    m_inputFitQuestion = box;
    box->open();
}

void FileController::warn(const QString& title, const QString& message)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace layerscope::gui
