// libFuzzer target: the pipeline loader (Keras 3, tf.keras 2.x, bare lists), the saver, shape
// inference and the Keras code generator. Any input must either load or throw PipelineFormatError;
// a loaded pipeline must survive save → load unchanged, and shape inference and code generation
// on a small input must not throw anything but what their contracts allow.
#include "core/codegen/keras_code.h"
#include "core/errors.h"
#include "core/pipeline.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    const std::string text(reinterpret_cast<const char*>(data), size);
    Pipeline pipeline;
    try {
        pipeline = parsePipelineJson(text);
    } catch (const PipelineFormatError&) {
        return 0;
    }
    const std::string saved = pipelineToJsonText(pipeline);
    Pipeline reloaded;
    try {
        reloaded = parsePipelineJson(saved);
    } catch (const PipelineFormatError& e) {
        std::fprintf(stderr, "saved pipeline does not load: %s\n%s\n", e.what(), saved.c_str());
        std::abort();
    }
    if (!(reloaded == pipeline) || pipelineToJsonText(reloaded) != saved) {
        std::fprintf(stderr, "load → save → load is not the identity:\n%s\n", saved.c_str());
        std::abort();
    }
    // Copies are deep and equal.
    const Pipeline copy = pipeline;
    if (!(copy == pipeline))
        std::abort();

    // Shape inference never throws (the failing layer is reported), whatever the input shape.
    for (const Shape& input : {Shape{1, 8, 8, 3}, Shape{2, 5, 7, 1}, Shape{1, 1, 1, 16}}) {
        const ChainShapes chain = inferChain(pipeline, input);
        if (chain.ok() != (chain.layers.size() == pipeline.layers.size()))
            std::abort();
        if (!chain.ok() && chain.error.empty())
            std::abort();
    }
    try {
        KerasCodeOptions options;
        options.inputPath = "input.png";
        options.inputShape = {1, 8, 8, 3};
        generateKerasCode(pipeline, options);
    } catch (const Error&) {
        // A pipeline that cannot be exported says why (a layer or format error).
    }
    return 0;
}
