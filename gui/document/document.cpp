#include "document.h"

#include "document/layer_json.h"
#include "engine/input_source.h"

#include <QStringList>
#include "core/pipeline_run.h"

namespace layerscope::gui {

Document::Document(QObject* parent) : QObject(parent)
{
    connect(&m_undoStack, &QUndoStack::cleanChanged, this,
            [this](bool clean) { emit modifiedChanged(!clean); });
    connect(&m_loader, &InputLoader::loadingChanged, this, &Document::inputLoadingChanged);
    updateChain();
}

nlohmann::json Document::layerJson(int index) const
{
    return layerToJson(layer(index));
}

Pipeline Document::effectivePipeline(int last) const
{
    const size_t count = last < 0 ? m_pipeline.layers.size() : static_cast<size_t>(last) + 1;
    Pipeline prefix;
    prefix.name = m_pipeline.name;
    prefix.declaredInputShape = m_pipeline.declaredInputShape;
    std::vector<bool> enabled;
    for (size_t i = 0; i < count && i < m_pipeline.layers.size(); ++i) {
        prefix.layers.push_back(m_pipeline.layers[i]->clone());
        enabled.push_back(!m_bypassed[i]);
    }
    return layerscope::effectivePipeline(prefix, enabled);
}

int Document::effectiveIndex(int index) const
{
    int position = 0;
    for (int i = 0; i < index; ++i)
        position += m_bypassed[static_cast<size_t>(i)] ? 0 : 1;
    return position;
}

void Document::setFileName(const QString& fileName)
{
    if (m_fileName == fileName)
        return;
    m_fileName = fileName;
    emit fileNameChanged(fileName);
}

void Document::insertLayer(int index, std::unique_ptr<Layer> layer, bool bypassed)
{
    index = qBound(0, index, layerCount());
    m_pipeline.layers.insert(m_pipeline.layers.begin() + index, std::move(layer));
    m_bypassed.insert(m_bypassed.begin() + index, bypassed);
    updateChain();
    emit layerInserted(index);
    emit contentChanged();
}

std::unique_ptr<Layer> Document::takeLayer(int index)
{
    std::unique_ptr<Layer> layer = std::move(m_pipeline.layers.at(static_cast<size_t>(index)));
    m_pipeline.layers.erase(m_pipeline.layers.begin() + index);
    m_bypassed.erase(m_bypassed.begin() + index);
    updateChain();
    emit layerRemoved(index);
    emit contentChanged();
    return layer;
}

void Document::moveLayer(int from, int to)
{
    if (from == to || from < 0 || to < 0 || from >= layerCount() || to >= layerCount())
        return;
    auto layer = std::move(m_pipeline.layers[static_cast<size_t>(from)]);
    const bool bypassed = m_bypassed[static_cast<size_t>(from)];
    m_pipeline.layers.erase(m_pipeline.layers.begin() + from);
    m_bypassed.erase(m_bypassed.begin() + from);
    m_pipeline.layers.insert(m_pipeline.layers.begin() + to, std::move(layer));
    m_bypassed.insert(m_bypassed.begin() + to, bypassed);
    updateChain();
    emit layerMoved(from, to);
    emit contentChanged();
}

void Document::replaceLayer(int index, std::unique_ptr<Layer> layer)
{
    m_pipeline.layers.at(static_cast<size_t>(index)) = std::move(layer);
    updateChain();
    emit layerChanged(index);
    emit contentChanged();
}

void Document::setBypassed(int index, bool bypassed)
{
    if (m_bypassed.at(static_cast<size_t>(index)) == bypassed)
        return;
    m_bypassed[static_cast<size_t>(index)] = bypassed;
    updateChain();
    emit layerChanged(index);
    emit contentChanged();
}

void Document::setInput(const InputSpec& spec, std::shared_ptr<const Tensor> built)
{
    m_inputSpec = spec;
    if (built) {
        m_loader.cancel();
        applyInput(std::move(built), {});
        return;
    }
    m_loader.load(spec, [this](std::shared_ptr<const Tensor> tensor, const QString& error) {
        applyInput(std::move(tensor), error);
    });
}

void Document::applyInput(std::shared_ptr<const Tensor> tensor, const QString& error)
{
    m_input = std::move(tensor);
    m_inputError = m_input ? QString() : error;
    ++m_inputRevision;
    updateChain();
    emit inputChanged();
    emit contentChanged();
}

void Document::resetPipeline(Pipeline pipeline, std::vector<bool> bypassed)
{
    bypassed.resize(pipeline.layers.size(), false);
    m_pipeline = std::move(pipeline);
    m_bypassed = std::move(bypassed);
    m_undoStack.clear();
    updateChain();
    emit pipelineReset();
    emit contentChanged();
}

QString Document::declaredShapeMismatch() const
{
    if (!m_pipeline.declaredInputShape || !m_input)
        return {};
    const Shape& declared = *m_pipeline.declaredInputShape;
    const Shape& actual = m_input->shape();
    bool same = declared.size() == actual.size();
    for (size_t i = 0; same && i < declared.size(); ++i)
        same = declared[i] < 0 || declared[i] == actual[i];
    if (same)
        return {};
    QStringList dims;
    for (int64_t d : declared)
        dims << (d < 0 ? QStringLiteral("None") : QString::number(d));
    return tr("The pipeline file declares the input batch_shape (%1); this input is %2.")
        .arg(dims.join(", "), QString::fromStdString(shapeToString(m_input->shape())));
}

void Document::updateChain()
{
    std::vector<const Layer*> layers;
    for (const auto& layer : m_pipeline.layers)
        layers.push_back(layer.get());
    const Shape* input = m_input ? &m_input->shape() : nullptr;
    m_chain = computeShapeChain(layers, m_bypassed, input);
}

} // namespace layerscope::gui
