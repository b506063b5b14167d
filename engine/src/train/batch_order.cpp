#include "train/batch_order.h"

namespace dora::train {

BatchOrder::BatchOrder(int64_t samples, int64_t batch_size, uint64_t seed)
    : m_samples(samples), m_batch_size(std::min(batch_size, samples)), m_seed(seed)
{
    shuffle();
}

void BatchOrder::shuffle()
{
    // A generator of its own: the global one also feeds dropout and initialisation.
    torch::Generator generator = at::detail::createCPUGenerator(m_seed * 1000003ULL + static_cast<uint64_t>(m_epoch));
    m_permutation = torch::randperm(m_samples, generator, torch::TensorOptions().dtype(torch::kLong));
}

torch::Tensor BatchOrder::next()
{
    if (m_offset + m_batch_size > m_samples) {
        ++m_epoch;
        m_offset = 0;
        shuffle();
    }
    torch::Tensor batch = m_permutation.slice(0, m_offset, m_offset + m_batch_size);
    m_offset += m_batch_size;
    return batch;
}

void BatchOrder::seek(int64_t epoch, int64_t offset)
{
    m_epoch = epoch;
    m_offset = offset;
    shuffle();
}

}  // namespace dora::train
