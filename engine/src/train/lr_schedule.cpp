#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace dora::train {

double learning_rate_at(int step, const TrainConfig& c)
{
    if (c.warmup_steps > 0 && step <= c.warmup_steps)
        return c.lr * step / c.warmup_steps;
    if (c.schedule == "constant")
        return c.lr;
    const int decay_steps = std::max(1, c.steps - c.warmup_steps);
    const double progress = std::clamp(static_cast<double>(step - 1 - c.warmup_steps) / decay_steps, 0.0, 1.0);
    if (c.schedule == "linear")
        return c.lr * (1.0 - progress);
    return c.lr * 0.5 * (1.0 + std::cos(M_PI * progress));  // cosine
}

}  // namespace dora::train
