#include "input_spec.h"

#include <QFileInfo>

namespace layerscope::gui {

InputSpec InputSpec::file(const QString& path)
{
    InputSpec spec;
    spec.kind = InputSourceKind::File;
    spec.path = path;
    return spec;
}

InputSpec InputSpec::arange(int batch, int height, int width, int channels)
{
    InputSpec spec;
    spec.kind = InputSourceKind::Synthetic;
    spec.synthetic = SyntheticKind::Arange;
    spec.batch = batch;
    spec.height = height;
    spec.width = width;
    spec.channels = channels;
    return spec;
}

QString syntheticKindName(SyntheticKind kind)
{
    switch (kind) {
    case SyntheticKind::Arange: return QStringLiteral("arange 1..N");
    case SyntheticKind::Zeros: return QStringLiteral("zeros");
    case SyntheticKind::Ones: return QStringLiteral("ones");
    case SyntheticKind::Random: return QStringLiteral("seeded random");
    case SyntheticKind::Checkerboard: return QStringLiteral("checkerboard");
    case SyntheticKind::Gradient: return QStringLiteral("gradient");
    case SyntheticKind::ZonePlate: return QStringLiteral("zone plate");
    }
    return {};
}

QString colorModeName(ColorMode mode)
{
    switch (mode) {
    case ColorMode::AsLoaded: return QStringLiteral("as loaded");
    case ColorMode::Rgb: return QStringLiteral("RGB");
    case ColorMode::Grayscale: return QStringLiteral("grayscale");
    case ColorMode::Rgba: return QStringLiteral("RGBA");
    }
    return {};
}

QJsonObject InputSpec::toJson() const
{
    return QJsonObject{{"kind", kind == InputSourceKind::File ? "file" : "synthetic"},
                       {"path", path},
                       {"synthetic", static_cast<int>(synthetic)},
                       {"batch", batch},
                       {"height", height},
                       {"width", width},
                       {"channels", channels},
                       {"seed", static_cast<double>(seed)},
                       {"colorMode", static_cast<int>(colorMode)},
                       {"scale", static_cast<int>(scale)},
                       {"fitHeight", fitHeight},
                       {"fitWidth", fitWidth},
                       {"fitCrop", fitCrop}};
}

InputSpec InputSpec::fromJson(const QJsonObject& o)
{
    InputSpec spec;
    spec.kind = o.value("kind").toString() == "file" ? InputSourceKind::File : InputSourceKind::Synthetic;
    spec.path = o.value("path").toString();
    spec.synthetic = static_cast<SyntheticKind>(qBound(0, o.value("synthetic").toInt(), static_cast<int>(SyntheticKind::ZonePlate)));
    spec.batch = qMax(1, o.value("batch").toInt(1));
    spec.height = qMax(1, o.value("height").toInt(3));
    spec.width = qMax(1, o.value("width").toInt(3));
    spec.channels = qMax(1, o.value("channels").toInt(1));
    spec.seed = static_cast<quint32>(o.value("seed").toDouble(42));
    spec.colorMode = static_cast<ColorMode>(qBound(0, o.value("colorMode").toInt(), 3));
    spec.scale = static_cast<ValueScale>(qBound(0, o.value("scale").toInt(), 1));
    // Bounded here; the memory budget guards the resize itself.
    spec.fitHeight = qBound(0, o.value("fitHeight").toInt(0), 65536);
    spec.fitWidth = qBound(0, o.value("fitWidth").toInt(0), 65536);
    if (spec.fitHeight == 0 || spec.fitWidth == 0)
        spec.fitHeight = spec.fitWidth = 0;
    spec.fitCrop = o.value("fitCrop").toBool(false);
    return spec;
}

QString InputSpec::describe() const
{
    if (kind == InputSourceKind::File) {
        if (fitHeight > 0 && fitWidth > 0)
            return QStringLiteral("%1 (%2 %3×%4)")
                .arg(QFileInfo(path).fileName(), fitCrop ? QStringLiteral("cropped and resized to") : QStringLiteral("resized to"))
                .arg(fitWidth)
                .arg(fitHeight);
        return QFileInfo(path).fileName();
    }
    return QStringLiteral("%1 %2×%3×%4×%5")
        .arg(syntheticKindName(synthetic))
        .arg(batch).arg(height).arg(width).arg(channels);
}

} // namespace layerscope::gui
