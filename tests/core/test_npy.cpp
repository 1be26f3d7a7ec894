// .npy reading and writing, plus the atomic file helpers it is written with. Input files are built
// byte by byte by a tiny writer in this file (independent of npyBytes), for every supported dtype,
// both byte orders, Fortran order and format versions 1.0/2.0/3.0. Hostile files (truncated, lying,
// garbage) must give InputError with a useful message, never a crash or a huge allocation.

#include "core/errors.h"
#include "core/io/atomic_file.h"
#include "core/io/npy.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

using namespace layerscope;
namespace fs = std::filesystem;

namespace {

// A .npy file from its parts: the dict text is used verbatim, padded like NumPy does.
std::string npyFile(const std::string& dict, const std::string& data, int major = 1)
{
    const size_t preamble = major == 1 ? 10 : 12;
    std::string header = dict;
    while ((preamble + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(major);
    out += '\0';
    for (size_t i = 0; i < preamble - 8; ++i)
        out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return out + header + data;
}

std::string dictFor(const std::string& descr, const std::string& shape, bool fortran = false)
{
    return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
           + ", 'shape': " + shape + ", }";
}

// Packs the low `size` bytes of `bits` in the given byte order.
std::string pack(uint64_t bits, int size, bool bigEndian)
{
    std::string out(static_cast<size_t>(size), '\0');
    for (int i = 0; i < size; ++i)
        out[static_cast<size_t>(bigEndian ? size - 1 - i : i)] = static_cast<char>((bits >> (8 * i)) & 0xff);
    return out;
}

// The InputError message parsing `bytes` produces, or "" when it parsed (and "other exception"
// for any other exception type, which is a failure too).
std::string parseError(const std::string& bytes)
{
    try {
        parseNpy(bytes);
        return {};
    } catch (const InputError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("other exception: ") + e.what();
    }
}

bool bitsEqual(const Tensor& a, const Tensor& b)
{
    return a.shape() == b.shape()
           && (a.size() == 0 || std::memcmp(a.data(), b.data(), static_cast<size_t>(a.byteSize())) == 0);
}

std::string readBytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

class TestNpy : public QObject {
    Q_OBJECT

private slots:
    void roundTripIsBitExact()
    {
        Tensor t = test::randomTensor({2, 5, 7, 3}, 42, -1e3f, 1e3f);
        t[0] = std::numeric_limits<float>::quiet_NaN();
        t[1] = std::numeric_limits<float>::infinity();
        t[2] = -std::numeric_limits<float>::infinity();
        t[3] = -0.0f;
        t[4] = std::numeric_limits<float>::denorm_min();
        t[5] = std::bit_cast<float>(0x7fc12345u); // NaN with a payload
        QVERIFY(bitsEqual(parseNpy(npyBytes(t)), t));

        for (const Shape& shape : {Shape{}, Shape{5}, Shape{3, 4}, Shape{2, 3, 4}, Shape{0, 3}, Shape{1, 2, 3, 4, 5}}) {
            const Tensor u = test::arangeTensor(shape);
            QVERIFY2(bitsEqual(parseNpy(npyBytes(u)), u), shapeToString(shape).c_str());
        }

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const fs::path path = fs::path(dir.path().toStdString()) / "round.npy";
        writeNpy(path, t);
        QVERIFY(bitsEqual(readNpy(path), t));
        // Only the target is left behind: the temporary was renamed, not copied.
        QCOMPARE(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator{}), 1);
    }

    void writtenHeaderFollowsTheSpec()
    {
        const std::string bytes = npyBytes(test::arangeTensor({1, 2, 3, 4}));
        QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
        const size_t headerLength = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        QCOMPARE((10 + headerLength) % 64, size_t{0});
        const std::string header = bytes.substr(10, headerLength);
        QCOMPARE(header.back(), '\n');
        QVERIFY(header.find("'descr': '<f4'") != std::string::npos);
        QVERIFY(header.find("'fortran_order': False") != std::string::npos);
        QVERIFY(header.find("'shape': (1, 2, 3, 4)") != std::string::npos);
        QCOMPARE(bytes.size(), 10 + headerLength + 24 * 4);
        // Data is little-endian float32: 1.0f is 00 00 80 3f.
        QCOMPARE(bytes.substr(10 + headerLength, 4), std::string("\x00\x00\x80\x3f", 4));
        // A rank-1 shape needs the trailing comma to be a Python tuple.
        QVERIFY(npyBytes(test::arangeTensor({5})).find("'shape': (5,)") != std::string::npos);
    }

    void readsEveryDtypeAndByteOrder_data()
    {
        QTest::addColumn<QString>("descr");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QVector<float>>("expected");

        auto add = [](const std::string& descr, const std::string& data, const QVector<float>& expected) {
            QTest::newRow(descr.c_str()) << QString::fromStdString(descr)
                                         << QByteArray(data.data(), static_cast<qsizetype>(data.size()))
                                         << expected;
        };
        for (bool big : {false, true}) {
            const std::string o = big ? ">" : "<";
            std::string f4, f8, f2, i2, u2, i4, u4, i8, u8;
            for (float v : {-2.5f, 0.0f, 1.0f, 3.25e7f}) {
                f4 += pack(std::bit_cast<uint32_t>(v), 4, big);
                f8 += pack(std::bit_cast<uint64_t>(static_cast<double>(v)), 8, big);
            }
            add(o + "f4", f4, {-2.5f, 0.0f, 1.0f, 3.25e7f});
            add(o + "f8", f8, {-2.5f, 0.0f, 1.0f, 3.25e7f});
            // float16: 1.0, -2.0, 0.5, 65504 (max), smallest subnormal 2^-24, +Inf.
            for (uint16_t h : {0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00})
                f2 += pack(h, 2, big);
            add(o + "f2", f2, {1.0f, -2.0f, 0.5f, 65504.0f, std::ldexp(1.0f, -24), INFINITY});
            for (int64_t v : {-32768, -1, 0, 32767}) i2 += pack(static_cast<uint64_t>(v), 2, big);
            add(o + "i2", i2, {-32768, -1, 0, 32767});
            for (uint64_t v : {0, 1, 65535}) u2 += pack(v, 2, big);
            add(o + "u2", u2, {0, 1, 65535});
            for (int64_t v : {-2147483647 - 1, -7, 0, 16777216}) i4 += pack(static_cast<uint64_t>(v), 4, big);
            add(o + "i4", i4, {-2147483648.0f, -7, 0, 16777216});
            for (uint64_t v : {0u, 4294967295u}) u4 += pack(v, 4, big);
            add(o + "u4", u4, {0, 4294967295.0f});
            for (int64_t v : {int64_t{-5}, int64_t{1} << 40}) i8 += pack(static_cast<uint64_t>(v), 8, big);
            add(o + "i8", i8, {-5, 1099511627776.0f});
            for (uint64_t v : {uint64_t{3}, ~uint64_t{0}}) u8 += pack(v, 8, big);
            add(o + "u8", u8, {3, 18446744073709551615.0f});
        }
        add("|i1", std::string("\x80\xff\x00\x01\x7f", 5), {-128, -1, 0, 1, 127});
        add("|u1", std::string("\x00\x01\x80\xff", 4), {0, 1, 128, 255});
        add("|b1", std::string("\x00\x01\x02", 3), {0, 1, 1});
    }
    void readsEveryDtypeAndByteOrder()
    {
        QFETCH(QString, descr);
        QFETCH(QByteArray, data);
        QFETCH(QVector<float>, expected);
        const std::string shape = "(" + std::to_string(expected.size()) + ",)";
        const Tensor t = parseNpy(npyFile(dictFor(descr.toStdString(), shape), data.toStdString()));
        QCOMPARE(t.shape(), Shape{expected.size()});
        for (qsizetype i = 0; i < expected.size(); ++i)
            QCOMPARE(t[i], expected[i]);
    }

    void float16NanStaysNan()
    {
        const Tensor t = parseNpy(npyFile(dictFor("<f2", "(1,)"), pack(0x7e00, 2, false)));
        QVERIFY(std::isnan(t[0]));
    }

    void fortranOrderIsTransposed()
    {
        // A 2×3 array [[1,2,3],[4,5,6]] stored column by column.
        std::string data;
        for (float v : {1, 4, 2, 5, 3, 6})
            data += pack(std::bit_cast<uint32_t>(v), 4, false);
        const Tensor t = parseNpy(npyFile(dictFor("<f4", "(2, 3)", true), data));
        QCOMPARE(t.shape(), (Shape{2, 3}));
        QCOMPARE(t.toVector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));

        // Rank 3 with big-endian int16: element (i, j, k) = 100i + 10j + k, first axis fastest.
        const int d0 = 2, d1 = 3, d2 = 4;
        std::string data3;
        for (int k = 0; k < d2; ++k)
            for (int j = 0; j < d1; ++j)
                for (int i = 0; i < d0; ++i)
                    data3 += pack(static_cast<uint64_t>(100 * i + 10 * j + k), 2, true);
        const Tensor u = parseNpy(npyFile(dictFor(">i2", "(2, 3, 4)", true), data3));
        QCOMPARE(u.shape(), (Shape{2, 3, 4}));
        for (int i = 0; i < d0; ++i)
            for (int j = 0; j < d1; ++j)
                for (int k = 0; k < d2; ++k)
                    QCOMPARE(u[(i * d1 + j) * d2 + k], static_cast<float>(100 * i + 10 * j + k));
    }

    void readsVersions2And3AndOldHeaders()
    {
        std::string data;
        for (float v : {1.5f, -2.0f})
            data += pack(std::bit_cast<uint32_t>(v), 4, false);
        for (int major : {2, 3}) {
            const Tensor t = parseNpy(npyFile(dictFor("<f4", "(1, 2)"), data, major));
            QCOMPARE(t.toVector(), (std::vector<float>{1.5f, -2.0f}));
        }
        // Python 2 NumPy wrote long literals and other key orders; double quotes are legal Python.
        const Tensor t = parseNpy(npyFile("{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<f4\"}", data));
        QCOMPARE(t.toVector(), (std::vector<float>{1.5f, -2.0f}));
        // Extra data after the array is ignored, as NumPy does.
        QCOMPARE(parseNpy(npyFile(dictFor("<f4", "(1,)"), data)).toVector(), std::vector<float>{1.5f});
    }

    void zeroSizeArraysAreReadable()
    {
        const Tensor t = parseNpy(npyFile(dictFor("<f4", "(0, 3)"), ""));
        QCOMPARE(t.shape(), (Shape{0, 3}));
        QCOMPARE(t.size(), int64_t{0});
        try {
            toImageBatch(t);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("input has a zero dimension") != std::string::npos, e.what());
        }
    }

    void hostileFilesAreInputErrors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected"); // a fragment of the message
        auto add = [](const char* name, const std::string& bytes, const char* expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()))
                                << QString(expected);
        };
        const std::string data128(128, '\0');
        add("empty", "", "missing the \\x93NUMPY magic");
        add("not npy", "PK\x03\x04 this is a zip", "missing the \\x93NUMPY magic");
        add("magic only", std::string("\x93NUMPY", 6), "truncated header");
        add("no length", std::string("\x93NUMPY\x01\x00\x10", 9), "truncated header");
        add("version 9", std::string("\x93NUMPY\x09\x00\x10\x00", 10) + std::string(16, ' '), "unsupported format version 9.0");
        add("length beyond file", std::string("\x93NUMPY\x01\x00\xff\xff", 10) + "{'descr': '<f4'",
            "header length 65535 goes beyond the end of the file");
        add("v2 length beyond file", std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff", 12) + "{}", "goes beyond the end");
        add("lying shape", npyFile(dictFor("<f4", "(100000, 100000)"), data128),
            "header claims shape (100000, 100000) = 40000000000 bytes but the file holds 128 bytes of data");
        add("truncated data", npyFile(dictFor("<f8", "(3, 7)"), data128), "= 168 bytes but the file holds 128");
        add("overflowing shape", npyFile(dictFor("<f4", "(4294967296, 4294967296, 4294967296)"), data128),
            "more elements than can be addressed");
        add("huge int", npyFile(dictFor("<f4", "(99999999999999999999999,)"), data128), "too large to represent");
        add("negative dim", npyFile(dictFor("<f4", "(-1, 4)"), data128), "negative dimension");
        add("object dtype", npyFile(dictFor("|O", "(2,)"), data128), "object arrays");
        add("structured dtype", npyFile("{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (2,), }", data128),
            "structured dtypes");
        add("unknown descr", npyFile(dictFor("<x4", "(2,)"), data128), "unknown dtype '<x4'");
        add("complex", npyFile(dictFor("<c8", "(2,)"), data128), "complex");
        add("float128", npyFile(dictFor("<f16", "(2,)"), data128), "unsupported float dtype");
        add("unicode", npyFile(dictFor("<U4", "(2,)"), data128), "string arrays");
        add("missing key", npyFile("{'descr': '<f4', 'shape': (2,), }", data128), "lacks one of the keys");
        add("fortran not bool", npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", data128),
            "'fortran_order' is not True or False");
        add("shape not tuple", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': 2, }", data128),
            "'shape' is not a tuple");
        add("shape of strings", npyFile(dictFor("<f4", "('a',)"), data128), "non-integer");
        add("not a dict", npyFile("[1, 2, 3]", data128), "not a dict");
        add("garbage header", npyFile("{'descr': <f4 what", data128), "malformed header");
        add("unterminated", npyFile("{'descr': '<f4", data128), "malformed header");
        add("deep nesting", npyFile(std::string(5000, '(') + std::string(5000, ')'), data128), "nesting too deep");
        add("code injection", npyFile("__import__('os').system('true')", data128), "malformed header");
        std::string rank65 = "(";
        for (int i = 0; i < 65; ++i)
            rank65 += "1, ";
        add("rank 65", npyFile(dictFor("<f4", rank65 + ")"), data128), "65 dimensions");
    }
    void hostileFilesAreInputErrors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string message = parseError(bytes.toStdString());
        QVERIFY2(message.rfind("npy: ", 0) == 0, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    void everyTruncationIsAnInputError()
    {
        const std::string valid = npyBytes(test::randomTensor({2, 3, 5}, 7));
        for (size_t length = 0; length < valid.size(); ++length) {
            const std::string message = parseError(valid.substr(0, length));
            QVERIFY2(!message.empty() && message.rfind("npy: ", 0) == 0,
                     ("length " + std::to_string(length) + ": " + message).c_str());
        }
    }

    void randomCorruptionNeverCrashes()
    {
        const std::string valid = npyBytes(test::randomTensor({3, 4}, 9));
        std::mt19937 random(1234);
        for (int round = 0; round < 3000; ++round) {
            std::string bytes = valid;
            const int flips = 1 + static_cast<int>(random() % 4);
            for (int f = 0; f < flips; ++f)
                bytes[random() % 128] = static_cast<char>(random() & 0xff); // preamble and header
            const std::string message = parseError(bytes);
            QVERIFY2(message.find("other exception") == std::string::npos, message.c_str());
        }
    }

    void readNpyNamesTheFile()
    {
        QTemporaryDir dir;
        const fs::path missing = fs::path(dir.path().toStdString()) / "missing.npy";
        QVERIFY_THROWS_EXCEPTION(InputError, readNpy(missing));
        try {
            readNpy(missing);
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("missing.npy") != std::string::npos, e.what());
        }
        const fs::path lying = fs::path(dir.path().toStdString()) / "lying.npy";
        {
            std::ofstream out(lying, std::ios::binary);
            const std::string bytes = npyFile(dictFor("<f4", "(100000, 100000)"), std::string(128, '\0'));
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        }
        try {
            readNpy(lying);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("lying.npy") != std::string::npos, e.what());
            QVERIFY2(message.find("= 40000000000 bytes but the file holds 128 bytes of data") != std::string::npos, e.what());
        }
        // A non-float32 file read from disk goes through the converting path.
        const fs::path ints = fs::path(dir.path().toStdString()) / "ints.npy";
        {
            std::ofstream out(ints, std::ios::binary);
            const std::string bytes = npyFile(dictFor(">i4", "(2,)", false), pack(7, 4, true) + pack(static_cast<uint64_t>(-3), 4, true), 2);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        }
        QCOMPARE(readNpy(ints).toVector(), (std::vector<float>{7, -3}));
        QVERIFY_THROWS_EXCEPTION(InputError, readNpy(fs::path(dir.path().toStdString())));
    }

    void toImageBatchRanks()
    {
        QCOMPARE(toImageBatch(test::arangeTensor({5, 7})).shape(), (Shape{1, 5, 7, 1}));
        QCOMPARE(toImageBatch(test::arangeTensor({5, 7, 3})).shape(), (Shape{1, 5, 7, 3}));
        QCOMPARE(toImageBatch(test::arangeTensor({2, 5, 7, 3})).shape(), (Shape{2, 5, 7, 3}));
        QCOMPARE(toImageBatch(test::arangeTensor({5, 7, 3})).toVector(), test::arangeTensor({5, 7, 3}).toVector());
        for (const Shape& shape : {Shape{}, Shape{4}, Shape{1, 2, 3, 4, 5}}) {
            try {
                toImageBatch(test::arangeTensor(shape));
                QFAIL("expected InputError");
            } catch (const InputError& e) {
                QVERIFY2(std::string(e.what()).find("rank " + std::to_string(shape.size())) != std::string::npos, e.what());
            }
        }
    }

    void atomicWriteLeavesNothingOnFailure()
    {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "out.txt";
        writeTextAtomically(target, "first");
        QCOMPARE(readTextFile(target), std::string("first"));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, writeAtomically(target, [](const fs::path& temporary) {
            std::ofstream(temporary) << "half";
            throw std::runtime_error("disk on fire");
        }));
        QCOMPARE(readTextFile(target), std::string("first")); // untouched
        QCOMPARE(std::distance(fs::directory_iterator(target.parent_path()), fs::directory_iterator{}), 1);
        writeTextAtomically(target, "second");
        QCOMPARE(readBytes(target), std::string("second"));
    }

    void readTextFileEnforcesItsCap()
    {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "big.txt";
        writeTextAtomically(path, std::string(1000, 'x'));
        QCOMPARE(readTextFile(path, 1000).size(), size_t{1000});
        try {
            readTextFile(path, 999);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("big.txt") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, readTextFile(path.parent_path() / "nope.txt"));
    }
};

QTEST_APPLESS_MAIN(TestNpy)
#include "test_npy.moc"
