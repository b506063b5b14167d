// Replays, in the normal suite, every input of the fuzz corpus (tests/fuzz/corpus/<target>: seeds and
// what the fuzzers kept) and every input a fuzzer crashed on (tests/fuzz/regressions/<target>, each
// named after what it found). Each must be accepted or refused with one dora::Error: a single line that
// starts with the file it is about. Another exception, a crash or a sanitizer report fails the test.
#include <QtTest/QtTest>

#include "fuzz_targets.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

#include <exception>

class TestFuzzRegressions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyTargetHasACorpus()
    {
        for (const dora::fuzz::NamedTarget& target : dora::fuzz::all_targets()) {
            const QDir corpus(QStringLiteral(DORA_FUZZ_CORPUS "/corpus/") + target.name);
            QVERIFY2(!corpus.entryList(QDir::Files).isEmpty(), qPrintable(corpus.path() + " has no seed inputs"));
        }
    }

    void inputsAreAcceptedOrRefusedWithOneLine_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("file");
        for (const char* area : {"corpus", "regressions"}) {
            QDirIterator it(QStringLiteral(DORA_FUZZ_CORPUS "/") + area, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                const QString target = QFileInfo(file).dir().dirName();
                QTest::newRow(qPrintable(target + "/" + QFileInfo(file).fileName())) << target << file;
            }
        }
    }

    void inputsAreAcceptedOrRefusedWithOneLine()
    {
        QFETCH(QString, target);
        QFETCH(QString, file);
        const dora::fuzz::NamedTarget* found = dora::fuzz::find_target(target.toStdString());
        QVERIFY2(found, qPrintable("no fuzz target named " + target));
        QFile in(file);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();

        std::string message;
        try {
            message = found->run(reinterpret_cast<const uint8_t*>(bytes.constData()), static_cast<size_t>(bytes.size()));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("not a dora::Error: ") + e.what()));
        }
        if (message.empty())
            return;  // accepted
        const QString text = QString::fromStdString(message);
        QVERIFY2(!text.contains('\n'), qPrintable("a message of more than one line: " + text));
        QVERIFY2(text.startsWith(QString::fromStdString(found->message_prefix())),
                 qPrintable("a message that does not name the input: " + text));
        QVERIFY2(text.size() <= 1000, qPrintable(QString("a message of %1 characters: %2...").arg(text.size()).arg(text.left(200))));
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "test_fuzz_regressions.moc"
