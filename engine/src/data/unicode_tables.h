// The generated Unicode tables behind unicode_classes.cpp and unicode_nfc.cpp (unicode_tables.cpp is
// written by a Python program kept in its own header comment; nothing here needs Python or ICU at
// run time). Every table is sorted by its first column, for binary search.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dora::data::unicode {

struct ClassRange {
    uint32_t first, last;
    uint8_t cls;  // 1 letter (\p{L}), 2 number (\p{N})
};
struct CombiningRange {
    uint32_t first, last;
    uint8_t ccc;  // canonical combining class, never 0 here
};
struct Decomposition {
    uint32_t cp, first, second;  // second is 0 for a singleton decomposition
    uint8_t composable;          // 1: NFC recomposes first + second into cp
};

extern const ClassRange kClassRanges[];
extern const size_t kClassRangesCount;
extern const CombiningRange kCombiningRanges[];
extern const size_t kCombiningRangesCount;
extern const Decomposition kDecompositions[];
extern const size_t kDecompositionsCount;

}  // namespace dora::data::unicode
