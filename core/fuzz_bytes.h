#pragma once
// A fuzzer's input bytes read as layer parameters (fuzz/fuzz_execute.cpp): each registered layer
// class builds its Keras JSON from them (LayerFactory::fuzzJson). Past the end every byte is 0, so
// any byte string decodes.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>

namespace layerscope {

struct FuzzBytes {
    const uint8_t* data = nullptr;
    size_t size = 0;
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
    // channels_last twice as often as channels_first.
    std::string dataFormat() { return pick({"channels_last", "channels_last", "channels_first"}); }
};

} // namespace layerscope
