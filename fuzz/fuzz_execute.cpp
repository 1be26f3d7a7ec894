// libFuzzer target: executing fuzzed pipelines on a small 8×8×3 tensor. The bytes are decoded
// into 1–4 layers with arbitrary (also absurd: 2^k, INT64 extremes, negative) parameters and
// sometimes inline Conv2D weights of a random shape; every run must finish with outputs of exactly
// the shapes inferChain predicted, or end in a LayerError (including MemoryBudgetError and
// WorkBudgetError) or PipelineFormatError, within a 16 MiB budget and 2^30 multiply-adds per layer
// (small, so that an execution stays fast while every guard path is still reachable). A byte also
// decides whether the run is cancelled before it starts or from the progress callback, which must
// end in CancelledError.
#include "core/errors.h"
#include "core/pipeline.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <stop_token>
#include <string>

namespace {

struct Bytes {
    const uint8_t* data;
    size_t size;
    size_t at = 0;
    uint8_t next() { return at < size ? data[at++] : 0; }
    // Small values are most interesting; occasionally a huge or negative one.
    int64_t value()
    {
        const uint8_t b = next();
        switch (b) {
        case 255: return int64_t{1} << (next() % 63);
        case 254: return -static_cast<int64_t>(next() % 4);
        case 253: return std::numeric_limits<int64_t>::max() - (next() % 2);
        case 252: return std::numeric_limits<int64_t>::min() + (next() % 2);
        case 251: return (int64_t{1} << 31) - (next() % 2);
        case 250: return (int64_t{1} << 32) + (next() % 3) - 1;
        default: return b % 9;
        }
    }
    std::string pick(std::initializer_list<const char*> options)
    {
        const size_t i = next() % options.size();
        return *(options.begin() + i);
    }
};

nlohmann::json weightEntry(Bytes& in, nlohmann::json shape)
{
    int64_t count = 1;
    for (const auto& d : shape)
        count *= d.get<int64_t>();
    count = std::min<int64_t>(count + (in.next() % 4 == 0 ? 1 : 0), 4096); // sometimes one too many
    nlohmann::json values = nlohmann::json::array();
    for (int64_t i = 0; i < count; ++i)
        values.push_back(static_cast<double>(static_cast<int8_t>(in.next())) / 16.0);
    return {{"shape", shape}, {"data", values}};
}

nlohmann::json layerFrom(Bytes& in, int index)
{
    using nlohmann::json;
    const std::string name = "l" + std::to_string(index);
    const std::string format = in.pick({"channels_last", "channels_last", "channels_first"});
    switch (in.next() % 6) {
    case 0:
        return {{"class_name", "AveragePooling2D"},
                {"config", {{"name", name}, {"pool_size", {in.value(), in.value()}}, {"strides", {in.value(), in.value()}},
                            {"padding", in.pick({"valid", "same"})}, {"data_format", format}}}};
    case 1:
        return {{"class_name", "GlobalAveragePooling2D"}, {"config", {{"name", name}, {"keepdims", in.next() % 2 == 0}, {"data_format", format}}}};
    case 2:
        return {{"class_name", "UpSampling2D"},
                {"config", {{"name", name}, {"size", {in.value(), in.value()}}, {"data_format", format},
                            {"interpolation", in.pick({"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5", "gaussian"})}}}};
    case 3:
        return {{"class_name", "Resizing"},
                {"config", {{"name", name}, {"height", in.value()}, {"width", in.value()},
                            {"interpolation", in.pick({"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"})},
                            {"crop_to_aspect_ratio", in.next() % 3 == 0}, {"pad_to_aspect_ratio", in.next() % 3 == 0},
                            {"antialias", in.next() % 2 == 0}, {"fill_value", static_cast<double>(in.value())}, {"data_format", format}}}};
    case 4: {
        json multiples = json::array();
        const int rank = 1 + in.next() % 5; // Tile aligns ranks: fewer or more multiples than axes
        for (int i = 0; i < rank; ++i)
            multiples.push_back(in.value());
        return {{"class_name", "Tile"}, {"config", {{"name", name}, {"multiples", multiples}}}};
    }
    default: {
        const int64_t filters = in.value();
        const int64_t kh = in.value();
        const int64_t kw = in.value();
        const int64_t groups = 1 + in.next() % 3;
        const bool useBias = in.next() % 2 == 0;
        json layer = {{"class_name", "Conv2D"},
                      {"config", {{"name", name}, {"filters", filters}, {"kernel_size", {kh, kw}},
                                  {"strides", {in.value(), in.value()}}, {"dilation_rate", {1 + in.next() % 3, 1 + in.next() % 3}},
                                  {"padding", in.pick({"valid", "same"})}, {"groups", groups}, {"data_format", format},
                                  {"activation", in.pick({"linear", "relu", "softmax", "glu", "gelu", "selu", "sparsemax", "threshold", "nope"})},
                                  {"use_bias", useBias}}}};
        // Inline weights of a plausible (small) shape, or of a wrong one.
        if (in.next() % 3 == 0 && kh >= 0 && kw >= 0 && filters >= 0 && kh <= 5 && kw <= 5 && filters <= 8) {
            const int64_t inChannels = 1 + in.next() % 4;
            json weights = {{"kernel", weightEntry(in, {kh, kw, inChannels, filters})}};
            if (useBias)
                weights["bias"] = weightEntry(in, {filters});
            layer["weights"] = weights;
        }
        return layer;
    }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace layerscope;
    Bytes in{data, size};
    nlohmann::json layers = nlohmann::json::array();
    const int count = 1 + in.next() % 4;
    for (int i = 0; i < count; ++i)
        layers.push_back(layerFrom(in, i));
    // LAYERSCOPE_FUZZ_PRINT=1 prints the decoded pipeline (to turn a finding into a test).
    static const bool print = std::getenv("LAYERSCOPE_FUZZ_PRINT") != nullptr;
    if (print)
        std::fprintf(stderr, "%s\n", layers.dump().c_str());
    const uint8_t cancelMode = in.next() % 16; // 0: cancel before the run, 1: from the progress callback
    Tensor input({1, 8, 8, 3});
    for (int64_t i = 0; i < input.size(); ++i)
        input[i] = static_cast<float>(in.next()) - 128.0f;

    std::stop_source stop;
    ExecContext context;
    context.threads = 1;
    context.memoryBudgetBytes = int64_t{16} << 20;
    // A few seconds under ASan at most; without it a huge 'same' Conv2D kernel over a grown map
    // is a valid computation of hours (the libFuzzer timeout is 10 s).
    context.maxMultiplyAdds = int64_t{1} << 30;
    context.stop = stop.get_token();
    if (cancelMode == 0)
        stop.request_stop();
    else if (cancelMode == 1)
        context.progress = [&stop](double) { stop.request_stop(); };

    Pipeline pipeline;
    try {
        pipeline = parsePipelineJson(layers.dump());
    } catch (const PipelineFormatError&) {
        return 0;
    }
    const ChainShapes chain = inferChain(pipeline, input.shape());
    try {
        const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
        if (!chain.ok() || outputs.size() != pipeline.layers.size())
            std::abort();
        for (size_t i = 0; i < outputs.size(); ++i)
            if (outputs[i].shape() != chain.layers[i].output) {
                std::fprintf(stderr, "layer %zu: output %s, inferred %s\n%s\n", i,
                             shapeToString(outputs[i].shape()).c_str(),
                             shapeToString(chain.layers[i].output).c_str(), layers.dump().c_str());
                std::abort();
            }
        if (cancelMode == 0 && !pipeline.layers.empty())
            std::abort(); // cancelled before the start, yet it ran
    } catch (const CancelledError&) {
        if (cancelMode > 1)
            std::abort(); // nobody asked for it
    } catch (const MemoryBudgetError&) {
    } catch (const WorkBudgetError&) {
    } catch (const LayerError&) {
        // Validation errors come first: a chain that infers fine may only fail on the budget.
        if (chain.ok()) {
            std::fprintf(stderr, "inferChain succeeded but runPipeline threw a LayerError\n");
            std::abort();
        }
    }
    return 0;
}
