#include "default_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace dora::app {

void set_application_identity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("DoRA Studio"));
    QCoreApplication::setApplicationName(QStringLiteral("DoRA Studio"));
}

std::string default_database_path()
{
    set_application_identity();
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(folder).filePath(QStringLiteral("runs.sqlite")).toStdString();
}

}  // namespace dora::app
