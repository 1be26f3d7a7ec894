#include "explain_controller.h"

#include "document/document.h"
#include "document/layer_json.h"
#include "engine/pipeline_runner.h"
#include "engine/tensor_image.h"
#include "models/tensor_table_model.h"
#include "widgets/compare_window.h"
#include "widgets/feature_map_view.h"
#include "widgets/inspector_panel.h"
#include "widgets/main_window.h"
#include "widgets/overview_strip.h"
#include "widgets/shape_math_panel.h"

#include "core/codegen/keras_code.h"
#include "core/layer_registry.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollArea>
#include <QStatusBar>
#include <QTableView>

namespace layerscope::gui {

namespace {

const QStringList kInterpolations{"nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5"};

struct VariantChoice {
    QString label;
    std::vector<std::pair<std::string, nlohmann::json>> values; // one variant per entry: config key = value
    std::vector<std::pair<QString, nlohmann::json>> replacements; // or: whole layer objects, labelled
    std::vector<std::pair<int, int>> inputShifts; // or: the layer as is on the input moved by (dy, dx)
};

// The layer as it is, on the input moved by one or two pixels: Zhang (2019)'s test of shift
// equivariance (a stride-2 max pooling changes under a one-pixel shift, a blurred one less).
std::vector<VariantChoice> shiftChoices()
{
    return {{QObject::tr("shift the input by one pixel (down, right, both)"), {}, {}, {{1, 0}, {0, 1}, {1, 1}}},
            {QObject::tr("shift the input by two pixels (down, right, both)"), {}, {}, {{2, 0}, {0, 2}, {2, 2}}}};
}

// The layer replaced by each other registered type (defaults), keeping the output size where the
// type's arguments can say it (height/width, an integer size factor, tile multiples): Resizing
// vs UpSampling2D vs Tile for the same enlargement.
std::vector<VariantChoice> replacementChoices(const Layer& layer, const Shape& in, const Shape& out)
{
    std::vector<VariantChoice> choices;
    VariantChoice all{QObject::tr("replace by every other layer type"), {}, {}, {}};
    const bool sized = in.size() == 4 && out.size() == 4 && in[1] > 0 && in[2] > 0;
    const bool integral = sized && out[1] % in[1] == 0 && out[2] % in[2] == 0;
    for (const LayerFactory& factory : layerFactories()) {
        if (factory.className == layer.className() || !takesOneInput(factory))
            continue;
        nlohmann::json object = layerToJson(*factory.makeDefault(factory.nameStem));
        nlohmann::json& config = object["config"];
        if (sized && config.contains("height") && config.contains("width")) {
            config["height"] = out[1];
            config["width"] = out[2];
        }
        if (integral && config.contains("size"))
            config["size"] = {out[1] / in[1], out[2] / in[2]};
        if (integral && config.contains("multiples"))
            config["multiples"] = {1, out[1] / in[1], out[2] / in[2], 1};
        const QString label = QObject::tr("replace by %1").arg(QString::fromStdString(factory.className));
        all.replacements.push_back({label, object});
        choices.push_back({label, {}, {{label, object}}, {}});
    }
    if (!all.replacements.empty())
        choices.insert(choices.begin(), all);
    return choices;
}

// Neighbouring parameter values worth comparing for a layer config.
std::vector<VariantChoice> variantChoices(const nlohmann::json& config)
{
    std::vector<VariantChoice> choices;
    auto one = [&](const std::string& key, const nlohmann::json& value) {
        choices.push_back({QString::fromStdString(key + " = " + value.dump()), {{key, value}}, {}, {}});
    };
    if (config.contains("interpolation") && config["interpolation"].is_string()) {
        const QString current = QString::fromStdString(config["interpolation"].get<std::string>());
        VariantChoice all{QObject::tr("every other interpolation"), {}, {}, {}};
        for (const QString& i : kInterpolations)
            if (i != current)
                all.values.push_back({"interpolation", i.toStdString()});
        choices.push_back(all);
        for (const auto& v : all.values)
            one(v.first, v.second);
    }
    if (config.contains("padding") && config["padding"].is_string())
        one("padding", config["padding"] == "same" ? "valid" : "same");
    auto pair = [](int64_t v) { return nlohmann::json::array({v, v}); };
    for (const char* key : {"pool_size", "kernel_size", "size"}) {
        if (config.contains(key) && config[key].is_array() && !config[key].empty() && config[key][0].is_number_integer()) {
            const int64_t k = config[key][0].get<int64_t>();
            one(key, pair(k + 1));
            if (k > 1)
                one(key, pair(k - 1));
        }
    }
    if (config.contains("strides")) {
        const nlohmann::json& s = config["strides"];
        const int64_t v = s.is_array() && !s.empty() && s[0].is_number_integer() ? s[0].get<int64_t>() : 0;
        if (v != 1)
            one("strides", pair(1));
        if (v != 2)
            one("strides", pair(2));
    }
    if (config.contains("dilation_rate") && config["dilation_rate"].is_array() && !config["dilation_rate"].empty())
        one("dilation_rate", pair(config["dilation_rate"][0] == 1 ? 2 : 1));
    if (config.contains("activation") && config["activation"].is_string()) {
        for (const char* a : {"linear", "relu", "sigmoid"})
            if (config["activation"] != a)
                one("activation", a);
    }
    for (const char* key : {"antialias", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "use_bias"})
        if (config.contains(key) && config[key].is_boolean())
            one(key, !config[key].get<bool>());
    return choices;
}

} // namespace

ExplainController::ExplainController(MainWindow* window, Document* document, PipelineRunner* runner, FeatureMapView* view,
                                     QTableView* numbersView, TensorTableModel* numbersModel, OverviewStrip* overview)
    : QObject(window), m_window(window), m_document(document), m_runner(runner), m_view(view),
      m_numbersView(numbersView), m_numbersModel(numbersModel), m_overview(overview)
{
    m_inspectorDock = new QDockWidget(tr("Inspector"), window);
    m_inspectorDock->setObjectName("InspectorDock");
    m_inspector = new InspectorPanel(document, runner, m_inspectorDock);
    auto* inspectorScroll = new QScrollArea(m_inspectorDock);
    inspectorScroll->setWidgetResizable(true);
    inspectorScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    inspectorScroll->setWidget(m_inspector);
    m_inspectorDock->setWidget(inspectorScroll);
    window->addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);

    m_shapeMathDock = new QDockWidget(tr("Shape math"), window);
    m_shapeMathDock->setObjectName("ShapeMathDock");
    m_shapeMath = new ShapeMathPanel(m_shapeMathDock);
    auto* scroll = new QScrollArea(m_shapeMathDock);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_shapeMath);
    m_shapeMathDock->setWidget(scroll);
    window->addDockWidget(Qt::BottomDockWidgetArea, m_shapeMathDock);
    // Raised (its tab clicked): room for the diagram and the what-if tables, as far as the
    // window's height allows, instead of a scrolled sliver.
    connect(m_shapeMathDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        const int wanted = std::min(440, m_window->height() / 2);
        if (visible && m_window->isVisible() && m_shapeMathDock->height() < wanted)
            m_window->resizeDocks({m_shapeMathDock}, {wanted}, Qt::Vertical);
    });
    if (auto* properties = window->findChild<QDockWidget*>("PropertiesDock")) {
        window->tabifyDockWidget(properties, m_inspectorDock);
        properties->raise();
    }
    if (auto* overview = window->findChild<QDockWidget*>("OverviewDock"))
        window->tabifyDockWidget(overview, m_shapeMathDock);
    if (auto* chain = window->findChild<QDockWidget*>("ShapeChainDock"))
        chain->raise();
    if (auto* statistics = window->findChild<QDockWidget*>("StatisticsDock"))
        window->resizeDocks({m_inspectorDock, statistics}, {640, 170}, Qt::Vertical);

    connect(m_view, &FeatureMapView::cellSelected, this, &ExplainController::selectViewCell);
    connect(m_numbersView, &QAbstractItemView::clicked, this, [this](const QModelIndex& index) {
        if (index.isValid())
            selectViewCell(m_numbersModel->channel(), index.row(), index.column());
    });
    connect(m_inspector, &InspectorPanel::selectionChanged, this, &ExplainController::updateOverlays);
    // A comparison made on the previous input is stale once the input changes.
    connect(m_document, &Document::inputChanged, this, [this] {
        if (m_compare)
            m_compare->setDefaultInput(m_document->input());
    });
    connect(m_document, &Document::contentChanged, this, [this] {
        m_inspector->refresh();
        updateShapeMath();
    });
    connect(m_runner, &PipelineRunner::finished, this, [this] {
        m_inspector->refresh();
        updateShapeMath();
    });

    auto make = [this](const QString& name, const QString& text, const QKeySequence& shortcut = {}) {
        auto* a = new QAction(text, this);
        a->setShortcut(shortcut);
        m_actions.insert(name, a);
        return a;
    };
    connect(make("copyKeras", tr("Copy as &Keras Code"), QKeySequence(tr("Ctrl+Alt+K"))), &QAction::triggered, this,
            &ExplainController::copyKerasCode);
    connect(make("exportKeras", tr("&Keras Script…")), &QAction::triggered, this, &ExplainController::exportKerasScript);
    connect(make("compareVariant", tr("Compare with a &Variant of This Layer…")), &QAction::triggered, this,
            &ExplainController::compareVariant);
    connect(make("compareWindow", tr("&Compare Window")), &QAction::triggered, this, [this] {
        compareWindow()->show();
        compareWindow()->raise();
    });
    connect(make("compareBroadcast", tr("Compare: Resizing vs UpSampling2D vs Tile broadcast")), &QAction::triggered, this,
            [this] {
                compareWindow()->show();
                compareWindow()->showBroadcastExample();
            });
    connect(make("compareInterpolations", tr("Compare: interpolations on a down-then-up round trip")), &QAction::triggered,
            this, [this] {
                compareWindow()->show();
                compareWindow()->showInterpolationExample();
            });
    QAction* play = make("stepPlay", tr("&Play / Pause Step-Through"), QKeySequence(tr("Ctrl+Space")));
    connect(play, &QAction::triggered, this, [this] { m_inspector->setPlaying(!m_inspector->isPlaying()); });
    m_menu = new QMenu(tr("E&xplain"), window);
    m_menu->addAction(play);
    m_menu->addSeparator();
    for (const char* n : {"compareVariant", "compareWindow", "compareBroadcast", "compareInterpolations"})
        m_menu->addAction(action(n));
    m_menu->addSeparator();
    m_menu->addAction(action("copyKeras"));
    m_menu->addAction(m_inspectorDock->toggleViewAction());
    m_menu->addAction(m_shapeMathDock->toggleViewAction());
}

CompareWindow* ExplainController::compareWindow()
{
    if (!m_compare)
        m_compare = new CompareWindow(m_window);
    m_compare->setDefaultInput(m_document->input());
    return m_compare;
}

void ExplainController::selectViewCell(int channel, int y, int x)
{
    const auto tensor = m_runner->output(m_current);
    if (!tensor || channel < 0)
        return;
    const int batch = m_view->options().batchIndex;
    const CellIndex cell = viewToCell(tensor->shape(), tensorFormat(*m_document, m_current), batch, channel, y, x);
    m_inspector->select(m_current, cell);
    // Revealed by this click (it was hidden or behind the Properties tab): give it room for its
    // grids, as the Kernel dock does, but leave a height the user chose alone afterwards.
    const bool revealed = !m_inspectorDock->isVisible() || m_inspectorDock->visibleRegion().isEmpty();
    m_inspectorDock->show();
    m_inspectorDock->raise();
    const int wanted = std::min(560, m_window->height() * 3 / 5);
    if (revealed && m_inspectorDock->height() < wanted)
        m_window->resizeDocks({m_inspectorDock}, {wanted}, Qt::Vertical);
}

void ExplainController::setCurrentLayer(int index)
{
    m_current = index;
    updateShapeMath();
    updateOverlays();
}

void ExplainController::updateShapeMath()
{
    const bool layer = m_current >= 0 && m_current < m_document->layerCount();
    Shape input;
    if (layer) {
        if (const auto tensor = m_runner->output(m_current - 1))
            input = tensor->shape();
        else if (m_current == 0 && m_document->input())
            input = m_document->input()->shape();
    }
    if (layer && !input.empty())
        m_shapeMath->setLayer(&m_document->layer(m_current), input);
    else
        m_shapeMath->setLayer(nullptr, {});
}

void ExplainController::updateOverlays()
{
    const auto tensor = m_view->tensor();
    const int selected = m_inspector->hasSelection() ? m_inspector->selectedLayer() : -2;
    // The selected cell, when its layer is shown.
    if (tensor && selected == m_current && m_runner->output(m_current) == tensor) {
        int c = 0, y = 0, x = 0;
        cellToView(tensor->shape(), tensorFormat(*m_document, m_current), m_inspector->selectedCell(), &c, &y, &x);
        m_view->setSelectedCell(c, y, x);
        if (m_numbersModel->channel() == c && m_numbersView->currentIndex() != m_numbersModel->index(y, x))
            m_numbersView->setCurrentIndex(m_numbersModel->index(y, x));
    } else {
        m_view->setSelectedCell(-1, 0, 0);
    }
    // The receptive field on an earlier layer's view and in the filmstrip.
    QList<CellOverlay> overlays;
    QHash<int, QRect> regions;
    for (int index = -1; index <= selected && index < m_document->layerCount(); ++index) {
        const auto region = m_inspector->regionOf(index);
        if (!region || region->format == DataFormat::ChannelsFirst)
            continue;
        const Interval rows = region->rows(), cols = region->cols();
        const QRect clipped(static_cast<int>(cols.first), static_cast<int>(rows.first), static_cast<int>(cols.size()),
                            static_cast<int>(rows.size()));
        if (index < selected)
            regions.insert(index, clipped);
        if (index != m_current || index == selected || !tensor)
            continue;
        const Interval rowsU = region->rowsUnclipped(), colsU = region->colsUnclipped();
        const QRect unclipped(static_cast<int>(colsU.first), static_cast<int>(rowsU.first), static_cast<int>(colsU.size()),
                              static_cast<int>(rowsU.size()));
        // Channels: every tile unless the region narrows them (a grouped convolution).
        std::vector<int> channels{-1};
        const AxisRoles roles = axisRoles(region->shape.size(), region->format);
        if (roles.channels >= 0) {
            const Interval c = region->clipped[static_cast<size_t>(roles.channels)];
            if (c.size() < region->shape[static_cast<size_t>(roles.channels)] && c.size() <= 64) {
                channels.clear();
                for (int64_t k = c.first; k <= c.last; ++k)
                    channels.push_back(static_cast<int>(k));
            }
        }
        for (int channel : channels) {
            if (unclipped != clipped)
                overlays.append({unclipped, QColor(255, 220, 0), channel, /*hatched=*/true, /*filled=*/false});
            overlays.append({clipped, QColor(255, 220, 0), channel, /*hatched=*/false, /*filled=*/true});
        }
    }
    m_view->setOverlays(overlays);
    m_overview->setRegions(regions);
}

QString ExplainController::kerasCode() const
{
    const Pipeline pipeline = m_document->effectivePipeline();
    KerasCodeOptions options;
    const InputSpec& spec = m_document->inputSpec();
    options.inputPath = spec.kind == InputSourceKind::File ? spec.path.toStdString() : std::string("input.npy");
    if (const auto input = m_document->input())
        options.inputShape = input->shape();
    return QString::fromStdString(generateKerasCode(pipeline, options));
}

void ExplainController::copyKerasCode()
{
    try {
        QApplication::clipboard()->setText(kerasCode());
        QString message = tr("Keras 3 script copied to the clipboard");
        if (m_document->inputSpec().kind != InputSourceKind::File)
            message += tr(" (it loads input.npy: export the input with File ▸ Export ▸ Selected Layer as .npy)");
        m_window->statusBar()->showMessage(message, 6000);
    } catch (const std::exception& error) {
        m_window->statusBar()->showMessage(QString::fromStdString(error.what()), 6000);
    }
}

void ExplainController::exportKerasScript()
{
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export Keras script"), QStringLiteral("layerscope_model.py"),
                                                      tr("Python (*.py)"));
    if (path.isEmpty())
        return;
    try {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(kerasCode().toUtf8()) < 0 || !file.commit())
            throw std::runtime_error(file.errorString().toStdString());
        m_window->statusBar()->showMessage(tr("Wrote %1").arg(path), 6000);
    } catch (const std::exception& error) {
        QMessageBox::warning(m_window, tr("Export Keras script"), tr("Could not write %1:\n%2").arg(path, error.what()));
    }
}

void ExplainController::compareVariant()
{
    if (m_current < 0 || m_current >= m_document->layerCount() || !m_document->input())
        return;
    const nlohmann::json object = m_document->layerJson(m_current);
    std::vector<VariantChoice> choices = variantChoices(object.value("config", nlohmann::json::object()));
    const ShapeChain& chain = m_document->shapeChain();
    for (VariantChoice& c : replacementChoices(m_document->layer(m_current), chain.inputOf(m_current),
                                               chain.layers.at(static_cast<size_t>(m_current)).output))
        choices.push_back(std::move(c));
    for (VariantChoice& c : shiftChoices())
        choices.push_back(std::move(c));
    if (choices.empty()) {
        m_window->statusBar()->showMessage(tr("No parameter of this layer to vary"), 4000);
        return;
    }
    QStringList labels;
    for (const VariantChoice& c : choices)
        labels << c.label;
    bool ok = false;
    const QString picked = QInputDialog::getItem(m_window, tr("Compare with a variant"),
                                                 tr("Change of %1:").arg(QString::fromStdString(m_document->layer(m_current).name())),
                                                 labels, 0, false, &ok);
    if (!ok)
        return;
    const VariantChoice& choice = choices[static_cast<size_t>(labels.indexOf(picked))];
    auto prefix = [this](const Layer* replacement) {
        Pipeline p = m_current > 0 ? m_document->effectivePipeline(m_current - 1) : Pipeline();
        p.layers.push_back(replacement->clone());
        return p;
    };
    std::vector<CompareVariant> variants;
    const Layer& layer = m_document->layer(m_current);
    variants.push_back({tr("as is: %1").arg(QString::fromStdString(layer.summary())), prefix(&layer)});
    QStringList errors;
    for (const auto& [key, value] : choice.values) {
        nlohmann::json changed = object;
        changed["config"][key] = value;
        try {
            const std::unique_ptr<Layer> variant = layerFromJson(changed);
            variants.push_back({QString::fromStdString(key + " = " + value.dump()), prefix(variant.get())});
        } catch (const std::exception& error) {
            errors << QString::fromStdString(error.what());
        }
    }
    for (const auto& [label, replacement] : choice.replacements) {
        try {
            const std::unique_ptr<Layer> variant = layerFromJson(replacement);
            variants.push_back({label, prefix(variant.get())});
        } catch (const std::exception& error) {
            errors << QString::fromStdString(error.what());
        }
    }
    for (const auto& [dy, dx] : choice.inputShifts) {
        CompareVariant shifted{tr("input moved by (%1, %2)").arg(dy).arg(dx), prefix(&layer)};
        shifted.shiftY = dy;
        shifted.shiftX = dx;
        variants.push_back(std::move(shifted));
    }
    if (variants.size() < 2) {
        m_window->statusBar()->showMessage(errors.join("; "), 6000);
        return;
    }
    CompareWindow* window = compareWindow();
    window->show();
    window->raise();
    window->compare(tr("%1: %2").arg(QString::fromStdString(layer.name()), choice.label), m_document->input(),
                    std::move(variants));
}

} // namespace layerscope::gui
