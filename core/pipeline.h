#pragma once
// A pipeline: an ordered list of layers applied to one input, stored as the JSON that Keras 3
// `model.to_json()` writes for a Sequential model (see README "File format").
// Loading also accepts tf.keras 2.x JSON (batch_input_shape, Sequential with a `layers` list) and
// a bare list of layer objects; unused Keras keys are ignored. Saving writes the Keras 3 form, so
// load → save → load gives an equal pipeline.

#include "exec_context.h"
#include "layer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace layerscope {

struct Pipeline {
    std::string name = "sequential";
    // The InputLayer's batch_shape, informational only (the real input defines shapes);
    // -1 stands for None.
    std::optional<Shape> declaredInputShape;
    std::vector<std::unique_ptr<Layer>> layers;

    Pipeline() = default;
    Pipeline(const Pipeline& other);
    Pipeline& operator=(const Pipeline& other);
    Pipeline(Pipeline&&) noexcept = default;
    Pipeline& operator=(Pipeline&&) noexcept = default;

    bool operator==(const Pipeline& other) const; // same layers (class, name, params, weights)
    // A name not used by any layer yet, Keras style: stem, stem_1, stem_2, ...
    std::string uniqueLayerName(const std::string& stem) const;
};

// Throws PipelineFormatError (malformed JSON, unknown class_name naming the supported ones,
// bad parameter types naming the layer).
Pipeline parsePipelineJson(const std::string& text);
Pipeline loadPipelineFile(const std::filesystem::path& path);
nlohmann::json pipelineToJson(const Pipeline& pipeline);
std::string pipelineToJsonText(const Pipeline& pipeline);
// Atomic (temporary + rename).
void savePipelineFile(const Pipeline& pipeline, const std::filesystem::path& path);

// Shape inference over the whole chain. Never throws for layer errors: the first failing layer
// is reported and the layers after it have no shape.
struct ChainShapes {
    Shape input;
    std::vector<LayerShape> layers;  // one per layer up to (not including) the failing one
    std::optional<size_t> failedLayer;
    std::string error;               // the LayerError message of the failing layer
    bool ok() const { return !failedLayer; }
};
ChainShapes inferChain(const Pipeline& pipeline, const Shape& input);

// runWholePipeline (pipeline_run.h, the one runner) returning copies of the outputs: validates the
// whole chain first (throws the first LayerError before computing anything), calls
// `onLayerDone(index, output, milliseconds)` after each layer, throws CancelledError when
// cancelled. For tests and small tools; the app and the CLI keep the runner's shared outputs.
using LayerDoneCallback = std::function<void(size_t index, const Tensor& output, double milliseconds)>;
std::vector<Tensor> runPipeline(const Pipeline& pipeline, const Tensor& input,
                                const ExecContext& context, const LayerDoneCallback& onLayerDone = {});

} // namespace layerscope
