// The safetensors reader and writer (engine/src/io/safetensors.h): a round trip that keeps bytes,
// shapes, dtypes and metadata; atomic writes that leave the old file and no temporary behind when they
// fail; F16/BF16 conversion; a catalogue of broken files, each rejected with its own one-line
// dora::Error; and a mutation fuzz run that must never throw anything else or accept an unsafe header.
#include <QtTest/QtTest>

#include "test_support.h"
#include "dora/error.h"
#include "io/safetensors.h"

#include <cmath>
#include <csignal>
#include <cstring>
#include <functional>
#include <random>
#include <set>

#include <sys/resource.h>
#include <unistd.h>

using namespace dora::io;

namespace {

// A file image from a literal header (padded with spaces to 8 bytes) and `data_bytes` bytes of data.
QByteArray raw_file(const std::string& header, int data_bytes)
{
    std::string h = header;
    h.append((8 - h.size() % 8) % 8, ' ');
    QByteArray out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(uint64_t(h.size()) >> (8 * i));
    out.append(h.data(), static_cast<qsizetype>(h.size()));
    for (int i = 0; i < data_bytes; ++i) out.append(static_cast<char>(i));
    return out;
}

const uint8_t* u8(const QByteArray& b) { return reinterpret_cast<const uint8_t*>(b.constData()); }

using dora::testing::error_of;

QByteArray read_whole(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Tensors of several dtypes, including a scalar and an empty tensor, and the buffers behind them.
struct Sample {
    std::vector<float> f32 = {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, 42.0f};
    std::vector<uint16_t> f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001};
    std::vector<int64_t> i64 = {-1, 1LL << 40};
    std::vector<uint8_t> u8 = {1, 2, 3};
    double scalar = 3.14159;
    std::vector<TensorToWrite> tensors() const
    {
        return {{"layer.0.weight", DType::F32, {2, 3}, f32.data(), f32.size() * 4},
                {"layer.0.half", DType::F16, {4}, f16.data(), f16.size() * 2},
                {"empty", DType::BF16, {0, 7}, nullptr, 0},
                {"ids", DType::I64, {2}, i64.data(), i64.size() * 8},
                {"scalar", DType::F64, {}, &scalar, 8},
                {"mask", DType::U8, {3, 1}, u8.data(), u8.size()}};
    }
    std::map<std::string, std::string> metadata() const { return {{"format", "pt"}, {"note", "élan ✓"}}; }
};

// The first way `h` (with its data section at `data`) differs from what was written, or "".
QString difference(const SafetensorsHeader& h, const uint8_t* data, const std::vector<TensorToWrite>& want)
{
    if (h.tensors.size() != want.size()) return "tensor count " + QString::number(h.tensors.size());
    for (const TensorToWrite& w : want) {
        const QString name = QString::fromStdString(w.name);
        const TensorEntry* e = h.find(w.name);
        if (!e) return "missing " + name;
        if (e->dtype != w.dtype || e->shape != w.shape) return "dtype or shape of " + name;
        if (e->end - e->begin != w.nbytes) return "size of " + name;
        if (w.nbytes > 0 && std::memcmp(data + e->begin, w.data, w.nbytes) != 0) return "bytes of " + name;
    }
    return {};
}

struct BrokenFile {
    const char* name;
    QByteArray file;
    QString expected;
};

// Each broken file and a piece of the message it must get. Spelled without "((" in raw strings: moc
// loses its place in such a literal.
std::vector<BrokenFile> broken_files()
{
    const std::string a = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    QByteArray short_len = raw_file("{" + a + "}", 8);
    short_len[0] = static_cast<char>(0xF0);  // a header length far past the end
    QByteArray huge(100 * 1024 * 1024 + 16, ' ');  // a header length over 100 MiB that does fit the file
    const uint64_t huge_len = 100 * 1024 * 1024 + 1;
    for (int i = 0; i < 8; ++i) huge[i] = static_cast<char>(huge_len >> (8 * i));
    std::string dims65 = "1";  // 65 sizes of 1: a valid byte count, so only the dimension limit trips
    for (int i = 1; i < 65; ++i) dims65 += ",1";
    auto entry = [](const std::string& fields) { return R"({"a":{)" + fields + "}}"; };
    return {
        {"shorter than 8 bytes", QByteArray("\1\2\3", 3), "the file is only 3 bytes long"},
        {"header length past the end", short_len, "should be 240 bytes long but the rest of the file is only 64 bytes"},
        {"header over 100 MiB", huge, "the header is 104857601 bytes long, more than the 100 MiB allowed"},
        {"header not JSON", raw_file(R"({"a": dtype})", 0), "the header is not valid JSON"},
        {"header not an object", raw_file("[1,2,3]", 0), "the header is an array instead of a JSON object"},
        {"invalid UTF-8", raw_file("{\"a\xff\":1}", 0), "not valid UTF-8 text (byte 11 of the file, value 0xFF"},
        {"overlong UTF-8", raw_file("{\"\xc0\xaf\":1}", 0), "value 0xC0"},
        {"absurd nesting", raw_file(std::string(1000, '[') + std::string(1000, ']'), 0), "nested more than 32 levels"},
        {"entry not an object", raw_file(R"({"a":[1]})", 0), "tensor 'a' is described by an array"},
        {"unknown dtype", raw_file(entry(R"("dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2])"), 2),
         "the data type 'F8_E4M3', which DoRA Studio does not support"},
        {"dtype not a string", raw_file(entry(R"("dtype":4,"shape":[1],"data_offsets":[0,4])"), 4),
         "tensor 'a' has a number as its dtype"},
        {"shape not a list", raw_file(entry(R"("dtype":"U8","shape":5,"data_offsets":[0,5])"), 5),
         "tensor 'a' has a number as its shape"},
        {"shape and offsets disagree", raw_file(entry(R"("dtype":"F32","shape":[3],"data_offsets":[0,8])"), 8),
         "[3] of F32, which needs 12 bytes, but its data_offsets [0, 8] cover 8 bytes"},
        {"overlapping tensors", raw_file("{" + a + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
         "'a' (bytes 0 to 8) and 'b' (bytes 4 to 12) overlap"},
        {"offsets past the end", raw_file(R"({"h.0.attn.c_attn.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 9),
         "'h.0.attn.c_attn.weight' ends at byte 16 of the data section but the data section has 9 bytes"},
        {"begin after end", raw_file(entry(R"("dtype":"F32","shape":[0],"data_offsets":[8,0])"), 8),
         "starts at byte 8 of the data section but ends before that, at byte 0"},
        {"gap between tensors", raw_file("{" + a + R"(,"b":{"dtype":"U8","shape":[2],"data_offsets":[10,12]}})", 12),
         "bytes 8 to 10 of the data section belong to no tensor (between 'a' and 'b')"},
        {"first tensor not at 0", raw_file(R"({"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", 4),
         "bytes 0 to 2 of the data section belong to no tensor (before 'b')"},
        {"trailing bytes", raw_file("{" + a + "}", 20), "the data section has 20 bytes but the tensors use only the first 8"},
        {"data but no tensors", raw_file("{}", 8), "the header lists no tensors but the data section has 8 bytes"},
        {"duplicate tensor", raw_file("{" + a + "," + a + "}", 8), "the header lists the tensor 'a' twice"},
        {"duplicate field", raw_file(entry(R"("dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1])"), 1),
         "tensor 'a' has the field 'dtype' twice"},
        {"duplicate metadata key", raw_file(R"({"__metadata__":{"k":"1","k":"2"}})", 0), "the metadata lists the key 'k' twice"},
        {"duplicate nested key", raw_file(R"({"__metadata__":{"k":{"x":1,"x":2}}})", 0), "the header repeats the key 'x'"},
        {"metadata not an object", raw_file(R"({"__metadata__":[1]})", 0), "the metadata is an array instead of an object"},
        {"metadata not text", raw_file(R"({"__metadata__":{"k":5}})", 0), "the metadata entry 'k' is a number instead of text"},
        {"element count overflows", raw_file(entry(R"("dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0])"), 0),
         "[4294967296, 4294967296], which is far too large to be real"},
        {"negative size", raw_file(entry(R"("dtype":"F32","shape":[-2],"data_offsets":[0,8])"), 8), "has -2 as size 1 of its shape"},
        {"decimal size", raw_file(entry(R"("dtype":"F32","shape":[2.0],"data_offsets":[0,8])"), 8), "has 2.0 as size 1 of its shape"},
        {"65 dimensions", raw_file(entry(R"("dtype":"U8","shape":[)" + dims65 + R"(],"data_offsets":[0,1])"), 1),
         "has 65 dimensions; at most 64 are allowed"},
        {"no data_offsets", raw_file(entry(R"("dtype":"F32","shape":[2])"), 8), "tensor 'a' has no 'data_offsets' field"},
        {"unknown field", raw_file(entry(R"("dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1)"), 1),
         "tensor 'a' has an unexpected field 'x'"},
        {"three offsets", raw_file(entry(R"("dtype":"U8","shape":[1],"data_offsets":[0,1,2])"), 1),
         "has data_offsets [0,1,2] instead of two whole numbers"},
        {"newline in a name", raw_file(R"({"bad\nname":{"dtype":"U8","shape":[2],"data_offsets":[0,1]}})", 1),
         "tensor 'bad\\x0Aname' has the shape [2] of U8, which needs 2 bytes"},
    };
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const Sample s;
        const std::vector<uint8_t> file = serialize_safetensors(s.tensors(), s.metadata());
        const SafetensorsHeader h = parse_safetensors(file.data(), file.size(), "memory");
        QCOMPARE(h.data_start % 8, uint64_t(0));
        QVERIFY(h.metadata == s.metadata());
        const QString diff = difference(h, file.data() + h.data_start, s.tensors());
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        for (size_t i = 1; i < h.tensors.size(); ++i) QVERIFY(h.tensors[i - 1].begin <= h.tensors[i].begin);
        QVERIFY(h.find("nope") == nullptr);
        QVERIFY(h.find("layer.0.weight")->numel() == 6 && h.find("scalar")->numel() == 1 && h.find("empty")->numel() == 0);
        // Offsets follow the caller's order: the first tensor starts the data section, the last ends it.
        QCOMPARE(h.find("layer.0.weight")->begin, uint64_t(0));
        QCOMPARE(h.find("mask")->end, file.size() - h.data_start);

        const QByteArray padded = raw_file(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})" + std::string(37, ' '), 2);
        QCOMPARE(parse_safetensors(u8(padded), padded.size(), "padded").tensors.size(), size_t(1));
        const std::vector<uint8_t> none = serialize_safetensors({});
        QVERIFY(parse_safetensors(none.data(), none.size(), "none").tensors.empty());
    }

    void writeThenOpen()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.safetensors").toStdString();
        const Sample s;
        write_safetensors(path, s.tensors(), s.metadata());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"model.safetensors"});  // no temporary left
        const std::vector<uint8_t> mem = serialize_safetensors(s.tensors(), s.metadata());
        QCOMPARE(read_whole(QString::fromStdString(path)), QByteArray(reinterpret_cast<const char*>(mem.data()), mem.size()));

        SafetensorsFile moved = SafetensorsFile::open(path);
        SafetensorsFile f = SafetensorsFile::open(path);
        f = std::move(moved);
        QCOMPARE(f.path(), path);
        QVERIFY(f.header().metadata == s.metadata());
        const TensorEntry& first = f.header().tensors[0];
        const QString diff = difference(f.header(), f.tensor_data(first) - first.begin, s.tensors());
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        TensorEntry foreign;
        foreign.name = "foreign";
        foreign.end = 1u << 30;
        QVERIFY(error_of([&] { f.tensor_data(foreign); }).contains("'foreign' (bytes 0 to 1073741824) is not part"));
    }

    void failedWrites()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.safetensors").toStdString();
        const Sample s;
        write_safetensors(path, s.tensors(), s.metadata());
        const QByteArray before = read_whole(QString::fromStdString(path));
        const auto left_alone = [&] {
            return read_whole(QString::fromStdString(path)) == before &&
                   QDir(dir.path()).entryList(QDir::Files) == QStringList{"model.safetensors"};
        };

        const std::string missing = dir.filePath("no/such/x.safetensors").toStdString();
        QCOMPARE(error_of([&] { write_safetensors(missing, s.tensors()); }),
                 QString::fromStdString(missing + ": cannot save: the folder does not exist"));
        // A folder in the way: the temporary is written, then the rename fails and it is removed.
        QVERIFY(QDir(dir.path()).mkdir("folder"));
        const std::string folder = dir.filePath("folder").toStdString();
        QVERIFY(error_of([&] { write_safetensors(folder, s.tensors()); }).contains("replacing the old file failed"));
        QVERIFY(QDir(dir.path()).rmdir("folder"));
        QVERIFY(left_alone());

        // A full disk, played by the file size limit: the old file stays as it was.
        std::vector<uint8_t> big(1 << 20, 7);
        rlimit old{};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        if (old.rlim_cur != RLIM_INFINITY && old.rlim_cur < big.size()) QSKIP("the file size limit is already too low");
        rlimit small = old;
        small.rlim_cur = 64 * 1024;
        const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        const QString msg = error_of([&] { write_safetensors(path, {{"big", DType::U8, {1 << 20}, big.data(), big.size()}}); });
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, old_handler);
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": cannot save (writing failed: "), qPrintable(msg));
        QVERIFY2(msg.endsWith("any earlier version of the file is unchanged"), qPrintable(msg));
        QVERIFY(left_alone());
    }

    void badInputsToWriteAndOpen()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("w.safetensors").toStdString();
        const uint8_t buf[16] = {};
        QVERIFY(error_of([&] { write_safetensors(path, {{"w", DType::F32, {3}, buf, 10}}); })
                    .contains("tensor 'w' has 10 bytes of data but its shape [3] of F32 needs 12 bytes"));
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
        QVERIFY(error_of([&] { serialize_safetensors({{"w", DType::U8, {1}, buf, 1}, {"w", DType::U8, {1}, buf, 1}}); })
                    .contains("tensor 'w' is listed twice"));
        QVERIFY(error_of([&] { serialize_safetensors({{"n", DType::U8, {-1}, buf, 1}}); }).contains("'n' has the shape [-1]"));
        QVERIFY(error_of([&] { serialize_safetensors({{"__metadata__", DType::U8, {1}, buf, 1}}); })
                    .contains("cannot be named '__metadata__'"));
        QVERIFY(error_of([&] { serialize_safetensors({}, {{"k", "\xff"}}); }).contains("'k' is not valid UTF-8"));

        const QString d = dir.path();
        QCOMPARE(error_of([&] { SafetensorsFile::open((d + "/missing").toStdString()); }), d + "/missing: file not found");
        QVERIFY(error_of([&] { SafetensorsFile::open(d.toStdString()); }).contains("this is a folder"));
        QFile(d + "/empty").open(QIODevice::WriteOnly);
        QVERIFY(error_of([&] { SafetensorsFile::open((d + "/empty").toStdString()); }).contains("the file is empty"));
        QFile text(d + "/text");
        QVERIFY(text.open(QIODevice::WriteOnly) && text.write("hello, this is not a model file") > 0);
        text.close();
        QVERIFY(error_of([&] { SafetensorsFile::open((d + "/text").toStdString()); }).startsWith(d + "/text: the header"));
    }

    void convertToF32()
    {
        // F16: 1, -2, 65504, the smallest and largest subnormals, inf, -0, nan, -inf.
        const uint16_t f16[] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0x8000, 0x7E00, 0xFC00};
        float out[9];
        convert_to_f32(DType::F16, reinterpret_cast<const uint8_t*>(f16), 9, out);
        QCOMPARE(out[0], 1.0f);
        QCOMPARE(out[1], -2.0f);
        QCOMPARE(out[2], 65504.0f);
        QCOMPARE(out[3], std::ldexp(1.0f, -24));
        QCOMPARE(out[4], std::ldexp(1023.0f, -24));
        QVERIFY(out[5] == INFINITY && out[8] == -INFINITY);
        QVERIFY(out[6] == 0.0f && std::signbit(out[6]));
        QVERIFY(std::isnan(out[7]));
        // BF16, from an odd address: 1, -3.140625, a subnormal (2^-133), inf, -inf.
        const uint8_t bf16[] = {0, 0x80, 0x3F, 0x49, 0xC0, 0x01, 0x00, 0x80, 0x7F, 0x80, 0xFF};
        convert_to_f32(DType::BF16, bf16 + 1, 5, out);
        QCOMPARE(out[0], 1.0f);
        QCOMPARE(out[1], -3.140625f);
        QCOMPARE(out[2], std::ldexp(1.0f, -133));
        QVERIFY(out[3] == INFINITY && out[4] == -INFINITY);
        uint8_t unaligned[1 + 8];
        const float two[] = {0.5f, -7.0f};
        std::memcpy(unaligned + 1, two, 8);
        convert_to_f32(DType::F32, unaligned + 1, 2, out);
        QVERIFY(out[0] == 0.5f && out[1] == -7.0f);
        QVERIFY(error_of([&] { convert_to_f32(DType::I32, bf16, 1, out); }).contains("cannot convert I32 data"));
        QVERIFY(error_of([&] { convert_to_f32(DType::F16, bf16, -1, out); }).contains("negative number"));
        TensorEntry e;
        e.name = "x";
        e.shape = {1LL << 40, 1LL << 40};
        QVERIFY(error_of([&] { e.numel(); }).contains("tensor 'x' has the shape"));
    }

    void brokenFiles_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("expected");
        for (const BrokenFile& b : broken_files()) QTest::newRow(b.name) << b.file << b.expected;
    }

    void brokenFiles()
    {
        QFETCH(QByteArray, file);
        QFETCH(QString, expected);
        const QString message = error_of([&] { parse_safetensors(u8(file), file.size(), "model.safetensors"); });
        QVERIFY2(message.startsWith("model.safetensors: "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY(!message.contains('\n'));
    }

    void brokenFilesGetDistinctMessages()
    {
        std::set<QString> seen;
        for (const BrokenFile& b : broken_files()) {
            const QString message = error_of([&] { parse_safetensors(u8(b.file), b.file.size(), "f"); });
            QVERIFY2(seen.insert(message).second, qPrintable(QString(b.name) + ": " + message));
        }
    }

    // Mutates the header text and the data separately and re-frames them with a matching length, so
    // most inputs get past the length check into the JSON and offset checks; some also get a wrong
    // length or a truncation. Whatever is accepted must be safe to use.
    void mutationFuzz()
    {
        const Sample s;
        const std::vector<uint8_t> seed = serialize_safetensors(s.tensors(), s.metadata());
        const size_t data_start = parse_safetensors(seed.data(), seed.size(), "seed").data_start;
        for (size_t n = 0; n < seed.size(); ++n)
            QVERIFY2(error_of([&] { parse_safetensors(seed.data(), n, "cut"); }).startsWith("cut: "),
                     qPrintable(QString("a cut to %1 bytes").arg(n)));

        std::mt19937_64 rng(12345);
        auto pick = [&](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
        const std::string tokens = "{}[]\",:0123456789-. eE\\ufF";
        const char* const edge_numbers[] = {"0", "1", "-1", "4294967296", "9223372036854775807", "9223372036854775808",
                                            "18446744073709551615", "18446744073709551616", "1e400", "0.5", "-0"};
        int accepted = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string header(seed.begin() + 8, seed.begin() + static_cast<long>(data_start));
            std::vector<uint8_t> data(seed.begin() + static_cast<long>(data_start), seed.end());
            for (size_t m = 0, count = 1 + pick(3); m < count; ++m) {
                const size_t pos = pick(header.size());
                switch (pick(8)) {
                case 0: if (!header.empty()) header[pos] ^= static_cast<char>(1u << pick(8)); break;
                case 1: if (!header.empty()) header[pos] = static_cast<char>(rng()); break;
                case 2: if (!header.empty()) header[pos] = tokens[pick(tokens.size())]; break;
                case 3: if (!header.empty()) header.erase(pos, 1 + pick(4)); break;
                case 4: header.insert(pos, 1, tokens[pick(tokens.size())]); break;
                case 5: {  // a number replaced by an edge case for the size arithmetic
                    const size_t p = header.find_first_of("0123456789", pos);
                    if (p == std::string::npos) break;
                    const size_t q = std::min(header.find_first_not_of("0123456789", p), header.size());
                    header.replace(p, q - p, edge_numbers[pick(std::size(edge_numbers))]);
                    break;
                }
                case 6: if (!data.empty()) data[pick(data.size())] ^= 0xFF; break;
                case 7: data.resize(data.size() + pick(9) - std::min<size_t>(4, data.size())); break;  // -4..+4 bytes
                }
            }
            uint64_t len = header.size();
            if (pick(10) == 0) len = pick(3) ? len + pick(17) - 8 : rng();  // a wrong length, near or far
            std::vector<uint8_t> f(8);
            for (int i = 0; i < 8; ++i) f[i] = static_cast<uint8_t>(len >> (8 * i));
            f.insert(f.end(), header.begin(), header.end());
            f.insert(f.end(), data.begin(), data.end());
            if (pick(10) == 0) f.resize(pick(f.size() + 1));  // a truncated download

            QString problem;
            try {
                const SafetensorsHeader h = parse_safetensors(f.data(), f.size(), "fuzz");
                ++accepted;
                uint64_t covered = 0;  // the tensors must tile the data section, inside the file
                for (const TensorEntry& e : h.tensors) {
                    if (e.begin != covered || e.end < e.begin || h.data_start + e.end > f.size() ||
                        static_cast<uint64_t>(e.numel()) * dtype_size(e.dtype) != e.end - e.begin)
                        problem = "accepted a bad entry " + QString::fromStdString(e.name);
                    covered = e.end;
                }
                if (h.data_start + covered != f.size()) problem = "accepted a file with unused bytes";
            } catch (const dora::Error& e) {
                if (std::strncmp(e.what(), "fuzz: ", 6) != 0) problem = QString("no label: ") + e.what();
                else if (std::strchr(e.what(), '\n')) problem = QString("a newline: ") + e.what();
            } catch (const std::exception& e) {
                problem = QString("not a dora::Error: ") + e.what();
            } catch (...) {
                problem = "an unknown exception";
            }
            QVERIFY2(problem.isEmpty(), qPrintable(QString("round %1: %2").arg(round).arg(problem)));
        }
        QVERIFY(accepted > 0);  // the mutations are not all fatal, so the accept path is exercised too
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
