// Times each workload of issue #2's speed table through the real engine (the layer's forward,
// as `layerscope bench` does) and its OpenCV equivalent in the same process, on the same number
// of threads, and prints medians and the ratio against the target.
//   layerscope_bench [--threads 2] [--repeat 15] [--only NAME] [--markdown]

#include "core/layer_registry.h"
#include "core/pipeline.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace layerscope;

namespace {

int g_threads = 2;
int g_repeat = 15;

double medianMs(const std::function<void()>& work, int repeat)
{
    work(); // warm-up (page faults, caches, thread pools)
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

Tensor noise(const Shape& shape)
{
    Tensor t = Tensor::uninitialized(shape);
    std::mt19937 generator(7);
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = static_cast<float>(generator() >> 8) * (255.0f / 16777216.0f);
    return t;
}

std::unique_ptr<Layer> layerFromJson(const std::string& json)
{
    Pipeline p = parsePipelineJson("[" + json + "]");
    return std::move(p.layers.front());
}

// The floor every memory-bound kernel is compared with: read each input float once and write
// each output float once, on the same threads, in the most streaming-friendly order (contiguous
// reads and writes that vectorise): shrinking sums `group` input planes into the output, growing
// writes `factor` copies of the input.
void readOnceWriteOnce(const float* in, int64_t inCount, float* out, int64_t outCount)
{
    if (outCount <= inCount) {
        const int64_t group = inCount / outCount;
#pragma omp parallel for num_threads(g_threads) schedule(static)
        for (int64_t i = 0; i < outCount; i += 4096) {
            const int64_t end = std::min(outCount, i + 4096);
            for (int64_t k = i; k < end; ++k)
                out[k] = in[k];
            for (int64_t j = 1; j < group; ++j)
                for (int64_t k = i; k < end; ++k)
                    out[k] += in[j * outCount + k];
        }
    } else {
        const int64_t factor = outCount / inCount;
#pragma omp parallel for num_threads(g_threads) schedule(static)
        for (int64_t i = 0; i < inCount; i += 4096) {
            const int64_t end = std::min(inCount, i + 4096);
            for (int64_t j = 0; j < factor; ++j)
                std::memcpy(out + j * inCount + i, in + i, static_cast<size_t>(end - i) * sizeof(float));
        }
    }
}

struct Row {
    std::string name, what, reference;
    double ours = 0, theirs = 0, target = 0;
};

std::vector<Row> g_rows;

void report(Row row)
{
    const double ratio = row.ours / row.theirs;
    std::printf("%-9s %-52s ours %9.2f ms | %-28s %9.2f ms | ratio %5.2f (target ≤ %.1f) %s\n", row.name.c_str(),
                row.what.c_str(), row.ours, row.reference.c_str(), row.theirs, ratio, row.target,
                ratio <= row.target ? "ok" : "MISSED");
    std::fflush(stdout);
    g_rows.push_back(std::move(row));
}

ExecContext context()
{
    ExecContext c;
    c.threads = g_threads;
    return c;
}

void benchConv(const std::string& name, int h, int w, int cin, int filters, int k, double target)
{
    const std::string json = R"({"class_name": "Conv2D", "config": {"name": "conv", "filters": )" + std::to_string(filters)
                           + R"(, "kernel_size": [)" + std::to_string(k) + "," + std::to_string(k)
                           + R"(], "padding": "same", "use_bias": true}})";
    const auto layer = layerFromJson(json);
    const Tensor input = noise({1, h, w, cin});
    const double ours = medianMs([&] { layer->forward(input, context()); }, g_repeat);

    cv::dnn::LayerParams params;
    params.type = "Convolution";
    params.name = "conv";
    params.set("kernel_h", k);
    params.set("kernel_w", k);
    params.set("pad_h", k / 2);
    params.set("pad_w", k / 2);
    params.set("stride_h", 1);
    params.set("stride_w", 1);
    params.set("num_output", filters);
    params.set("bias_term", true);
    cv::Mat weights({filters, cin, k, k}, CV_32F);
    cv::randu(weights, -0.1, 0.1);
    cv::Mat bias = cv::Mat::zeros(1, filters, CV_32F);
    params.blobs = {weights, bias};
    cv::dnn::Net net;
    net.addLayerToPrev(params.name, params.type, params);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    cv::Mat blob({1, cin, h, w}, CV_32F);
    cv::randu(blob, 0, 255);
    const double theirs = medianMs([&] {
        net.setInput(blob);
        cv::Mat out = net.forward();
    }, g_repeat);
    char what[96];
    std::snprintf(what, sizeof what, "Conv2D 1×%d×%d×%d → %d %d×%d same", h, w, cin, filters, k, k);
    report({name, what, "cv::dnn convolution", ours, theirs, target});
}

void benchMemoryBound(const std::string& name, const std::string& what, const std::string& json, const Shape& shape,
                      double target)
{
    const auto layer = layerFromJson(json);
    const Tensor input = noise(shape);
    const Shape outShape = layer->inferShape(shape).output;
    const double ours = medianMs([&] { layer->forward(input, context()); }, g_repeat);
    Tensor out = Tensor::uninitialized(outShape);
    const double theirs = medianMs([&] { readOnceWriteOnce(input.data(), input.size(), out.data(), out.size()); }, g_repeat);
    report({name, what, "read-once/write-once loop", ours, theirs, target});
}

cv::Mat asMat(const Tensor& t)
{
    return cv::Mat(static_cast<int>(t.dim(1)), static_cast<int>(t.dim(2)), CV_32FC(static_cast<int>(t.dim(3))),
                   const_cast<float*>(t.data()));
}

void benchBlur(double target)
{
    const std::string json = R"({"class_name": "AveragePooling2D", "config": {"name": "p", "pool_size": 3, "strides": 1, "padding": "same"}})";
    const auto layer = layerFromJson(json);
    const Tensor input = noise({1, 512, 512, 64});
    const double ours = medianMs([&] { layer->forward(input, context()); }, g_repeat);
    const cv::Mat src = asMat(input);
    const double theirs = medianMs([&] {
        cv::Mat dst;
        cv::blur(src, dst, cv::Size(3, 3));
    }, g_repeat);
    report({"pool_b", "AveragePooling2D 3×3/1 same on 1×512×512×64", "cv::blur 3×3", ours, theirs, target});
}

void benchResize(const std::string& name, const Shape& shape, int oh, int ow, const std::string& interpolation,
                 int cvInterpolation, double target)
{
    const std::string json = R"({"class_name": "Resizing", "config": {"name": "r", "height": )" + std::to_string(oh)
                           + R"(, "width": )" + std::to_string(ow) + R"(, "interpolation": ")" + interpolation + R"("}})";
    const auto layer = layerFromJson(json);
    const Tensor input = noise(shape);
    const double ours = medianMs([&] { layer->forward(input, context()); }, g_repeat);
    const cv::Mat src = asMat(input);
    const double theirs = medianMs([&] {
        cv::Mat dst;
        cv::resize(src, dst, cv::Size(ow, oh), 0, 0, cvInterpolation);
    }, g_repeat);
    char what[96];
    std::snprintf(what, sizeof what, "Resizing 1×%lld×%lld×%lld → %d×%d %s", static_cast<long long>(shape[1]),
                  static_cast<long long>(shape[2]), static_cast<long long>(shape[3]), oh, ow, interpolation.c_str());
    report({name, what, cvInterpolation == cv::INTER_CUBIC ? "cv::resize INTER_CUBIC" : "cv::resize INTER_LINEAR", ours,
            theirs, target});
}

} // namespace

int main(int argc, char** argv)
{
    std::string only;
    bool markdown = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc)
            g_threads = std::atoi(argv[++i]);
        else if (arg == "--repeat" && i + 1 < argc)
            g_repeat = std::atoi(argv[++i]);
        else if (arg == "--only" && i + 1 < argc)
            only = argv[++i];
        else if (arg == "--markdown")
            markdown = true;
        else {
            std::fprintf(stderr, "usage: layerscope_bench [--threads T] [--repeat N] [--only NAME] [--markdown]\n");
            return 2;
        }
    }
    cv::setNumThreads(g_threads);
    omp_set_num_threads(g_threads);
    std::printf("threads %d, median of %d runs after a warm-up\n", g_threads, g_repeat);
    // --only takes one name or a comma-separated list.
    auto want = [&](const char* name) { return only.empty() || ("," + only + ",").find("," + std::string(name) + ",") != std::string::npos; };
    if (want("conv_a")) benchConv("conv_a", 1024, 1024, 3, 64, 3, 0.5);
    if (want("conv_b")) benchConv("conv_b", 256, 256, 64, 64, 3, 0.6);
    if (want("conv_c")) benchConv("conv_c", 512, 512, 32, 32, 1, 0.6);
    if (want("pool_a"))
        benchMemoryBound("pool_a", "AveragePooling2D 2×2/2 valid on 1×1024×1024×64",
                         R"({"class_name": "AveragePooling2D", "config": {"name": "p", "pool_size": 2}})", {1, 1024, 1024, 64}, 1.5);
    if (want("pool_b")) benchBlur(1.0);
    if (want("up_a"))
        benchMemoryBound("up_a", "UpSampling2D ×2 nearest on 1×512×512×64",
                         R"({"class_name": "UpSampling2D", "config": {"name": "u", "size": 2, "interpolation": "nearest"}})", {1, 512, 512, 64}, 1.5);
    if (want("up_b"))
        benchMemoryBound("up_b", "UpSampling2D ×2 bilinear on 1×512×512×64",
                         R"({"class_name": "UpSampling2D", "config": {"name": "u", "size": 2, "interpolation": "bilinear"}})", {1, 512, 512, 64}, 2.0);
    if (want("resize_a")) benchResize("resize_a", {1, 1024, 1024, 3}, 1536, 1536, "bilinear", cv::INTER_LINEAR, 1.0);
    if (want("resize_b")) benchResize("resize_b", {1, 1024, 1024, 3}, 1536, 1536, "bicubic", cv::INTER_CUBIC, 1.5);
    if (want("resize_c")) benchResize("resize_c", {1, 512, 512, 64}, 300, 300, "bilinear", cv::INTER_LINEAR, 1.0);
    if (want("tile_a"))
        benchMemoryBound("tile_a", "Tile [1,2,2,1] on 1×512×512×16",
                         R"({"class_name": "Tile", "config": {"name": "t", "multiples": [1, 2, 2, 1]}})", {1, 512, 512, 16}, 1.5);
    if (markdown) {
        std::printf("\n| workload | shape and layer | LayerScope ms | reference | reference ms | ratio | target |\n|---|---|---|---|---|---|---|\n");
        for (const Row& r : g_rows)
            std::printf("| %s | %s | %.2f | %s | %.2f | %.2f | ≤ %.1f %s |\n", r.name.c_str(), r.what.c_str(), r.ours,
                        r.reference.c_str(), r.theirs, r.ours / r.theirs, r.target, r.ours / r.theirs <= r.target ? "✓" : "✗");
    }
    return 0;
}
