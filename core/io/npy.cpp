// NumPy .npy reader/writer. The header is a Python dict literal; it is parsed by a small
// recursive-descent parser for the literal subset NumPy writes (dict, tuple, list, str, int,
// True/False/None), never by anything that evaluates code. Every size is checked before anything
// is allocated, so a hostile file costs at most a read of its own bytes.

#include "npy.h"

#include "../errors.h"
#include "atomic_file.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <variant>

namespace layerscope {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// NumPy itself refuses headers above 10 000 bytes by default (max_header_size); 1 MiB leaves room
// for odd writers while keeping a lying header-length field from costing anything.
constexpr size_t kMaxHeaderBytes = 1u << 20;
// NumPy's own limit on array dimensions (NPY_MAXDIMS is 32 before NumPy 2, 64 after).
constexpr size_t kMaxRank = 64;

[[noreturn]] void fail(const std::string& message) { throw InputError("npy: " + message); }

// ---- Python literal subset ----------------------------------------------------------------

struct PyValue;
using PyList = std::vector<PyValue>;
using PyDict = std::vector<std::pair<std::string, PyValue>>;
struct PyNone {};
struct PyTuple { PyList items; };
struct PyValue {
    std::variant<PyNone, bool, int64_t, std::string, PyTuple, PyList, PyDict> value;
};

class LiteralParser {
public:
    explicit LiteralParser(const std::string& text) : m_text(text) {}

    PyValue parseDocument()
    {
        PyValue v = parseValue(0);
        skipSpace();
        if (m_pos != m_text.size())
            fail("unexpected text after the header dict at offset " + std::to_string(m_pos));
        return v;
    }

private:
    // A header is at most a few nested levels deep; the cap keeps a hostile "((((((..." header
    // from exhausting the stack.
    static constexpr int kMaxDepth = 32;

    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n'
                   || m_text[m_pos] == '\r'))
            ++m_pos;
    }
    bool consume(char c)
    {
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    [[noreturn]] void syntaxError(const std::string& what) const
    {
        fail("malformed header (" + what + " at offset " + std::to_string(m_pos) + "): "
             + excerpt());
    }
    std::string excerpt() const
    {
        std::string s = m_text.substr(0, 120);
        for (char& c : s)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                c = '?';
        return "\"" + s + (m_text.size() > 120 ? "...\"" : "\"");
    }

    PyValue parseValue(int depth)
    {
        if (depth > kMaxDepth)
            syntaxError("nesting too deep");
        skipSpace();
        if (m_pos >= m_text.size())
            syntaxError("unexpected end");
        const char c = m_text[m_pos];
        if (c == '{')
            return parseDict(depth);
        if (c == '(' || c == '[')
            return parseSequence(depth);
        if (c == '\'' || c == '"')
            return PyValue{parseString()};
        if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
            return PyValue{parseInt()};
        if (m_text.compare(m_pos, 4, "True") == 0) {
            m_pos += 4;
            return PyValue{true};
        }
        if (m_text.compare(m_pos, 5, "False") == 0) {
            m_pos += 5;
            return PyValue{false};
        }
        if (m_text.compare(m_pos, 4, "None") == 0) {
            m_pos += 4;
            return PyValue{PyNone{}};
        }
        syntaxError("unexpected character");
    }

    PyValue parseDict(int depth)
    {
        ++m_pos; // '{'
        PyDict dict;
        while (!consume('}')) {
            skipSpace();
            if (m_pos >= m_text.size() || (m_text[m_pos] != '\'' && m_text[m_pos] != '"'))
                syntaxError("expected a string key");
            std::string key = parseString();
            if (!consume(':'))
                syntaxError("expected ':'");
            dict.emplace_back(std::move(key), parseValue(depth + 1));
            if (!consume(',')) {
                if (!consume('}'))
                    syntaxError("expected ',' or '}'");
                break;
            }
        }
        return PyValue{std::move(dict)};
    }

    PyValue parseSequence(int depth)
    {
        const bool tuple = m_text[m_pos] == '(';
        const char close = tuple ? ')' : ']';
        ++m_pos;
        PyList items;
        while (!consume(close)) {
            items.push_back(parseValue(depth + 1));
            if (!consume(',')) {
                if (!consume(close))
                    syntaxError(std::string("expected ',' or '") + close + "'");
                break;
            }
        }
        if (tuple)
            return PyValue{PyTuple{std::move(items)}};
        return PyValue{std::move(items)};
    }

    std::string parseString()
    {
        const char quote = m_text[m_pos++];
        std::string s;
        while (true) {
            if (m_pos >= m_text.size())
                syntaxError("unterminated string");
            const char c = m_text[m_pos++];
            if (c == quote)
                return s;
            if (c == '\\') {
                if (m_pos >= m_text.size())
                    syntaxError("unterminated string");
                s += m_text[m_pos++]; // descr strings never need real escapes
            } else {
                s += c;
            }
        }
    }

    int64_t parseInt()
    {
        bool negative = false;
        if (m_text[m_pos] == '-' || m_text[m_pos] == '+')
            negative = m_text[m_pos++] == '-';
        if (m_pos >= m_text.size() || m_text[m_pos] < '0' || m_text[m_pos] > '9')
            syntaxError("expected a digit");
        // Accumulate as unsigned with a saturation flag so "(99999999999999999999999,)" is a
        // clear error instead of signed-overflow undefined behaviour.
        uint64_t magnitude = 0;
        bool overflow = false;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') {
            const unsigned digit = static_cast<unsigned>(m_text[m_pos++] - '0');
            if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10)
                overflow = true;
            else
                magnitude = magnitude * 10 + digit;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'L' || m_text[m_pos] == 'l'))
            ++m_pos; // Python 2 long literal, written by old NumPy versions
        if (overflow || magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            fail("header has a dimension too large to represent: " + excerpt());
        const auto value = static_cast<int64_t>(magnitude);
        return negative ? -value : value;
    }

    const std::string& m_text;
    size_t m_pos = 0;
};

// ---- dtype ---------------------------------------------------------------------------------

enum class Kind { Float, Int, UInt, Bool };

struct DType {
    Kind kind = Kind::Float;
    int itemSize = 4;
    bool bigEndian = false;
};

DType parseDescr(const std::string& descr)
{
    if (descr.size() < 2)
        fail("unsupported dtype '" + descr + "'");
    size_t pos = 0;
    bool bigEndian = std::endian::native == std::endian::big;
    const char order = descr[0];
    if (order == '<' || order == '>' || order == '|' || order == '=') {
        if (order == '<')
            bigEndian = false;
        else if (order == '>')
            bigEndian = true;
        ++pos;
    }
    const char kindChar = descr[pos++];
    const std::string sizeText = descr.substr(pos);
    int size = 0;
    if (sizeText.empty() || sizeText.size() > 2
        || sizeText.find_first_not_of("0123456789") != std::string::npos)
        size = -1;
    else
        size = std::stoi(sizeText);

    DType d;
    d.bigEndian = bigEndian;
    d.itemSize = size;
    switch (kindChar) {
    case 'f':
        d.kind = Kind::Float;
        if (size == 2 || size == 4 || size == 8)
            return d;
        fail("unsupported float dtype '" + descr + "' (float16, float32 and float64 are supported)");
    case 'i':
    case 'u':
        d.kind = kindChar == 'i' ? Kind::Int : Kind::UInt;
        if (size == 1 || size == 2 || size == 4 || size == 8)
            return d;
        fail("unsupported integer dtype '" + descr + "'");
    case 'b':
        d.kind = Kind::Bool;
        if (size == 1)
            return d;
        fail("unsupported bool dtype '" + descr + "'");
    case 'O':
        fail("object arrays (dtype '" + descr + "') are not supported: save a numeric array");
    case 'c':
        fail("complex arrays (dtype '" + descr + "') are not supported");
    case 'U':
    case 'S':
    case 'a':
        fail("string arrays (dtype '" + descr + "') are not supported");
    case 'V':
        fail("structured/void arrays (dtype '" + descr + "') are not supported");
    case 'M':
    case 'm':
        fail("datetime/timedelta arrays (dtype '" + descr + "') are not supported");
    default:
        fail("unknown dtype '" + descr + "'");
    }
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { // subnormal half: normalise into a float exponent
            int e = -1;
            do {
                ++e;
                mantissa <<= 1;
            } while ((mantissa & 0x400u) == 0);
            bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mantissa & 0x3ffu) << 13);
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13); // Inf or NaN (payload kept)
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    return std::bit_cast<float>(bits);
}

template <typename U>
U loadUnsigned(const unsigned char* p, bool bigEndian)
{
    U v = 0;
    if (bigEndian)
        for (size_t i = 0; i < sizeof(U); ++i)
            v = static_cast<U>((v << 8) | p[i]);
    else
        for (size_t i = sizeof(U); i-- > 0;)
            v = static_cast<U>((v << 8) | p[i]);
    return v;
}

float convertElement(const unsigned char* p, const DType& d)
{
    switch (d.kind) {
    case Kind::Bool:
        return *p ? 1.0f : 0.0f;
    case Kind::Float:
        if (d.itemSize == 2)
            return halfToFloat(loadUnsigned<uint16_t>(p, d.bigEndian));
        if (d.itemSize == 4)
            return std::bit_cast<float>(loadUnsigned<uint32_t>(p, d.bigEndian));
        return static_cast<float>(std::bit_cast<double>(loadUnsigned<uint64_t>(p, d.bigEndian)));
    case Kind::UInt:
        switch (d.itemSize) {
        case 1: return static_cast<float>(*p);
        case 2: return static_cast<float>(loadUnsigned<uint16_t>(p, d.bigEndian));
        case 4: return static_cast<float>(loadUnsigned<uint32_t>(p, d.bigEndian));
        default: return static_cast<float>(loadUnsigned<uint64_t>(p, d.bigEndian));
        }
    case Kind::Int:
        switch (d.itemSize) {
        case 1: return static_cast<float>(static_cast<int8_t>(*p));
        case 2: return static_cast<float>(static_cast<int16_t>(loadUnsigned<uint16_t>(p, d.bigEndian)));
        case 4: return static_cast<float>(static_cast<int32_t>(loadUnsigned<uint32_t>(p, d.bigEndian)));
        default: return static_cast<float>(static_cast<int64_t>(loadUnsigned<uint64_t>(p, d.bigEndian)));
        }
    }
    return 0.0f;
}

// ---- header --------------------------------------------------------------------------------

struct NpyHeader {
    DType dtype;
    bool fortranOrder = false;
    Shape shape;
    int64_t count = 0;
    uint64_t dataBytes = 0;
    size_t dataOffset = 0;
};

// Parses the preamble and dict from `prefix` (the file's first bytes, at least the whole header
// when the file is well formed) and checks the data size against `totalSize`.
NpyHeader parseHeader(const std::string& prefix, uint64_t totalSize)
{
    if (totalSize < kMagicSize || prefix.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
        fail("not a .npy file (missing the \\x93NUMPY magic)");
    if (prefix.size() < 8)
        fail("truncated header (the file ends inside the format version)");
    const auto major = static_cast<unsigned char>(prefix[6]);
    const auto minor = static_cast<unsigned char>(prefix[7]);
    size_t lengthBytes = 0;
    if (major == 1)
        lengthBytes = 2;
    else if (major == 2 || major == 3)
        lengthBytes = 4;
    else
        fail("unsupported format version " + std::to_string(major) + "." + std::to_string(minor)
             + " (1.0, 2.0 and 3.0 are supported)");
    if (prefix.size() < 8 + lengthBytes)
        fail("truncated header (the file ends inside the header length)");
    const auto* p = reinterpret_cast<const unsigned char*>(prefix.data()) + 8;
    const uint64_t headerLength = lengthBytes == 2 ? loadUnsigned<uint16_t>(p, false)
                                                   : loadUnsigned<uint32_t>(p, false);
    const uint64_t dataOffset = 8 + lengthBytes + headerLength;
    if (dataOffset > totalSize)
        fail("header length " + std::to_string(headerLength) + " goes beyond the end of the file ("
             + std::to_string(totalSize) + " bytes)");
    if (headerLength > kMaxHeaderBytes)
        fail("header length " + std::to_string(headerLength) + " is implausibly large");
    if (prefix.size() < dataOffset)
        fail("truncated header");
    std::string text = prefix.substr(8 + lengthBytes, static_cast<size_t>(headerLength));
    // Version 1/2 headers are latin-1 and version 3 UTF-8; the keys and values we read are ASCII,
    // so both are parsed byte-wise. Trailing padding (spaces, '\n', and NULs from some writers) is
    // not part of the literal.
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\0'
                             || text.back() == '\r' || text.back() == '\t'))
        text.pop_back();
    if (text.empty())
        fail("empty header dict");

    const PyValue root = LiteralParser(text).parseDocument();
    const auto* dict = std::get_if<PyDict>(&root.value);
    if (!dict)
        fail("header is not a dict");
    const PyValue* descr = nullptr;
    const PyValue* fortran = nullptr;
    const PyValue* shape = nullptr;
    for (const auto& [key, value] : *dict) {
        if (key == "descr")
            descr = &value;
        else if (key == "fortran_order")
            fortran = &value;
        else if (key == "shape")
            shape = &value;
    }
    if (!descr || !fortran || !shape)
        fail("header lacks one of the keys 'descr', 'fortran_order', 'shape'");

    NpyHeader header;
    if (std::holds_alternative<PyList>(descr->value) || std::holds_alternative<PyTuple>(descr->value))
        fail("structured dtypes (record arrays) are not supported: save a plain numeric array");
    const auto* descrText = std::get_if<std::string>(&descr->value);
    if (!descrText)
        fail("header 'descr' is not a string");
    header.dtype = parseDescr(*descrText);

    const auto* fortranFlag = std::get_if<bool>(&fortran->value);
    if (!fortranFlag)
        fail("header 'fortran_order' is not True or False");
    header.fortranOrder = *fortranFlag;

    const auto* dims = std::get_if<PyTuple>(&shape->value);
    if (!dims)
        fail("header 'shape' is not a tuple");
    if (dims->items.size() > kMaxRank)
        fail("shape has " + std::to_string(dims->items.size()) + " dimensions (at most "
             + std::to_string(kMaxRank) + ")");
    for (const PyValue& item : dims->items) {
        const auto* d = std::get_if<int64_t>(&item.value);
        if (!d)
            fail("header 'shape' holds a non-integer");
        header.shape.push_back(*d);
    }
    for (int64_t d : header.shape)
        if (d < 0)
            fail("shape " + shapeToTuple(header.shape) + " has a negative dimension");

    // Element and byte counts with overflow checks; a zero dimension makes everything zero.
    const uint64_t available = totalSize - dataOffset;
    constexpr uint64_t kLimit = uint64_t{1} << 62;
    bool zero = false;
    for (int64_t d : header.shape)
        zero = zero || d == 0;
    uint64_t count = 1;
    bool overflow = false;
    if (!zero)
        for (int64_t d : header.shape) {
            if (count > kLimit / static_cast<uint64_t>(d)) {
                overflow = true;
                break;
            }
            count *= static_cast<uint64_t>(d);
        }
    else
        count = 0;
    const auto itemSize = static_cast<uint64_t>(header.dtype.itemSize);
    if (overflow || count > kLimit / itemSize)
        fail("header claims shape " + shapeToTuple(header.shape)
             + ", more elements than can be addressed, but the file holds "
             + std::to_string(available) + " bytes of data");
    const uint64_t bytes = count * itemSize;
    if (bytes > available)
        fail("header claims shape " + shapeToTuple(header.shape) + " = " + std::to_string(bytes)
             + " bytes but the file holds " + std::to_string(available) + " bytes of data");
    header.count = static_cast<int64_t>(count);
    header.dataBytes = bytes;
    header.dataOffset = static_cast<size_t>(dataOffset);
    return header;
}

// Converts the raw data to a float32 C-order tensor.
Tensor convertData(const NpyHeader& header, const unsigned char* data)
{
    Tensor tensor = Tensor::uninitialized(header.shape);
    float* out = tensor.data();
    const int64_t count = header.count;
    const size_t itemSize = static_cast<size_t>(header.dtype.itemSize);
    const int rank = static_cast<int>(header.shape.size());

    if (!header.fortranOrder || rank <= 1) {
        if (header.dtype.kind == Kind::Float && itemSize == 4
            && header.dtype.bigEndian == (std::endian::native == std::endian::big)) {
            if (count)
                std::memcpy(out, data, static_cast<size_t>(count) * 4);
        } else {
            for (int64_t i = 0; i < count; ++i)
                out[i] = convertElement(data + static_cast<size_t>(i) * itemSize, header.dtype);
        }
        return tensor;
    }

    // Fortran order: the first axis varies fastest in the file. Walk the output in C order with an
    // odometer over the indices and keep the matching Fortran offset incrementally.
    std::vector<int64_t> fortranStride(static_cast<size_t>(rank));
    int64_t stride = 1;
    for (int a = 0; a < rank; ++a) {
        fortranStride[static_cast<size_t>(a)] = stride;
        stride *= header.shape[static_cast<size_t>(a)];
    }
    std::vector<int64_t> index(static_cast<size_t>(rank), 0);
    int64_t source = 0;
    for (int64_t i = 0; i < count; ++i) {
        out[i] = convertElement(data + static_cast<size_t>(source) * itemSize, header.dtype);
        for (int a = rank - 1; a >= 0; --a) {
            const auto ua = static_cast<size_t>(a);
            if (++index[ua] < header.shape[ua]) {
                source += fortranStride[ua];
                break;
            }
            source -= fortranStride[ua] * (index[ua] - 1);
            index[ua] = 0;
        }
    }
    return tensor;
}

} // namespace

Tensor parseNpy(const std::string& bytes)
{
    const NpyHeader header = parseHeader(bytes, bytes.size());
    return convertData(header, reinterpret_cast<const unsigned char*>(bytes.data()) + header.dataOffset);
}

Tensor readNpy(const fs::path& path)
{
    try {
        std::error_code ec;
        if (fs::is_directory(path, ec))
            fail("it is a directory");
        std::ifstream in(path, std::ios::binary);
        if (!in)
            fail("no such file or not readable");
        in.seekg(0, std::ios::end);
        const std::streamoff end = in.tellg();
        if (end < 0)
            fail("cannot determine the file size");
        in.seekg(0);
        const auto totalSize = static_cast<uint64_t>(end);

        // Read only the preamble and the header first, so the size check happens before the data
        // is read or any tensor is allocated.
        std::string prefix(static_cast<size_t>(std::min<uint64_t>(totalSize, 12)), '\0');
        in.read(prefix.data(), static_cast<std::streamsize>(prefix.size()));
        if (prefix.size() >= 10 && prefix.compare(0, kMagicSize, kMagic, kMagicSize) == 0) {
            const auto major = static_cast<unsigned char>(prefix[6]);
            const auto* p = reinterpret_cast<const unsigned char*>(prefix.data()) + 8;
            uint64_t headerLength = 0;
            if (major == 1)
                headerLength = loadUnsigned<uint16_t>(p, false);
            else if (prefix.size() >= 12)
                headerLength = loadUnsigned<uint32_t>(p, false);
            const uint64_t want = std::min<uint64_t>(
                totalSize, 12 + std::min<uint64_t>(headerLength, kMaxHeaderBytes));
            if (want > prefix.size()) {
                const size_t had = prefix.size();
                prefix.resize(static_cast<size_t>(want));
                in.read(prefix.data() + had, static_cast<std::streamsize>(want - had));
                if (!in)
                    fail("read error in the header");
            }
        }
        const NpyHeader header = parseHeader(prefix, totalSize);

        const bool direct = !header.fortranOrder && header.dtype.kind == Kind::Float
                            && header.dtype.itemSize == 4
                            && header.dtype.bigEndian == (std::endian::native == std::endian::big);
        in.clear();
        in.seekg(static_cast<std::streamoff>(header.dataOffset));
        if (direct) { // the common case: read straight into the tensor, no second buffer
            Tensor tensor = Tensor::uninitialized(header.shape);
            in.read(reinterpret_cast<char*>(tensor.data()),
                    static_cast<std::streamsize>(header.dataBytes));
            if (static_cast<uint64_t>(in.gcount()) != header.dataBytes)
                fail("read error in the data");
            return tensor;
        }
        std::string data(static_cast<size_t>(header.dataBytes), '\0');
        in.read(data.data(), static_cast<std::streamsize>(data.size()));
        if (static_cast<uint64_t>(in.gcount()) != header.dataBytes)
            fail("read error in the data");
        return convertData(header, reinterpret_cast<const unsigned char*>(data.data()));
    } catch (const InputError& e) {
        throw InputError("cannot read '" + path.string() + "': " + e.what());
    }
}

std::string npyBytes(const Tensor& tensor)
{
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': "
                       + shapeToTuple(tensor.shape()) + ", }";
    // Per the format spec: magic + version + length + dict + spaces + '\n', a multiple of 64 bytes
    // so the data is aligned for memory mapping. Version 1.0 unless the dict is huge.
    const bool v1 = dict.size() + 1 + 10 + 63 < 65536;
    const size_t preamble = v1 ? 10 : 12;
    size_t total = preamble + dict.size() + 1;
    total = (total + 63) / 64 * 64;
    const size_t headerLength = total - preamble;
    dict.append(headerLength - dict.size() - 1, ' ');
    dict += '\n';

    std::string out(kMagic, kMagicSize);
    out += static_cast<char>(v1 ? 1 : 2);
    out += '\0';
    for (size_t i = 0; i < preamble - 8; ++i)
        out += static_cast<char>((headerLength >> (8 * i)) & 0xffu);
    out += dict;
    const size_t dataStart = out.size();
    out.resize(dataStart + static_cast<size_t>(tensor.byteSize()));
    if (tensor.size()) {
        if constexpr (std::endian::native == std::endian::little) {
            std::memcpy(out.data() + dataStart, tensor.data(), static_cast<size_t>(tensor.byteSize()));
        } else {
            for (int64_t i = 0; i < tensor.size(); ++i) {
                const auto bits = std::bit_cast<uint32_t>(tensor[i]);
                for (int b = 0; b < 4; ++b)
                    out[dataStart + static_cast<size_t>(i) * 4 + static_cast<size_t>(b)] =
                        static_cast<char>((bits >> (8 * b)) & 0xffu);
            }
        }
    }
    return out;
}

void writeNpy(const fs::path& path, const Tensor& tensor)
{
    writeTextAtomically(path, npyBytes(tensor));
}

Tensor toImageBatch(Tensor tensor)
{
    const Shape shape = tensor.shape();
    for (int64_t d : shape)
        if (d == 0)
            throw InputError("input has a zero dimension (shape " + shapeToTuple(shape)
                             + "): nothing to show");
    switch (shape.size()) {
    case 2:
        return std::move(tensor).reshaped({1, shape[0], shape[1], 1});
    case 3:
        return std::move(tensor).reshaped({1, shape[0], shape[1], shape[2]});
    case 4:
        return tensor;
    default:
        throw InputError("input of shape " + shapeToTuple(shape) + " has rank "
                         + std::to_string(shape.size())
                         + ": expected rank 2 (H, W), 3 (H, W, C) or 4 (N, H, W, C)");
    }
}

} // namespace layerscope
