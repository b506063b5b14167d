// SHA-256 against the FIPS 180-4 example digests and the coreutils sha256sum of a file.
#include <QtTest/QtTest>

#include <QProcess>
#include <QTemporaryDir>

#include "io/sha256.h"

class TestSha256 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownDigests_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("digest");
        QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        QTest::newRow("two blocks") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                    << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
        QTest::newRow("a million a") << QByteArray(1000000, 'a')
                                     << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    }

    void knownDigests()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, digest);
        QCOMPARE(QString::fromStdString(dora::io::sha256_bytes(input.constData(), size_t(input.size()))), digest);
    }

    void fileMatchesSha256sum()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("data.bin");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray bytes(3'000'001, '\0');  // several read buffers, not a multiple of 64
        for (int i = 0; i < bytes.size(); ++i)  // (Qt 6.4's append(char) reallocates every time: too slow)
            bytes[i] = char((uint32_t(i) * 7919u) >> 3);
        f.write(bytes);
        f.close();
        QProcess sum;
        sum.start("sha256sum", {path});
        QVERIFY(sum.waitForFinished());
        const QString expected = QString::fromUtf8(sum.readAllStandardOutput()).section(' ', 0, 0);
        QCOMPARE(expected.size(), 64);
        QCOMPARE(QString::fromStdString(dora::io::sha256_file(path.toStdString())), expected);
        QVERIFY_THROWS_EXCEPTION(std::exception, dora::io::sha256_file(dir.filePath("missing").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestSha256)
#include "test_sha256.moc"
