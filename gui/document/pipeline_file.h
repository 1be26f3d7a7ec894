#pragma once
// A pipeline file as the app saves it: the Keras model (core's pipelineToJson) plus a LayerScope
// key beside the Keras ones, {"layerscope": {"input": InputSpec::toJson()}}, so a saved pipeline
// reopens on the input it was built for (a hand-built 3×4 arange, or the image). Keras and
// core's loader ignore the key. An image path is stored relative to the file when it lies in the
// file's folder (or below), "sample" for the bundled sample image, absolute otherwise.

#include "document/input_spec.h"

#include "core/pipeline.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace layerscope::gui {

// Writes `pipeline` with `input` to `path` atomically; throws layerscope::Error on failure.
void savePipelineWithInput(const Pipeline& pipeline, const InputSpec& input, const QString& path);

// The input saved in a pipeline file's bytes (paths resolved against `path`'s folder), or none.
std::optional<InputSpec> savedInput(const QByteArray& fileBytes, const QString& path);

} // namespace layerscope::gui
