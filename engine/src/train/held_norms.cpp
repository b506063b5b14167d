#include "train/held_norms.h"

#include <algorithm>
#include <numeric>

namespace dora::train {
namespace {

// Layer indices per share: by size (in × out), largest first, each to the share with the least so far.
std::vector<std::vector<size_t>> deal_out(const std::vector<models::NamedLinear>& layers, int shares)
{
    std::vector<size_t> order(layers.size());
    std::iota(order.begin(), order.end(), size_t(0));
    auto size_of = [&](size_t i) { return layers[i].second->in_features() * layers[i].second->out_features(); };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return size_of(a) > size_of(b); });
    std::vector<std::vector<size_t>> dealt(static_cast<size_t>(shares));
    std::vector<int64_t> load(static_cast<size_t>(shares), 0);
    for (size_t i : order) {
        const size_t least = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
        dealt[least].push_back(i);
        load[least] += size_of(i);
    }
    return dealt;
}

}  // namespace

HeldStepNorms::HeldStepNorms(std::vector<models::NamedLinear>& layers, ShardWorkers* workers) : m_layers(layers)
{
    try {
        if (!workers || workers->capacity() < 2 || layers.size() < 2) {
            for (auto& [name, layer] : m_layers)
                layer->hold_step_norm();
            return;
        }
        const std::vector<std::vector<size_t>> dealt = deal_out(m_layers, workers->capacity());
        workers->run(workers->capacity(), [&](int share) {
            for (size_t i : dealt[static_cast<size_t>(share)])
                m_layers[i].second->hold_step_norm();
        });
    } catch (...) {  // no layer may keep a norm that nothing will release
        release();
        throw;
    }
}

void HeldStepNorms::release()
{
    for (auto& [name, layer] : m_layers)
        layer->release_step_norm();
}

}  // namespace dora::train
