// demo-mlp: classify points of three spiral arms; adapted to the same spirals rotated by 40°, a change
//           that is purely a turn of the first layer's weight vectors (a direction change).
// demo-gpt: next-character prediction on meadow sentences; adapted to kitchen sentences.
#include "data/demo_data.h"

#include "data/char_vocab.h"
#include "data/demo_text.h"
#include "dora/error.h"

#include <cmath>

namespace dora::data {
namespace {

constexpr double kAdaptRotationDegrees = 40.0;
constexpr uint64_t kSplitSeed = 20240229;

SplitDataset mlp_dataset(DemoPhase phase, double eval_fraction)
{
    torch::Tensor inputs, targets;
    const bool adapt = phase == DemoPhase::Adapt;
    spiral_points(adapt ? 400 : 1000, adapt ? kAdaptRotationDegrees : 0.0, adapt ? 7 : 3, inputs, targets);
    SplitDataset split = split_dataset(inputs, targets, eval_fraction, kSplitSeed, "demo-mlp");
    split.tokens_per_sample = 1;
    split.description = std::string("three spiral arms") + (adapt ? " rotated by 40°" : "") + ", " +
                        std::to_string(inputs.size(0)) + " points";
    return split;
}

SplitDataset gpt_dataset(DemoPhase phase, int64_t seq_len, double eval_fraction)
{
    const bool adapt = phase == DemoPhase::Adapt;
    const std::string text =
        demo_text(adapt ? DemoTextDomain::Kitchen : DemoTextDomain::Meadow, adapt ? 11 : 5, adapt ? 3000 : 12000);
    const std::vector<int64_t> ids = char_encode(text);
    const int64_t block = seq_len + 1;  // inputs and their next-character targets overlap by all but one
    const int64_t blocks = static_cast<int64_t>(ids.size()) / block;
    if (blocks < 2)
        throw Error("demo-gpt: seq_len " + std::to_string(seq_len) + " is too long for the demo text");
    const torch::Tensor all = torch::tensor(ids, torch::kLong).slice(0, 0, blocks * block).view({blocks, block});
    SplitDataset split = split_dataset(all.slice(1, 0, seq_len).contiguous(), all.slice(1, 1, block).contiguous(),
                                       eval_fraction, kSplitSeed, "demo-gpt");
    split.tokens_per_sample = seq_len;
    split.description = std::string(adapt ? "kitchen" : "meadow") + " sentences, " + std::to_string(blocks) +
                        " blocks of " + std::to_string(seq_len) + " characters";
    return split;
}

}  // namespace

void spiral_points(int64_t per_class, double rotation_degrees, uint64_t seed, torch::Tensor& inputs,
                   torch::Tensor& targets)
{
    torch::Generator generator = at::detail::createCPUGenerator(seed);
    const int64_t classes = 3;
    const double rotation = rotation_degrees * M_PI / 180.0;
    const torch::Tensor t = torch::rand({classes, per_class}, generator, torch::kDouble);
    const torch::Tensor arm = torch::arange(classes, torch::kDouble).unsqueeze(1) * (2.0 * M_PI / classes);
    const torch::Tensor noise = torch::randn({classes, per_class}, generator, torch::kDouble) * 0.15;
    const torch::Tensor angle = arm + t * 4.0 + noise + rotation;
    const torch::Tensor radius = 0.1 + 0.9 * t;
    inputs = torch::stack({radius * torch::cos(angle), radius * torch::sin(angle)}, 2).reshape({-1, 2}).to(torch::kFloat);
    targets = torch::arange(classes, torch::kLong).unsqueeze(1).expand({classes, per_class}).reshape({-1}).clone();
}

SplitDataset demo_dataset(const std::string& name, DemoPhase phase, int64_t seq_len, double eval_fraction)
{
    if (name == "demo-mlp")
        return mlp_dataset(phase, eval_fraction);
    if (name == "demo-gpt")
        return gpt_dataset(phase, seq_len, eval_fraction);
    throw Error("there is no built-in dataset '" + name + "' (built-in: demo-mlp, demo-gpt)");
}

}  // namespace dora::data
