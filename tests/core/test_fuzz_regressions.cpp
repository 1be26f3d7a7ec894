// Regression tests for the crashes the libFuzzer targets in fuzz/ found. Each test feeds the
// crashing input (minimised, verbatim) through the same API the fuzz target used and checks the
// outcome the contract promises: a clean, typed error (or a correct result), never a crash,
// an escaping foreign exception or undefined behaviour (the suite also runs under ASan + UBSan).

#include "core/errors.h"
#include "core/io/image_io.h"
#include "core/io/npy.h"
#include "core/layers/resize_kernels.h"
#include "core/pipeline.h"
#include "core/tensor.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

// A version 1.0 .npy file with the dict text verbatim (padded as NumPy pads) and raw data.
std::string npyFile(const std::string& dict, const std::string& data)
{
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + data;
}

void writeFile(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

} // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private slots:
    // fuzz_pipeline_json: nlohmann::json throws out_of_range (not parse_error) for a number beyond
    // double's range; it escaped parsePipelineJson and terminated the process.
    void pipelineNumberBeyondDouble()
    {
        const std::string text = R"([{"class_name":"Tile","config":{"name":"t","multiples":[1,1e999999,1,1]}}])";
        try {
            parsePipelineJson(text);
            QFAIL("expected PipelineFormatError");
        } catch (const PipelineFormatError& e) {
            QVERIFY2(std::string(e.what()).find("malformed JSON") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("1e999999") != std::string::npos, e.what());
        }
    }

    // fuzz_pipeline_json (UBSan): a float parameter of 1e308 was converted to int64 before its
    // range was checked (float-cast-overflow, undefined behaviour). Also an unsigned literal above
    // INT64_MAX must not wrap to -1.
    void pipelineHugeFloatParameter()
    {
        const std::string text = R"([{"class_name":"Resizing","config":{"name":"r1","height":1e+308,"width":18446744073709551615,"fill_value":-1e+308}}])";
        try {
            parsePipelineJson(text);
            QFAIL("expected PipelineFormatError");
        } catch (const PipelineFormatError& e) {
            QVERIFY2(std::string(e.what()).find("height") != std::string::npos, e.what());
        }
        const std::string width = R"([{"class_name":"Resizing","config":{"name":"r1","height":2,"width":18446744073709551615}}])";
        QVERIFY_THROWS_EXCEPTION(PipelineFormatError, parsePipelineJson(width));
        for (const char* pool : {R"([{"class_name":"AveragePooling2D","config":{"pool_size":[-1e300,2]}}])",
                                 R"([{"class_name":"AveragePooling2D","config":{"pool_size":9.3e18}}])"})
            QVERIFY_THROWS_EXCEPTION(PipelineFormatError, parsePipelineJson(pool));
        // Exact integers written as floats are still accepted.
        const Pipeline ok = parsePipelineJson(R"([{"class_name":"AveragePooling2D","config":{"pool_size":[2.0,3]}}])");
        QCOMPARE(ok.layers.size(), size_t{1});
    }

    // fuzz_npy: a header shape (2^40, 2^40, 0) is a valid, empty array (NumPy writes such files),
    // but Tensor's element count threw std::overflow_error before reaching the zero, which escaped
    // parseNpy/readNpy as a foreign exception.
    void npyZeroDimensionAfterHugeOnes()
    {
        const std::string bytes = npyFile(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776, 0), }", "");
        const Tensor parsed = parseNpy(bytes);
        QCOMPARE(parsed.size(), int64_t{0});
        QCOMPARE(parsed.shape(), (Shape{int64_t{1} << 40, int64_t{1} << 40, 0}));
        QCOMPARE(elementCount({int64_t{1} << 62, int64_t{1} << 62, 0}), int64_t{0});
        QVERIFY_THROWS_EXCEPTION(std::overflow_error, elementCount({int64_t{1} << 40, int64_t{1} << 40}));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path path = fs::path(dir.path().toStdString()) / "empty.npy";
        writeFile(path, bytes);
        QCOMPARE(readNpy(path).size(), int64_t{0});
        // The app refuses it as an input, with an InputError.
        QVERIFY_THROWS_EXCEPTION(InputError, loadInputFile(path));
    }

    // fuzz_execute (UBSan): Resizing with crop_to_aspect_ratio / pad_to_aspect_ratio and target
    // sizes near INT64_MAX overflowed int64 in the aspect-ratio arithmetic (inWidth · height) during
    // shape inference, and the forward pass's scratch estimate could overflow as well. Now: the
    // crop is computed without overflow and the run ends in MemoryBudgetError naming the layer.
    void resizingAspectRatioHugeTarget()
    {
        for (const char* mode : {"crop_to_aspect_ratio", "pad_to_aspect_ratio"}) {
            for (int64_t size : {std::numeric_limits<int64_t>::max(), int64_t{1} << 62, int64_t{3037000500}}) {
                const nlohmann::json layer = {{"class_name", "Resizing"},
                                              {"config", {{"name", "r"}, {"height", size}, {"width", size},
                                                          {"interpolation", "bilinear"}, {mode, true}}}};
                const Pipeline pipeline = parsePipelineJson(nlohmann::json::array({layer}).dump());
                const ChainShapes chain = inferChain(pipeline, {1, 8, 8, 3});
                QVERIFY2(chain.ok(), chain.error.c_str());
                ExecContext context;
                context.threads = 1;
                context.memoryBudgetBytes = int64_t{64} << 20;
                try {
                    runPipeline(pipeline, Tensor({1, 8, 8, 3}), context);
                    QFAIL("expected MemoryBudgetError");
                } catch (const MemoryBudgetError& e) {
                    QVERIFY2(std::string(e.what()).find("Resizing 'r'") != std::string::npos, e.what());
                }
            }
        }
        // A very wide target: the crop window of an 8×8 input is one row, the full width.
        const Pipeline wide = parsePipelineJson(
            R"([{"class_name":"Resizing","config":{"name":"r","height":1,"width":9223372036854775807,"crop_to_aspect_ratio":true}}])");
        QVERIFY(inferChain(wide, {1, 8, 8, 3}).layers.size() <= 1); // no overflow on the way
        const AspectFit fit = cropToAspectRatio(8, 8, 1, std::numeric_limits<int64_t>::max());
        QCOMPARE(fit.height, int64_t{1});
        QCOMPARE(fit.width, int64_t{8});
        QCOMPARE(fit.top, int64_t{3});
    }

    // fuzz_execute (UBSan): shape arithmetic on absurd parameters overflowed int64: UpSampling2D's
    // n · size (scaledAxis), Tile's n · multiples, the dilated kernel d·(k − 1) + 1 of windowAxis,
    // and GlobalAveragePooling2D's H·W in its explanation after a huge Tile. Each is now a layer
    // error from inferChain (or, for GAP, an exact explanation), never undefined behaviour.
    void shapeArithmeticOverflow()
    {
        const Shape input{1, 8, 8, 3};
        const Pipeline up = parsePipelineJson(
            R"([{"class_name":"UpSampling2D","config":{"name":"u","size":[9223372036854775807,1]}}])");
        ChainShapes chain = inferChain(up, input);
        QVERIFY(!chain.ok());
        QVERIFY2(chain.error.find("UpSampling2D 'u'") == 0 && chain.error.find("too large") != std::string::npos,
                 chain.error.c_str());

        const Pipeline tile = parsePipelineJson(
            R"([{"class_name":"Tile","config":{"name":"t","multiples":[1,4611686018427387904,1,1]}}])");
        chain = inferChain(tile, input);
        QVERIFY(!chain.ok());
        QVERIFY2(chain.error.find("Tile 't'") == 0, chain.error.c_str());

        const Pipeline conv = parsePipelineJson(
            R"([{"class_name":"Conv2D","config":{"name":"c","filters":1,"kernel_size":[4611686018427387904,1],"dilation_rate":[3,1]}}])");
        chain = inferChain(conv, input);
        QVERIFY(!chain.ok());
        QVERIFY2(chain.error.find("Conv2D 'c'") == 0, chain.error.c_str());

        // Tile to a width of 2^62 (representable), then GAP: the explanation's H·W does not fit.
        const Pipeline gap = parsePipelineJson(
            R"([{"class_name":"Tile","config":{"name":"t","multiples":[1,1,576460752303423488,1]}},
                {"class_name":"GlobalAveragePooling2D","config":{"name":"g"}}])");
        chain = inferChain(gap, input);
        QVERIFY2(chain.ok(), chain.error.c_str());
        QVERIFY(chain.layers[1].axes.size() == 2);
        ExecContext context;
        context.threads = 1;
        context.memoryBudgetBytes = int64_t{16} << 20;
        QVERIFY_THROWS_EXCEPTION(MemoryBudgetError, runPipeline(gap, Tensor(input), context));
    }

    // fuzz_execute: a 'same' Conv2D whose kernel_size is huge but whose output is tiny allocated
    // the default (glorot) kernel of kh·kw·C·filters floats without the memory guard. Now the
    // kernel is guarded by name.
    void convHugeSameKernelIsGuarded()
    {
        const Pipeline conv = parsePipelineJson(
            R"([{"class_name":"Conv2D","config":{"name":"c","filters":2,"kernel_size":[1099511627776,1099511627776],"padding":"same"}}])");
        const ChainShapes chain = inferChain(conv, {1, 8, 8, 3});
        QVERIFY2(chain.ok(), chain.error.c_str());
        ExecContext context;
        context.threads = 1;
        context.memoryBudgetBytes = int64_t{16} << 20;
        try {
            runPipeline(conv, Tensor({1, 8, 8, 3}), context);
            QFAIL("expected MemoryBudgetError");
        } catch (const MemoryBudgetError& e) {
            QVERIFY2(std::string(e.what()).find("the kernel") != std::string::npos, e.what());
        }
    }

    // fuzz_execute (long run, timeout): Resizing grew 8×8×3 to 131072×8×3, then a 131072×8 SAME
    // pool with stride 8 summed every window cell for each of 16384 outputs (2.6·10^10 additions,
    // minutes under ASan). Large windows now use separable block sums (linear time); the result
    // must match a direct double-precision mean of the same cells.
    void hugeSamePoolOverGrownMap()
    {
        const Pipeline pipeline = parsePipelineJson(
            R"([{"class_name":"Resizing","config":{"antialias":true,"crop_to_aspect_ratio":false,"data_format":"channels_last","fill_value":5.0,"height":131072,"interpolation":"area","name":"l0","pad_to_aspect_ratio":false,"width":8}},)"
            R"({"class_name":"AveragePooling2D","config":{"data_format":"channels_last","name":"l1","padding":"same","pool_size":[131072,8],"strides":[8,8]}}])");
        Tensor input({1, 8, 8, 3});
        for (int64_t i = 0; i < input.size(); ++i)
            input[i] = static_cast<float>((i * 37) % 251) - 128.0f;
        ExecContext context;
        context.threads = 1;
        // The runner's budget covers every output it keeps (7.5 MiB of Tile + 14.4 MiB of l3).
        context.memoryBudgetBytes = int64_t{32} << 20;
        const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
        QCOMPARE(outputs.size(), size_t{2});
        const Tensor& grown = outputs[0];
        const Tensor& pooled = outputs[1];
        QCOMPARE(pooled.shape(), (Shape{1, 16384, 1, 3}));
        // SAME split: rows pad (16383·8 + 131072 − 131072) / 2 = 65532 before; columns 0.
        for (int64_t oy : {int64_t{0}, int64_t{8191}, int64_t{16383}})
            for (int64_t c = 0; c < 3; ++c) {
                const int64_t first = std::max<int64_t>(oy * 8 - 65532, 0);
                const int64_t end = std::min<int64_t>(oy * 8 - 65532 + 131072, 131072);
                double sum = 0;
                for (int64_t y = first; y < end; ++y)
                    for (int64_t x = 0; x < 8; ++x)
                        sum += grown.at(0, y, x, c);
                const double mean = sum / static_cast<double>((end - first) * 8);
                QVERIFY2(std::abs(pooled.at(0, oy, 0, c) - mean) <= 1e-3 * (1 + std::abs(mean)),
                         qPrintable(QString("row %1 channel %2: %3 vs %4").arg(oy).arg(c).arg(pooled.at(0, oy, 0, c)).arg(mean)));
            }
    }

    // fuzz_execute (long run, timeout): Tile grew the width to 49152, then an 'area' Resizing to
    // 16384×5 (channels_first) summed a ~9830-column box per output pixel, recomputing each
    // source row's box sums for every one of the 16384 output rows that covers it (1.3·10^10
    // additions). The row sums are now computed once per source row (bit-exact with TF's order,
    // see test_resize_kernels); this run must finish with the inferred shapes.
    void areaResizeOfVeryWideRows()
    {
        const Pipeline pipeline = parsePipelineJson(
            R"([{"class_name":"Resizing","config":{"antialias":true,"data_format":"channels_last","height":1,"interpolation":"lanczos3","name":"l0","width":1}},)"
            R"({"class_name":"Resizing","config":{"antialias":true,"data_format":"channels_last","height":8,"interpolation":"bicubic","name":"l1","width":5}},)"
            R"({"class_name":"Tile","config":{"multiples":[1,16384],"name":"l2"}},)"
            R"({"class_name":"Resizing","config":{"antialias":true,"data_format":"channels_first","height":16384,"interpolation":"area","name":"l3","width":5}}])");
        Tensor input({1, 8, 8, 3});
        for (int64_t i = 0; i < input.size(); ++i)
            input[i] = static_cast<float>(i % 17) - 8.0f;
        ExecContext context;
        context.threads = 1;
        // The runner's budget covers every output it keeps (7.5 MiB of Tile + 14.4 MiB of l3).
        context.memoryBudgetBytes = int64_t{32} << 20;
        const std::vector<Tensor> outputs = runPipeline(pipeline, input, context);
        QCOMPARE(outputs[2].shape(), (Shape{1, 8, 5, 49152}));
        QCOMPARE(outputs[3].shape(), (Shape{1, 8, 16384, 5}));
        // l1 grows a 1×1 image, so every row of l3's input (channels_first: 5 rows of 49152 columns
        // per channel) cycles through the same three values; a box of 9830.4 columns averages
        // them to within 3 columns' share of their range.
        const float v0 = outputs[2][0], v1 = outputs[2][1], v2 = outputs[2][2];
        const float mean = (v0 + v1 + v2) / 3, range = std::max({v0, v1, v2}) - std::min({v0, v1, v2});
        for (int64_t i = 0; i < outputs[3].size(); i += 4099)
            QVERIFY2(std::abs(outputs[3][i] - mean) <= 3 * range / 9830 + 1e-5f,
                     qPrintable(QString("%1: %2 vs %3").arg(i).arg(outputs[3][i]).arg(mean)));
    }

    // fuzz_execute (UBSan): the direct (im2col-free) Conv2D path stepped rows by stride·channels,
    // which overflowed for a width stride of 2^63 − 2. Such strides leave one output column and
    // now stay on the im2col path; the result must equal the same layer with stride 48 (the input
    // width, the same single column).
    void convDirectPathHugeStride()
    {
        const std::string conv = R"({"class_name":"Conv2D","config":{"activation":"sparsemax","filters":6,"kernel_size":[6,3],"name":"l1","padding":"same","use_bias":false,"strides":[2,)";
        const std::string tile = R"([{"class_name":"Tile","config":{"multiples":[6,6,6,8],"name":"l0"}},)";
        const Pipeline huge = parsePipelineJson(tile + conv + R"(9223372036854775806]}}])");
        const Pipeline plain = parsePipelineJson(tile + conv + R"(48]}}])");
        Tensor input({1, 8, 8, 3});
        for (int64_t i = 0; i < input.size(); ++i)
            input[i] = static_cast<float>((i * 7) % 13) - 6.0f;
        ExecContext context;
        context.threads = 1;
        const std::vector<Tensor> a = runPipeline(huge, input, context);
        const std::vector<Tensor> b = runPipeline(plain, input, context);
        QCOMPARE(a.back().shape(), (Shape{6, 24, 1, 6}));
        QCOMPARE(b.back().shape(), a.back().shape());
        QVERIFY(a.back() == b.back());

        // The same with a stride of 2^63 − 1 and a left padding of 1 (the interior-column bounds
        // overflowed even though the direct path was not taken).
        const Pipeline widest = parsePipelineJson(
            R"([{"class_name":"Conv2D","config":{"activation":"relu","data_format":"channels_first","filters":2,"kernel_size":[3,5],"name":"l0","padding":"same","strides":[3,9223372036854775807],"use_bias":true}}])");
        QCOMPARE(runPipeline(widest, input, context).back().shape(), (Shape{1, 2, 3, 1}));
    }

    // The same class of finding for Conv2D: shapes within the memory budget can still ask for
    // 10^13 multiply-adds (a 'same' kernel as large as a grown map). Runs that set
    // maxMultiplyAdds (the fuzz harness) get a WorkBudgetError naming the arithmetic instead.
    void convWorkBeyondLimitIsRefused()
    {
        const Pipeline pipeline = parsePipelineJson(
            R"([{"class_name":"Conv2D","config":{"name":"wide","filters":2,"kernel_size":[64,64],"padding":"same"}}])");
        ExecContext context;
        context.threads = 1;
        context.maxMultiplyAdds = 1000000;
        const Tensor input({1, 16, 16, 3});
        try {
            runPipeline(pipeline, input, context);
            QFAIL("expected WorkBudgetError");
        } catch (const WorkBudgetError& e) {
            // 256 pixels × 64×64 × 3 × 2 = 6 291 456.
            const std::string message = e.what();
            QVERIFY2(message.find("Conv2D 'wide'") == 0, e.what());
            QVERIFY2(message.find("256 pixels × 64×64 kernel × 3 input channels per group × 2 filters = 6.29e+06") != std::string::npos, e.what());
        }
        context.maxMultiplyAdds = 6291456; // exactly enough
        QCOMPARE(runPipeline(pipeline, input, context).back().shape(), (Shape{1, 16, 16, 2}));
        context.maxMultiplyAdds = 0; // no limit (the app and CLI)
        QCOMPARE(runPipeline(pipeline, input, context).back().shape(), (Shape{1, 16, 16, 2}));
    }

    // fuzz_pipeline_json (long run): a Conv2D weight written as a finite number beyond float32's
    // range (a 40-digit integer) loaded as inf, which the saver writes as JSON null, so the saved
    // pipeline did not load again. Now such a value is a load error naming the weights.
    void convWeightBeyondFloat32()
    {
        const std::string text = R"([{"class_name":"Conv2D","config":{"name":"c","filters":1,"kernel_size":[1,1],"use_bias":false},"weights":{"kernel":{"shape":[1,1,1,1],"data":[6666666666666666666666666666666666666666]}}}])";
        try {
            parsePipelineJson(text);
            QFAIL("expected PipelineFormatError");
        } catch (const PipelineFormatError& e) {
            QVERIFY2(std::string(e.what()).find("float32") != std::string::npos, e.what());
        }
        // The largest float32 itself is fine and survives save → load.
        const Pipeline ok = parsePipelineJson(
            R"([{"class_name":"Conv2D","config":{"name":"c","filters":1,"kernel_size":[1,1],"use_bias":false},"weights":{"kernel":{"shape":[1,1,1,1],"data":[-3.4028234663852886e38]}}}])");
        QVERIFY(parsePipelineJson(pipelineToJsonText(ok)) == ok);
    }

    // fuzz_image (long run, out-of-memory): a 225-byte 5×4 PNG whose second tEXt chunk claims
    // 1 946 157 093 bytes made libpng (inside cv::imdecode) allocate 1.9 GB. Now a chunk longer
    // than the rest of the file is refused before decoding, naming the chunk.
    void pngChunkClaimingGigabytes()
    {
        static const char bytes[] =
            "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x05\x00\x00\x00\x04"
            "\x10\x00\x00\x00\x00\x33\xc8\x76\xdf\x00\x00\x00\x04\x67\x41\x4d\x41\x00\x00\xb1\x8f\x0b\xfc\x61"
            "\x05\x00\x00\x00\x02\x62\x4b\x47\x44\xff\xef\x09\x1c\x21\xa9\x00\x00\x00\x07\x74\x49\x4d\x45\x07"
            "\xea\x0b\x15\x17\x1c\x1e\x6e\x0d\xd1\x33\x00\x00\x00\x15\x49\x44\x41\x54\x08\xd7\x63\x34\x2b\x60"
            "\x80\x02\x96\x2f\x2c\x08\x26\x33\x16\x51\x00\x59\xba\x03\x9b\xb8\x43\x15\xfa\x00\x00\x00\x25\x74"
            "\x45\x58\x74\x64\x61\x74\x65\x3a\x63\x72\x65\x61\x74\x65\x00\x32\x30\x32\x36\x2d\x31\x31\x2d\x32"
            "\x31\x54\x32\x33\x3a\x32\x38\x3a\x33\x30\x3c\x56\x52\x54\x44\x61\x74\x61\x73\x65\x74\x00\x00\x25"
            "\x74\x45\x58\x74\x64\x61\x74\x65\x3a\x6d\x6f\x64\x69\x66\x79\x00\x32\x30\x32\x36\x2d\x31\x31\x2d"
            "\x32\x31\x54\x32\x33\x3a\x32\x38\x3a\x33\x30\x2b\x30\x30\x3a\x30\x30\x5e\x71\x68\x33\x00\x00\x00"
            "\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path path = fs::path(dir.path().toStdString()) / "bomb.png";
        writeFile(path, std::string(bytes, sizeof bytes - 1));
        try {
            loadInputFile(path);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("tEXt") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("1946157093") != std::string::npos, e.what());
        }
        // The same file without the lying chunk (cut after the first tEXt, plus IEND) still loads.
        std::string good(bytes, 164);
        good += std::string("\x00\x00\x00\x00IEND\xae\x42\x60\x82", 12);
        writeFile(path, good);
        const Tensor image = loadInputFile(path);
        QCOMPARE(image.shape(), (Shape{1, 4, 5, 1}));
    }
};

QTEST_APPLESS_MAIN(TestFuzzRegressions)
#include "test_fuzz_regressions.moc"
