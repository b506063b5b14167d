// Where DoRA Studio keeps its data unless told otherwise: the platform's application-data folder
// (QStandardPaths::AppDataLocation, e.g. ~/.local/share/DoRA Studio/DoRA Studio on Linux, which
// follows XDG_DATA_HOME). Shared by dora-cli and dora-studio so both see the same runs.
#pragma once

#include <string>

namespace dora::app {

void set_application_identity();          // organisation and application names, before any path lookup
std::string default_database_path();      // <AppDataLocation>/runs.sqlite

}  // namespace dora::app
