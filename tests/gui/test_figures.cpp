// `layerscope animate` and `layerscope figure` (gui/figures/), run as the real command line: the GIF
// is decoded with giflib and its frames checked against the StepThrough model (frame count, the
// highlighted output cell and input window of the first and last frame); the MP4 read back with
// OpenCV; the SVG and PDF searched for their text (pdftotext for the PDF); every bad argument is
// one clear error line and exit status 1. Plus File ▸ Export ▸ Step-through Animation / Figure
// through the main window's controller.

#include "gui_test_support.h"

#include "figures/step_animation.h"
#include "widgets/figure_export_controller.h"

#include "core/explain/step_through.h"
#include "core/io/npy.h"
#include "core/layer_registry.h"

#include "../core/cli_process.h"

#include <QElapsedTimer>
#include <QAction>
#include <QFile>
#include <QMenu>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <gif_lib.h>
#include <opencv2/videoio.hpp>

#include <fstream>

using namespace layerscope;
using namespace layerscope::gui;
using layerscope::test::runCli;

namespace {

// 0, 1, 2, … in raster order: every value of the figures is known by heart.
Tensor arange(int64_t height, int64_t width)
{
    Tensor t = Tensor::uninitialized({1, height, width, 1});
    for (int64_t i = 0; i < t.size(); ++i)
        t[i] = static_cast<float>(i);
    return t;
}

void writeText(const QString& path, const std::string& text)
{
    std::ofstream(path.toStdString()) << text;
}

struct Rgb {
    int r = 0, g = 0, b = 0;
};

// One decoded GIF: every frame's pixels through its own (or the global) colour map.
struct DecodedGif {
    int width = 0, height = 0;
    std::vector<std::vector<Rgb>> frames;
    Rgb at(size_t frame, QPoint p) const { return frames.at(frame).at(static_cast<size_t>(p.y() * width + p.x())); }
};

DecodedGif decodeGif(const QString& path)
{
    int error = 0;
    GifFileType* gif = DGifOpenFileName(path.toLocal8Bit().constData(), &error);
    if (!gif)
        throw std::runtime_error("giflib cannot open the GIF");
    if (DGifSlurp(gif) != GIF_OK) {
        DGifCloseFile(gif, &error);
        throw std::runtime_error("giflib cannot decode the GIF");
    }
    DecodedGif decoded;
    decoded.width = gif->SWidth;
    decoded.height = gif->SHeight;
    for (int i = 0; i < gif->ImageCount; ++i) {
        const SavedImage& image = gif->SavedImages[i];
        const ColorMapObject* map = image.ImageDesc.ColorMap ? image.ImageDesc.ColorMap : gif->SColorMap;
        std::vector<Rgb> pixels(static_cast<size_t>(decoded.width * decoded.height));
        for (int y = 0; y < image.ImageDesc.Height; ++y)
            for (int x = 0; x < image.ImageDesc.Width; ++x) {
                const GifColorType c = map->Colors[image.RasterBits[y * image.ImageDesc.Width + x]];
                pixels[static_cast<size_t>((y + image.ImageDesc.Top) * decoded.width + x + image.ImageDesc.Left)] = {c.Red, c.Green, c.Blue};
            }
        decoded.frames.push_back(std::move(pixels));
    }
    DGifCloseFile(gif, &error);
    return decoded;
}

// The highlight orange (230, 126, 34) after giflib's 5-bit-per-channel quantisation.
bool orange(Rgb c)
{
    return c.r > 200 && c.g > 95 && c.g < 155 && c.b < 70;
}

// A cell's frame is drawn along its edges: sample the middle of its left edge.
QPoint leftEdge(const QRect& r)
{
    return QPoint(r.left(), r.center().y());
}

} // namespace

class TestFigures : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_pipeline; // AveragePooling2D 3×3 stride 1 valid on 5×5 → 3×3
    QString m_samePipeline; // the same with SAME padding → 5×5 (padding hatched)
    QString m_input;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    std::unique_ptr<Layer> poolLayer(const std::string& padding) const
    {
        return parsePipelineJson(layerscope::gui::test::poolPipeline(3, 1, padding)).layers.front()->clone();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pipeline = path("pool.json");
        writeText(m_pipeline, layerscope::gui::test::poolPipeline(3, 1, "valid"));
        m_samePipeline = path("pool_same.json");
        writeText(m_samePipeline, layerscope::gui::test::poolPipeline(3, 1, "same"));
        m_input = path("arange5.npy");
        writeNpy(m_input.toStdString(), arange(5, 5));
    }

    void gifFramesFollowTheStepThrough()
    {
        const QString gif = path("pool.gif");
        const auto r = runCli({"animate", "--model", m_pipeline, "--input", m_input, "--layer", "pool", "--output", gif});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const DecodedGif decoded = decodeGif(gif);

        // The model: the layer's step-through on the same input shape.
        const auto layer = poolLayer("valid");
        const StepThrough steps(*layer, {1, 5, 5, 1});
        QCOMPARE(static_cast<int64_t>(decoded.frames.size()), steps.count());
        QCOMPARE(steps.count(), int64_t(9));
        // Where the frames put the cells (the same default size as the command).
        StepAnimationRequest request;
        request.layer = std::shared_ptr<const Layer>(poolLayer("valid"));
        request.input = std::make_shared<const Tensor>(arange(5, 5));
        request.output = std::make_shared<const Tensor>(request.layer->forward(*request.input, ExecContext()));
        const StepAnimation geometry(request);
        QCOMPARE(QSize(decoded.width, decoded.height), request.size);

        for (const size_t frame : {size_t(0), decoded.frames.size() - 1}) {
            const StepCell step = steps.at(static_cast<int64_t>(frame));
            // The output cell of this step is outlined, and no other.
            for (int64_t y = 0; y < steps.outputHeight(); ++y)
                for (int64_t x = 0; x < steps.outputWidth(); ++x) {
                    const bool current = y == step.output.y && x == step.output.x;
                    QVERIFY2(orange(decoded.at(frame, leftEdge(geometry.outputCellRect(y, x)))) == current,
                             qPrintable(QStringLiteral("frame %1, output cell (%2, %3)").arg(frame).arg(y).arg(x)));
                }
            // The input cells of its window are outlined, and no other.
            for (int64_t y = 0; y < 5; ++y)
                for (int64_t x = 0; x < 5; ++x) {
                    const bool inWindow = y >= step.rows.first && y <= step.rows.last && x >= step.cols.first && x <= step.cols.last;
                    const QRect cell = geometry.inputCellRect(y, x);
                    // Two pixels in: the window's outer outline reaches one pixel into its neighbours.
                    QVERIFY2(orange(decoded.at(frame, cell.topLeft() + QPoint(2, cell.height() / 2))) == inWindow,
                             qPrintable(QStringLiteral("frame %1, input cell (%2, %3)").arg(frame).arg(y).arg(x)));
                }
        }
    }

    void smallAnimationIsFast()
    {
        StepAnimationRequest request;
        request.layer = std::shared_ptr<const Layer>(poolLayer("valid"));
        request.input = std::make_shared<const Tensor>(arange(5, 5));
        request.output = std::make_shared<const Tensor>(request.layer->forward(*request.input, ExecContext()));
        QElapsedTimer timer;
        timer.start();
        const StepAnimation animation(request);
        animation.write(path("fast.gif").toStdString());
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QStringLiteral("%1 ms").arg(timer.elapsed())));
    }

    void largeRegionIsThinnedAndSaysSo()
    {
        const QString input = path("arange64.npy");
        writeNpy(input.toStdString(), arange(64, 64));
        const QString gif = path("large.gif");
        const auto r = runCli({"animate", "--model", m_samePipeline, "--input", input, "--layer", "pool", "--output", gif});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("showing 400 of the region's 4096 cells"), qPrintable(r.err));
        QCOMPARE(decodeGif(gif).frames.size(), size_t(400));
    }

    void mp4IsWrittenThroughOpenCv()
    {
        const QString mp4 = path("pool.mp4");
        const auto r = runCli({"animate", "--model", m_pipeline, "--input", m_input, "--layer", "pool", "--output", mp4,
                               "--fps", "4"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        cv::VideoCapture capture(mp4.toStdString());
        QVERIFY(capture.isOpened());
        int frames = 0;
        cv::Mat frame;
        cv::Size size;
        while (capture.read(frame)) {
            if (frames++ == 0)
                size = frame.size();
        }
        QCOMPARE(frames, 9);
        QCOMPARE(size.width, 760);
        QCOMPARE(size.height, 520);
    }

    void svgKeepsTextAsText()
    {
        const QString svg = path("numbers.svg");
        const auto r = runCli({"figure", "--model", m_pipeline, "--input", m_input, "--layer", "pool", "--kind", "numbers",
                               "--output", svg});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains(QRegularExpression(R"(<text[^>]*>\s*pool \(AveragePooling2D)")));
        // The 3×3 averages of 0…24 in raster order: 6 7 8 / 11 12 13 / 16 17 18.
        for (int value : {6, 7, 8, 11, 12, 13, 16, 17, 18})
            QVERIFY2(text.contains(QRegularExpression(QStringLiteral(R"(<text[^>]*>\s*%1\s*</text>)").arg(value))),
                     qPrintable(QString::number(value)));
    }

    void pdfHasSearchableText()
    {
        const QString pdf = path("numbers.pdf");
        const auto r = runCli({"figure", "--model", m_pipeline, "--input", m_input, "--layer", "pool", "--kind", "numbers",
                               "--output", pdf});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.read(5), QByteArray("%PDF-"));
        const QString pdftotext = QStandardPaths::findExecutable("pdftotext");
        QVERIFY2(!pdftotext.isEmpty(), "pdftotext (poppler-utils) is missing: run scripts/install-deps.sh");
        QProcess process;
        process.start(pdftotext, {pdf, "-"});
        QVERIFY(process.waitForFinished(30000));
        const QString text = QString::fromUtf8(process.readAllStandardOutput());
        QVERIFY2(text.contains("pool (AveragePooling2D"), qPrintable(text));
        QVERIFY2(text.contains("18"), qPrintable(text));
    }

    void everyKindWritesItsText_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("padding") << "padding" << "padding before";
        QTest::newRow("contact") << "contact" << "c0";
        QTest::newRow("graph") << "graph" << "AveragePooling2D";
    }

    void everyKindWritesItsText()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        for (const QString& extension : {QStringLiteral("svg"), QStringLiteral("png")}) {
            const QString out = path(kind + "." + extension);
            const auto r = runCli({"figure", "--model", m_samePipeline, "--input", m_input, "--layer", "pool", "--kind", kind,
                                   "--output", out});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QFile file(out);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            if (extension == "png") {
                QVERIFY(bytes.startsWith("\x89PNG"));
            } else {
                QVERIFY2(QString::fromUtf8(bytes).contains(QRegularExpression("<text[^>]*>[^<]*" + QRegularExpression::escape(expected))),
                         qPrintable(kind));
            }
        }
    }

    void badArgumentsAreClearErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString gif = m_dir.filePath("bad.gif");
        QTest::newRow("layer") << QStringList{"animate", "--layer", "nope", "--output", gif} << "no layer named 'nope'";
        QTest::newRow("extension") << QStringList{"animate", "--layer", "pool", "--output", m_dir.filePath("x.avi")}
                                   << "must end in .gif or .mp4";
        QTest::newRow("channel") << QStringList{"animate", "--layer", "pool", "--channel", "5", "--output", gif}
                                 << "channel 5 does not exist";
        QTest::newRow("region") << QStringList{"animate", "--layer", "pool", "--region", "0,0,9,9", "--output", gif}
                                << "is not inside the layer's 3×3 output";
        QTest::newRow("size") << QStringList{"animate", "--layer", "pool", "--size", "100000x100000", "--output", gif}
                              << "--size must be between";
        QTest::newRow("unwritable") << QStringList{"animate", "--layer", "pool", "--output", "/nonexistent/dir/x.gif"}
                                    << "nonexistent";
        QTest::newRow("figure extension") << QStringList{"figure", "--layer", "pool", "--kind", "numbers", "--output", m_dir.filePath("x.jpg")}
                                          << "must end in .svg, .pdf or .png";
        QTest::newRow("figure channel") << QStringList{"figure", "--layer", "pool", "--kind", "numbers", "--channel", "-1",
                                                       "--output", m_dir.filePath("x.svg")}
                                        << "channel -1 does not exist";
        QTest::newRow("figure input") << QStringList{"figure", "--layer", "input_layer", "--kind", "contact",
                                                     "--output", m_dir.filePath("x.svg")}
                                      << "is the model's input";
    }

    void badArgumentsAreClearErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        arguments << "--model" << m_pipeline << "--input" << m_input;
        const auto r = runCli(arguments);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("error: ") && r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(!QFile::exists(m_dir.filePath("bad.gif")));
    }

    void exportMenuHasTheEntries()
    {
        auto w = layerscope::gui::test::makeWindow(InputSpec::arange(1, 5, 5, 1),
                                                   layerscope::gui::test::poolPipeline(3, 1, "same"));
        QVERIFY(layerscope::gui::test::waitIdle(*w));
        // File ▸ Export holds the animation and the Figure submenu with its four kinds, enabled for
        // a computed layer.
        QAction* animation = w->action("exportAnimation");
        QVERIFY(animation);
        QCOMPARE(animation->text(), QStringLiteral("Step-through &Animation…"));
        QVERIFY(animation->isEnabled());
        QMenu* exportMenu = nullptr;
        for (QMenu* menu : w->findChildren<QMenu*>())
            if (menu->actions().contains(animation))
                exportMenu = menu;
        QVERIFY(exportMenu);
        QVERIFY(exportMenu->title().contains("Export"));
        QMenu* figures = nullptr;
        for (QAction* a : exportMenu->actions())
            if (a->menu() && a->text().contains("Figure"))
                figures = a->menu();
        QVERIFY(figures);
        QStringList kinds;
        for (QAction* a : figures->actions()) {
            QVERIFY(a->isEnabled());
            kinds << a->text().remove('&');
        }
        QCOMPARE(kinds, (QStringList{"Numbers Grid…", "Padding Split…", "Contact Sheet…", "Graph…"}));
    }

    void exportMenuWritesAnimationAndFigure()
    {
        auto w = layerscope::gui::test::makeWindow(InputSpec::arange(1, 5, 5, 1),
                                                   layerscope::gui::test::poolPipeline(3, 1, "same"));
        QVERIFY(layerscope::gui::test::waitIdle(*w));
        FigureExportController* figures = w->figureExports();
        QSignalSpy exported(figures, &FigureExportController::exported);
        QSignalSpy failed(figures, &FigureExportController::failed);
        const QString gif = path("menu.gif");
        QVERIFY(figures->exportAnimationTo(gif));
        QTRY_COMPARE_WITH_TIMEOUT(exported.count() + failed.count(), 1, 20000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
        // SAME 3×3 on 5×5: 25 steps.
        QCOMPARE(decodeGif(gif).frames.size(), size_t(25));
        const QString svg = path("menu_padding.svg");
        QVERIFY(figures->exportFigureTo(FigureKind::Padding, svg));
        QCOMPARE(failed.count(), 0);
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(file.readAll()).contains("1 padding before, 1 after"));
        // The other kinds of the selected layer; the graph is the stack as a linear model.
        const std::pair<FigureKind, QString> others[] = {{FigureKind::Numbers, "pool (AveragePooling2D"},
                                                         {FigureKind::Contact, "c0"},
                                                         {FigureKind::Graph, "input_layer"}};
        for (const auto& [kind, expected] : others) {
            const QString out = path("menu_" + figureKindName(kind) + ".svg");
            QVERIFY(figures->exportFigureTo(kind, out));
            QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(QString::fromUtf8(f.readAll()).contains(expected), qPrintable(figureKindName(kind)));
        }
    }
};

QTEST_MAIN(TestFigures)
#include "test_figures.moc"
