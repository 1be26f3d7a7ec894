#include "export_controller.h"

#include "document/document.h"
#include "engine/exporter.h"
#include "engine/pipeline_runner.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QtConcurrent>

namespace layerscope::gui {

namespace {

struct KindInfo {
    const char* title;
    const char* suffix; // appended to the layer's name for the default file name
    const char* filter;
    bool folder;        // the destination is a folder
};

KindInfo info(ExportKind kind)
{
    switch (kind) {
    case ExportKind::ChannelPngs: return {QT_TR_NOOP("Export channels into folder"), "", "", true};
    case ExportKind::ContactSheet: return {QT_TR_NOOP("Export contact sheet"), "_sheet.png", QT_TR_NOOP("PNG (*.png)"), false};
    case ExportKind::Composite: return {QT_TR_NOOP("Export RGB composite"), "_rgb.png", QT_TR_NOOP("PNG (*.png)"), false};
    case ExportKind::Npy: return {QT_TR_NOOP("Export .npy"), ".npy", QT_TR_NOOP("NumPy arrays (*.npy)"), false};
    case ExportKind::AllLayers: return {QT_TR_NOOP("Export all layers into folder"), "", "", true};
    }
    return {"", "", "", false};
}

} // namespace

ExportSource pipelineExportSource(const Document* document, const PipelineRunner* runner)
{
    return {[runner](int layer) { return runner->output(layer); },
            [document](int layer) {
                return layer < 0 ? QStringLiteral("input") : QString::fromStdString(document->layer(layer).name());
            },
            [document, runner] { return snapshotOutputs(*document, *runner); }};
}

ExportController::ExportController(QWidget* dialogParent, ExportSource source, RememberedFolders folders)
    : QObject(dialogParent), m_dialogParent(dialogParent), m_source(std::move(source)), m_folders(folders), m_writer(new BackgroundExport(this))
{
    connect(m_writer, &BackgroundExport::exported, this, &ExportController::exported);
    connect(m_writer, &BackgroundExport::failed, this, &ExportController::failed);
}

void ExportController::exportWithDialog(ExportKind kind, int layer, const RenderOptions& options)
{
    if (isBusy() || (kind != ExportKind::AllLayers && !m_source.output(layer)))
        return;
    const KindInfo k = info(kind);
    const QString start = m_folders.folder("export");
    const QString destination = k.folder
        ? QFileDialog::getExistingDirectory(m_dialogParent, tr(k.title), start)
        : QFileDialog::getSaveFileName(m_dialogParent, tr(k.title), QDir(start).filePath(m_source.name(layer) + k.suffix),
                                       tr(k.filter));
    if (!destination.isEmpty())
        exportTo(kind, layer, options, destination);
}

bool ExportController::exportTo(ExportKind kind, int layer, const RenderOptions& options, const QString& destination)
{
    if (isBusy())
        return false;
    std::vector<NamedOutput> outputs;
    if (kind == ExportKind::AllLayers) {
        outputs = m_source.all();
    } else if (auto tensor = m_source.output(layer)) {
        outputs.push_back({layer, m_source.name(layer), std::move(tensor)});
    }
    if (outputs.empty())
        return false;
    m_folders.remember("export", info(kind).folder ? destination : QFileInfo(destination).absolutePath());
    m_writer->start(QtConcurrent::run([kind, outputs = std::move(outputs), options, destination]() -> QString {
        try {
            const NamedOutput& first = outputs.front();
            switch (kind) {
            case ExportKind::ChannelPngs: {
                const QStringList files = exportChannelPngs(*first.tensor, options, destination, first.name);
                return QObject::tr("Wrote %1 PNG files into %2").arg(files.size()).arg(destination);
            }
            case ExportKind::ContactSheet:
                exportContactSheet(*first.tensor, options, destination,
                                   first.name + "  " + QString::fromStdString(shapeToString(first.tensor->shape())));
                break;
            case ExportKind::Composite:
                exportComposite(*first.tensor, options, destination);
                break;
            case ExportKind::Npy:
                exportNpy(*first.tensor, destination);
                break;
            case ExportKind::AllLayers:
                return QObject::tr("Wrote %1 layers into %2").arg(exportAllLayers(outputs, options, destination)).arg(destination);
            }
            return QObject::tr("Wrote %1").arg(destination);
        } catch (const std::exception& error) {
            return QStringLiteral("error: ") + QString::fromStdString(error.what());
        }
    }));
    return true;
}

} // namespace layerscope::gui
