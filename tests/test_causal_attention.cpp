// The CPU attention Function (ops/causal_attention.h) against the composite of tensor operations:
// output and the gradients of q, k and v, for plain, grouped-query and sliding-window attention, with
// q, k, v as strided views of one projection and as that projection itself (the packed entry GPT-2
// uses), on one and two threads. And the composite against attention written out position by
// position.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "tensor_compare.h"

#include "ops/causal_attention.h"

using dora::ops::causal_attention;
using dora::ops::causal_attention_packed;
using dora::ops::causal_attention_composite;

using dora::testing::relative_error;

namespace {

struct Result {
    torch::Tensor out, dqkv;
};

enum class Path { Composite, Fused, Packed };

// q, k, v cut from one (B, T, (H + 2·Hkv)·D) projection, like c_attn's output; or, for the packed
// entry, the projection itself.
Result attend(const torch::Tensor& projection, int64_t heads, int64_t kv_heads, int64_t dim, int64_t window, Path path,
              const torch::Tensor& probe)
{
    const torch::Tensor p = projection.detach().clone().requires_grad_(true);
    const int64_t batch = p.size(0), time = p.size(1);
    const auto parts = p.split_with_sizes({heads * dim, kv_heads * dim, kv_heads * dim}, 2);
    auto split = [&](const torch::Tensor& t, int64_t n) { return t.view({batch, time, n, dim}).transpose(1, 2); };
    const torch::Tensor q = split(parts[0], heads), k = split(parts[1], kv_heads), v = split(parts[2], kv_heads);
    const torch::Tensor out = path == Path::Packed ? causal_attention_packed(p, heads, kv_heads, window)
                              : path == Path::Fused ? causal_attention(q, k, v, window)
                                                    : causal_attention_composite(q, k, v, window);
    (out * probe).sum().backward();
    return {out.detach(), p.grad()};
}

}  // namespace

class TestCausalAttention : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(5); }
    void cleanup() { torch::set_num_threads(2); }

    void fusedMatchesComposite_data()
    {
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("kv_heads");
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("time");
        QTest::addColumn<int>("dim");
        QTest::newRow("GPT-2 style") << 4 << 4 << 0 << 2 << 19 << 7;
        QTest::newRow("one thread") << 4 << 4 << 0 << 1 << 19 << 7;
        QTest::newRow("grouped-query") << 6 << 2 << 0 << 2 << 19 << 7;
        QTest::newRow("one kv head") << 3 << 1 << 0 << 2 << 19 << 7;
        QTest::newRow("sliding window") << 4 << 2 << 5 << 2 << 19 << 7;
        // Heads big enough to be handed to threads one each (and a ragged vector tail: 131 = 16·8 + 3).
        QTest::newRow("long rows, in parallel") << 4 << 2 << 0 << 2 << 131 << 40;
        // Three blocks of query rows (64, 64, 22), the window reaching back across a block boundary.
        QTest::newRow("sliding window over blocks") << 4 << 2 << 70 << 2 << 150 << 8;
    }
    void fusedMatchesComposite()
    {
        QFETCH(int, heads);
        QFETCH(int, kv_heads);
        QFETCH(int, window);
        QFETCH(int, threads);
        QFETCH(int, time);
        QFETCH(int, dim);
        torch::set_num_threads(threads);
        const int64_t batch = 3;
        const torch::Tensor projection = torch::randn({batch, time, (heads + 2 * kv_heads) * dim}, torch::kFloat64);
        const torch::Tensor probe = torch::randn({batch, time, heads * dim}, torch::kFloat64);
        const Result composite = attend(projection, heads, kv_heads, dim, window, Path::Composite, probe);
        for (const Path path : {Path::Fused, Path::Packed}) {
            const Result fused = attend(projection, heads, kv_heads, dim, window, path, probe);
            QCOMPARE(fused.out.sizes(), composite.out.sizes());
            QVERIFY(relative_error(fused.out, composite.out) <= 1e-12);
            QVERIFY(relative_error(fused.dqkv, composite.dqkv) <= 1e-12);

            const Result fused32 = attend(projection.to(torch::kFloat32), heads, kv_heads, dim, window, path,
                                          probe.to(torch::kFloat32));
            QVERIFY(relative_error(fused32.out, composite.out) <= 1e-5);
            QVERIFY(relative_error(fused32.dqkv, composite.dqkv) <= 1e-5);
        }
    }

    // Contiguous q, k, v (not views of one projection) take the same path.
    void contiguousInputs()
    {
        const torch::Tensor q = torch::randn({2, 2, 9, 4}), k = torch::randn({2, 2, 9, 4}), v = torch::randn({2, 2, 9, 4});
        QVERIFY(relative_error(causal_attention(q, k, v), causal_attention_composite(q, k, v)) <= 1e-6);
    }

    // The composite, position by position: out_i = Σ_{j visible} softmax_j(q_i·k_j / √D) v_j.
    void compositeMatchesDefinition()
    {
        const int64_t time = 6, dim = 3, window = 3;
        const torch::Tensor q = torch::randn({1, 1, time, dim}, torch::kFloat64);
        const torch::Tensor k = torch::randn({1, 1, time, dim}, torch::kFloat64);
        const torch::Tensor v = torch::randn({1, 1, time, dim}, torch::kFloat64);
        const torch::Tensor out = causal_attention_composite(q, k, v, window);
        for (int64_t i = 0; i < time; ++i) {
            std::vector<double> weights;
            double total = 0;
            for (int64_t j = std::max<int64_t>(0, i - window + 1); j <= i; ++j) {
                weights.push_back(std::exp((q[0][0][i] * k[0][0][j]).sum().item<double>() / std::sqrt(3.0)));
                total += weights.back();
            }
            torch::Tensor want = torch::zeros({dim}, torch::kFloat64);
            for (int64_t j = std::max<int64_t>(0, i - window + 1), n = 0; j <= i; ++j, ++n)
                want += weights[n] / total * v[0][0][j];
            QVERIFY(relative_error(out[0][i], want) <= 1e-12);
        }
    }
};

QTEST_APPLESS_MAIN(TestCausalAttention)
#include "test_causal_attention.moc"
