// Weight file names that come from a model folder's files never reach outside the folder: every name a
// shard index (model.safetensors.index.json) gives, and model.safetensors itself, must be a plain file
// of the folder, reached without leaving it through a symbolic link. Each refusal names the index and
// the shard; links that stay inside the folder are fine.
#include <QtTest/QtTest>

#include "test_support.h"

#include "io/safetensors.h"
#include "models/weight_files.h"

#include <QTemporaryDir>

#include <filesystem>

using dora::testing::error_of;
namespace fs = std::filesystem;

namespace {

void write_tensor_file(const fs::path& path, const std::string& tensor)
{
    const float values[2] = {1.0f, 2.0f};
    dora::io::write_safetensors(path.string(), {{tensor, dora::io::DType::F32, {2}, values, sizeof values}});
}

void write_text(const fs::path& path, const QByteArray& text)
{
    QFile f(QString::fromStdString(path.string()));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

}  // namespace

class TestPathConfinement : public QObject {
    Q_OBJECT
    QTemporaryDir m_root;
    fs::path m_model;

private Q_SLOTS:
    void init()
    {
        // <root>/outside.safetensors, <root>/model/{inside.safetensors, sub/deeper.safetensors, links}
        fs::remove_all(fs::path(m_root.path().toStdString()));
        fs::create_directories(fs::path(m_root.path().toStdString()));
        m_model = fs::path(m_root.path().toStdString()) / "model";
        fs::create_directories(m_model / "sub");
        write_tensor_file(fs::path(m_root.path().toStdString()) / "outside.safetensors", "a");
        write_tensor_file(m_model / "inside.safetensors", "a");
        write_tensor_file(m_model / "sub" / "deeper.safetensors", "a");
        fs::create_symlink("../outside.safetensors", m_model / "link-out.safetensors");
        fs::create_symlink("inside.safetensors", m_model / "link-in.safetensors");
        fs::create_symlink(fs::path(m_root.path().toStdString()), m_model / "up");
    }

    void indexNamesOutsideTheFolderAreRefused_data()
    {
        QTest::addColumn<QByteArray>("shard");
        QTest::addColumn<QString>("message");
        const QString plain = "is not a plain file name in the model folder";
        QTest::newRow("parent folder") << QByteArray("../outside.safetensors") << plain;
        QTest::newRow("absolute path") << QByteArray("/etc/passwd") << plain;
        QTest::newRow("sub-folder") << QByteArray("sub/deeper.safetensors") << plain;
        QTest::newRow("backslash") << QByteArray("..\\\\outside.safetensors") << plain;
        QTest::newRow("dot-dot alone") << QByteArray("..") << plain;
        QTest::newRow("empty name") << QByteArray("") << plain;
        QTest::newRow("NUL inside the name") << QByteArray("inside.safetensors\\u0000../x") << plain;
        QTest::newRow("through a link to a folder") << QByteArray("up/outside.safetensors") << plain;
        QTest::newRow("symbolic link out") << QByteArray("link-out.safetensors") << "leads out of the model folder";
        QTest::newRow("missing shard") << QByteArray("absent.safetensors") << "does not exist";
    }

    void indexNamesOutsideTheFolderAreRefused()
    {
        QFETCH(QByteArray, shard);
        QFETCH(QString, message);
        write_text(m_model / "model.safetensors.index.json", "{\"weight_map\": {\"a\": \"" + shard + "\"}}");
        const QString error = error_of([&] { dora::models::WeightFiles::open(m_model.string()); });
        QVERIFY2(error.startsWith(QString::fromStdString((m_model / "model.safetensors.index.json").string())),
                 qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void linksThatStayInsideAreFollowed()
    {
        write_text(m_model / "model.safetensors.index.json", R"({"weight_map": {"a": "link-in.safetensors"}})");
        QCOMPARE(error_of([&] {
                     const auto files = dora::models::WeightFiles::open(m_model.string());
                     QVERIFY(files.find("a"));
                 }),
                 QString());
    }

    void aSingleWeightFileLinkedFromOutsideIsRefused()
    {
        fs::create_symlink("../outside.safetensors", m_model / "model.safetensors");
        const QString error = error_of([&] { dora::models::WeightFiles::open(m_model.string()); });
        QVERIFY2(error.contains("leads out of the model folder"), qPrintable(error));
    }

    void aFolderInPlaceOfTheWeightsIsRefused()
    {
        fs::create_directories(m_model / "model.safetensors");
        const QString error = error_of([&] { dora::models::WeightFiles::open(m_model.string()); });
        QVERIFY2(error.contains("model.safetensors") && error.contains("folder"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestPathConfinement)
#include "test_path_confinement.moc"
