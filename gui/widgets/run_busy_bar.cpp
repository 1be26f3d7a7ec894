#include "run_busy_bar.h"
#include "widgets/progress_value.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace layerscope::gui {

RunBusyBar::RunBusyBar(QWidget* parent) : QFrame(parent)
{
    setObjectName("RunBusyBar");
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet("#RunBusyBar { background: #fff4d6; border: 1px solid #d98c1f; border-radius: 3px; }");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    m_label = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    // This layer's share; the status bar's bar shows the whole run's.
    m_progress->setFormat(tr("%p% of this layer"));
    m_cancel = new QPushButton(tr("Cancel (Esc)"), this);
    m_cancel->setToolTip(tr("Stop this computation; press F5 to compute again"));
    layout->addWidget(m_label, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &RunBusyBar::cancelRequested);
}

void RunBusyBar::setProgress(const QString& text, int percent)
{
    m_label->setText(text);
    setProgressValueLater(m_progress, percent);
}

} // namespace layerscope::gui
