// dora-studio: the desktop application. `dora-studio [--db FILE] [--lang LANGUAGE] [--guided-demo]
// [--demo NAME [--screenshots DIR] [--quit-when-done]]`; without --db the database chosen in Settings, or the default one in the
// application-data folder.
#include "default_paths.h"
#include "demo_driver.h"
#include "main_window.h"
#include "runtime_environment.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char** argv)
{
    dora::app::ensure_runtime_environment(argv);
    QApplication app(argc, argv);
    dora::app::set_application_identity();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/dora-studio.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Fine-tune models with LoRA and DoRA by clicking."));
    parser.addHelpOption();
    const QCommandLineOption db(QStringLiteral("db"), QApplication::translate("main", "The run database to use."),
                                QStringLiteral("FILE"));
    parser.addOption(db);
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "Run a built-in demo through the window (demo-mlp, demo-gpt)."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                         QApplication::translate("main", "With --demo: save a PNG of each page here."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption quit(QStringLiteral("quit-when-done"),
                                  QApplication::translate("main", "With --demo: quit when the run ends."));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QApplication::translate("main", "Interface language, e.g. en or zh_CN (default: the "
                                                                  "one chosen in Settings, else the system's)."),
                                  QStringLiteral("LANGUAGE"));
    const QCommandLineOption guide(QStringLiteral("guided-demo"),
                                   QApplication::translate("main", "Open the guided LoRA-vs-DoRA demo at start."));
    parser.addOptions({demo, screenshots, quit, lang, guide});
    parser.process(app);
    // Chosen before any window exists: widgets take their texts when they are built.
    dora::ui::install_translations(app, parser.isSet(lang) ? parser.value(lang)
                                                           : QSettings().value(QStringLiteral("language")).toString());

    QString database = parser.value(db);
    if (database.isEmpty())
        database = QSettings().value(QStringLiteral("databasePath")).toString();
    if (database.isEmpty())
        database = QString::fromStdString(dora::app::default_database_path());
    dora::ui::MainWindow window(database);
    window.show();
    if (parser.isSet(guide))
        window.startGuidedDemo();
    if (parser.isSet(demo)) {
        auto* driver = new dora::ui::DemoDriver(window, parser.value(demo), parser.value(screenshots), parser.isSet(quit));
        driver->start();
    }
    return QApplication::exec();
}
