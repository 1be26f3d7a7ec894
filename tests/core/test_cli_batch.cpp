// `layerscope run --input DIR_OR_GLOB --outputs-dir OUT`, run as a process: every file gets the
// folder a single-input run writes, a corrupt file is reported without stopping the others, and
// --skip-existing leaves finished folders alone while redoing an interrupted (.partial) one.
#include "core/io/npy.h"
#include "test_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include "cli_process.h"

#include <QtTest>

#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

using test::CliResult;
using test::runCli;

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

std::set<std::string> filesIn(const fs::path& dir)
{
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.insert(e.path().filename().string());
    return names;
}

// d/model.json (pool, then tile), d/images/{a,b}.png (small noise), d/images/c.png (not a PNG).
void writeCase(const fs::path& d)
{
    std::ofstream(d / "model.json") << R"([{"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": 2}},
                                          {"class_name": "Tile", "config": {"name": "tile", "multiples": [1, 2, 2, 1]}}])";
    fs::create_directories(d / "images");
    for (const char* name : {"a", "b"}) {
        cv::Mat image(6, 8, CV_8UC3);
        cv::randu(image, 0, 256);
        QVERIFY(cv::imwrite((d / "images" / (std::string(name) + ".png")).string(), image));
    }
    std::ofstream(d / "images" / "c.png") << "this is not a PNG file";
}

} // namespace

class TestCliBatch : public QObject {
    Q_OBJECT

private slots:
    void folderWithACorruptFile()
    {
        QTemporaryDir dir;
        const fs::path d = dir.path().toStdString();
        writeCase(d);
        const CliResult r = runCli({"run", "--model", q(d / "model.json"), "--input", q(d / "images"), "--outputs-dir", q(d / "out")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("wrote 2 of 3 inputs"), qPrintable(r.out));
        // Not a terminal: one plain progress line per file, then the failure list.
        QVERIFY2(r.err.contains("[1/3] a.png\n[2/3] b.png\n[3/3] c.png\n"), qPrintable(r.err));
        QVERIFY2(r.err.contains("error: 1 of 3 inputs failed:\n  " + q(d / "images" / "c.png") + ": "), qPrintable(r.err));
        QCOMPARE(filesIn(d / "out"), (std::set<std::string>{"a", "b"}));
        // Each folder is what a single-input run writes, byte for byte in its tensors.
        for (const char* name : {"a", "b"}) {
            const fs::path single = d / (std::string("single_") + name);
            const CliResult one = runCli({"run", "--model", q(d / "model.json"), "--input",
                                          q(d / "images" / (std::string(name) + ".png")), "--outputs-dir", q(single)});
            QVERIFY2(one.exitCode == 0, qPrintable(one.err));
            QCOMPARE(filesIn(d / "out" / name), filesIn(single));
            QVERIFY(filesIn(single).count("02_tile.png"));
            for (const std::string& f : filesIn(single))
                if (fs::path(f).extension() == ".npy")
                    QVERIFY2(readNpy(d / "out" / name / f) == readNpy(single / f), f.c_str());
        }
    }

    void skipExistingKeepsFinishedAndRedoesPartial()
    {
        QTemporaryDir dir;
        const fs::path d = dir.path().toStdString();
        writeCase(d);
        const QStringList args = {"run", "--model", q(d / "model.json"), "--input", q(d / "images"), "--outputs-dir", q(d / "out"),
                                  "--skip-existing"};
        QCOMPARE(runCli(args).exitCode, 1);
        const auto aTime = fs::last_write_time(d / "out" / "a" / "01_pool.npy");
        // An interrupted b: its finished folder is gone and a half-written .partial is left.
        fs::remove_all(d / "out" / "b");
        fs::create_directories(d / "out" / "b.partial");
        std::ofstream(d / "out" / "b.partial" / "01_pool.npy") << "half";
        const CliResult r = runCli(args);
        QCOMPARE(r.exitCode, 1); // c.png still fails
        QVERIFY2(r.out.contains("wrote 1 of 3 inputs") && r.out.contains("1 skipped"), qPrintable(r.out));
        QVERIFY(fs::last_write_time(d / "out" / "a" / "01_pool.npy") == aTime);
        QCOMPARE(filesIn(d / "out"), (std::set<std::string>{"a", "b"}));
        QCOMPARE(filesIn(d / "out" / "b"), filesIn(d / "out" / "a"));
        QCOMPARE(readNpy(d / "out" / "b" / "01_pool.npy").shape(), (Shape{1, 3, 4, 3}));
    }

    void globPattern()
    {
        QTemporaryDir dir;
        const fs::path d = dir.path().toStdString();
        writeCase(d);
        const CliResult r = runCli({"run", "--model", q(d / "model.json"), "--input", q(d / "images" / "[ab]*.png"),
                                    "--outputs-dir", q(d / "out")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("wrote 2 of 2 inputs"), qPrintable(r.out));
        QCOMPARE(filesIn(d / "out"), (std::set<std::string>{"a", "b"}));
        const CliResult none = runCli({"run", "--model", q(d / "model.json"), "--input", q(d / "images" / "*.jpg"),
                                       "--outputs-dir", q(d / "none")});
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains("no files match"), qPrintable(none.err));
        const CliResult noDir = runCli({"run", "--model", q(d / "model.json"), "--input", q(d / "images")});
        QCOMPARE(noDir.exitCode, 2);
        const CliResult oneFile = runCli({"run", "--model", q(d / "model.json"), "--input", q(d / "images" / "a.png"),
                                          "--outputs-dir", q(d / "one"), "--skip-existing"});
        QCOMPARE(oneFile.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliBatch)
#include "test_cli_batch.moc"
