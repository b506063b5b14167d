// The fused CPU adapter (adapter_forward.h, adapter_kernels_cpu.h) against independent computations:
// its kernels against matrix products in float64, and the whole Function's output and gradients
// against the composite of tensor operations, for LoRA and DoRA, with and without bias and
// trainable magnitude, on one and on two threads.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include "tensor_compare.h"

#include "adapters/adaptable_linear.h"
#include "adapters/adapter_forward.h"
#include "adapters/adapter_kernels_cpu.h"
#include "adapters/output_reuse.h"
#include "ops/avx512_math.h"

#include <limits>
#include <optional>

using namespace dora::adapters;

using dora::testing::relative_error;

namespace {

struct Grads {
    torch::Tensor y, x, a, b, m;
};

// One forward and backward through `forward`, with the magnitude's gradient when it has one;
// inside a training step's OutputReuseScope when `reuse` is set.
Grads run(AdaptableLinear& layer, const torch::Tensor& x_value, const torch::Tensor& probe, bool fused,
          bool reuse = false)
{
    std::optional<OutputReuseScope> scope;
    if (reuse)
        scope.emplace();
    layer->zero_grad();
    const torch::Tensor x = x_value.clone().requires_grad_(true);
    AdapterOperands o;
    o.x = x, o.weight = layer->weight, o.bias = layer->bias, o.lora_A = layer->lora_A, o.lora_B = layer->lora_B;
    o.scale = layer->scale();
    if (layer->method() == Method::DoRA && layer->options().detach_norm) {  // as the layer passes them
        o.magnitude = layer->magnitude;
        o.w0_sq = layer->weight.pow(2).sum(1);
    } else if (layer->method() == Method::DoRA) {
        o.gain = layer->dora_gain();
    }
    if (fused && !adapter_fused_applies(o))
        throw std::runtime_error("the fused path does not apply");
    const torch::Tensor y = fused ? adapter_forward_fused(o) : adapter_forward_composite(o, x);
    const torch::Tensor y_value = y.detach().clone();  // inside the scope, backward may overwrite y
    (y * probe).sum().backward();
    Grads g{y_value, x.grad(), layer->lora_A.grad().clone(), layer->lora_B.grad().clone(), torch::Tensor()};
    if (layer->magnitude.defined() && layer->magnitude.grad().defined())
        g.m = layer->magnitude.grad().clone();
    return g;
}

}  // namespace

class TestAdapterKernels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::manual_seed(11); }
    void cleanup()
    {
        torch::set_num_threads(2);
        dora::ops::allow_avx512_kernels(true);
    }

    // Ragged sizes: k not a multiple of the 8-lane vectors, r not a multiple of the 4-row blocks,
    // and enough rows that the parallel loop splits them.
    void rankProjectMatchesMatrixProduct_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("dtype");
        QTest::newRow("float32, 1 thread") << 1 << int(torch::kFloat32);
        QTest::newRow("float32, 2 threads") << 2 << int(torch::kFloat32);
        QTest::newRow("float64, 2 threads") << 2 << int(torch::kFloat64);
    }
    void rankProjectMatchesMatrixProduct()
    {
        QFETCH(int, threads);
        QFETCH(int, dtype);
        torch::set_num_threads(threads);
        const auto type = static_cast<torch::ScalarType>(dtype);
        for (const auto& [n, k, r] : {std::tuple{300, 37, 6}, std::tuple{1000, 512, 8}, std::tuple{5, 3, 1}}) {
            const torch::Tensor rows = torch::randn({n, k}, type), small = torch::randn({r, k}, type);
            const torch::Tensor want = torch::mm(rows.to(torch::kFloat64), small.to(torch::kFloat64).t());
            QVERIFY(relative_error(rank_project(rows, small), want) <= (type == torch::kFloat32 ? 1e-6 : 1e-14));
            QVERIFY(relative_error(rank_project(rows, small, -0.375), want * -0.375) <=
                    (type == torch::kFloat32 ? 1e-6 : 1e-14));
        }
    }

    // r = 6 takes the scalar row loop, 8 and 16 the vectorised one (float32 on AVX2 machines), and the
    // pass over W0 its AVX-512 kernel where the CPU has one, or the AVX2 one when that is turned off.
    // 37 columns end in a partial vector; 1000 make blocks of 32 rows, 77 rows an odd last one.
    void normKernelMatchesDenseNorm_data()
    {
        QTest::addColumn<bool>("avx512");
        QTest::newRow("AVX-512 where the CPU has it") << true;
        QTest::newRow("AVX2") << false;
    }
    void normKernelMatchesDenseNorm()
    {
        QFETCH(bool, avx512);
        dora::ops::allow_avx512_kernels(avx512);
        for (const auto& [out, in] : {std::pair<int64_t, int64_t>{45, 37}, {77, 1000}})
        for (const int64_t r : {6, 8, 16})
        for (const auto type : {torch::kFloat64, torch::kFloat32}) {
            torch::Tensor w0 = torch::randn({out, in}, type);
            w0[7].zero_();  // a zero row with B = 0 there too: floored, not NaN
            const torch::Tensor a = torch::randn({r, in}, type);
            torch::Tensor b = torch::randn({out, r}, type);
            b[7].zero_();
            const double s = 1.7, floor = 1e-6;
            const torch::Tensor w0_sq = w0.pow(2).sum(1);
            const torch::Tensor norm = dora_row_norm_cpu(w0, w0_sq, a, b, s, floor);
            const torch::Tensor want =
                (w0.to(torch::kFloat64) + s * torch::mm(b.to(torch::kFloat64), a.to(torch::kFloat64))).norm(2, 1);
            QVERIFY(relative_error(norm, want.clamp_min(floor)) <= (type == torch::kFloat64 ? 1e-12 : 1e-5));
            QVERIFY(std::abs(norm[7].item<double>() - floor) <= 1e-6 * floor);
        }
    }

    // The forward pass's order: prefill y = down·Bᵀ (+ b), BLAS adds x·W0ᵀ with β = 1, DoRA's gain
    // pass follows. y starts as NaN, so any read of its old contents by the prefill shows.
    void prefillThenGainMatchesFormula_data()
    {
        QTest::addColumn<bool>("dora");
        QTest::addColumn<bool>("with_bias");
        QTest::addColumn<bool>("float64");
        QTest::newRow("LoRA, bias (AVX2 where the CPU has it)") << false << true << false;
        QTest::newRow("LoRA, no bias") << false << false << false;
        QTest::newRow("DoRA, bias") << true << true << false;
        QTest::newRow("DoRA, no bias") << true << false << false;
        QTest::newRow("LoRA, bias, float64 (portable loop)") << false << true << true;
        QTest::newRow("DoRA, bias, float64") << true << true << true;
    }
    void prefillThenGainMatchesFormula()
    {
        QFETCH(bool, dora);
        QFETCH(bool, with_bias);
        QFETCH(bool, float64);
        const auto type = float64 ? torch::kFloat64 : torch::kFloat32;
        const auto as_double = [](const torch::Tensor& t) { return t.to(torch::kFloat64); };
        const torch::Tensor x = torch::randn({131, 40}, type), w0 = torch::randn({77, 40}, type);
        const torch::Tensor down = torch::randn({131, 5}, type), up_t = torch::randn({5, 77}, type);
        const torch::Tensor gain = dora ? torch::rand({77}, type) + 0.5 : torch::Tensor();
        const torch::Tensor bias = with_bias ? torch::randn({77}, type) : torch::Tensor();
        torch::Tensor want = torch::mm(as_double(x), as_double(w0).t()) + torch::mm(as_double(down), as_double(up_t));
        if (dora)
            want = want * as_double(gain);
        if (with_bias)
            want = want + as_double(bias);

        torch::Tensor y = torch::full({131, 77}, std::numeric_limits<double>::quiet_NaN(), torch::TensorOptions(type));
        adapter_prefill_(y, down, up_t, dora ? torch::Tensor() : bias);
        at::addmm_out(y, y, x, w0.t());
        if (dora)
            adapter_gain_(y, gain, bias);
        QVERIFY(relative_error(y, want) <= (float64 ? 1e-12 : 1e-6));
    }

    void fusedMatchesComposite_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<bool>("with_bias");
        QTest::addColumn<bool>("magnitude_trainable");
        QTest::addColumn<bool>("detach_norm");
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("zero_rows");
        QTest::newRow("LoRA, bias") << int(Method::LoRA) << true << true << true << 2 << false;
        QTest::newRow("LoRA, no bias, 1 thread") << int(Method::LoRA) << false << true << true << 1 << false;
        QTest::newRow("DoRA, bias") << int(Method::DoRA) << true << true << true << 2 << false;
        QTest::newRow("DoRA, no bias") << int(Method::DoRA) << false << true << true << 2 << false;
        QTest::newRow("DoRA, exact norm gradient") << int(Method::DoRA) << true << true << false << 2 << false;
        QTest::newRow("DoRA, frozen magnitude") << int(Method::DoRA) << true << false << true << 2 << false;
        QTest::newRow("DoRA, 1 thread") << int(Method::DoRA) << true << true << true << 1 << false;
        // Zero rows of W0 give m = 0 = g there: z cannot be recovered from y and is recomputed.
        QTest::newRow("DoRA, zero rows") << int(Method::DoRA) << true << true << true << 2 << true;
        QTest::newRow("DoRA, zero rows, exact norm") << int(Method::DoRA) << false << true << false << 2 << true;
    }
    void fusedMatchesComposite()
    {
        QFETCH(int, method);
        QFETCH(bool, with_bias);
        QFETCH(bool, magnitude_trainable);
        QFETCH(bool, detach_norm);
        QFETCH(int, threads);
        QFETCH(bool, zero_rows);
        torch::set_num_threads(threads);
        AdaptableLinear layer(70, 90, with_bias);
        layer->to(torch::kFloat64);  // float64: a wrong term shows far above rounding
        if (zero_rows) {
            torch::NoGradGuard no_grad;
            layer->weight[3].zero_();
            layer->weight[40].zero_();
        }
        AdapterOptions options;
        options.method = static_cast<Method>(method);
        options.rank = 6;
        options.magnitude_trainable = magnitude_trainable;
        options.detach_norm = detach_norm;
        layer->attach(options);
        {
            torch::NoGradGuard no_grad;
            layer->lora_B.normal_(0.0, 0.3);
            if (with_bias)
                layer->bias.normal_(0.0, 2.0);  // large against g ⊙ z, so recovering z has to subtract it well
            if (layer->magnitude.defined())
                layer->magnitude.mul_(torch::rand_like(layer->magnitude) + 0.5);
        }
        const torch::Tensor x = torch::randn({3, 50, 70}, torch::kFloat64);
        const torch::Tensor probe = torch::randn({3, 50, 90}, torch::kFloat64);
        const Grads fused = run(layer, x, probe, true), composite = run(layer, x, probe, false);
        QCOMPARE(fused.y.sizes(), composite.y.sizes());
        QVERIFY(relative_error(fused.y, composite.y) <= 1e-12);
        QVERIFY(relative_error(fused.x, composite.x) <= 1e-12);
        QVERIFY(relative_error(fused.a, composite.a) <= 1e-12);
        QVERIFY(relative_error(fused.b, composite.b) <= 1e-12);
        QCOMPARE(fused.m.defined(), composite.m.defined());
        QCOMPARE(fused.m.defined(), options.method == Method::DoRA && magnitude_trainable);
        if (fused.m.defined())
            QVERIFY(relative_error(fused.m, composite.m) <= 1e-12);
        if (zero_rows && fused.m.defined())  // a real gradient there, not 0 or NaN
            QVERIFY(fused.m[40].abs().item<double>() > 1e-6);
        // As a training step runs it: DoRA's dz written over y gives the same gradients.
        const Grads reused = run(layer, x, probe, true, true);
        QVERIFY(relative_error(reused.x, composite.x) <= 1e-12);
        QVERIFY(relative_error(reused.a, composite.a) <= 1e-12);
        QVERIFY(relative_error(reused.b, composite.b) <= 1e-12);
        if (fused.m.defined())
            QVERIFY(relative_error(reused.m, composite.m) <= 1e-12);
        // float32, as training runs: the same within single-precision rounding.
        layer->to(torch::kFloat32);
        const Grads fused32 = run(layer, x.to(torch::kFloat32), probe.to(torch::kFloat32), true);
        QVERIFY(relative_error(fused32.y, composite.y) <= 1e-5);
        QVERIFY(relative_error(fused32.x, composite.x) <= 1e-5);
        QVERIFY(relative_error(fused32.b, composite.b) <= 1e-4);
    }

    // DoRA's backward writes dz over its output only inside a training step's scope; there a second
    // backward through the same graph fails instead of reading dz as y.
    void outputReuseStaysInsideItsScope()
    {
        AdaptableLinear layer(24, 20, true);
        layer->attach(AdapterOptions{});  // DoRA, detached norm, trainable magnitude
        {
            torch::NoGradGuard no_grad;
            layer->lora_B.normal_(0.0, 0.3);
        }
        const torch::Tensor x = torch::randn({5, 24});
        const torch::Tensor outside = layer(x), outside_value = outside.detach().clone();
        (outside * 3.0).sum().backward();
        QVERIFY(torch::equal(outside.detach(), outside_value));

        const OutputReuseScope scope;
        const torch::Tensor inside = layer(x), inside_value = inside.detach().clone();
        (inside * 3.0).sum().backward({}, /*retain_graph=*/true);
        QVERIFY(!torch::equal(inside.detach(), inside_value));  // the buffer now holds dz = 3·g
        QVERIFY(relative_error(inside.detach()[2], 3.0 * layer->dora_gain().detach()) <= 1e-6);
        QVERIFY_EXCEPTION_THROWN((inside * 3.0).sum().backward(), c10::Error);
    }

    // Where the fused path applies: CPU tensors of one floating dtype, the base frozen.
    void fusedPathIsTakenWhereItApplies()
    {
        AdaptableLinear layer(16, 12, true);
        layer->attach(AdapterOptions{});
        AdapterOperands o;
        o.x = torch::randn({4, 16}), o.weight = layer->weight, o.bias = layer->bias;
        o.lora_A = layer->lora_A, o.lora_B = layer->lora_B;
        o.magnitude = layer->magnitude;
        o.w0_sq = layer->weight.pow(2).sum(1);
        o.scale = layer->scale();
        QVERIFY(adapter_fused_applies(o));
        AdapterOperands mixed = o;
        mixed.x = o.x.to(torch::kFloat64);
        QVERIFY(!adapter_fused_applies(mixed));
        AdapterOperands trainable_base = o;
        trainable_base.weight = o.weight.detach().clone().requires_grad_(true);
        QVERIFY(!adapter_fused_applies(trainable_base));
    }
};

QTEST_APPLESS_MAIN(TestAdapterKernels)
#include "test_adapter_kernels.moc"
