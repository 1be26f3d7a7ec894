#include "compare_window.h"

#include "engine/input_source.h"
#include "engine/tensor_image.h"
#include "widgets/feature_map_view.h"

#include "cli/cli.h"
#include "core/input/shifted_input.h"
#include "core/pipeline_run.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace layerscope::gui {

namespace {

CompareResult runComparison(quint64 generation, std::shared_ptr<const Tensor> input, std::optional<InputSpec> spec,
                            std::vector<CompareVariant> variants, std::stop_token stop)
{
    CompareResult r;
    r.generation = generation;
    const size_t n = variants.size();
    r.outputs.resize(n);
    r.errors.resize(n);
    r.differences.assign(n, std::vector<std::shared_ptr<const TensorDifference>>(n));
    r.differenceErrors.assign(n, std::vector<QString>(n));
    try {
        if (!input && spec)
            input = std::make_shared<const Tensor>(buildInputTensor(*spec));
    } catch (const std::exception& error) {
        for (QString& e : r.errors)
            e = QString::fromStdString(error.what());
        return r;
    }
    r.input = input;
    if (!input)
        return r;
    ExecContext context;
    context.stop = stop;
    context.memoryBudgetHint = "Run ▸ Memory Budget…";
    for (size_t i = 0; i < n; ++i) {
        try {
            // Only the last output is kept: the runner frees each intermediate one as it goes.
            std::shared_ptr<const Tensor> start = input;
            if (variants[i].shiftY != 0 || variants[i].shiftX != 0)
                start = std::make_shared<const Tensor>(shiftedInput(*input, variants[i].shiftY, variants[i].shiftX));
            std::shared_ptr<const Tensor> last = start;
            RunCallbacks callbacks;
            callbacks.layerDone = [&](size_t, const std::shared_ptr<const Tensor>& output, double) { last = output; };
            RunRequest run;
            run.pipeline = &variants[i].pipeline;
            run.start = start;
            run.keepsOutputs = false;
            const RunResult result = runLayers(run, context, callbacks);
            if (result.cancelled)
                return r;
            if (result.failedLayer)
                r.errors[i] = QString::fromStdString(result.error);
            else
                r.outputs[i] = last;
        } catch (const std::exception& error) {
            if (stop.stop_requested())
                return r;
            r.errors[i] = QString::fromStdString(error.what());
        }
    }
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            if (stop.stop_requested())
                return r;
            if (!r.outputs[i] || !r.outputs[j])
                continue;
            try {
                r.differences[i][j] = std::make_shared<const TensorDifference>(tensorDifference(*r.outputs[i], *r.outputs[j]));
            } catch (const std::exception& error) {
                r.differenceErrors[i][j] = QString::fromStdString(error.what());
            }
        }
    return r;
}

Pipeline resourcePipeline(const QString& path, std::optional<InputSpec>* spec = nullptr)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot open " + path.toStdString());
    const QByteArray bytes = f.readAll();
    if (spec) {
        const QJsonObject input = QJsonDocument::fromJson(bytes).object().value("layerscope_example").toObject().value("input").toObject();
        if (!input.isEmpty())
            *spec = InputSpec::fromJson(input);
    }
    return parsePipelineJson(bytes.toStdString());
}

} // namespace

CompareWindow::CompareWindow(QWidget* parent) : QWidget(parent, Qt::Window)
{
    setWindowTitle(tr("Compare — LayerScope"));
    resize(1400, 820);
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    m_title->setFont(bold);
    top->addWidget(m_title, 1);
    auto* broadcast = new QPushButton(tr("Example: broadcast a global average"), this);
    broadcast->setToolTip(tr("Resizing vs UpSampling2D vs Tile broadcasting a 1×1 average back to 32×32"));
    auto* interpolation = new QPushButton(tr("Example: interpolations round trip"), this);
    interpolation->setToolTip(tr("Sample photo → AveragePooling2D 4×4 → UpSampling2D ×4 with nearest, bilinear, "
                                 "bicubic, area and lanczos3"));
    auto* files = new QPushButton(tr("Pipeline files…"), this);
    files->setToolTip(tr("Two or more pipeline files, each run on the main window's input"));
    top->addWidget(broadcast);
    top->addWidget(interpolation);
    top->addWidget(files);
    layout->addLayout(top);
    connect(broadcast, &QPushButton::clicked, this, &CompareWindow::showBroadcastExample);
    connect(interpolation, &QPushButton::clicked, this, &CompareWindow::showInterpolationExample);
    connect(files, &QPushButton::clicked, this, &CompareWindow::openPipelines);

    auto* pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("A"), this));
    m_a = new QComboBox(this);
    pick->addWidget(m_a, 1);
    pick->addWidget(new QLabel(tr("B"), this));
    m_b = new QComboBox(this);
    pick->addWidget(m_b, 1);
    pick->addWidget(new QLabel(tr("Channel"), this));
    m_channel = new QSpinBox(this);
    m_channel->setRange(0, 0);
    pick->addWidget(m_channel);
    layout->addLayout(pick);
    connect(m_a, &QComboBox::currentIndexChanged, this, &CompareWindow::showPair);
    connect(m_b, &QComboBox::currentIndexChanged, this, &CompareWindow::showPair);
    connect(m_channel, &QSpinBox::valueChanged, this, &CompareWindow::showPair);

    m_summary = new QLabel(this);
    QFont big = m_summary->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_summary->setFont(big);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    auto column = [&](QLabel** label, FeatureMapView** view) {
        auto* w = new QWidget(splitter);
        auto* l = new QVBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        *label = new QLabel(w);
        *view = new FeatureMapView(w);
        l->addWidget(*label);
        l->addWidget(*view, 1);
        splitter->addWidget(w);
    };
    QLabel* diffLabel = nullptr;
    column(&m_labelA, &m_viewA);
    column(&m_labelB, &m_viewB);
    column(&diffLabel, &m_viewDiff);
    diffLabel->setText(tr("A − B (diverging: red positive, blue negative, white 0)"));
    RenderOptions diverging;
    diverging.colormap = Colormap::Diverging;
    m_viewDiff->setOptions(diverging);
    layout->addWidget(splitter, 1);

    m_pairs = new QTableWidget(this);
    m_pairs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_pairs->setMaximumHeight(170);
    m_pairs->setToolTip(tr("max |difference| of every pair; click one to show it"));
    layout->addWidget(m_pairs);
    connect(m_pairs, &QTableWidget::cellClicked, this, [this](int row, int column) {
        if (row != column)
            setPair(row, column);
    });

    auto* close = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    connect(close, &QShortcut::activated, this, &QWidget::close);

    m_watcher = new QFutureWatcher<CompareResult>(this);
    connect(m_watcher, &QFutureWatcher<CompareResult>::finished, this, &CompareWindow::onFinished);
}

CompareWindow::~CompareWindow()
{
    if (m_stop)
        m_stop->request_stop();
    m_watcher->waitForFinished();
}

void CompareWindow::setDefaultInput(std::shared_ptr<const Tensor> input)
{
    if (input == m_defaultInput)
        return;
    m_defaultInput = std::move(input);
    if (!m_onDefaultInput || (!m_result && !m_busy))
        return;
    // Stale: computed on the previous input (a running one is dropped by generation).
    ++m_generation;
    if (m_stop)
        m_stop->request_stop();
    m_busy = false;
    m_result.reset();
    m_pairs->clear();
    m_pairs->setRowCount(0);
    m_pairs->setColumnCount(0);
    for (FeatureMapView* v : {m_viewA, m_viewB, m_viewDiff}) {
        v->setTensor(nullptr);
        v->setMessage(tr("The input changed"));
    }
    m_summary->setText(tr("The main window's input changed since this comparison: choose the pipeline files again."));
}

void CompareWindow::compare(const QString& title, std::shared_ptr<const Tensor> input, std::vector<CompareVariant> variants,
                            const std::optional<InputSpec>& spec)
{
    m_onDefaultInput = input && input == m_defaultInput;
    if (m_stop)
        m_stop->request_stop();
    m_stop = std::make_shared<std::stop_source>();
    const quint64 generation = ++m_generation;
    m_title->setText(title);
    m_labels.clear();
    for (const CompareVariant& v : variants)
        m_labels.push_back(v.label);
    {
        QSignalBlocker ba(m_a), bb(m_b);
        m_a->clear();
        m_b->clear();
        for (const QString& label : m_labels) {
            m_a->addItem(label);
            m_b->addItem(label);
        }
        m_a->setCurrentIndex(0);
        m_b->setCurrentIndex(std::min(1, variantCount() - 1));
    }
    m_result.reset();
    // The previous comparison's pair table would describe other variants.
    m_pairs->clear();
    m_pairs->setRowCount(0);
    m_pairs->setColumnCount(0);
    m_busy = true;
    m_summary->setText(tr("Computing %1 variants on a worker thread…").arg(variantCount()));
    for (FeatureMapView* v : {m_viewA, m_viewB, m_viewDiff}) {
        v->setTensor(nullptr);
        v->setMessage(tr("Computing…"));
    }
    // The previous future (if any) finishes on its own; its result is dropped by generation.
    m_watcher->setFuture(QtConcurrent::run(runComparison, generation, std::move(input), spec, std::move(variants),
                                           m_stop->get_token()));
}

void CompareWindow::onFinished()
{
    CompareResult result = m_watcher->result();
    if (result.generation != m_generation)
        return;
    m_busy = false;
    m_result = std::move(result);
    const int n = variantCount();
    m_pairs->clear();
    m_pairs->setRowCount(n);
    m_pairs->setColumnCount(n);
    QStringList labels;
    for (const QString& l : m_labels)
        labels << l;
    m_pairs->setHorizontalHeaderLabels(labels);
    m_pairs->setVerticalHeaderLabels(labels);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            QString text = QStringLiteral("—");
            const int a = std::min(i, j), b = std::max(i, j);
            if (i != j) {
                const auto& d = m_result->differences[static_cast<size_t>(a)][static_cast<size_t>(b)];
                text = d ? QString::fromStdString(layerscope::formatValue(d->maxAbs)) : tr("n/a");
            }
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignCenter);
            m_pairs->setItem(i, j, item);
        }
    m_pairs->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    showPair();
    emit resultReady();
}

void CompareWindow::setPair(int a, int b)
{
    QSignalBlocker ba(m_a), bb(m_b);
    m_a->setCurrentIndex(a);
    m_b->setCurrentIndex(b);
    showPair();
}

std::shared_ptr<const TensorDifference> CompareWindow::currentDifference() const
{
    if (!m_result)
        return nullptr;
    const int a = m_a->currentIndex(), b = m_b->currentIndex();
    if (a < 0 || b < 0 || a == b || a >= variantCount() || b >= variantCount())
        return nullptr;
    return m_result->differences[static_cast<size_t>(std::min(a, b))][static_cast<size_t>(std::max(a, b))];
}

QString CompareWindow::resultText() const
{
    return m_summary->text();
}

void CompareWindow::showPair()
{
    if (!m_result)
        return;
    const int a = m_a->currentIndex(), b = m_b->currentIndex();
    if (a < 0 || b < 0)
        return;
    const auto& outA = m_result->outputs[static_cast<size_t>(a)];
    const auto& outB = m_result->outputs[static_cast<size_t>(b)];
    int channels = 1;
    if (outA)
        channels = static_cast<int>(std::max<int64_t>(1, tensorGeometry(*outA).channels));
    {
        QSignalBlocker blocker(m_channel);
        m_channel->setRange(0, channels - 1);
    }
    const int channel = m_channel->value();
    auto show = [&](FeatureMapView* view, QLabel* label, int index, const std::shared_ptr<const Tensor>& tensor) {
        const QString name = m_labels[static_cast<size_t>(index)];
        if (tensor) {
            view->setTensor(tensor, name);
            view->setSoloChannel(std::min(channel, static_cast<int>(tensorGeometry(*tensor).channels) - 1));
            if (label)
                label->setText(QStringLiteral("%1  %2").arg(name, QString::fromStdString(shapeToString(tensor->shape()))));
        } else {
            view->setTensor(nullptr);
            view->setMessage(m_result->errors[static_cast<size_t>(index)]);
            if (label)
                label->setText(name);
        }
    };
    show(m_viewA, m_labelA, a, outA);
    show(m_viewB, m_labelB, b, outB);
    const auto difference = currentDifference();
    if (a == b) {
        m_viewDiff->setTensor(nullptr);
        m_viewDiff->setMessage(tr("Pick two different variants"));
        m_summary->setText(tr("A and B are the same variant"));
    } else if (difference) {
        // Aliasing the difference inside its result: no copy of the tensor.
        m_viewDiff->setTensor(std::shared_ptr<const Tensor>(difference, &difference->difference), tr("A − B"));
        m_viewDiff->setSoloChannel(std::min(channel, static_cast<int>(tensorGeometry(difference->difference).channels) - 1));
        QString text = tr("max |difference| = %1 · mean |difference| = %2 · %3 of %4 values differ")
                           .arg(QString::fromStdString(layerscope::formatValue(difference->maxAbs)),
                                QString::fromStdString(layerscope::formatValue(difference->meanAbs)))
                           .arg(difference->differing)
                           .arg(difference->difference.size());
        if (difference->identical()) {
            text += tr("  — identical");
        } else if (!difference->maxPosition.empty()) {
            QStringList position;
            for (int64_t i : difference->maxPosition)
                position << QString::number(i);
            text += tr("\nlargest at (%1): A = %2, B = %3")
                        .arg(position.join(", "), QString::fromStdString(layerscope::formatValue(difference->aAtMax)),
                             QString::fromStdString(layerscope::formatValue(difference->bAtMax)));
        }
        m_summary->setText(text);
    } else {
        m_viewDiff->setTensor(nullptr);
        const QString error = m_result->differenceErrors[static_cast<size_t>(std::min(a, b))][static_cast<size_t>(std::max(a, b))];
        m_viewDiff->setMessage(error.isEmpty() ? tr("No difference: a variant failed") : error);
        m_summary->setText(error.isEmpty() ? tr("A variant failed") : error);
    }
}

bool CompareWindow::waitForResult(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_busy && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return !m_busy;
}

void CompareWindow::showBroadcastExample()
{
    std::optional<InputSpec> spec;
    std::vector<CompareVariant> variants;
    try {
        variants.push_back({tr("Resizing 32×32 nearest"), resourcePipeline(":/examples/04_broadcast_resizing.json", &spec)});
        variants.push_back({tr("UpSampling2D ×32"), resourcePipeline(":/examples/05_broadcast_upsampling.json")});
        variants.push_back({tr("Tile [1, 32, 32, 1]"), resourcePipeline(":/examples/06_broadcast_tile.json")});
    } catch (const std::exception& error) {
        m_summary->setText(QString::fromStdString(error.what()));
        return;
    }
    compare(tr("Broadcast a 1×1 global average back to 32×32: Resizing vs UpSampling2D vs Tile"), nullptr,
            std::move(variants), spec);
}

void CompareWindow::showInterpolationExample()
{
    std::vector<CompareVariant> variants;
    for (const char* interpolation : {"nearest", "bilinear", "bicubic", "area", "lanczos3"}) {
        const std::string json = std::string(R"([{"class_name": "AveragePooling2D", "config": {"name": "down",
            "pool_size": [4, 4], "strides": [4, 4], "padding": "valid"}},
            {"class_name": "UpSampling2D", "config": {"name": "up", "size": [4, 4], "interpolation": ")")
            + interpolation + R"("}}])";
        variants.push_back({QString::fromLatin1(interpolation), parsePipelineJson(json)});
    }
    compare(tr("Sample photo → AveragePooling2D 4×4 → UpSampling2D ×4: where the interpolations disagree"), nullptr,
            std::move(variants), InputSpec::file(QString::fromStdString(bundledSampleImage().string())));
}

void CompareWindow::comparePipelineFiles(const QStringList& paths)
{
    std::vector<CompareVariant> variants;
    QStringList names;
    for (const QString& path : paths)
        names << QFileInfo(path).fileName();
    try {
        for (const QString& path : paths) {
            // Same file name in two folders: the full path tells them apart.
            const QString name = QFileInfo(path).fileName();
            variants.push_back({names.count(name) > 1 ? path : name, loadPipelineFile(path.toStdString())});
        }
    } catch (const std::exception& error) {
        m_summary->setText(QString::fromStdString(error.what()));
        return;
    }
    compare(tr("%1 pipelines on the same input").arg(paths.size()), m_defaultInput, std::move(variants));
}

void CompareWindow::openPipelines()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Choose two or more pipelines"), {},
                                                            tr("Pipelines (*.json);;All files (*)"));
    if (paths.size() < 2) {
        if (!paths.isEmpty())
            m_summary->setText(tr("Choose two or more pipeline files (got one)"));
        return;
    }
    if (!m_defaultInput) {
        m_summary->setText(tr("No input: open an image in the main window first"));
        return;
    }
    comparePipelineFiles(paths);
}

} // namespace layerscope::gui
