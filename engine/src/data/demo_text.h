// Procedural English for the demo language model: short sentences from two small grammars with the
// same character set but different words and shapes. The model is pretrained on one ("meadow": animals
// outdoors) and adapted to the other ("kitchen": cooking steps), so a fine-tuning run has something
// real to learn in seconds, and no third-party text is needed.
#pragma once

#include <cstdint>
#include <string>

namespace dora::data {

enum class DemoTextDomain { Meadow, Kitchen };

// `sentences` sentences separated by spaces, a newline every few sentences; the same seed gives the
// same text on every machine (the generator is our own, not std::uniform_int_distribution).
std::string demo_text(DemoTextDomain domain, uint64_t seed, int sentences);

}  // namespace dora::data
