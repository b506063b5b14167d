// Public face of the built-in demos (dora/demos.h) over the engine's model internals.
#include "dora/demos.h"

#include "models/builtin_models.h"

namespace dora {

std::vector<DemoInfo> demo_models()
{
    std::vector<DemoInfo> demos;
    for (const std::string& name : models::builtin_model_names())
        demos.push_back({name, models::builtin_model_description(name)});
    return demos;
}

void pretrain_demo(const std::string& name, const std::string& out_path, int steps, unsigned long long seed,
                   const std::function<void(int, double, double)>& progress)
{
    models::pretrain_builtin_model(name, out_path, steps, seed, progress);
}

}  // namespace dora
