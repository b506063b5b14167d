// dora-studio: the desktop application. `dora-studio [--db FILE]`; without --db the database chosen
// in Settings, or the default one in the application-data folder.
#include "default_paths.h"
#include "main_window.h"
#include "omp_wait_policy.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>

int main(int argc, char** argv)
{
    dora::app::ensure_passive_omp_wait_policy(argv);
    QApplication app(argc, argv);
    dora::app::set_application_identity();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/dora-studio.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Fine-tune models with LoRA and DoRA by clicking."));
    parser.addHelpOption();
    const QCommandLineOption db(QStringLiteral("db"), QApplication::translate("main", "The run database to use."),
                                QStringLiteral("FILE"));
    parser.addOption(db);
    parser.process(app);

    QString database = parser.value(db);
    if (database.isEmpty())
        database = QSettings().value(QStringLiteral("databasePath")).toString();
    if (database.isEmpty())
        database = QString::fromStdString(dora::app::default_database_path());
    dora::ui::MainWindow window(database);
    window.show();
    return QApplication::exec();
}
