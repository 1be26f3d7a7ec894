#pragma once
// A slim bar shown above the feature maps while a computation takes longer than a moment: which
// layer is computing, a progress bar and a Cancel button (Esc does the same). It only displays
// what the main window tells it; cancelling is the window's (and the runner's) business.

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace layerscope::gui {

class RunBusyBar : public QFrame {
    Q_OBJECT
public:
    explicit RunBusyBar(QWidget* parent = nullptr);

    void setProgress(const QString& text, int percent);
    QPushButton* cancelButton() const { return m_cancel; }

signals:
    void cancelRequested();

private:
    QLabel* m_label;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
};

} // namespace layerscope::gui
