// The lessons of File ▸ Lessons (resources/lessons, written by Keras through
// scripts/make_lessons.py): each loads through the model loader, computes every node on the
// input it names (as the app builds it), and shows what its text says it shows.

#include "test_support.h"

#include "core/graph/graph_json.h"
#include "core/graph/graph_run.h"
#include "core/graph/model_input_fit.h"
#include "core/input/synthetic_input.h"
#include "core/io/atomic_file.h"
#include "core/io/image_io.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

using namespace layerscope;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kLessons = fs::path(LAYERSCOPE_SOURCE_DIR) / "resources" / "lessons";

struct Lesson {
    ModelGraph graph;
    json example;
    std::map<std::string, TensorPtr> outputs; // by node name
};

// The input the app builds from the lesson's "input" (InputSpec JSON): a synthetic pattern, or
// the bundled sample photo fitted to the model's input (File ▸ Lessons fits it the same way).
Tensor lessonInput(const json& input, const ModelGraph& graph)
{
    if (input.at("kind") == "synthetic") {
        SyntheticInput s;
        s.kind = static_cast<SyntheticKind>(input.at("synthetic").get<int>());
        s.batch = input.at("batch").get<int64_t>();
        s.height = input.at("height").get<int64_t>();
        s.width = input.at("width").get<int64_t>();
        s.channels = input.at("channels").get<int64_t>();
        s.scale = input.at("scale").get<int>() == 0 ? ValueScale::Range255 : ValueScale::Range01;
        return syntheticTensor(s);
    }
    const Tensor photo = loadImage(fs::path(LAYERSCOPE_SOURCE_DIR) / "images" / "chelsea.png");
    return fitInputToModel(photo, declaredImageInput(graph), InputFit::Resize, ExecContext{}).tensor;
}

Lesson runLesson(const fs::path& file)
{
    Lesson lesson;
    const json document = json::parse(readTextFile(file));
    lesson.example = document.at("layerscope_example");
    lesson.graph = parseModelJsonDocument(document);
    auto input = std::make_shared<const Tensor>(lessonInput(lesson.example.at("input"), lesson.graph));
    const GraphRunResult run = runGraph({&lesson.graph, {input}, {}, {}}, ExecContext{});
    for (size_t n = 0; n < lesson.graph.nodes.size(); ++n) {
        if (!run.outputs[n])
            throw std::runtime_error(file.filename().string() + ": node " + lesson.graph.nodeName(n)
                                     + " not computed: " + run.errors[n]);
        lesson.outputs[lesson.graph.nodeName(n)] = run.outputs[n];
    }
    return lesson;
}

float maxAbs(const Tensor& t)
{
    float m = 0.0f;
    for (int64_t i = 0; i < t.size(); ++i)
        m = std::max(m, std::abs(t[i]));
    return m;
}

double meanAbs(const Tensor& t)
{
    double sum = 0;
    for (int64_t i = 0; i < t.size(); ++i)
        sum += std::abs(t[i]);
    return sum / double(t.size());
}

} // namespace

class TestLessons : public QObject {
    Q_OBJECT
private slots:
    void everyLessonLoadsAndComputes()
    {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(kLessons))
            files.push_back(entry.path());
        QCOMPARE(files.size(), size_t{6});
        for (const fs::path& file : files) {
            const Lesson lesson = runLesson(file);
            const json& example = lesson.example;
            QVERIFY2(example.at("title").get<std::string>().rfind("Graph: Lesson ", 0) == 0, file.c_str());
            QVERIFY2(example.at("lesson").get<std::string>().size() > 200, file.c_str());
            const std::string select = example.at("select").get<std::string>();
            QVERIFY2(lesson.outputs.count(select), (file.string() + " selects " + select).c_str());
            for (const auto& [name, tensor] : lesson.outputs)
                for (int64_t i = 0; i < tensor->size(); ++i)
                    QVERIFY2(std::isfinite((*tensor)[i]), (file.string() + ": " + name).c_str());
        }
    }

    void poolingIsTheKerasDocumentationExample()
    {
        const Lesson lesson = runLesson(kLessons / "01_pooling_doc_examples.json");
        QCOMPARE(lesson.outputs.at("average")->toVector(), (std::vector<float>{3, 4, 6, 7}));
        QCOMPARE(lesson.outputs.at("maximum")->toVector(), (std::vector<float>{5, 6, 8, 9}));
    }

    void centredChannelsAverageToZero()
    {
        const Lesson lesson = runLesson(kLessons / "02_global_average_and_excitation.json");
        const Tensor& centred = *lesson.outputs.at("centred");
        QCOMPARE(centred.shape(), (Shape{1, 64, 64, 8}));
        for (int64_t c = 0; c < 8; ++c) {
            double sum = 0, scale = 0;
            for (int64_t y = 0; y < 64; ++y)
                for (int64_t x = 0; x < 64; ++x) {
                    sum += centred.at(0, y, x, c);
                    scale += std::abs(lesson.outputs.at("features")->at(0, y, x, c));
                }
            QVERIFY2(std::abs(sum) <= 1e-5 * (1 + scale), qPrintable(QString("channel %1: %2").arg(c).arg(sum)));
        }
    }

    // Ones through a 3×3 stride-2 transposed convolution of ones: 1, 2 and 4 contributions, in a
    // checkerboard (even output rows/columns get one stamp row/column, odd ones two); the
    // resize-convolution gives every interior pixel 9.
    void transposedConvolutionDrawsTheCheckerboard()
    {
        const Lesson lesson = runLesson(kLessons / "03_checkerboard.json");
        const Tensor& t = *lesson.outputs.at("transposed");
        QCOMPARE(t.shape(), (Shape{1, 32, 32, 1}));
        std::set<float> values;
        for (int64_t y = 1; y < 31; ++y)
            for (int64_t x = 1; x < 31; ++x) {
                const float expected = float((y % 2 ? 1 : 2) * (x % 2 ? 1 : 2));
                QCOMPARE(t.at(0, y, x, 0), expected);
                values.insert(t.at(0, y, x, 0));
            }
        QCOMPARE(values, (std::set<float>{1, 2, 4}));
        const Tensor& r = *lesson.outputs.at("resize_conv");
        for (int64_t y = 1; y < 31; ++y)
            for (int64_t x = 1; x < 31; ++x)
                QCOMPARE(r.at(0, y, x, 0), 9.0f);
    }

    // Zhang 2019's point on the bundled photo: between two views one pixel apart, blurring
    // before subsampling changes the output least, on average and at worst.
    void blurredPoolingChangesLeastUnderAShift()
    {
        const Lesson lesson = runLesson(kLessons / "04_shift_equivariance.json");
        std::map<std::string, std::pair<float, double>> change;
        for (const std::string kind : {"max", "avg", "blur"}) {
            const Tensor& d = *lesson.outputs.at(kind + "_difference");
            change[kind] = {maxAbs(d), meanAbs(d)};
            qInfo("%s pooling: max |difference| %.2f, mean %.3f", kind.c_str(), change[kind].first, change[kind].second);
        }
        QVERIFY(change["blur"].second < std::min(change["avg"].second, change["max"].second));
        QVERIFY(change["blur"].first < std::min(change["avg"].first, change["max"].first));
        QVERIFY(change["blur"].second > 0.0);
    }

    // Between a quarter and nearly half the way to the zone plate's corners (output radius 12 to
    // 22 of 64: rings of 0.1 to 0.2 cycles per input pixel, well inside the input's Nyquist limit
    // and above the 4× smaller grid's 0.125), plain bilinear keeps false rings at high contrast;
    // antialiasing averages them towards grey; area's 4×4 box lowers them less (a box filter
    // passes part of the finest rings).
    void antialiasingRemovesTheFalseRings()
    {
        const Lesson lesson = runLesson(kLessons / "05_aliased_resizing.json");
        const auto ringContrast = [&](const std::string& node) {
            const Tensor& t = *lesson.outputs.at(node);
            float lo = 1e9f, hi = -1e9f;
            for (int64_t y = 0; y < 64; ++y)
                for (int64_t x = 0; x < 64; ++x) {
                    const double r = std::hypot(y - 31.5, x - 31.5);
                    if (r < 12 || r > 22)
                        continue;
                    lo = std::min(lo, t.at(0, y, x, 0));
                    hi = std::max(hi, t.at(0, y, x, 0));
                }
            return hi - lo;
        };
        const float plain = ringContrast("bilinear");
        const float smooth = ringContrast("bilinear_antialias");
        const float area = ringContrast("area");
        qInfo("contrast between radius 12 and 22: bilinear %.1f, antialias %.1f, area %.1f", plain, smooth, area);
        QVERIFY(plain > 150.0f);
        QVERIFY(smooth < plain / 3);
        QVERIFY(area < plain * 0.75f);
        QVERIFY(smooth < area);
    }

    // TF's SAME puts the odd padding row at the bottom: the top-left output sums rows and columns
    // 0–2 of 1..16, not 0–1 as a symmetric padding would.
    void samePaddingGoesToTheBottomRight()
    {
        const Lesson lesson = runLesson(kLessons / "06_same_padding.json");
        const Tensor& conv = *lesson.outputs.at("conv_same_s2");
        QCOMPARE(conv.shape(), (Shape{1, 2, 2, 1}));
        QCOMPARE(conv.at(0, 0, 0, 0), 54.0f); // 1+2+3+5+6+7+9+10+11
        QCOMPARE(conv.at(0, 1, 1, 0), 11.0f + 12 + 15 + 16); // the padding row and column add nothing
        QCOMPARE(lesson.outputs.at("pool_same_s2")->at(0, 1, 1, 0), (11.0f + 12 + 15 + 16) / 4);
    }
};

QTEST_MAIN(TestLessons)
#include "test_lessons.moc"
