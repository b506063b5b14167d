// Continuing a prompt with a language model: greedy or sampled with a temperature. Shared by
// `dora-cli generate` and the GUI's "try it" (base and adapted model on one prompt).
#pragma once

#include "data/text_codec.h"
#include "dora/language_model.h"
#include "models/model.h"

#include <string>

namespace dora::models {

// The new text only. Throws dora::Error for an empty prompt or options out of range.
std::string continue_prompt(LanguageModel& model, const data::TextCodec& codec, const std::string& prompt,
                            const GenerateOptions& options);

}  // namespace dora::models
