#include <QtTest>
class TestKerasReverse : public QObject {
    Q_OBJECT
private slots:
    void placeholder() {}
};
QTEST_APPLESS_MAIN(TestKerasReverse)
#include "test_keras_reverse.moc"
