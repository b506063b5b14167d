// Reading the pipeline sections of a tokenizer.json (normalizer, pre_tokenizer, post_processor,
// decoder) into TokenizerState steps. Each refuses, with a dora::Error naming the section, every
// type and setting we do not implement, so a file is either tokenized as by Hugging Face or not at all.
#pragma once

#include "data/json_fields.h"
#include "data/tokenizer_state.h"

#include <string>
#include <vector>

namespace dora::data {

void load_normalizer(const json_fields::Json& cfg, const std::string& where, std::vector<NormalizerStep>& out);
void load_pre_tokenizer(const json_fields::Json& cfg, const std::string& where, std::vector<PreTokenizerStep>& out);
void load_decoder(const json_fields::Json& cfg, const std::string& where, std::vector<DecoderStep>& out);
// Needs state.tokens (to check ids) and fills state.template_before / template_after.
void load_post_processor(const json_fields::Json& cfg, const std::string& where, TokenizerState& state);

}  // namespace dora::data
