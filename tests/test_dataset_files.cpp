// Users' data files (engine/src/data/dataset_files.h, csv_table.h): text and JSONL packing checked id
// by id against a byte tokenizer computed here, the Alpaca templates and loss masks, truncation and
// skipping, CSV quoting, a catalogue of broken files, each rejected with a one-line dora::Error that
// names the file and the line, and a mutation fuzz run that must never throw anything else.
#include <QtTest/QtTest>

#include "test_support.h"
#include "data/csv_table.h"
#include "data/dataset_files.h"
#include "dora/error.h"

#include <QTemporaryDir>

#include <functional>
#include <random>

#include <sys/stat.h>

using namespace dora::data;

namespace {

constexpr int64_t kBos = 1, kEos = 2;

// One id per byte, id = byte + 3 (0..2 stay free for padding, bos and eos).
std::vector<int64_t> byte_ids(const std::string& text)
{
    std::vector<int64_t> ids;
    for (unsigned char c : text) ids.push_back(int64_t(c) + 3);
    return ids;
}

std::vector<int64_t> cat(std::initializer_list<std::vector<int64_t>> parts)
{
    std::vector<int64_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

template <class T>
QString str(const std::vector<T>& v)
{
    QStringList s;
    for (T x : v) s << QString::number(x);
    return s.join(' ');
}

// `n` zeros then `m` ones.
std::vector<uint8_t> mask(size_t n, size_t m)
{
    std::vector<uint8_t> out(n, 0);
    out.insert(out.end(), m, 1);
    return out;
}

using dora::testing::error_of;

TextDatasetOptions options(const std::string& format, int seq_len, bool bos_eos = true)
{
    TextDatasetOptions o;
    o.format = format;
    o.seq_len = seq_len;
    if (bos_eos) {
        o.bos_id = kBos;
        o.eos_id = kEos;
    }
    return o;
}

// The Alpaca templates, written out here rather than taken from the code under test.
const std::string kNoInputHead = "Below is an instruction that describes a task. Write a response that appropriately "
                                 "completes the request.\n\n### Instruction:\n";
const std::string kInputHead = "Below is an instruction that describes a task, paired with an input that provides "
                               "further context. Write a response that appropriately completes the request.\n\n"
                               "### Instruction:\n";

std::string prompt_without_input(const std::string& instruction)
{
    return kNoInputHead + instruction + "\n\n### Response:\n";
}

std::string prompt_with_input(const std::string& instruction, const std::string& input)
{
    return kInputHead + instruction + "\n\n### Input:\n" + input + "\n\n### Response:\n";
}

}  // namespace

class TestDatasetFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string write(const QString& name, const QByteArray& content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(path));
        return path.toStdString();
    }
    std::string write(const QString& name, const std::string& content)
    {
        return write(name, QByteArray::fromStdString(content));
    }

    // Every block holds seq_len + 1 ids except the last (2 at least), consecutive blocks share one id,
    // and the blocks' targets are the stream after its first id, each exactly once.
    static void check_packing(const std::vector<TokenizedSample>& samples, const std::vector<int64_t>& stream,
                              int seq_len)
    {
        QCOMPARE(samples.size(), (stream.size() - 2) / size_t(seq_len) + 1);
        std::vector<int64_t> joined = samples.front().ids;
        for (size_t b = 0; b < samples.size(); ++b) {
            const TokenizedSample& s = samples[b];
            QVERIFY(s.ids.size() >= 2);
            if (b + 1 < samples.size()) QCOMPARE(s.ids.size(), size_t(seq_len) + 1);
            QCOMPARE(str(s.loss_mask), str(mask(1, s.ids.size() - 1)));
            if (b > 0) {
                QCOMPARE(s.ids.front(), samples[b - 1].ids.back());
                joined.insert(joined.end(), s.ids.begin() + 1, s.ids.end());
            }
        }
        QVERIFY(joined == stream);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void textBlocks()
    {
        const std::string path = write("t.txt", std::string("abcdefghij"));
        // bos a b c d e f g h i j eos: 12 ids, seq_len 4 -> [bos a b c d] [d e f g h] [h i j eos].
        std::vector<TokenizedSample> s = read_text_dataset(path, options("text", 4), byte_ids);
        QCOMPARE(s.size(), size_t(3));
        QCOMPARE(str(s[0].ids), str(cat({{kBos}, byte_ids("abcd")})));
        QCOMPARE(str(s[1].ids), str(byte_ids("defgh")));
        QCOMPARE(str(s[2].ids), str(cat({byte_ids("hij"), {kEos}})));
        QCOMPARE(str(s[2].loss_mask), QString("0 1 1 1"));
        check_packing(s, cat({{kBos}, byte_ids("abcdefghij"), {kEos}}), 4);

        // 9 ids = 2 * 4 + 1: two full blocks and no one-id remainder.
        s = read_text_dataset(write("t9.txt", std::string("abcdefghi")), options("text", 4, false), byte_ids);
        QCOMPARE(s.size(), size_t(2));
        QCOMPARE(str(s[1].ids), str(byte_ids("efghi")));

        // 10 ids: a last block of 2.
        s = read_text_dataset(write("t10.txt", std::string("abcdefghij")), options("text", 4, false), byte_ids);
        QCOMPARE(s.size(), size_t(3));
        QCOMPARE(str(s[2].ids), str(byte_ids("ij")));
        QCOMPARE(str(s[2].loss_mask), QString("0 1"));
    }

    void textParagraphsCrlfAndChunks()
    {
        // More than 1 MiB, so the reader cuts it into pieces; CRLF is read as LF; a missing final newline
        // stays missing.
        std::string crlf, lf;
        for (int p = 0; crlf.size() < 2600000; ++p) {
            const std::string para = "Paragraph " + std::to_string(p) + " has some words.";
            crlf += para + "\r\n" + para + "\r\n\r\n";
            lf += para + "\n" + para + "\n\n";
        }
        crlf += "end";
        lf += "end";
        const std::vector<TokenizedSample> s =
            read_text_dataset(write("big.txt", crlf), options("text", 1000), byte_ids);
        check_packing(s, cat({{kBos}, byte_ids(lf), {kEos}}), 1000);
    }

    void textShorterThanTwoTokens()
    {
        const std::string path = write("one.txt", std::string("a"));
        QVERIFY(error_of([&] { read_text_dataset(path, options("text", 4, false), byte_ids); })
                    .contains("one.txt: has no samples: the text is shorter than 2 tokens"));
        const std::vector<TokenizedSample> s = read_text_dataset(path, options("text", 4), byte_ids);
        QCOMPARE(s.size(), size_t(1));
        QCOMPARE(str(s[0].ids), str(std::vector<int64_t>{kBos, 'a' + 3, kEos}));
    }

    void jsonlDocuments()
    {
        const std::string path = write("d.jsonl", std::string("{\"text\": \"ab\"}\n\n  \r\n{\"id\": 7, \"text\": \"c\"}\n"
                                                              "{\"text\": \"\"}\r\n{\"text\": \"d\\u00e9\"}"));
        std::string notes;
        const std::vector<TokenizedSample> s = read_text_dataset(path, options("jsonl", 3), byte_ids, &notes);
        const std::vector<int64_t> stream =
            cat({{kBos}, byte_ids("ab"), {kEos}, {kBos}, byte_ids("c"), {kEos}, {kBos}, byte_ids("d\xC3\xA9"), {kEos}});
        // [bos a b eos] [eos bos c eos] [eos bos d 0xC3] [0xC3 0xA9 eos]
        QCOMPARE(s.size(), size_t(4));
        QCOMPARE(str(s[0].ids), str(cat({{kBos}, byte_ids("ab"), {kEos}})));
        QCOMPARE(str(s[1].ids), str(cat({{kEos, kBos}, byte_ids("c"), {kEos}})));
        check_packing(s, stream, 3);
        QCOMPARE(notes, std::string("1 document skipped: empty \"text\""));

        const std::vector<TokenizedSample> bare = read_text_dataset(path, options("jsonl", 3, false), byte_ids);
        check_packing(bare, byte_ids("abcd\xC3\xA9"), 3);
    }

    void alpacaTemplatesAndMasks()
    {
        const std::string jsonl = write("a.jsonl", std::string(
            "{\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"}\n"
            "{\"instruction\": \"Greet\", \"output\": \"hi\"}\n"
            "{\"instruction\": \"Wave\", \"input\": \"\", \"output\": \"o/\"}\n"));
        std::string notes = "stale";
        const std::vector<TokenizedSample> s = read_text_dataset(jsonl, options("alpaca", 512), byte_ids, &notes);
        QCOMPARE(notes, std::string());
        QCOMPARE(s.size(), size_t(3));

        const std::vector<int64_t> p0 = cat({{kBos}, byte_ids(prompt_with_input("Add", "1 2"))});
        QCOMPARE(str(s[0].ids), str(cat({p0, byte_ids("3"), {kEos}})));
        QCOMPARE(str(s[0].loss_mask), str(mask(p0.size(), 2)));

        const std::vector<int64_t> p1 = cat({{kBos}, byte_ids(prompt_without_input("Greet"))});
        QCOMPARE(str(s[1].ids), str(cat({p1, byte_ids("hi"), {kEos}})));
        QCOMPARE(str(s[1].loss_mask), str(mask(p1.size(), 3)));

        // An empty input uses the template without input.
        const std::vector<int64_t> p2 = cat({{kBos}, byte_ids(prompt_without_input("Wave"))});
        QCOMPARE(str(s[2].ids), str(cat({p2, byte_ids("o/"), {kEos}})));
        QCOMPARE(str(s[2].loss_mask), str(mask(p2.size(), 3)));

        // Without bos and eos: the mask covers the output alone.
        const std::vector<TokenizedSample> bare = read_text_dataset(jsonl, options("alpaca", 512, false), byte_ids);
        const std::vector<int64_t> q1 = byte_ids(prompt_without_input("Greet"));
        QCOMPARE(str(bare[1].ids), str(cat({q1, byte_ids("hi")})));
        QCOMPARE(str(bare[1].loss_mask), str(mask(q1.size(), 2)));

        // The same examples as a pretty-printed JSON array (input null = no input) give the same samples.
        const std::string array = write("a.json", std::string(
            "\xEF\xBB\xBF  [\n"
            "  {\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"},\n"
            "  {\n    \"instruction\": \"Greet\",\n    \"input\": null,\n    \"output\": \"hi\",\n"
            "    \"meta\": {\"source\": [1, 2, {\"deep\": true}]}\n  },\n"
            "  {\"instruction\": \"Wave\", \"input\": \"\", \"output\": \"o/\"}\n]\n"));
        const std::vector<TokenizedSample> a = read_text_dataset(array, options("alpaca", 512), byte_ids);
        QCOMPARE(a.size(), s.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(str(a[i].ids), str(s[i].ids));
            QCOMPARE(str(a[i].loss_mask), str(s[i].loss_mask));
        }
    }

    void alpacaTruncationAndSkips()
    {
        const size_t p = 1 + prompt_without_input("i").size();  // bos + prompt
        const int seq_len = int(p) + 2;                          // room for 3 ids after the prompt
        auto line = [](const std::string& instruction, const std::string& output) {
            return "{\"instruction\": \"" + instruction + "\", \"output\": \"" + output + "\"}\n";
        };
        const std::string path = write("t.jsonl", line("i", "xyz")       // 4 response ids: cut to 3
                                                      + line("i", "xy")     // 3: fits exactly
                                                      + line("iii", "q")    // prompt p + 2: 1 response id left
                                                      + line("iiii", "q")   // prompt p + 3 = seq_len + 1: skipped
                                                      + line(std::string(300, 'i'), "q"));  // skipped
        std::string notes;
        const std::vector<TokenizedSample> s = read_text_dataset(path, options("alpaca", seq_len), byte_ids, &notes);
        QCOMPARE(s.size(), size_t(3));
        const std::vector<int64_t> prompt = cat({{kBos}, byte_ids(prompt_without_input("i"))});
        QCOMPARE(str(s[0].ids), str(cat({prompt, byte_ids("xyz")})));  // eos cut off
        QCOMPARE(str(s[0].loss_mask), str(mask(p, 3)));
        QCOMPARE(str(s[1].ids), str(cat({prompt, byte_ids("xy"), {kEos}})));
        QCOMPARE(s[1].ids.size(), size_t(seq_len) + 1);
        QCOMPARE(str(s[2].ids), str(cat({{kBos}, byte_ids(prompt_without_input("iii")), byte_ids("q")})));
        QCOMPARE(str(s[2].loss_mask), str(mask(p + 2, 1)));
        const std::string n = std::to_string(seq_len);
        QCOMPARE(notes, "2 examples skipped: prompt longer than seq_len (" + n + "); 2 examples truncated: response "
                        "cut to fit seq_len (" + n + ")");

        // Every example skipped: no samples, and the message says why.
        const std::string all = write("all.jsonl", line("iiii", "q") + line("iiiii", "q"));
        QCOMPARE(error_of([&] { read_text_dataset(all, options("alpaca", seq_len), byte_ids); }),
                 QString::fromStdString(all + ": has no samples: 2 examples skipped: prompt longer than seq_len (" +
                                        n + ")"));
    }

    void previewAndMaxSamples()
    {
        const std::string path = write("p.txt", std::string(100, 'x') + std::string(100, 'y'));
        const std::vector<TokenizedSample> all = read_text_dataset(path, options("text", 16), byte_ids);
        const std::vector<SamplePreview> two = preview_text_dataset(path, options("text", 16), byte_ids, 2);
        QCOMPARE(two.size(), size_t(2));
        for (size_t i = 0; i < 2; ++i) {
            QCOMPARE(str(two[i].ids), str(all[i].ids));
            QCOMPARE(str(two[i].loss_mask), str(all[i].loss_mask));
        }
        TextDatasetOptions o = options("text", 16);
        o.max_samples = 5;
        QCOMPARE(read_text_dataset(path, o, byte_ids).size(), size_t(5));
    }

    void progressAndCancel()
    {
        const std::string path = write("big.txt", std::string(3u << 20, 'z'));
        TextDatasetOptions o = options("text", 1 << 20, false);
        uint64_t last = 0;
        int calls = 0;
        o.progress = [&](uint64_t done, uint64_t total) {
            last = done;
            ++calls;
            return total == (3u << 20);
        };
        QCOMPARE(read_text_dataset(path, o, byte_ids).size(), size_t(3));
        QVERIFY(calls >= 3);
        QCOMPARE(last, uint64_t(3u << 20));
        o.progress = [&](uint64_t done, uint64_t) { return done < (2u << 20); };
        QCOMPARE(error_of([&] { read_text_dataset(path, o, byte_ids); }), QString::fromStdString(path + ": cancelled"));
    }

    void csvQuotingCrlfAndLabels()
    {
        const std::string path = write("iris.csv", std::string(
            "\xEF\xBB\xBFx,species,\"y, z\"\r\n"
            "1,setosa,2\r\n"
            "3.5,\"vir\"\"gin\"\"ica\",-4\r\n"
            "\r\n"
            " 5 ,\"multi\r\nline\",+6\r\n"
            "7,setosa,8e-1\r\n"));
        const TabularDataset d = read_csv_dataset(path, "species");
        QCOMPARE(d.rows, int64_t(4));
        QCOMPARE(d.feature_names, (std::vector<std::string>{"x", "y, z"}));
        QCOMPARE(d.classes, (std::vector<std::string>{"setosa", "vir\"gin\"ica", "multi\r\nline"}));
        QCOMPARE(str(d.labels), QString("0 1 2 0"));
        QCOMPARE(d.features, (std::vector<float>{1, 2, 3.5f, -4, 5, 6, 7, 0.8f}));

        // The last column by default; LF and no final line break.
        const TabularDataset e = read_csv_dataset(write("pets.csv", std::string("a,b,label\n1,2,cat\n3,4,dog\n5,6,cat")));
        QCOMPARE(e.feature_names, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(e.classes, (std::vector<std::string>{"cat", "dog"}));
        QCOMPARE(str(e.labels), QString("0 1 0"));
        QCOMPARE(e.features, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    }

    void csvReaderFields()
    {
        const std::string path = write("r.csv", std::string("a,,\"\",\"x\"\"\"\n\"\"\"\",b\"c,\"d\ne\"\r\n,\n"));
        LineReader lines(path, 1 << 20);
        CsvReader csv(lines);
        std::vector<std::string> f;
        QVERIFY(csv.next(f));
        QCOMPARE(f, (std::vector<std::string>{"a", "", "", "x\""}));
        QVERIFY(csv.next(f));
        QCOMPARE(csv.record_line(), int64_t(2));
        QCOMPARE(f, (std::vector<std::string>{"\"", "b\"c", "d\ne"}));
        QVERIFY(csv.next(f));
        QCOMPARE(csv.record_line(), int64_t(4));
        QCOMPARE(f, (std::vector<std::string>{"", ""}));
        QVERIFY(!csv.next(f));
    }

    void brokenFiles_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* tag, const char* format, const char* name, const QByteArray& content,
                      const char* expected) {
            QTest::newRow(tag) << QString(format) << QString(name) << content << QString(expected);
        };
        // Text and JSONL.
        row("empty text", "text", "e.txt", "", "e.txt: has no samples: the file is empty");
        row("text bad utf8", "text", "u.txt", "ok\nbad \xC3\x28 here\n", "u.txt: line 2, byte 5: not valid UTF-8");
        row("text overlong utf8", "text", "o.txt", "\xC0\xAF", "o.txt: line 1, byte 1: not valid UTF-8");
        row("jsonl no text", "jsonl", "data.jsonl", "{\"text\": \"a\"}\n\n{\"txt\": \"b\"}\n",
            "data.jsonl: line 3: no \"text\" field");
        row("jsonl text number", "jsonl", "n.jsonl", "{\"text\": 5}", "n.jsonl: line 1: \"text\" is a number, not a string");
        row("jsonl text object", "jsonl", "o.jsonl", "{\"text\": {\"a\": \"b\"}}",
            "o.jsonl: line 1: \"text\" is an object, not a string");
        row("jsonl array line", "jsonl", "a.jsonl", "[\"a\"]", "a.jsonl: line 1: an array, not a JSON object");
        row("jsonl string line", "jsonl", "s.jsonl", "{\"text\": \"a\"}\n\"b\"\n",
            "s.jsonl: line 2: a string, not a JSON object");
        row("jsonl bad json", "jsonl", "b.jsonl", "{\"text\": \"a\"}\n{\"text\": tru}\n",
            "b.jsonl: line 2, column 13: not valid JSON (syntax error");
        row("jsonl two objects", "jsonl", "t.jsonl", "{\"text\": \"a\"} {\"text\": \"b\"}",
            "t.jsonl: line 1, column 15: not valid JSON");
        row("jsonl number overflow", "jsonl", "f.jsonl", "{\"text\": \"a\", \"n\": 1e999}",
            "f.jsonl: line 1, column 24: not valid JSON (number overflow");
        row("jsonl bad utf8", "jsonl", "u.jsonl", "{\"text\": \"a\"}\n{\"text\": \"\xFF\"}\n",
            "u.jsonl: line 2, byte 11: not valid UTF-8 text (0xFF)");
        row("jsonl blank only", "jsonl", "w.jsonl", "\n \n\t\n", "w.jsonl: has no samples: no documents");
        row("jsonl empty texts", "jsonl", "x.jsonl", "{\"text\": \"\"}\n",
            "x.jsonl: has no samples: 1 document skipped: empty \"text\"");
        // Alpaca, JSONL and JSON array.
        row("alpaca no output", "alpaca", "train.jsonl",
            "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"a\"}\n",
            "train.jsonl: line 2: no \"output\" field");
        row("alpaca input number", "alpaca", "i.jsonl", "{\"instruction\": \"a\", \"input\": 3, \"output\": \"b\"}",
            "i.jsonl: line 1: \"input\" is a number, not a string");
        row("alpaca instruction null", "alpaca", "n.jsonl", "{\"instruction\": null, \"output\": \"b\"}",
            "n.jsonl: line 1: \"instruction\" is null, not a string");
        row("alpaca array no instruction", "alpaca", "train.json",
            "[\n  {\"instruction\": \"a\", \"output\": \"b\"},\n  {\"output\": \"b\"}\n]\n",
            "train.json: line 3: example 2: no \"instruction\" field");
        row("alpaca array bad json", "alpaca", "j.json",
            "[\n{\"instruction\": \"a\", \"output\": \"b\"},\n{\"instruction\": }\n]",
            "j.json: line 3, column 17: not valid JSON (syntax error");
        row("alpaca array element number", "alpaca", "k.json", "[\n  1\n]",
            "k.json: line 2: example 1: a number, not a JSON object");
        row("alpaca array unterminated", "alpaca", "u.json", "[{\"instruction\": \"a\", \"output\": \"b\"}\n",
            "u.json: line 1, column 37: not valid JSON");
        row("alpaca array trailing text", "alpaca", "t.json", "[]\nx", "t.json: line 2, column 1: not valid JSON");
        row("alpaca array empty", "alpaca", "e.json", "[ ]", "e.json: has no samples: no examples");
        row("alpaca array bad utf8", "alpaca", "v.json", "[\n{\"instruction\": \"\xE2\x82\"}]",
            "v.json: line 2, byte 18: not valid UTF-8");
        row("alpaca empty", "alpaca", "z.json", "", "z.json: has no samples: the file is empty");
        // CSV.
        row("csv field count", "csv", "data.csv", "a,b,c,label\n1,2,3,x\n1,2,3,y\n1,2,z\n",
            "data.csv: line 4: 3 fields, the header has 4");
        row("csv count after a multi-line field", "csv", "m.csv", "a,label\n1,\"x\ny\"\n1,2,3\n",
            "m.csv: line 4: 3 fields, the header has 2");
        row("csv not a number", "csv", "n.csv", "x,label\n1,a\n2,a\n3,a\n4,a\n5,a\n6,a\n7,a\nabc,a\n",
            "n.csv: line 9, column 'x': 'abc' is not a number");
        row("csv empty feature", "csv", "e.csv", "a,label\n,x\n", "e.csv: line 2, column 'a': '' is not a number");
        row("csv nan", "csv", "nan.csv", "a,label\nnan,x\n", "nan.csv: line 2, column 'a': 'nan' is not a finite number");
        row("csv out of range", "csv", "r.csv", "a,label\n1e39,x\n",
            "r.csv: line 2, column 'a': '1e39' is out of range for a 32-bit float");
        row("csv empty label", "csv", "l.csv", "a,label\n1,\"\"\n", "l.csv: line 2, column 'label': the label is empty");
        row("csv text after quote", "csv", "q.csv", "a,label\n\"1\"x,y\n",
            "q.csv: line 2: field 1: text after the closing quote");
        row("csv unclosed quote", "csv", "c.csv", "a,label\n1,x\n1,\"abc\n2,b\n",
            "c.csv: line 3: field 2: the quote that opens it is never closed");
        row("csv header only", "csv", "h.csv", "a,label\r\n", "h.csv: has no samples: a header but no rows");
        row("csv empty", "csv", "z.csv", "", "z.csv: has no samples: the file is empty");
        row("csv one column", "csv", "o.csv", "label\nx\n", "o.csv: line 1: the header has 1 column");
        row("csv duplicate column", "csv", "d.csv", "a,b,a\n1,2,x\n", "d.csv: line 1: column 'a' appears twice");
        row("csv bad utf8", "csv", "u.csv", "a,label\n1,x\n2,\xE9t\xE9\n", "u.csv: line 3, byte 3: not valid UTF-8");
    }

    void brokenFiles()
    {
        QFETCH(QString, format);
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const std::string path = write(name, content);
        const QString message = error_of([&] {
            if (format == "csv")
                read_csv_dataset(path);
            else
                read_text_dataset(path, options(format.toStdString(), 8), byte_ids);
        });
        QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
    }

    void csvLabelColumnByName()
    {
        const std::string path = write("lab.csv", std::string("kind,a,b\nx,1,2\ny,3,4\nx,5,6\n"));
        const TabularDataset d = read_csv_dataset(path, "kind");
        QCOMPARE(d.feature_names, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(d.classes, (std::vector<std::string>{"x", "y"}));
        QCOMPARE(str(d.labels), QString("0 1 0"));
        QCOMPARE(d.features, (std::vector<float>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(error_of([&] { read_csv_dataset(path, "species"); }),
                 QString::fromStdString(path + ": no label column 'species'; the header has 'kind', 'a', 'b'"));
        // By default the last column is the label, and "x" is not a number.
        QCOMPARE(error_of([&] { read_csv_dataset(path); }),
                 QString::fromStdString(path + ": line 2, column 'kind': 'x' is not a number"));
    }

    void notFiles()
    {
        const std::string missing = m_dir.filePath("missing.txt").toStdString();
        QCOMPARE(error_of([&] { read_text_dataset(missing, options("text", 8), byte_ids); }),
                 QString::fromStdString(missing + ": cannot open: no such file"));
        QCOMPARE(error_of([&] { read_csv_dataset(missing); }),
                 QString::fromStdString(missing + ": cannot open: no such file"));
        const std::string folder = m_dir.path().toStdString();
        QCOMPARE(error_of([&] { read_text_dataset(folder, options("jsonl", 8), byte_ids); }),
                 QString::fromStdString(folder + ": is a folder, not a file"));
        QCOMPARE(error_of([&] { read_csv_dataset(folder); }), QString::fromStdString(folder + ": is a folder, not a file"));
        // A FIFO with no writer would block a reader forever.
        const std::string fifo = m_dir.filePath("fifo").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QCOMPARE(error_of([&] { read_text_dataset(fifo, options("text", 8), byte_ids); }),
                 QString::fromStdString(fifo + ": is not a regular file"));
    }

    void badOptions()
    {
        const std::string path = write("ok.txt", std::string("hello"));
        QVERIFY(error_of([&] { read_text_dataset(path, options("csv", 8), byte_ids); })
                    .contains("unknown data format 'csv' (text, jsonl or alpaca)"));
        QVERIFY(error_of([&] { read_text_dataset(path, options("text", 0), byte_ids); })
                    .contains("seq_len must be at least 1, got 0"));
    }

    void limits()
    {
        // File size.
        const std::string path = write("twenty.txt", std::string(20, 'a'));
        TextDatasetOptions o = options("text", 8);
        o.max_file_bytes = 10;
        QCOMPARE(error_of([&] { read_text_dataset(path, o, byte_ids); }),
                 QString::fromStdString(path + ": 20 bytes, larger than the limit of 10 bytes for a data file"));
        o.max_file_bytes = 20;
        QCOMPARE(read_text_dataset(path, o, byte_ids).size(), size_t(3));

        // Line length, with the limit lowered to 16 bytes (the real one is 64 MiB).
        const std::string lines_path = write("lines.txt", std::string(16, 'a') + "\n" + std::string(17, 'b') + "\n");
        LineReader lines(lines_path, 1 << 20, 16);
        std::string line;
        QVERIFY(lines.next(line));
        QCOMPARE(line.size(), size_t(16));
        QCOMPARE(error_of([&] { lines.next(line); }),
                 QString::fromStdString(lines_path + ": line 2: longer than the limit of 16 bytes for one line"));

        // CSV columns: 10,000 are read, 10,001 are refused.
        auto wide = [](int columns) {
            std::string header, row;
            for (int c = 0; c < columns; ++c) {
                header += (c ? ",c" : "c") + std::to_string(c);
                row += c ? ",0" : "0";
            }
            return header + "\n" + row + "\n";
        };
        const TabularDataset d = read_csv_dataset(write("wide.csv", wide(10000)));
        QCOMPARE(d.feature_names.size(), size_t(9999));
        QCOMPARE(d.classes, std::vector<std::string>{"0"});
        const std::string too_wide = write("too_wide.csv", wide(10001));
        QCOMPARE(error_of([&] { read_csv_dataset(too_wide); }),
                 QString::fromStdString(too_wide + ": line 1: more than 10000 fields, the limit"));
    }

    void deepNestingIsHarmless()
    {
        // A million nested arrays: no stack overflow, just an answer.
        const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
        const std::string path = write("deep.jsonl", "{\"text\": " + deep + "}\n");
        QCOMPARE(error_of([&] { read_text_dataset(path, options("jsonl", 8), byte_ids); }),
                 QString::fromStdString(path + ": line 1: \"text\" is an array, not a string"));
        const std::string array = write("deep.json", "[" + deep + "]");
        QCOMPARE(error_of([&] { read_text_dataset(array, options("alpaca", 8), byte_ids); }),
                 QString::fromStdString(array + ": line 1: example 1: an array, not a JSON object"));
    }

    // Mutated valid files: each is read or refused with a dora::Error, and what is read is well formed.
    void mutationFuzz()
    {
        struct Seed { const char* format; std::string content; };
        const Seed seeds[] = {
            {"alpaca", "[\n {\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"},\n"
                       " {\"instruction\": \"Greet\", \"input\": null, \"output\": \"hi \\u00e9\", \"x\": [1, {}]}\n]\n"},
            {"alpaca", "{\"instruction\": \"Add\", \"input\": \"1 2\", \"output\": \"3\"}\n\n"
                       "{\"instruction\": \"Greet\", \"output\": \"hi\"}\r\n"},
            {"jsonl", "{\"text\": \"ab\\n\\\"c\\\"\"}\n{\"text\": \"d\", \"n\": -1.5e3}\n\n{\"text\": \"\\ud83d\\ude00\"}"},
            {"text", "one line\r\n\r\nanother \xC3\xA9 paragraph\n\n\nend"},
            {"csv", "x,\"y, z\",label\r\n1,2.5,\"a \"\"b\"\"\"\r\n-3,+4e1,\"c\r\nd\"\r\n5,6,a\n"},
        };
        std::mt19937_64 rng(2024);
        auto pick = [&](size_t n) { return n ? static_cast<size_t>(rng() % n) : 0; };
        const std::string tokens = "{}[]\",:\\\n\r 0123456789.eE-+u\xC3\xA9\xFF";
        int read = 0, refused = 0;
        for (int round = 0; round < 2500; ++round) {
            const Seed& seed = seeds[round % std::size(seeds)];
            std::string c = seed.content;
            for (size_t m = 0, count = 1 + pick(4); m < count; ++m) {
                const size_t pos = pick(c.size());
                switch (pick(6)) {
                case 0: if (!c.empty()) c[pos] ^= static_cast<char>(1u << pick(8)); break;
                case 1: if (!c.empty()) c[pos] = static_cast<char>(rng()); break;
                case 2: if (!c.empty()) c[pos] = tokens[pick(tokens.size())]; break;
                case 3: if (!c.empty()) c.erase(pos, 1 + pick(6)); break;
                case 4: c.insert(pos, 1, tokens[pick(tokens.size())]); break;
                case 5: c.insert(pos, c.substr(pick(c.size()), pick(12))); break;
                }
            }
            const std::string path = write("fuzz", c);
            try {
                if (std::string(seed.format) == "csv") {
                    const TabularDataset d = read_csv_dataset(path);
                    QVERIFY(d.rows > 0);
                    QCOMPARE(d.features.size(), size_t(d.rows) * d.feature_names.size());
                    QCOMPARE(d.labels.size(), size_t(d.rows));
                    for (int64_t label : d.labels) QVERIFY(label >= 0 && label < int64_t(d.classes.size()));
                } else {
                    for (const TokenizedSample& s : read_text_dataset(path, options(seed.format, 8), byte_ids)) {
                        QVERIFY(s.ids.size() >= 2 && s.ids.size() <= 9);
                        QCOMPARE(s.loss_mask.size(), s.ids.size());
                        QCOMPARE(s.loss_mask[0], uint8_t(0));
                        QVERIFY(std::find(s.loss_mask.begin(), s.loss_mask.end(), 1) != s.loss_mask.end());
                    }
                }
                ++read;
            } catch (const dora::Error& e) {
                const QString message = QString::fromUtf8(e.what());
                QVERIFY2(message.startsWith(QString::fromStdString(path) + ": ") && !message.contains('\n'),
                         qPrintable(message));
                ++refused;
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("round %1: not a dora::Error: %2").arg(round).arg(e.what())));
            }
        }
        qInfo("%d mutants read, %d refused", read, refused);
        QVERIFY(read > 100 && refused > 100);  // the mutations exercise both paths
    }
};

QTEST_APPLESS_MAIN(TestDatasetFiles)
#include "test_dataset_files.moc"
