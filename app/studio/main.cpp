// dora-studio: the desktop application.
#include "main_window.h"
#include "default_paths.h"
#include "omp_wait_policy.h"

#include <QApplication>

int main(int argc, char** argv)
{
    dora::app::ensure_passive_omp_wait_policy(argv);
    QApplication app(argc, argv);
    dora::app::set_application_identity();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/dora-studio.svg")));
    dora::ui::MainWindow window(QString::fromStdString(dora::app::default_database_path()));
    window.show();
    return QApplication::exec();
}
