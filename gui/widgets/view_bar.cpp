#include "view_bar.h"

#include "engine/tensor_image.h"
#include "widgets/color_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace layerscope::gui {

ViewBar::ViewBar(QWidget* parent) : QWidget(parent)
{
    auto* rows = new QVBoxLayout(this);
    rows->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setBold(true);
    m_title->setFont(f);
    // A long layer name must not widen the window past the screen: the title is elided instead.
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    bar->addWidget(m_title);
    bar->addStretch(1);
    auto* bar2 = new QHBoxLayout;
    bar2->addWidget(new QLabel(tr("Colormap"), this));
    m_colormap = new QComboBox(this);
    for (Colormap c : {Colormap::Gray, Colormap::Viridis, Colormap::Magma, Colormap::Diverging})
        m_colormap->addItem(colormapLabel(c), static_cast<int>(c));
    bar2->addWidget(m_colormap);
    bar2->addWidget(new QLabel(tr("Normalise"), this));
    // The combos may shrink below their longest entry (the popup still shows it whole).
    m_colormap->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_colormap->setMinimumContentsLength(7);
    m_normalization = new QComboBox(this);
    m_normalization->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_normalization->setMinimumContentsLength(10);
    for (Normalization n : {Normalization::PerChannel, Normalization::PerLayer, Normalization::FixedRange})
        m_normalization->addItem(normalizationLabel(n), static_cast<int>(n));
    bar2->addWidget(m_normalization);
    m_fixedMin = new QDoubleSpinBox(this);
    m_fixedMax = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* s : {m_fixedMin, m_fixedMax}) {
        s->setRange(-1e9, 1e9);
        s->setDecimals(3);
        s->setEnabled(false);
        // Narrower than the ±1e9 range's size hint, so the view bar fits a 1280-pixel screen.
        s->setMinimumWidth(70);
        s->setMaximumWidth(90);
        bar2->addWidget(s);
    }
    m_fixedMin->setValue(0);
    m_fixedMax->setValue(255);
    m_fixedMin->setToolTip(tr("fixed range minimum"));
    m_fixedMax->setToolTip(tr("fixed range maximum"));
    m_colorBar = new ColorBar(this);
    bar2->addWidget(m_colorBar, 1);
    bar->addWidget(new QLabel(tr("Batch"), this));
    m_batch = new QSpinBox(this);
    m_batch->setRange(0, 0);
    bar->addWidget(m_batch);
    bar->addWidget(new QLabel(tr("Channel"), this));
    m_channel = new QSpinBox(this);
    m_channel->setRange(-1, 0);
    m_channel->setSpecialValueText(tr("all"));
    m_channel->setValue(-1);
    m_channel->setToolTip(tr("Show one channel large (all: the grid)"));
    bar->addWidget(m_channel);
    m_composite = new QToolButton(this);
    m_composite->setText(tr("RGB"));
    m_composite->setCheckable(true);
    m_composite->setToolTip(tr("RGB composite of channels 0..2 (3 or 4 channels)"));
    bar->addWidget(m_composite);
    rows->addLayout(bar);
    rows->addLayout(bar2);

    auto optionsChanged = [this] {
        const bool fixed = m_normalization->currentData().toInt() == static_cast<int>(Normalization::FixedRange);
        m_fixedMin->setEnabled(fixed);
        m_fixedMax->setEnabled(fixed);
        emit this->optionsChanged(renderOptions());
    };
    connect(m_colormap, &QComboBox::currentIndexChanged, this, optionsChanged);
    connect(m_normalization, &QComboBox::currentIndexChanged, this, optionsChanged);
    connect(m_fixedMin, &QDoubleSpinBox::valueChanged, this, optionsChanged);
    connect(m_fixedMax, &QDoubleSpinBox::valueChanged, this, optionsChanged);
    connect(m_batch, &QSpinBox::valueChanged, this, optionsChanged);
    connect(m_channel, &QSpinBox::valueChanged, this, &ViewBar::soloChannelChanged);
    connect(m_composite, &QToolButton::toggled, this, &ViewBar::compositeToggled);
}

RenderOptions ViewBar::renderOptions() const
{
    RenderOptions o;
    o.colormap = static_cast<Colormap>(m_colormap->currentData().toInt());
    o.normalization = static_cast<Normalization>(m_normalization->currentData().toInt());
    o.fixedMin = static_cast<float>(m_fixedMin->value());
    o.fixedMax = static_cast<float>(m_fixedMax->value());
    o.batchIndex = m_batch->value();
    return o;
}

void ViewBar::setRenderOptions(const RenderOptions& o)
{
    m_colormap->setCurrentIndex(m_colormap->findData(static_cast<int>(o.colormap)));
    m_normalization->setCurrentIndex(m_normalization->findData(static_cast<int>(o.normalization)));
    m_fixedMin->setValue(o.fixedMin);
    m_fixedMax->setValue(o.fixedMax);
    m_batch->setValue(o.batchIndex);
}

void ViewBar::setTitle(const QString& title)
{
    m_title->setText(title);
}

void ViewBar::setTensorLayout(int batches, int channels, int soloChannel, bool composite)
{
    QSignalBlocker b1(m_batch), b2(m_channel), b3(m_composite);
    m_batch->setRange(0, std::max(0, batches - 1));
    m_channel->setRange(-1, std::max(0, channels - 1));
    m_channel->setValue(soloChannel);
    m_composite->setChecked(composite);
}

void ViewBar::setSoloChannel(int channel)
{
    QSignalBlocker b(m_channel);
    m_channel->setValue(channel);
}

void ViewBar::setCompositeAvailable(bool available)
{
    m_composite->setEnabled(available);
}

void ViewBar::showAllChannels()
{
    m_composite->setChecked(false);
    m_channel->setValue(-1);
}

int ViewBar::batch() const
{
    return m_batch->value();
}

void ViewBar::showRange(std::optional<ValueRange> range, int channel)
{
    const RenderOptions o = renderOptions();
    m_colorBar->setColormap(o.colormap);
    if (!range) {
        m_colorBar->setRange(0, 1, false);
        return;
    }
    m_colorBar->setRange(range->min, range->max);
    m_colorBar->setToolTip(tr("Range of channel %1 (%2)").arg(channel).arg(normalizationLabel(o.normalization)));
}

} // namespace layerscope::gui
