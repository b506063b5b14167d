// The only file that includes c10d: a TCPStore for the rendezvous (hosted by rank 0) and a
// ProcessGroupGloo for the all-reduce. Gloo ends a collective at once when a peer's socket closes (the
// peer died) and after the timeout when a peer stays silent (hung, or its machine is gone).
#include "distributed/process_group.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

namespace dora::distributed {
namespace {

ProcessGroup* g_active = nullptr;

// Long enough for a live rank whose own collective also failed to reach its roll call.
constexpr std::chrono::seconds kRollCallWait{2};

std::chrono::milliseconds milliseconds_of(double seconds)
{
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// c10d's messages carry a C++ backtrace after the first line; people need the first line.
std::string first_line(const char* message)
{
    const std::string text = message;
    return text.substr(0, text.find('\n'));
}

bool is_loopback(const std::string& address)
{
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// Which network interface Gloo binds to: loopback for a run on this machine, the interface named by
// GLOO_SOCKET_IFNAME (PyTorch's variable) when given, else the address the host name resolves to.
std::shared_ptr<::gloo::transport::Device> transport_device(const ProcessGroupSettings& settings)
{
    if (is_loopback(settings.master_addr))
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

struct ProcessGroup::Impl {
    c10::intrusive_ptr<c10d::TCPStore> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const ProcessGroupSettings& settings) : m_settings(settings), m_impl(std::make_unique<Impl>())
{
    if (g_active)
        throw Error("this process already belongs to a distributed run");
    // A write to a peer that just died must become an error we report, not a silent SIGPIPE death.
    std::signal(SIGPIPE, SIG_IGN);
    const std::string where = settings.master_addr + ":" + std::to_string(settings.master_port);
    const std::chrono::milliseconds timeout = milliseconds_of(settings.timeout_seconds);
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(settings.master_port);
        options.isServer = settings.rank == 0;
        options.numWorkers = static_cast<std::size_t>(settings.world_size);
        options.waitWorkers = true;
        options.timeout = timeout;
        m_impl->store = c10::make_intrusive<c10d::TCPStore>(settings.master_addr, options);
        auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
        gloo_options->devices.push_back(transport_device(settings));
        m_impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(m_impl->store, settings.rank, settings.world_size,
                                                                     gloo_options);
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(settings.rank) + " of " + std::to_string(settings.world_size) +
                    ": could not meet the other ranks at " + where + ": " + first_line(e.what()));
    }
    g_active = this;
}

ProcessGroup::~ProcessGroup()
{
    if (g_active == this)
        g_active = nullptr;
}

ProcessGroup* active_group() { return g_active; }

void ProcessGroup::all_reduce_sum(torch::Tensor& buffer)
{
    std::vector<torch::Tensor> tensors{buffer};
    try {
        m_impl->group->allreduce(tensors)->wait();
    } catch (const std::exception& e) {
        throw PeerLost("rank " + std::to_string(rank()) + " lost contact with the run: " + describe_missing_ranks() +
                       " (" + first_line(e.what()) + ")");
    }
}

std::string ProcessGroup::describe_missing_ranks()
{
    const std::string store_host = "rank 0 (which hosts the rendezvous store at " + m_settings.master_addr + ":" +
                                   std::to_string(m_settings.master_port) + ") is gone";
    const std::string prefix = "dora/roll-call/" + std::to_string(m_failures++) + "/";
    try {
        m_impl->store->set(prefix + std::to_string(rank()), std::vector<uint8_t>{1});
        const auto deadline = std::chrono::steady_clock::now() + kRollCallWait;
        std::string missing;
        for (;;) {
            missing.clear();
            for (int r = 0; r < world_size(); ++r)
                if (!m_impl->store->check({prefix + std::to_string(r)}))
                    missing += (missing.empty() ? "" : ", ") + std::to_string(r);
            if (missing.empty() || std::chrono::steady_clock::now() >= deadline)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (missing.empty())
            return "every rank answered, so a collective failed for another reason";
        return "rank " + missing + " did not answer";
    } catch (const std::exception&) {
        return store_host;
    }
}

void ProcessGroup::publish(const std::string& key, const std::vector<uint8_t>& bytes)
{
    try {
        m_impl->store->set(key, bytes);
    } catch (const std::exception& e) {
        throw PeerLost("rank " + std::to_string(rank()) + " could not publish '" + key + "': " + first_line(e.what()));
    }
}

std::vector<uint8_t> ProcessGroup::fetch(const std::string& key)
{
    try {
        return m_impl->store->get(key);  // waits for the key up to the store's timeout
    } catch (const std::exception& e) {
        throw PeerLost("rank " + std::to_string(rank()) + " did not receive '" + key + "' from rank 0 (" +
                       first_line(e.what()) + ")");
    }
}

}  // namespace dora::distributed
