// JSON output details shared by the dora-cli commands.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>

namespace dora::cli {

// A loss that was never measured is stored as NaN; JSON has no NaN, so it prints as null.
inline nlohmann::json number_or_null(double x)
{
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

}  // namespace dora::cli
