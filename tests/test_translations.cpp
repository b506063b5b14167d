// The Simplified Chinese interface is complete: every string the sources pass through tr() (as
// lupdate finds them now, not as the .ts file remembers them) has a finished translation that keeps
// the placeholders, and the compiled translation loads and is used at run time.
#include <QtTest/QtTest>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include "translations.h"

#include <map>
#include <set>

namespace {

struct Entry {
    QString context, source, translation, type;
    bool numerus = false;
};

std::vector<Entry> read_ts(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    std::vector<Entry> entries;
    QXmlStreamReader xml(&file);
    QString context;
    Entry entry;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"name") {
            context = xml.readElementText();
        } else if (xml.name() == u"message") {
            entry = {};
            entry.context = context;
            entry.numerus = xml.attributes().value("numerus") == u"yes";
        } else if (xml.name() == u"source") {
            entry.source = xml.readElementText();
        } else if (xml.name() == u"translation") {
            entry.type = xml.attributes().value("type").toString();
            if (!entry.numerus) {
                entry.translation = xml.readElementText();
                entries.push_back(entry);
            }
        } else if (xml.name() == u"numerusform") {
            entry.translation = xml.readElementText();
            entries.push_back(entry);
        }
    }
    if (xml.hasError())
        qFatal("%s: %s", qPrintable(path), qPrintable(xml.errorString()));
    return entries;
}

QStringList placeholders(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("%(L?\\d+|n)"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    found.removeDuplicates();
    return found;
}

const QString kChinese = QStringLiteral(DORA_TRANSLATIONS "/dora_studio_zh_CN.ts");

}  // namespace

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void chineseTranslationHasNoUnfinishedEntries()
    {
        const std::vector<Entry> entries = read_ts(kChinese);
        QVERIFY(entries.size() > 300);
        for (const Entry& e : entries) {
            const QByteArray where = (e.context + " / " + e.source.left(60)).toUtf8();
            QVERIFY2(e.type.isEmpty(), where + " is " + e.type.toUtf8());
            QVERIFY2(!e.translation.trimmed().isEmpty(), where + " has no translation");
            QVERIFY2(placeholders(e.translation) == placeholders(e.source), where + " changes its placeholders");
        }
    }

    void everySourceStringIsInTheChineseTranslation()
    {
        // Extract the strings from the sources as they are now, into a scratch .ts.
        QTemporaryDir dir;
        const QString scratch = dir.filePath("now.ts");
        QProcess lupdate;
        lupdate.setWorkingDirectory(QStringLiteral(DORA_SOURCE_DIR));
        lupdate.start(QStringLiteral(DORA_LUPDATE), {"-silent", "-locations", "none", "ui", "app/studio", "-ts", scratch});
        QVERIFY(lupdate.waitForFinished(120000));
        QCOMPARE(lupdate.exitCode(), 0);
        std::set<std::pair<QString, QString>> translated;
        for (const Entry& e : read_ts(kChinese))
            translated.insert({e.context, e.source});
        const std::vector<Entry> now = read_ts(scratch);
        QVERIFY(now.size() > 300);
        QStringList missing;
        for (const Entry& e : now)
            if (!translated.count({e.context, e.source}))
                missing << e.context + " / " + e.source;
        QVERIFY2(missing.isEmpty(), qPrintable("not in dora_studio_zh_CN.ts (run `cmake --build build --target "
                                               "update_translations` and translate):\n" + missing.join('\n')));
    }

    void englishPluralFormsAreBuiltIn()
    {
        // The English file holds only the plural forms; the build must still compile and embed it.
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/dora_studio_en.qm")));
        QCOMPARE(dora::ui::install_translations(*QCoreApplication::instance(), "en"), QStringLiteral("en_US"));  // loaded
        const char* plural = "Training %n runs one after the other, then comparing them.";
        QCOMPARE(QCoreApplication::translate("dora::ui::TrainPage", plural, nullptr, 1),
                 QStringLiteral("Training 1 run, then showing it."));
        QCOMPARE(QCoreApplication::translate("dora::ui::TrainPage", plural, nullptr, 3),
                 QStringLiteral("Training 3 runs one after the other, then comparing them."));
    }

    void chineseIsUsedAtRunTime()
    {
        QCOMPARE(dora::ui::install_translations(*QCoreApplication::instance(), "zh_CN"), QStringLiteral("zh_CN"));
        const QString compare = QCoreApplication::translate("dora::ui::MainWindow", "Compare");
        QVERIFY(compare != QStringLiteral("Compare"));
        QVERIFY(std::any_of(compare.begin(), compare.end(), [](QChar c) { return c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF; }));
        // Qt's own strings (standard dialogs) are Chinese too, from qt6-translations-l10n.
        QVERIFY(QCoreApplication::translate("QPlatformTheme", "Cancel") != QStringLiteral("Cancel"));
    }
};

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
