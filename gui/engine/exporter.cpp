#include "exporter.h"

#include "document/document.h"
#include "engine/pipeline_runner.h"
#include "engine/tensor_image.h"

#include "core/io/npy.h"

#include <QDir>

namespace layerscope::gui {

namespace {

std::vector<std::pair<std::string, std::string>> metadata(const RenderOptions& options,
                                                          const std::string& what)
{
    std::vector<std::pair<std::string, std::string>> text{
        {"Software", "LayerScope"},
        {"Title", what},
        {"colormap", colormapName(options.colormap)},
        {"normalization", normalizationName(options.normalization)},
        {"batch_index", std::to_string(options.batchIndex)}};
    if (options.normalization == Normalization::FixedRange)
        text.emplace_back("fixed_range", std::to_string(options.fixedMin) + " " + std::to_string(options.fixedMax));
    return text;
}

std::filesystem::path fsPath(const QString& path)
{
    return std::filesystem::path(path.toStdString());
}

} // namespace

QStringList exportChannelPngs(const Tensor& tensor, const RenderOptions& options,
                              const QString& folder, const QString& stem)
{
    QDir().mkpath(folder);
    const TensorGeometry g = tensorGeometry(tensor);
    QStringList files;
    const int digits = QString::number(std::max<int64_t>(1, g.channels - 1)).size();
    for (int c = 0; c < g.channels; ++c) {
        const QString file = QDir(folder).filePath(QStringLiteral("%1_c%2.png").arg(stem).arg(c, digits, 10, QChar('0')));
        const ValueRange range = displayRange(tensor, c, options);
        auto text = metadata(options, stem.toStdString() + " channel " + std::to_string(c));
        text.emplace_back("channel", std::to_string(c));
        text.emplace_back("display_range", std::to_string(range.min) + " " + std::to_string(range.max));
        writePng(fsPath(file), renderChannel(tensor, c, options), text);
        files << file;
    }
    return files;
}

void exportContactSheet(const Tensor& tensor, const RenderOptions& options, const QString& path,
                        const QString& title)
{
    writePng(fsPath(path), renderContactSheet(tensor, options, title.toStdString()),
             metadata(options, title.toStdString()));
}

void exportComposite(const Tensor& tensor, const RenderOptions& options, const QString& path)
{
    writePng(fsPath(path), renderComposite(tensor, options), metadata(options, "RGB composite"));
}

void exportNpy(const Tensor& tensor, const QString& path)
{
    writeNpy(fsPath(path), tensor);
}

std::vector<NamedOutput> snapshotOutputs(const Document& document, const PipelineRunner& runner)
{
    std::vector<NamedOutput> outputs;
    for (int i = -1; i < document.layerCount(); ++i)
        if (auto tensor = runner.output(i))
            outputs.push_back({i, i < 0 ? QStringLiteral("input") : QString::fromStdString(document.layer(i).name()),
                               std::move(tensor)});
    return outputs;
}

int exportAllLayers(const std::vector<NamedOutput>& outputs, const RenderOptions& options, const QString& folder)
{
    QDir().mkpath(folder);
    for (const NamedOutput& output : outputs) {
        const Tensor& tensor = *output.tensor;
        const QString& name = output.name;
        const QString stem = QStringLiteral("%1_%2").arg(output.index + 1, 2, 10, QChar('0')).arg(name);
        const QString dir = QDir(folder).filePath(stem);
        QDir().mkpath(dir);
        if (tensorGeometry(tensor).valid) {
            exportChannelPngs(tensor, options, dir, name);
            exportContactSheet(tensor, options, QDir(dir).filePath(name + "_sheet.png"),
                               name + "  " + QString::fromStdString(shapeToString(tensor.shape())));
        }
        exportNpy(tensor, QDir(dir).filePath(name + ".npy"));
    }
    return static_cast<int>(outputs.size());
}

} // namespace layerscope::gui
