// Times each workload of bench/workloads.json through the real engine (the layer's forward, as
// `layerscope bench` does), its OpenCV equivalent in the same process where one exists, and the
// machine's limits measured here (the FMA peak, and reading every input float once and writing
// every output float once); with --peers PYTHON also PyTorch and ONNX Runtime (bench/peers.py, in
// that Python), on the same number of threads and inputs of the same shapes, and prints medians,
// the fastest peer, the ratio to it and the share of the limit LayerScope reaches.
//   layerscope_bench [--threads 2] [--repeat 15] [--only NAME,...] [--markdown] [--peers PYTHON]

#include "core/io/atomic_file.h"
#include "core/layer_registry.h"
#include "core/pipeline.h"
#include "core/streaming_copy.h"

#include <nlohmann/json.hpp>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <immintrin.h>
#include <map>
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
// writes `factor` copies of the input. With `streaming`, the output is written with non-temporal
// stores (as the kernels write large outputs), which skip reading each destination line first;
// the floor is the faster of the two.
void readOnceWriteOnce(const float* in, int64_t inCount, float* out, int64_t outCount, bool streaming)
{
    constexpr int64_t kSpan = 4096;
    if (outCount <= inCount) {
        const int64_t group = inCount / outCount;
#pragma omp parallel for num_threads(g_threads) schedule(static)
        for (int64_t i = 0; i < outCount; i += kSpan) {
            const int64_t end = std::min(outCount, i + kSpan);
            alignas(32) float sum[kSpan];
            for (int64_t k = i; k < end; ++k)
                sum[k - i] = in[k];
            for (int64_t j = 1; j < group; ++j)
                for (int64_t k = i; k < end; ++k)
                    sum[k - i] += in[j * outCount + k];
            copyFloats(out + i, sum, end - i, streaming);
        }
    } else {
        const int64_t factor = outCount / inCount;
#pragma omp parallel for num_threads(g_threads) schedule(static)
        for (int64_t i = 0; i < inCount; i += kSpan) {
            const int64_t end = std::min(inCount, i + kSpan);
            for (int64_t j = 0; j < factor; ++j)
                copyFloats(out + j * inCount + i, in + i, end - i, streaming);
        }
    }
    streamingFence();
}

ExecContext context()
{
    ExecContext c;
    c.threads = g_threads;
    return c;
}

// cv::dnn's convolution of a 1×H×W×Cin input, `filters` k×k, same padding, stride 1.
double opencvConvMs(int h, int w, int cin, int filters, int k)
{
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
    return medianMs([&] {
        net.setInput(blob);
        cv::Mat out = net.forward();
    }, g_repeat);
}

cv::Mat asMat(const Tensor& t)
{
    return cv::Mat(static_cast<int>(t.dim(1)), static_cast<int>(t.dim(2)), CV_32FC(static_cast<int>(t.dim(3))),
                   const_cast<float*>(t.data()));
}

// OpenCV's equivalent of a workload, where it has one: cv::dnn for the convolutions, cv::blur for
// the 3×3 average, cv::resize for Resizing. Negative: none.
double opencvMs(const std::string& className, const nlohmann::json& config, const Tensor& input)
{
    const int h = static_cast<int>(input.dim(1)), w = static_cast<int>(input.dim(2)), c = static_cast<int>(input.dim(3));
    if (className == "Conv2D")
        return opencvConvMs(h, w, c, config.at("filters").get<int>(), config.at("kernel_size").at(0).get<int>());
    if (className == "AveragePooling2D" && config.value("padding", "valid") == "same"
        && config.at("strides").at(0).get<int>() == 1) {
        const int k = config.at("pool_size").at(0).get<int>();
        const cv::Mat src = asMat(input);
        return medianMs([&] {
            cv::Mat dst;
            cv::blur(src, dst, cv::Size(k, k));
        }, g_repeat);
    }
    if (className == "Resizing") {
        const std::string interpolation = config.value("interpolation", "bilinear");
        if (interpolation != "bilinear" && interpolation != "bicubic")
            return -1;
        const cv::Mat src = asMat(input);
        const cv::Size size(config.at("width").get<int>(), config.at("height").get<int>());
        const int mode = interpolation == "bicubic" ? cv::INTER_CUBIC : cv::INTER_LINEAR;
        return medianMs([&] {
            cv::Mat dst;
            cv::resize(src, dst, size, 0, 0, mode);
        }, g_repeat);
    }
    return -1;
}

// The FMA peak of this machine on g_threads threads, in GFLOP/s: 12 independent 8-float FMA
// chains per thread (enough to cover the FMA latency on two ports), timed over ~0.2 s.
double fmaPeakGflops()
{
    constexpr int64_t kIterations = 20'000'000;
    double seconds = 1e9;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const auto start = std::chrono::steady_clock::now();
        float sink = 0;
#pragma omp parallel num_threads(g_threads) reduction(+ : sink)
        {
            __m256 acc[12];
            for (int i = 0; i < 12; ++i)
                acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i + omp_get_thread_num()));
            const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
            for (int64_t n = 0; n < kIterations; ++n)
                for (int i = 0; i < 12; ++i)
                    acc[i] = _mm256_fmadd_ps(acc[i], a, b);
            __m256 total = acc[0];
            for (int i = 1; i < 12; ++i)
                total = _mm256_add_ps(total, acc[i]);
            float lanes[8];
            _mm256_storeu_ps(lanes, total);
            for (float v : lanes)
                sink += v;
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        seconds = std::min(seconds, s);
        if (sink == 12345.0f)
            std::printf(" "); // keeps the loop alive
    }
    return 2.0 * 8 * 12 * static_cast<double>(kIterations) * g_threads / seconds / 1e9;
}

// Multiply-adds × 2 of the compute-bound workloads (the work the FMA peak bounds).
double flopsOf(const std::string& className, const nlohmann::json& config, const std::vector<Shape>& inputs,
               const Shape& output)
{
    const Shape& in = inputs.front();
    if (className == "Conv2D") {
        const int64_t k = config.at("kernel_size").at(0).get<int64_t>() * config.at("kernel_size").at(1).get<int64_t>();
        return 2.0 * static_cast<double>(output[1] * output[2] * output[3]) * static_cast<double>(k * in[3]);
    }
    if (className == "Conv2DTranspose") {
        const int64_t k = config.at("kernel_size").at(0).get<int64_t>() * config.at("kernel_size").at(1).get<int64_t>();
        return 2.0 * static_cast<double>(in[1] * in[2] * in[3]) * static_cast<double>(k * output[3]);
    }
    if (className == "Dense")
        return 2.0 * static_cast<double>(in[0] * in[1]) * static_cast<double>(output[1]);
    return 0;
}

struct Measured {
    std::string name, className, what;
    double ours = 0, opencv = -1;
    double streamMs = 0, computeMs = 0; // the limits: the streaming floor and FLOPs / peak
    double limitMs() const { return std::max(streamMs, computeMs); }
};

std::string describe(const std::string& className, const std::vector<Shape>& inputs, const Shape& output)
{
    std::string s = className + " ";
    for (size_t i = 0; i < inputs.size(); ++i)
        s += (i ? " + " : "") + shapeToString(inputs[i]);
    return s + " → " + shapeToString(output);
}

Measured measure(const nlohmann::json& workload, double peakGflops)
{
    Measured m;
    m.name = workload.at("name").get<std::string>();
    const nlohmann::json& layerJson = workload.at("layer");
    m.className = layerJson.at("class_name").get<std::string>();
    const auto layer = layerFromJson(layerJson.dump());
    std::vector<Shape> shapes;
    std::vector<Tensor> inputs;
    for (const auto& s : workload.at("inputs")) {
        shapes.push_back(s.get<Shape>());
        inputs.push_back(noise(shapes.back()));
    }
    std::vector<const Tensor*> pointers;
    for (const Tensor& t : inputs)
        pointers.push_back(&t);
    const Shape output = layer->inferShapes(shapes).output;
    m.what = describe(m.className, shapes, output);
    m.ours = medianMs([&] { layer->forwardInputs(pointers, context()); }, g_repeat);
    m.opencv = inputs.front().rank() == 4 ? opencvMs(m.className, layerJson.at("config"), inputs.front()) : -1;
    // The streaming floor: every input float and every weight read once (one buffer holding them
    // all), every output float written once.
    int64_t inCount = static_cast<int64_t>(layer->generatedWeightCount(shapes.front()));
    for (const Tensor& t : inputs)
        inCount += t.size();
    const Tensor all = noise({inCount});
    Tensor out = Tensor::uninitialized(output);
    m.streamMs = std::min(
        medianMs([&] { readOnceWriteOnce(all.data(), all.size(), out.data(), out.size(), false); }, g_repeat),
        medianMs([&] { readOnceWriteOnce(all.data(), all.size(), out.data(), out.size(), true); }, g_repeat));
    m.computeMs = flopsOf(m.className, layerJson.at("config"), shapes, output) / (peakGflops * 1e6);
    return m;
}

// bench/peers.py's JSON, or null with the reason on stderr.
nlohmann::json runPeers(const std::string& python, const std::string& only)
{
    const std::string command = python + " " LAYERSCOPE_BENCH_DIR "/peers.py --threads " + std::to_string(g_threads)
                              + " --repeat " + std::to_string(std::max(9, g_repeat)) + (only.empty() ? "" : " --only " + only);
    std::fprintf(stderr, "peers: %s\n", command.c_str());
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return nullptr;
    std::string text;
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        text.append(buffer, n);
    const int status = pclose(pipe);
    try {
        return status == 0 ? nlohmann::json::parse(text) : nlohmann::json();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "peers: unreadable output (%s)\n", e.what());
        return nullptr;
    }
}

std::string ms(double v)
{
    if (v < 0)
        return "—";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

// How cost grows (issue 13): conv_b and pool_a at 256² … 2048² on 1 and 2 threads (the smaller of
// three medians each), the time per output element (flat across sizes when nothing but the work grows) and the 2-thread speed-up.
void printScaling(const nlohmann::json& workloads)
{
    std::printf("\n| workload | input | 1 thread ms | ns / output value | 2 threads ms | ns / output value | speed-up |\n"
                "|---|---|---|---|---|---|---|\n");
    const int threads = g_threads;
    for (const auto& w : workloads) {
        const std::string name = w.at("name").get<std::string>();
        if (name != "conv_b" && name != "pool_a")
            continue;
        const auto layer = layerFromJson(w.at("layer").dump());
        for (int64_t size : {256, 512, 1024, 2048}) {
            Shape shape = w.at("inputs").at(0).get<Shape>();
            shape[1] = shape[2] = size;
            const Tensor input = noise(shape);
            const double outputs = static_cast<double>(elementCount(layer->inferShape(shape).output));
            // The smaller of three medians: a VM's stall of a few seconds (seen here) then spoils
            // one median, not the row.
            double msAt[3] = {0, 1e300, 1e300};
            for (int round = 0; round < 3; ++round)
                for (int t : {1, 2}) {
                    g_threads = t;
                    omp_set_num_threads(t);
                    msAt[t] = std::min(msAt[t], medianMs([&] { layer->forward(input, context()); }, g_repeat));
                }
            std::printf("| %s | %s | %.2f | %.3f | %.2f | %.3f | %.2f× |\n", name.c_str(), shapeToString(shape).c_str(),
                        msAt[1], msAt[1] * 1e6 / outputs, msAt[2], msAt[2] * 1e6 / outputs, msAt[1] / msAt[2]);
            std::fflush(stdout);
        }
    }
    g_threads = threads;
    omp_set_num_threads(threads);
}

} // namespace

int main(int argc, char** argv)
{
    std::string only, peers, workloadsPath = LAYERSCOPE_BENCH_DIR "/workloads.json";
    bool markdown = false, scaling = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc)
            g_threads = std::atoi(argv[++i]);
        else if (arg == "--repeat" && i + 1 < argc)
            g_repeat = std::atoi(argv[++i]);
        else if (arg == "--only" && i + 1 < argc)
            only = argv[++i];
        else if (arg == "--peers" && i + 1 < argc)
            peers = argv[++i];
        else if (arg == "--workloads" && i + 1 < argc)
            workloadsPath = argv[++i];
        else if (arg == "--markdown")
            markdown = true;
        else if (arg == "--scaling")
            scaling = true;
        else {
            std::fprintf(stderr, "usage: layerscope_bench [--threads T] [--repeat N] [--only NAME,...] [--markdown] "
                                 "[--peers PYTHON] [--workloads FILE] [--scaling]\n");
            return 2;
        }
    }
    cv::setNumThreads(g_threads);
    omp_set_num_threads(g_threads);
    const nlohmann::json workloads = nlohmann::json::parse(readTextFile(workloadsPath)).at("workloads");
    auto want = [&](const std::string& name) { return only.empty() || ("," + only + ",").find("," + name + ",") != std::string::npos; };

    if (scaling) {
        printScaling(workloads);
        return 0;
    }
    const double peak = fmaPeakGflops();
    std::printf("threads %d, median of %d runs after a warm-up; FMA peak measured %.0f GFLOP/s\n", g_threads, g_repeat, peak);
    std::vector<Measured> rows;
    for (const auto& w : workloads) {
        if (!want(w.at("name").get<std::string>()))
            continue;
        rows.push_back(measure(w, peak));
        const Measured& m = rows.back();
        std::printf("%-9s %-58s ours %8.2f ms | OpenCV %8s ms | limit %8.2f ms (%s) %3.0f%%\n", m.name.c_str(),
                    m.what.c_str(), m.ours, ms(m.opencv).c_str(), m.limitMs(),
                    m.computeMs > m.streamMs ? "FMA peak" : "streaming", 100.0 * m.limitMs() / m.ours);
        std::fflush(stdout);
    }
    const nlohmann::json peerResult = peers.empty() ? nlohmann::json() : runPeers(peers, only);
    if (!peers.empty() && peerResult.is_null())
        std::fprintf(stderr, "peers: bench/peers.py failed; the table has no peer columns\n");
    if (peerResult.is_object())
        std::printf("peers: %s\n", peerResult.at("versions").dump().c_str());

    if (markdown) {
        std::printf("\n| workload | layer and shapes | LayerScope ms | OpenCV ms | PyTorch ms (layout) | ONNX Runtime ms "
                    "| fastest peer | ratio to it | limit ms | LayerScope at %% of limit |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (const Measured& m : rows) {
            std::map<std::string, double> peerMs;
            std::string torchCell = "—", ortCell = "—";
            if (m.opencv >= 0)
                peerMs["OpenCV"] = m.opencv;
            if (peerResult.is_object() && peerResult.at("workloads").contains(m.name)) {
                const auto& p = peerResult.at("workloads").at(m.name);
                if (p.contains("torch_ms")) {
                    peerMs["PyTorch"] = p.at("torch_ms").get<double>();
                    torchCell = ms(peerMs["PyTorch"]) + " (" + p.at("torch_layout").get<std::string>() + ")";
                } else if (p.contains("torch_error")) {
                    torchCell = "error";
                }
                if (p.contains("onnxruntime_ms")) {
                    peerMs["ONNX Runtime"] = p.at("onnxruntime_ms").get<double>();
                    ortCell = ms(peerMs["ONNX Runtime"]);
                } else if (p.contains("onnxruntime_error")) {
                    ortCell = "error";
                }
            }
            std::string fastest = "—";
            double fastestMs = -1;
            for (const auto& [peer, value] : peerMs)
                if (fastestMs < 0 || value < fastestMs) {
                    fastest = peer;
                    fastestMs = value;
                }
            const std::string ratio = fastestMs > 0 ? ms(m.ours / fastestMs) + (m.ours <= fastestMs ? " ✓" : " ✗") : "—";
            std::printf("| %s | %s | %.2f | %s | %s | %s | %s | %s | %.2f (%s) | %.0f%% |\n", m.name.c_str(), m.what.c_str(),
                        m.ours, ms(m.opencv).c_str(), torchCell.c_str(), ortCell.c_str(), fastest.c_str(), ratio.c_str(),
                        m.limitMs(), m.computeMs > m.streamMs ? "FMA peak" : "streaming", 100.0 * m.limitMs() / m.ours);
        }
    }
    return 0;
}
