// The table is built once, in byte order, exactly as GPT-2's bytes_to_unicode() lays it out.
#include "data/byte_level.h"

#include "data/utf8.h"

#include <array>

namespace dora::data::byte_level {
namespace {

bool stands_for_itself(int b)
{
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Tables {
    std::array<char32_t, 256> to_char{};
    std::array<std::string, 256> to_utf8;
    std::array<int16_t, 324> to_byte{};  // the characters used are all below U+0144
    Tables()
    {
        to_byte.fill(-1);
        char32_t next = 0x100;
        for (int b = 0; b < 256; ++b) {
            to_char[b] = stands_for_itself(b) ? static_cast<char32_t>(b) : next++;
            utf8::append(to_utf8[b], to_char[b]);
            to_byte[to_char[b]] = static_cast<int16_t>(b);
        }
    }
};

const Tables& tables()
{
    static const Tables t;
    return t;
}

}  // namespace

char32_t byte_to_char(uint8_t byte) { return tables().to_char[byte]; }

int char_to_byte(char32_t c) { return c < tables().to_byte.size() ? tables().to_byte[c] : -1; }

void append_encoded(std::string& out, uint8_t byte) { out += tables().to_utf8[byte]; }

std::string encode(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char b : bytes) append_encoded(out, static_cast<uint8_t>(b));
    return out;
}

bool decode(std::string_view token, std::string& out)
{
    const size_t mark = out.size();
    size_t i = 0;
    while (i < token.size()) {
        char32_t cp;
        bool ok;
        i += utf8::decode(token, i, cp, ok);
        const int b = ok ? char_to_byte(cp) : -1;
        if (b < 0) {
            out.resize(mark);
            return false;
        }
        out.push_back(static_cast<char>(b));
    }
    return true;
}

}  // namespace dora::data::byte_level
