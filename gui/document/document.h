#pragma once
// The open document: the pipeline (layers + per-layer bypass flags), the input (spec and the
// tensor built from it) and the QUndoStack. Like Tiled's Document, it has a small mutation API
// that emits fine-grained signals; every user edit is a QUndoCommand (commands/) that calls only
// this API, so undo/redo and the views stay consistent. Derived state (the shape chain) is
// recomputed here after every change. The document never runs layers (engine/pipeline_runner.h).

#include "document/input_spec.h"
#include "document/shape_chain.h"
#include "engine/input_loader.h"

#include "core/pipeline.h"

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

namespace layerscope::gui {

class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(QObject* parent = nullptr);

    const Pipeline& pipeline() const { return m_pipeline; }
    int layerCount() const { return static_cast<int>(m_pipeline.layers.size()); }
    const Layer& layer(int index) const { return *m_pipeline.layers.at(static_cast<size_t>(index)); }
    nlohmann::json layerJson(int index) const;
    bool isBypassed(int index) const { return m_bypassed.at(static_cast<size_t>(index)); }
    const std::vector<bool>& bypassFlags() const { return m_bypassed; }
    // What actually computes: layers 0..last (every layer when last is -1) without the bypassed
    // ones (core's effectivePipeline), for code generation, receptive fields and comparisons.
    Pipeline effectivePipeline(int last = -1) const;
    // Position of layer `index` in effectivePipeline(): the bypassed layers before it left out.
    int effectiveIndex(int index) const;

    const InputSpec& inputSpec() const { return m_inputSpec; }
    std::shared_ptr<const Tensor> input() const { return m_input; }
    QString inputError() const { return m_inputError; }
    // Increases whenever the input tensor is replaced (the runner's cache key).
    quint64 inputRevision() const { return m_inputRevision; }

    const ShapeChain& shapeChain() const { return m_chain; }
    // When the pipeline file declares an input shape (Keras batch_shape) that the actual input
    // does not have, a sentence saying so; empty otherwise (None dimensions match anything).
    QString declaredShapeMismatch() const;

    QUndoStack* undoStack() { return &m_undoStack; }
    QString fileName() const { return m_fileName; }
    void setFileName(const QString& fileName);
    bool isModified() const { return !m_undoStack.isClean(); }

    // Mutation API (for commands and loading).
    void insertLayer(int index, std::unique_ptr<Layer> layer, bool bypassed = false);
    std::unique_ptr<Layer> takeLayer(int index);
    void moveLayer(int from, int to);
    void replaceLayer(int index, std::unique_ptr<Layer> layer);
    void setBypassed(int index, bool bypassed);
    // Builds the tensor from `spec` unless `built` (already built from `spec`) is given. Files
    // and large patterns are built on a worker (InputLoader): inputSpec() changes at once,
    // input() and the signals follow when the tensor is ready (isInputLoading() until then).
    void setInput(const InputSpec& spec, std::shared_ptr<const Tensor> built = {});
    bool isInputLoading() const { return m_loader.isLoading(); }
    // The worker the document builds inputs on; open-file code loads through it too, so that one
    // newer request supersedes any older one.
    InputLoader* inputLoader() { return &m_loader; }
    // Replaces the pipeline and clears the undo stack (open, new, example).
    void resetPipeline(Pipeline pipeline, std::vector<bool> bypassed = {});

    // A layer name not used yet ("conv2d_1").
    std::string uniqueLayerName(const std::string& stem) const { return m_pipeline.uniqueLayerName(stem); }

signals:
    void layerInserted(int index);
    void layerRemoved(int index);
    void layerMoved(int from, int to);
    void layerChanged(int index);
    void inputChanged();
    void inputLoadingChanged(bool loading);
    void pipelineReset();
    // After any of the above, once the shape chain is up to date.
    void contentChanged();
    void fileNameChanged(const QString& fileName);
    void modifiedChanged(bool modified);

private:
    void updateChain();
    void applyInput(std::shared_ptr<const Tensor> tensor, const QString& error);

    Pipeline m_pipeline;
    std::vector<bool> m_bypassed;
    InputSpec m_inputSpec;
    std::shared_ptr<const Tensor> m_input;
    QString m_inputError;
    quint64 m_inputRevision = 0;
    ShapeChain m_chain;
    QUndoStack m_undoStack;
    QString m_fileName;
    InputLoader m_loader;
};

} // namespace layerscope::gui
