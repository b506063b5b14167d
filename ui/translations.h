// The interface language: DoRA Studio's own translation (compiled from translations/*.ts into the
// binary) and Qt's (standard dialogs, from the qt6-translations-l10n package).
#pragma once

#include <QString>

class QCoreApplication;

namespace dora::ui {

// `language`: "en", "zh_CN", ... or empty for the system's language. Installs the translators on the
// application and returns the language used ("en" when there is no translation for the one asked).
QString install_translations(QCoreApplication& app, const QString& language);

}  // namespace dora::ui
