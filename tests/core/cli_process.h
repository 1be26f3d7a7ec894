#pragma once
// Runs the real `layerscope` command line (LAYERSCOPE_CLI_PATH, defined for every core test) as a
// child process and returns its exit status and output: the CLI tests' one way of calling it.

#include <QProcess>
#include <QString>
#include <QStringList>

namespace layerscope::test {

struct CliResult {
    int exitCode;
    QString out;
    QString err;
};

inline CliResult runCli(const QStringList& arguments, int timeoutMs = 300000)
{
    QProcess process;
    process.start(LAYERSCOPE_CLI_PATH, arguments);
    process.waitForFinished(timeoutMs);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace layerscope::test
