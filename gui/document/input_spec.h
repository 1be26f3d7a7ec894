#pragma once
// What the pipeline's input is: a file (image or .npy) or a synthetic tensor, plus how it is
// converted (colour mode, value scale). A value: copied into undo commands, compared, saved in
// the autosave. Building the tensor from it is the engine's job (engine/input_source.h, through
// core/input/synthetic_input.h, whose enums these are).

#include "core/input/synthetic_input.h"

#include <QJsonObject>
#include <QString>

namespace layerscope::gui {

enum class InputSourceKind { File, Synthetic };
using layerscope::ColorMode;
using layerscope::SyntheticKind;
using layerscope::ValueScale;

struct InputSpec {
    InputSourceKind kind = InputSourceKind::Synthetic;
    QString path;
    SyntheticKind synthetic = SyntheticKind::Arange;
    int batch = 1;
    int height = 3;
    int width = 3;
    int channels = 1;
    quint32 seed = 42;
    ColorMode colorMode = ColorMode::AsLoaded;
    ValueScale scale = ValueScale::Range255;
    // A file's picture fitted to a model's input (core/graph/model_input_fit.h): 0 × 0 keeps its
    // size; else resized bilinear to fitHeight × fitWidth, centre-cropped to that aspect first
    // when fitCrop.
    int fitHeight = 0;
    int fitWidth = 0;
    bool fitCrop = false;

    bool operator==(const InputSpec&) const = default;

    static InputSpec file(const QString& path);
    static InputSpec arange(int batch, int height, int width, int channels);

    QJsonObject toJson() const;
    static InputSpec fromJson(const QJsonObject& object);
    // "chelsea.png" or "arange 1×3×3×1".
    QString describe() const;
};

QString syntheticKindName(SyntheticKind kind);
QString colorModeName(ColorMode mode);

} // namespace layerscope::gui
