// SHA-256 (FIPS 180-4). The round constants are derived rather than listed: the fractional parts of
// the square and cube roots of the first primes, exactly as the standard defines them.
#include "io/sha256.h"

#include "dora/error.h"

#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

namespace dora::io {
namespace {

struct Constants {
    std::array<uint32_t, 8> initial;
    std::array<uint32_t, 64> rounds;
};

// The first 32 bits of the fractional part of `x`; long double keeps the 35+ bits this needs.
uint32_t fraction_bits(long double x)
{
    return static_cast<uint32_t>(std::ldexp(x - std::floor(x), 32));
}

const Constants& constants()
{
    static const Constants c = [] {
        Constants k{};
        int found = 0;
        for (int n = 2; found < 64; ++n) {
            bool prime = true;
            for (int d = 2; d * d <= n; ++d)
                prime = prime && n % d != 0;
            if (!prime)
                continue;
            if (found < 8)
                k.initial[found] = fraction_bits(std::sqrt(static_cast<long double>(n)));
            k.rounds[found++] = fraction_bits(std::cbrt(static_cast<long double>(n)));
        }
        return k;
    }();
    return c;
}

uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

class Sha256 {
public:
    Sha256() : m_state(constants().initial) {}

    void update(const uint8_t* data, size_t size)
    {
        m_length += size;
        while (size > 0) {
            const size_t take = std::min(size, 64 - m_used);
            std::memcpy(m_block + m_used, data, take);
            m_used += take;
            data += take;
            size -= take;
            if (m_used == 64) {
                compress(m_block);
                m_used = 0;
            }
        }
    }

    std::string hex()
    {
        const uint64_t bits = m_length * 8;
        const uint8_t one = 0x80, zero = 0;
        update(&one, 1);
        while (m_used != 56)
            update(&zero, 1);
        uint8_t length[8];
        for (int i = 0; i < 8; ++i)
            length[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
        update(length, 8);
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (uint32_t word : m_state)
            for (int shift = 28; shift >= 0; shift -= 4)
                out.push_back(digits[(word >> shift) & 0xf]);
        return out;
    }

private:
    void compress(const uint8_t* block)
    {
        const auto& k = constants().rounds;
        uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = (uint32_t(block[4 * i]) << 24) | (uint32_t(block[4 * i + 1]) << 16) |
                   (uint32_t(block[4 * i + 2]) << 8) | uint32_t(block[4 * i + 3]);
        for (int i = 16; i < 64; ++i) {
            const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = m_state[0], b = m_state[1], c = m_state[2], d = m_state[3];
        uint32_t e = m_state[4], f = m_state[5], g = m_state[6], h = m_state[7];
        for (int i = 0; i < 64; ++i) {
            const uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        const uint32_t out[8] = {a, b, c, d, e, f, g, h};
        for (int i = 0; i < 8; ++i)
            m_state[i] += out[i];
    }

    std::array<uint32_t, 8> m_state;
    uint8_t m_block[64] = {};
    size_t m_used = 0;
    uint64_t m_length = 0;
};

}  // namespace

std::string sha256_bytes(const void* data, size_t size)
{
    Sha256 hash;
    hash.update(static_cast<const uint8_t*>(data), size);
    return hash.hex();
}

std::string sha256_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot open to compute its checksum");
    Sha256 hash;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hash.update(reinterpret_cast<const uint8_t*>(buffer.data()), static_cast<size_t>(in.gcount()));
    }
    if (in.bad())
        throw Error(path + ": read error while computing its checksum");
    return hash.hex();
}

}  // namespace dora::io
