// `layerscope --version`: the project version and the Keras / TensorFlow versions the engine is
// checked against, which must be the pins of scripts/keras-venv.sh (the venv that judges it).
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <fstream>
#include <sstream>

class TestCliVersion : public QObject {
    Q_OBJECT

private slots:
    void printsVersionAndKerasPins()
    {
        std::ifstream file(LAYERSCOPE_SOURCE_DIR "/scripts/keras-venv.sh");
        std::stringstream script;
        script << file.rdbuf();
        const QString text = QString::fromStdString(script.str());
        const QString keras = QRegularExpression(R"(keras==([0-9.]+))").match(text).captured(1);
        const QString tf = QRegularExpression(R"(tensorflow-cpu==([0-9.]+))").match(text).captured(1);
        QVERIFY(!keras.isEmpty() && !tf.isEmpty());

        QProcess process;
        process.start(LAYERSCOPE_CLI_PATH, {"--version"});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        QCOMPARE(out, QString("LayerScope 0.1.0\nchecked against Keras %1 / TensorFlow %2\n").arg(keras, tf));
    }
};

QTEST_GUILESS_MAIN(TestCliVersion)
#include "test_cli_version.moc"
