#include "training/local_workers.h"

#include "dora/error.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace dora::ui {
namespace {

// After rank 0 returns, the workers finish the same step and exit (or, when rank 0 stopped early,
// lose contact with it and exit): this is far longer than either takes.
constexpr int kWorkerExitMs = 10000;

}  // namespace

ProcessGroupSettings LocalWorkers::start(int count)
{
    const QString program = QCoreApplication::applicationDirPath() + QStringLiteral("/dora-cli");
    if (!QFileInfo(program).isExecutable())
        throw Error(program.toStdString() + ": not found; training on several processes needs dora-cli next to "
                                            "dora-studio");
    ProcessGroupSettings settings;
    settings.world_size = settings.local_world_size = count;
    settings.master_port = free_local_port();
    for (int rank = 1; rank < count; ++rank) {
        auto process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("RANK", QString::number(rank));
        env.insert("LOCAL_RANK", QString::number(rank));
        env.insert("WORLD_SIZE", QString::number(count));
        env.insert("LOCAL_WORLD_SIZE", QString::number(count));
        env.insert("MASTER_ADDR", QString::fromStdString(settings.master_addr));
        env.insert("MASTER_PORT", QString::number(settings.master_port));
        process->setProcessEnvironment(env);
        process->setStandardOutputFile(QProcess::nullDevice());     // rank 0 reports the run
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);  // errors reach the terminal
        process->start(program, {QStringLiteral("train"), QStringLiteral("--worker")});
        if (!process->waitForStarted())
            throw Error("rank " + std::to_string(rank) + ": " + process->errorString().toStdString());
        m_processes.push_back(std::move(process));
    }
    return settings;
}

LocalWorkers::~LocalWorkers()
{
    for (auto& process : m_processes)
        if (!process->waitForFinished(kWorkerExitMs))
            process->kill();
    for (auto& process : m_processes)
        process->waitForFinished(1000);
}

}  // namespace dora::ui
