// ProcessGroup for a LibTorch whose Gloo cannot be compiled against (engine/CMakeLists.txt: an
// engine-only build on pip's torch, which ships no Gloo headers): single-process runs train as
// always; a multi-process run is refused when its group is formed.
#include "distributed/process_group.h"

namespace dora::distributed {

struct ProcessGroup::Impl {};

ProcessGroup::ProcessGroup(const ProcessGroupSettings& settings) : m_settings(settings)
{
    throw Error("rank " + std::to_string(settings.rank) + " of " + std::to_string(settings.world_size) +
                ": this build of DoRA Studio has no Gloo, so it trains in one process only");
}

ProcessGroup::~ProcessGroup() = default;

ProcessGroup* active_group() { return nullptr; }

void ProcessGroup::all_reduce_sum(torch::Tensor&) { throw Error("no Gloo in this build"); }
std::string ProcessGroup::describe_missing_ranks() { return {}; }
void ProcessGroup::publish(const std::string&, const std::vector<uint8_t>&) { throw Error("no Gloo in this build"); }
std::vector<uint8_t> ProcessGroup::fetch(const std::string&) { throw Error("no Gloo in this build"); }

}  // namespace dora::distributed
