// Running dora-cli from a test, as a user would: its exit, its output, and the JSON it printed.
// Shared by the tests that drive the executable (DORA_CLI is its path, set by tests/CMakeLists.txt).
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

#include <utility>
#include <vector>

namespace dora::testing {

struct CliResult {
    int exit_code = -1;    // -2 when the process crashed or was killed (never mistaken for an exit code)
    bool crashed = false;
    QString out, err;
};

// `env`: variables added to the environment (an empty value adds nothing). `kill_after_ms` >= 0:
// SIGKILL the process if it is still running then.
inline CliResult run_cli(const QStringList& args, const std::vector<std::pair<QString, QString>>& env = {},
                         int kill_after_ms = -1)
{
    QProcess p;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto& [name, value] : env)
        if (!value.isEmpty())
            environment.insert(name, value);
    p.setProcessEnvironment(environment);
    p.start(QStringLiteral(DORA_CLI), args);
    if (kill_after_ms >= 0 && !p.waitForFinished(kill_after_ms))
        p.kill();
    p.waitForFinished(180000);
    const bool crashed = p.exitStatus() == QProcess::CrashExit || p.state() != QProcess::NotRunning;
    return {crashed ? -2 : p.exitCode(), crashed, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// `train` ends with one JSON line.
inline QJsonObject last_json_line(const QString& out)
{
    return QJsonDocument::fromJson(out.trimmed().split('\n').last().toUtf8()).object();
}

// `dora-cli show RUN --json` of a database.
inline QJsonObject show_run(const QString& db, int run)
{
    return QJsonDocument::fromJson(run_cli({"show", QString::number(run), "--db", db, "--json"}).out.toUtf8()).object();
}

}  // namespace dora::testing
