// dora-studio: the desktop application.
#include "main_window.h"
#include "omp_wait_policy.h"

#include <QApplication>

int main(int argc, char** argv)
{
    dora::app::ensure_passive_omp_wait_policy(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DoRA Studio"));
    QApplication::setOrganizationName(QStringLiteral("DoRA Studio"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/dora-studio.svg")));
    dora::ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
