#include "pipeline_file.h"

#include "cli/cli.h"
#include "core/io/atomic_file.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace layerscope::gui {

namespace {

QString samplePath()
{
    return QFileInfo(QString::fromStdString(bundledSampleImage().string())).absoluteFilePath();
}

} // namespace

void savePipelineWithInput(const Pipeline& pipeline, const InputSpec& input, const QString& path)
{
    QJsonObject spec = input.toJson();
    if (input.kind == InputSourceKind::File && !input.path.isEmpty()) {
        const QString absolute = QFileInfo(input.path).absoluteFilePath();
        const QString relative = QFileInfo(path).absoluteDir().relativeFilePath(absolute);
        spec["path"] = absolute == samplePath()       ? QStringLiteral("sample")
                     : !relative.startsWith("..")     ? relative
                                                      : absolute;
    } else if (input.kind == InputSourceKind::Synthetic) {
        spec.remove("path");
    }
    nlohmann::json file = pipelineToJson(pipeline);
    file["layerscope"] = {{"input", nlohmann::json::parse(QJsonDocument(spec).toJson().toStdString())}};
    writeTextAtomically(path.toStdString(), file.dump(1) + "\n");
}

std::optional<InputSpec> savedInput(const QByteArray& fileBytes, const QString& path)
{
    const QJsonObject section = QJsonDocument::fromJson(fileBytes).object().value("layerscope").toObject();
    if (!section.value("input").isObject())
        return std::nullopt;
    InputSpec spec = InputSpec::fromJson(section.value("input").toObject());
    if (spec.kind == InputSourceKind::File) {
        if (spec.path == "sample")
            spec.path = samplePath();
        else if (QFileInfo(spec.path).isRelative())
            spec.path = QFileInfo(path).absoluteDir().absoluteFilePath(spec.path);
    }
    return spec;
}

} // namespace layerscope::gui
