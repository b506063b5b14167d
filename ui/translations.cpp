#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace dora::ui {

QString install_translations(QCoreApplication& app, const QString& language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    // Our own strings are English in the source: English needs no translator.
    auto* ours = new QTranslator(&app);
    if (!ours->load(locale, QStringLiteral("dora_studio"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete ours;
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(ours);
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;  // without Qt's own file, standard dialogs stay English; ours still translate
    QLocale::setDefault(locale);
    return locale.name();
}

}  // namespace dora::ui
