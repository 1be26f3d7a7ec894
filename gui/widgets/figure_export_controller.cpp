#include "figure_export_controller.h"

#include "figures/contact_sheet_figure.h"
#include "figures/graph_figure.h"
#include "figures/numbers_figure.h"
#include "figures/padding_figure.h"
#include "figures/step_animation.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QtConcurrent>

namespace layerscope::gui {

QString figureKindName(FigureKind kind)
{
    switch (kind) {
    case FigureKind::Numbers: return QStringLiteral("numbers");
    case FigureKind::Padding: return QStringLiteral("padding");
    case FigureKind::Contact: return QStringLiteral("contact");
    case FigureKind::Graph: return QStringLiteral("graph");
    }
    return {};
}

FigureExportController::FigureExportController(QWidget* dialogParent,
                                               std::function<std::optional<FigureSnapshot>()> snapshot,
                                               RememberedFolders folders)
    : QObject(dialogParent), m_dialogParent(dialogParent), m_snapshot(std::move(snapshot)), m_folders(folders), m_writer(new BackgroundExport(this))
{
    connect(m_writer, &BackgroundExport::exported, this, &FigureExportController::exported);
    connect(m_writer, &BackgroundExport::failed, this, &FigureExportController::failed);
}

void FigureExportController::exportAnimationWithDialog()
{
    const std::optional<FigureSnapshot> s = m_snapshot();
    if (isBusy() || !s)
        return;
    const QString start = QDir(m_folders.folder("export")).filePath(QString::fromStdString(s->layer->name()) + "_steps.gif");
    const QString path = QFileDialog::getSaveFileName(m_dialogParent, tr("Export step-through animation"), start,
                                                      tr("GIF animation (*.gif);;MP4 video (*.mp4)"));
    if (!path.isEmpty())
        exportAnimationTo(path);
}

void FigureExportController::exportFigureWithDialog(FigureKind kind)
{
    const std::optional<FigureSnapshot> s = m_snapshot();
    if (!s)
        return;
    const QString start = QDir(m_folders.folder("export"))
                              .filePath(QString::fromStdString(s->layer->name()) + "_" + figureKindName(kind) + ".svg");
    const QString path = QFileDialog::getSaveFileName(m_dialogParent, tr("Export %1 figure").arg(figureKindName(kind)), start,
                                                      tr("SVG (*.svg);;PDF (*.pdf);;PNG (*.png)"));
    if (!path.isEmpty())
        exportFigureTo(kind, path);
}

bool FigureExportController::exportAnimationTo(const QString& path)
{
    std::optional<FigureSnapshot> s = m_snapshot();
    if (isBusy() || !s)
        return false;
    m_folders.remember("export", QFileInfo(path).absolutePath());
    m_writer->start(QtConcurrent::run([s = std::move(*s), path]() -> QString {
        try {
            StepAnimationRequest request;
            request.layer = s.layer;
            request.input = s.input;
            request.output = s.output;
            request.channel = s.channel;
            const StepAnimation animation(request);
            animation.write(path.toStdString());
            QString message = QObject::tr("Wrote %1 (%2 frames)").arg(path).arg(animation.frameCount());
            if (const std::string note = animation.thinningNote(); !note.empty())
                message += QStringLiteral(": ") + QString::fromStdString(note);
            return message;
        } catch (const std::exception& error) {
            return QStringLiteral("error: ") + QString::fromStdString(error.what());
        }
    }));
    return true;
}

bool FigureExportController::exportFigureTo(FigureKind kind, const QString& path)
{
    const std::optional<FigureSnapshot> s = m_snapshot();
    if (!s)
        return false;
    m_folders.remember("export", QFileInfo(path).absolutePath());
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        Figure figure;
        switch (kind) {
        case FigureKind::Numbers:
            figure = numbersFigure(s->layer, s->input, s->output, s->channel, std::nullopt);
            break;
        case FigureKind::Padding:
            figure = paddingFigure(*s->layer, s->input->shape());
            break;
        case FigureKind::Contact:
            figure = contactSheetFigure(s->layer->name(), s->layer->className(), s->layer->makesSignedValues(), s->output);
            break;
        case FigureKind::Graph:
            figure = graphFigure(s->graph, s->graphInputs, s->node);
            break;
        }
        writeFigure(path.toStdString(), figure);
        QApplication::restoreOverrideCursor();
        emit exported(tr("Wrote %1").arg(path));
    } catch (const std::exception& error) {
        QApplication::restoreOverrideCursor();
        emit failed(QString::fromStdString(error.what()));
    }
    return true;
}

} // namespace layerscope::gui
