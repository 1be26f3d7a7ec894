// Opening real .keras / .h5 files (../shared/real_models, index.json) and refusing hostile or
// damaged ones with clear errors. Expected facts come from index.json (written from the files by
// h5py/zipfile, not by LayerScope), from the issue's wording, and from files this test writes
// itself with libzip-free byte layouts and the HDF5 C API.

#include "core/errors.h"
#include "core/graph/graph_run.h"
#include "core/graph/graph_shapes.h"
#include "core/graph/keras_save.h"
#include "core/graph/model_file.h"
#include "core/io/reader_process.h"
#include "core/io/hdf5_weights.h"
#include "core/io/keras_archive.h"
#include "core/io/npy.h"
#include "test_support.h"

#include <hdf5.h>
#include <nlohmann/json.hpp>

#include <QProcess>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include "cli_process.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

using namespace layerscope;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kModels = LAYERSCOPE_REAL_MODELS_DIR;

std::string readBytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeBytes(const fs::path& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

json modelIndex()
{
    return json::parse(readBytes(kModels / "index.json"));
}

// The companion architecture of a weights-only file, when it has a JSON one (26_'s is a YAML
// dump, transcribed in tests/data/real_models/).
std::optional<fs::path> companionJson(const std::string& file)
{
    const std::string suffix = ".weights.h5";
    if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
        const fs::path transcribed = fs::path(LAYERSCOPE_TEST_DATA_DIR) / "real_models"
                                   / (file.substr(0, file.size() - suffix.size()) + "_architecture.json");
        return fs::exists(transcribed) ? std::optional<fs::path>(transcribed) : std::nullopt;
    }
    const size_t cut = file.find("_weights_only");
    if (cut == std::string::npos)
        return std::nullopt;
    for (const auto& e : fs::directory_iterator(kModels)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(file.substr(0, cut), 0) == 0 && name.find("architecture.json") != std::string::npos)
            return e.path();
    }
    return std::nullopt;
}

ModelGraph loadIndexed(const std::string& file)
{
    if (const std::optional<fs::path> architecture = companionJson(file)) {
        ModelFileOptions options;
        options.weightsPath = kModels / file;
        return loadModelFile(*architecture, options);
    }
    return loadModelFile(kModels / file);
}

// Seeded input for the model's declared input shape (batch 1).
TensorPtr seededInput(const ModelGraph& graph)
{
    Shape shape = graph.layerOf(graph.inputs.at(0)).declaredShape;
    shape.at(0) = 1;
    return std::make_shared<const Tensor>(test::randomTensor(shape, 20261129u, 0.0f, 1.0f));
}

using test::CliResult;
using test::runCli;

QString loadError(const std::function<void()>& load)
{
    try {
        load();
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return QString();
}

// ---- a stored (uncompressed) zip written byte by byte, to make archives libzip itself refuses
// to write (duplicate names, lying sizes) ----

uint32_t crc32Of(const std::string& data)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void put16(std::string& s, uint32_t v)
{
    s += static_cast<char>(v & 0xFF);
    s += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& s, uint32_t v)
{
    put16(s, v & 0xFFFF);
    put16(s, v >> 16);
}

struct ZipMember {
    std::string name, data;
    uint32_t declaredSize = 0xFFFFFFFFu; // default: the real size
};

std::string storedZip(const std::vector<ZipMember>& members)
{
    std::string zip, central;
    for (const ZipMember& m : members) {
        const uint32_t offset = static_cast<uint32_t>(zip.size());
        const uint32_t size = m.declaredSize == 0xFFFFFFFFu ? static_cast<uint32_t>(m.data.size()) : m.declaredSize;
        const uint32_t crc = crc32Of(m.data);
        put32(zip, 0x04034b50u);
        put16(zip, 20); put16(zip, 0); put16(zip, 0); put16(zip, 0); put16(zip, 0);
        put32(zip, crc); put32(zip, static_cast<uint32_t>(m.data.size())); put32(zip, size);
        put16(zip, static_cast<uint32_t>(m.name.size())); put16(zip, 0);
        zip += m.name + m.data;
        put32(central, 0x02014b50u);
        put16(central, 20); put16(central, 20); put16(central, 0); put16(central, 0); put16(central, 0); put16(central, 0);
        put32(central, crc); put32(central, static_cast<uint32_t>(m.data.size())); put32(central, size);
        put16(central, static_cast<uint32_t>(m.name.size())); put16(central, 0); put16(central, 0); put16(central, 0);
        put16(central, 0); put32(central, 0); put32(central, offset);
        central += m.name;
    }
    const uint32_t centralOffset = static_cast<uint32_t>(zip.size());
    zip += central;
    put32(zip, 0x06054b50u);
    put16(zip, 0); put16(zip, 0);
    put16(zip, static_cast<uint32_t>(members.size())); put16(zip, static_cast<uint32_t>(members.size()));
    put32(zip, static_cast<uint32_t>(central.size())); put32(zip, centralOffset); put16(zip, 0);
    return zip;
}

// The members of a real .keras file, read independently of LayerScope's reader: the samples are
// all ZIP_STORED (KERAS_FILES.md §1), so each member's bytes follow its local header.
std::map<std::string, std::string> storedMembers(const std::string& zip)
{
    std::map<std::string, std::string> members;
    size_t at = 0;
    auto u16 = [&](size_t p) { return static_cast<uint32_t>(static_cast<unsigned char>(zip[p]) | static_cast<unsigned char>(zip[p + 1]) << 8); };
    auto u32 = [&](size_t p) { return u16(p) | u16(p + 2) << 16; };
    while (at + 30 <= zip.size() && u32(at) == 0x04034b50u) {
        const uint32_t compressed = u32(at + 18), nameLength = u16(at + 26), extra = u16(at + 28);
        const std::string name = zip.substr(at + 30, nameLength);
        members[name] = zip.substr(at + 30 + nameLength + extra, compressed);
        at += 30 + nameLength + extra + compressed;
    }
    return members;
}

// An HDF5 weights file in Keras 3 layout for a one-Conv2D model, written with the HDF5 C API;
// `tamper` changes it before closing.
void writeWeightsFile(const fs::path& path, const std::function<void(hid_t file, hid_t vars)>& tamper)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    const hid_t vars = H5Gcreate2(file, "layers/conv2d/vars", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    tamper(file, vars);
    H5Gclose(vars);
    H5Pclose(lcpl);
    H5Fclose(file);
}

void writeFloatDataset(hid_t group, const char* name, const std::vector<hsize_t>& dims, const std::vector<float>& values)
{
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t set = H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!values.empty())
        H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(set);
    H5Sclose(space);
}

// A Sequential JSON with one 3×3 Conv2D of `filters` filters on an 8×8×1 input.
std::string oneConvModel(int filters)
{
    return json{{"class_name", "Sequential"},
                {"config", {{"name", "one_conv"},
                            {"layers", {{{"class_name", "InputLayer"}, {"config", {{"batch_shape", {nullptr, 8, 8, 1}}, {"name", "in"}}}},
                                        {{"class_name", "Conv2D"},
                                         {"config", {{"name", "conv"}, {"filters", filters}, {"kernel_size", {3, 3}}}}}}}}}}
        .dump();
}

} // namespace

class TestKerasFiles : public QObject {
    Q_OBJECT

private slots:
    void everyRealModelOpensAndRuns_data();
    void everyRealModelOpensAndRuns();
    void weightsOnlyFileNeedsItsModel();
    void kerasZipAndLegacyH5GiveIdenticalOutputs();
    void weightsComeFromTheFile();
    void hostileFilesListLambdaAndRefuseToRunIt_data();
    void hostileFilesListLambdaAndRefuseToRunIt();
    void hostileArchivesAreRefused();
    void damagedFilesGiveClearErrors();
    void hostileHdf5IsRefused();
    void theReaderProcessIsIsolatedAndTimed();
    void wrongWeightShapeNamesLayerVariableAndShapes();
    void memoryBudgetBoundsLoading();
    void saveKerasRoundTrip();
};

void TestKerasFiles::everyRealModelOpensAndRuns_data()
{
    QTest::addColumn<QString>("file");
    for (const json& entry : modelIndex()) {
        const std::string file = entry.at("file");
        if (file.rfind("hostile_", 0) == 0)
            continue;
        QTest::newRow(file.c_str()) << QString::fromStdString(file);
    }
}

void TestKerasFiles::everyRealModelOpensAndRuns()
{
    QFETCH(QString, file);
    json entry;
    for (const json& e : modelIndex())
        if (e.at("file") == file.toStdString())
            entry = e;
    const ModelGraph graph = loadIndexed(file.toStdString());
    // Layer classes as index.json counts them (nested models are inlined here, so their wrapper
    // entries and their inner InputLayers are not layers of the graph).
    std::map<std::string, int> counts;
    for (const GraphLayer& l : graph.layers)
        ++counts[l.className];
    for (const auto& [cls, n] : entry.at("layer_class_counts").items()) {
        if (cls == "Functional" || cls == "Sequential" || cls == "Model" || cls == "InputLayer")
            continue;
        QVERIFY2(counts[cls] == n.get<int>(), qPrintable(QString("%1: %2 layers, index.json says %3")
                                                             .arg(QString::fromStdString(cls)).arg(counts[cls]).arg(n.get<int>())));
    }
    QCOMPARE(graph.inputs.size(), size_t{1});
    if (!entry.at("layer_class_counts").contains("Functional") && !entry.at("layer_class_counts").contains("Sequential")
        && entry.at("layer_class_counts").contains("InputLayer"))
        QCOMPARE(static_cast<int>(graph.layers.size()), entry.at("n_layers").get<int>());

    // The supported part runs: every node computed unless it is, or waits for, an unsupported layer.
    GraphRunRequest request;
    request.graph = &graph;
    request.inputs = {seededInput(graph)};
    ExecContext context;
    context.threads = 2;
    const GraphRunResult result = runGraph(request, context);
    const GraphShapes shapes = inferGraphShapes(graph, {request.inputs[0]->shape()});
    int computed = 0;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        if (result.outputs[i]) {
            ++computed;
            continue;
        }
        const NodeShape& s = shapes.nodes[i];
        const bool behindUnsupported = s.status == NodeStatus::Unsupported
                                    || (s.status == NodeStatus::Blocked && s.blockedBy
                                        && shapes.nodes[*s.blockedBy].status == NodeStatus::Unsupported);
        QVERIFY2(behindUnsupported, qPrintable(QString::fromStdString(graph.nodeName(i) + ": " + result.errors[i])));
    }
    QVERIFY(computed >= 1); // 09_ starts with a custom class: only its input exists
    for (size_t out : graph.outputs)
        if (result.outputs[out]) {
            const Tensor& t = *result.outputs[out];
            for (int64_t k = 0; k < t.size(); ++k)
                QVERIFY2(std::isfinite(t[k]), "a model output is not finite");
        }
}

void TestKerasFiles::weightsOnlyFileNeedsItsModel()
{
    for (const char* file : {"25_k2.0.0_conv2d_8x8_weights_only.h5", "26_k3_mnist_cnn.weights.h5"}) {
        const QString error = loadError([&] { loadModelFile(kModels / file); });
        QVERIFY2(error.contains("weights-only") && error.contains("--weights"), qPrintable(error));
    }
}

void TestKerasFiles::kerasZipAndLegacyH5GiveIdenticalOutputs()
{
    // KERAS_FILES.md §7.8: 17_ (.keras) and 18_ (legacy h5) hold bit-identical weights.
    const ModelGraph zip = loadModelFile(kModels / "17_k3.5.0_denoising_autoencoder.keras");
    const ModelGraph h5 = loadModelFile(kModels / "18_k3.5.0_denoising_autoencoder_legacy.h5");
    const TensorPtr input = seededInput(zip);
    ExecContext context;
    GraphRunRequest a{&zip, {input}, {}, {}}, b{&h5, {input}, {}, {}};
    const GraphRunResult ra = runGraph(a, context), rb = runGraph(b, context);
    const Tensor& x = *ra.outputs.at(zip.outputs.at(0));
    const Tensor& y = *rb.outputs.at(h5.outputs.at(0));
    QCOMPARE(QString::fromStdString(test::compareTensors(x, y, 0.0, 0.0)), QString());
}

void TestKerasFiles::weightsComeFromTheFile()
{
    // 21_: config layer "enc_conv1" is stored at layers/conv2d (KERAS_FILES.md §4.2); its kernel
    // is the file's dataset, read here independently through the members and HDF5.
    const fs::path path = kModels / "21_k3.8.0_autoencoder_bn_custom_names.keras";
    const ModelGraph graph = loadModelFile(path);
    const std::string weights = storedMembers(readBytes(path)).at("model.weights.h5");
    QTemporaryDir dir;
    const fs::path h5 = fs::path(dir.path().toStdString()) / "w.h5";
    writeBytes(h5, weights);
    const hid_t file = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t set = H5Dopen2(file, "layers/conv2d/vars/0", H5P_DEFAULT);
    std::vector<float> kernel(3 * 3 * 1 * 32);
    H5Dread(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, kernel.data());
    H5Dclose(set);
    H5Fclose(file);
    const GraphLayer& layer = graph.layers.at(*graph.findLayer("enc_conv1"));
    const std::vector<NamedArray> arrays = layer.layer->kerasWeights({1, 28, 28, 1});
    QVERIFY(!arrays.empty());
    QCOMPARE(arrays.front().values.size(), kernel.size());
    for (size_t i = 0; i < kernel.size(); ++i)
        QCOMPARE(arrays.front().values[i], kernel[i]);
}

void TestKerasFiles::hostileFilesListLambdaAndRefuseToRunIt_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("lambdas");
    QTest::addColumn<QString>("inputShape");
    QTest::newRow("31") << "hostile_31_tfk2.8_efficientnet_lc_lambda_se_multiply.h5" << 16 << "1,128,128,3";
    QTest::newRow("32") << "hostile_32_k3.8.0_vae_encoder_lambda_registered_fn.keras" << 1 << "1,28,28,1";
}

void TestKerasFiles::hostileFilesListLambdaAndRefuseToRunIt()
{
    QFETCH(QString, file);
    QFETCH(int, lambdas);
    QFETCH(QString, inputShape);
    const ModelGraph graph = loadModelFile(kModels / file.toStdString());
    int listed = 0;
    std::string firstLambda;
    for (const GraphLayer& l : graph.layers)
        if (l.className == "Lambda") {
            QVERIFY(!l.supported());
            QVERIFY(l.unsupported->reason.find("never runs code") != std::string::npos);
            if (firstLambda.empty())
                firstLambda = l.name;
            ++listed;
        }
    QCOMPARE(listed, lambdas);
    // The CLI: inspect lists them, shapes/run stop at them with the issue's message and exit 1.
    const CliResult inspect = runCli({"inspect", QString::fromStdString((kModels / file.toStdString()).string())});
    QCOMPARE(inspect.exitCode, 0);
    QVERIFY(inspect.out.contains("Lambda"));
    QTemporaryDir dir;
    const QString input = dir.filePath("in.npy");
    Shape shape;
    for (const QString& d : inputShape.split(','))
        shape.push_back(d.toLongLong());
    writeNpy(input.toStdString(), test::randomTensor(shape, 7u, 0.0f, 1.0f));
    const CliResult run = runCli({"run", "--model", QString::fromStdString((kModels / file.toStdString()).string()), "--input", input,
                                  "--output", dir.filePath("out.npy")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(QRegularExpression(
                 "error: Lambda layer '[^']+' holds Python code; LayerScope never runs code from a model file")),
             qPrintable(run.err));
    QVERIFY(!QFile::exists(dir.filePath("out.npy")));
}

void TestKerasFiles::hostileArchivesAreRefused()
{
    const std::string real = readBytes(kModels / "23_k3.10.0_denoising_autoencoder_sequential.keras");
    const auto members = storedMembers(real);
    const ZipMember config{"config.json", members.at("config.json")}, metadata{"metadata.json", members.at("metadata.json")},
        weights{"model.weights.h5", members.at("model.weights.h5")};
    // Sanity: the hand-written zip of the real members loads.
    QCOMPARE(loadModelBytes(storedZip({metadata, config, weights}), "copy.keras").layers.size(),
             loadModelBytes(real, "real.keras").layers.size());
    struct Case {
        const char* name;
        std::string zip;
        const char* expected;
    };
    const std::vector<Case> cases = {
        {"duplicate member", storedZip({metadata, config, weights, {"model.weights.h5", "pickle"}}), "same name"},
        {"npz weights", storedZip({metadata, config, {"model.weights.npz", "PK"}}), "model.weights.npz"},
        {"path escape", storedZip({metadata, config, weights, {"../../etc/evil", "x"}}), "escape"},
        {"absolute path", storedZip({metadata, config, weights, {"/tmp/evil", "x"}}), "escape"},
        {"no weights", storedZip({metadata, config}), "without model.weights.h5"},
        {"no config", storedZip({metadata, weights}), "without config.json"},
        {"lying size", storedZip({metadata, {"config.json", config.data, 1u << 30}, weights}), "config.json"},
    };
    for (const Case& c : cases) {
        const QString error = loadError([&] { loadModelBytes(c.zip, "hostile.keras"); });
        QVERIFY2(error.contains(c.expected), qPrintable(QString("%1: %2").arg(c.name, error)));
    }
    // A member declaring more than the budget is refused before anything is read.
    ModelFileOptions small;
    small.memoryBudgetBytes = 64 << 10;
    const QString bomb = loadError([&] { loadModelBytes(real, "real.keras", small); });
    QVERIFY2(bomb.contains("model.weights.h5") && bomb.contains("--max-memory"), qPrintable(bomb));
}

void TestKerasFiles::damagedFilesGiveClearErrors()
{
    for (const char* file : {"17_k3.5.0_denoising_autoencoder.keras", "18_k3.5.0_denoising_autoencoder_legacy.h5",
                             "07_tfk2.8_st_mnist_depthwise.h5"}) {
        const std::string bytes = readBytes(kModels / file);
        for (double fraction : {0.1, 0.5, 0.9, 0.999}) {
            const std::string cut = bytes.substr(0, static_cast<size_t>(static_cast<double>(bytes.size()) * fraction));
            const QString error = loadError([&] { loadModelBytes(cut, file); });
            QVERIFY2(error.startsWith(QString(file) + ":"), qPrintable(QString("%1 at %2: '%3'").arg(file).arg(fraction).arg(error)));
        }
        // Flipped bytes: an error or a model, never a crash of this process (HDF5's own crashes
        // stay in the reader process; the sanitizer builds check memory).
        std::mt19937 random(11u);
        int loaded = 0, refused = 0, readerCrashed = 0;
        for (int round = 0; round < 20; ++round) {
            std::string damaged = bytes;
            for (int k = 0; k < 16; ++k)
                damaged[random() % damaged.size()] ^= static_cast<char>(1 + random() % 255);
            const QString error = loadError([&] { loadModelBytes(damaged, file); });
            if (error.isEmpty())
                ++loaded;
            else if (error.contains("HDF5 library crashed"))
                ++readerCrashed;
            else
                ++refused;
            QVERIFY2(error.isEmpty() || error.startsWith(QString(file) + ":"), qPrintable(error));
        }
        qInfo("%s with 16 flipped bytes, 20 copies: %d loaded, %d refused, %d crashed the HDF5 reader process", file,
              loaded, refused, readerCrashed);
    }
}

void TestKerasFiles::theReaderProcessIsIsolatedAndTimed()
{
    // HDF5 is read by a separate program; what happens to it never happens to this process.
    // Stand-ins for a reader that crashes, one that hangs and one that is missing, through
    // $LAYERSCOPE_HDF5_READER.
    QTemporaryDir dir;
    auto script = [&](const char* name, const char* body) {
        const QString path = dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return QString();
        f.write(QByteArray("#!/bin/sh\n") + body + "\n");
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        return path;
    };
    const std::string bytes = readBytes(kModels / "07_tfk2.8_st_mnist_depthwise.h5");
    const QByteArray saved = qgetenv("LAYERSCOPE_HDF5_READER");

    qputenv("LAYERSCOPE_HDF5_READER", script("crashing", "kill -SEGV $$").toUtf8());
    const QString crashed = loadError([&] { loadModelBytes(bytes, "m.h5"); });
    QVERIFY2(crashed.startsWith("m.h5: the HDF5 library crashed reading it (signal 11)"), qPrintable(crashed));

    qputenv("LAYERSCOPE_HDF5_READER", script("hanging", "exec sleep 60").toUtf8());
    ModelFileOptions quick;
    quick.hdf5TimeLimitSeconds = 1;
    QElapsedTimer timer;
    timer.start();
    const QString hung = loadError([&] { loadModelBytes(bytes, "m.h5", quick); });
    QVERIFY2(hung.startsWith("m.h5: the HDF5 library did not finish reading it within 1 s"), qPrintable(hung));
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));

    qputenv("LAYERSCOPE_HDF5_READER", dir.filePath("not-there").toUtf8());
    const QString missing = loadError([&] { loadModelBytes(bytes, "m.h5"); });
    QVERIFY2(missing.startsWith("m.h5: cannot start the HDF5 reader") && missing.contains("No such file"), qPrintable(missing));

    if (saved.isNull())
        qunsetenv("LAYERSCOPE_HDF5_READER");
    else
        qputenv("LAYERSCOPE_HDF5_READER", saved);
    // Another isolation can be plugged in (the fuzz target forks); it gets the request.
    ModelFileOptions hooked;
    int calls = 0;
    hooked.hdf5Reader = [&](const Hdf5ReadRequest& request, int64_t) {
        ++calls;
        return readHdf5Request(request);
    };
    const ModelGraph viaHook = loadModelBytes(bytes, "m.h5", hooked);
    QCOMPARE(calls, 1);
    // The real reader, found beside this test program, reads the same bytes.
    QVERIFY(!readerProgram().empty());
    QVERIFY(loadModelBytes(bytes, "m.h5") == viaHook);
    QCOMPARE(loadModelBytes(bytes, "m.h5").nodes.size(), loadModelFile(kModels / "07_tfk2.8_st_mnist_depthwise.h5").nodes.size());
}

void TestKerasFiles::hostileHdf5IsRefused()
{
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const fs::path model = root / "one_conv.json";
    writeBytes(model, oneConvModel(4));
    auto loadWith = [&](const fs::path& weights) {
        ModelFileOptions options;
        options.weightsPath = weights;
        return loadError([&] { loadModelFile(model, options); });
    };
    // The honest file loads.
    const fs::path good = root / "good.weights.h5";
    writeWeightsFile(good, [](hid_t, hid_t vars) {
        writeFloatDataset(vars, "0", {3, 3, 1, 4}, std::vector<float>(36, 0.5f));
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
    });
    QCOMPARE(loadWith(good), QString());

    const fs::path external = root / "external.weights.h5";
    writeWeightsFile(external, [](hid_t, hid_t vars) {
        H5Lcreate_external("/etc/passwd.h5", "kernel", vars, "0", H5P_DEFAULT, H5P_DEFAULT);
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
    });
    QVERIFY2(loadWith(external).contains("external link"), qPrintable(loadWith(external)));

    const fs::path soft = root / "soft.weights.h5";
    writeWeightsFile(soft, [](hid_t, hid_t vars) {
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
        H5Lcreate_soft("/layers/conv2d/vars/1", vars, "0", H5P_DEFAULT, H5P_DEFAULT);
    });
    QVERIFY2(loadWith(soft).contains("soft"), qPrintable(loadWith(soft)));

    const fs::path strings = root / "strings.weights.h5";
    writeWeightsFile(strings, [](hid_t, hid_t vars) {
        const hsize_t n = 36;
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, 4);
        const hid_t set = H5Dcreate2(vars, "0", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dclose(set);
        H5Tclose(type);
        H5Sclose(space);
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
    });
    QVERIFY2(loadWith(strings).contains("neither floats nor integers"), qPrintable(loadWith(strings)));

    // A dataspace declaring 4 GiB that the file cannot hold (never written: no data allocated).
    const fs::path lying = root / "lying.weights.h5";
    writeWeightsFile(lying, [](hid_t, hid_t vars) {
        writeFloatDataset(vars, "0", {3, 3, 1 << 20, 1 << 7}, {});
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
    });
    const QString lie = loadWith(lying);
    QVERIFY2(lie.contains("more than the whole file holds") || lie.contains("memory budget"), qPrintable(lie));

    const fs::path missing = root / "missing.weights.h5";
    writeWeightsFile(missing, [](hid_t, hid_t vars) { writeFloatDataset(vars, "0", {3, 3, 1, 4}, std::vector<float>(36, 0.5f)); });
    const QString count = loadWith(missing);
    QVERIFY2(count.contains("'conv'") && count.contains("kernel, bias") && count.contains("holds 1"), qPrintable(count));
}

void TestKerasFiles::wrongWeightShapeNamesLayerVariableAndShapes()
{
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    // Keras 3 layout: 4 filters stored, the model says 5.
    const fs::path weights = root / "w.weights.h5";
    writeWeightsFile(weights, [](hid_t, hid_t vars) {
        writeFloatDataset(vars, "0", {3, 3, 1, 4}, std::vector<float>(36, 0.5f));
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
    });
    writeBytes(root / "five.json", oneConvModel(5));
    ModelFileOptions options;
    options.weightsPath = weights;
    const QString error = loadError([&] { loadModelFile(root / "five.json", options); });
    QVERIFY2(error.contains("layer 'conv'") && error.contains("variable 'kernel'") && error.contains("(3, 3, 1, 4)")
                 && error.contains("(3, 3, ?, 5)"),
             qPrintable(error));
    // Legacy layout: 25_'s weights under its architecture with another filter count.
    json architecture = json::parse(readBytes(kModels / "25_k2.0.0_conv2d_8x8_architecture.json"));
    for (json& layer : architecture.at("config"))
        if (layer.at("class_name") == "Conv2D")
            layer["config"]["filters"] = 3;
    writeBytes(root / "25.json", architecture.dump());
    ModelFileOptions legacy;
    legacy.weightsPath = kModels / "25_k2.0.0_conv2d_8x8_weights_only.h5";
    const QString legacyError = loadError([&] { loadModelFile(root / "25.json", legacy); });
    QVERIFY2(legacyError.contains("variable 'kernel'") && legacyError.contains("(3, 3, 1, 2)") && legacyError.contains("(3, 3, ?, 3)"),
             qPrintable(legacyError));
    // In-channel disagreement (the config cannot tell): the layer's own shape check names it.
    const fs::path threeChannels = root / "c.weights.h5";
    writeWeightsFile(threeChannels, [](hid_t, hid_t vars) {
        writeFloatDataset(vars, "0", {3, 3, 3, 4}, std::vector<float>(108, 0.5f));
        writeFloatDataset(vars, "1", {4}, std::vector<float>(4, 0.0f));
    });
    writeBytes(root / "four.json", oneConvModel(4));
    options.weightsPath = threeChannels;
    const ModelGraph graph = loadModelFile(root / "four.json", options);
    const GraphShapes shapes = inferGraphShapes(graph, {{1, 8, 8, 1}});
    QVERIFY(!shapes.ok());
    bool named = false;
    for (const NodeShape& s : shapes.nodes)
        named = named || (s.error.find("conv") != std::string::npos && s.error.find("3") != std::string::npos);
    QVERIFY(named);
}

void TestKerasFiles::memoryBudgetBoundsLoading()
{
    ModelFileOptions options;
    options.memoryBudgetBytes = 64 << 10; // 64 KiB: less than the file itself
    const QString error = loadError([&] { loadModelFile(kModels / "18_k3.5.0_denoising_autoencoder_legacy.h5", options); });
    QVERIFY2(!error.isEmpty(), "a file larger than the budget was read");
}

void TestKerasFiles::saveKerasRoundTrip()
{
    // save-keras → open gives the same layers and bit-identical outputs: for real models (their
    // file weights) and for a JSON without weights (the seeded defaults, and Keras's initial
    // BatchNormalization / PReLU values, written out). Keras loading them: test_keras_real_models.
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    const std::string defaults = R"({"class_name": "Sequential", "config": {"name": "defaults", "layers": [
      {"class_name": "InputLayer", "config": {"batch_shape": [null, 16, 16, 3]}},
      {"class_name": "Conv2D", "config": {"name": "c1", "filters": 4, "kernel_size": [3, 3], "padding": "same"}},
      {"class_name": "BatchNormalization", "config": {"name": "bn"}},
      {"class_name": "DepthwiseConv2D", "config": {"name": "dw", "kernel_size": [3, 3], "depth_multiplier": 2}},
      {"class_name": "SeparableConv2D", "config": {"name": "sep", "filters": 5, "kernel_size": [3, 3]}},
      {"class_name": "Conv2DTranspose", "config": {"name": "tr", "filters": 3, "kernel_size": [3, 3], "strides": [2, 2]}},
      {"class_name": "PReLU", "config": {"name": "pr"}},
      {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap"}},
      {"class_name": "Dense", "config": {"name": "d", "units": 7}}]}})";
    writeBytes(root / "defaults.json", defaults);
    for (const fs::path& source : {root / "defaults.json", kModels / "21_k3.8.0_autoencoder_bn_custom_names.keras",
                                   kModels / "07_tfk2.8_st_mnist_depthwise.h5", kModels / "14_k3.3.3_nested_functional_autoencoder.keras"}) {
        const ModelGraph original = loadModelFile(source);
        const fs::path saved = root / (source.stem().string() + ".keras");
        saveKerasFile(original, saved);
        const ModelGraph reopened = loadModelFile(saved);
        QCOMPARE(reopened.layers.size(), original.layers.size());
        const TensorPtr input = seededInput(original);
        ExecContext context;
        GraphRunRequest a{&original, {input}, {}, {}}, b{&reopened, {input}, {}, {}};
        const GraphRunResult ra = runGraph(a, context), rb = runGraph(b, context);
        QVERIFY(ra.outputs.at(original.outputs.at(0)) && rb.outputs.at(reopened.outputs.at(0)));
        QCOMPARE(QString::fromStdString(test::compareTensors(*rb.outputs.at(reopened.outputs.at(0)),
                                                             *ra.outputs.at(original.outputs.at(0)), 0.0, 0.0)),
                 QString());
    }
    // A model with an unsupported layer is refused: its weights or code would be lost.
    const ModelGraph hostile = loadModelFile(kModels / "hostile_32_k3.8.0_vae_encoder_lambda_registered_fn.keras");
    const QString error = loadError([&] { saveKerasFile(hostile, root / "h.keras"); });
    QVERIFY2(error.contains("Lambda layer 'z'"), qPrintable(error));
    QVERIFY(!fs::exists(root / "h.keras"));
}

QTEST_GUILESS_MAIN(TestKerasFiles)
#include "test_keras_files.moc"
