#pragma once
// Compare: two or more variants (pipelines, or one pipeline with a layer changed) run on the same
// input, shown side by side — output A, output B and the difference A − B as a diverging
// heatmap — with max |difference| and mean |difference| (tensorDifference) and a table of the
// max |difference| of every pair.
// Runs off the GUI thread like PipelineRunner: a request (the input or the InputSpec to build it
// from, and copied pipelines) goes to QtConcurrent; the worker builds the input, runs every
// variant and the difference of every pair, checking a stop token; the result comes back
// immutable, tagged with its generation, and anything but the newest is dropped.
// Built-in examples: a global average broadcast back with Resizing, UpSampling2D and Tile (all
// identical), and a down-then-up round trip of the sample photo with nearest, bilinear, bicubic,
// area and lanczos3.

#include "document/input_spec.h"

#include "core/explain/cell_explanation.h"
#include "core/explain/compare.h"
#include "core/pipeline.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>
#include <stop_token>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace layerscope::gui {

class FeatureMapView;

struct CompareVariant {
    QString label;
    Pipeline pipeline; // its last layer's output is compared
    // The variant runs on the input moved by (shiftY, shiftX) pixels (shiftedInput): how far
    // the layers are from shift equivariance.
    int shiftY = 0, shiftX = 0;
};

struct CompareResult {
    quint64 generation = 0;
    std::shared_ptr<const Tensor> input;
    std::vector<std::shared_ptr<const Tensor>> outputs; // null where the variant failed
    std::vector<QString> errors;
    // differences[i][j] for i < j (A = i, B = j); null when the shapes differ or a side failed.
    std::vector<std::vector<std::shared_ptr<const TensorDifference>>> differences;
    std::vector<std::vector<QString>> differenceErrors;
};

class CompareWindow : public QWidget {
    Q_OBJECT
public:
    explicit CompareWindow(QWidget* parent = nullptr);
    ~CompareWindow() override;

    // The input of "Pipeline files…" (the main window's current input). A result computed on the
    // previous default input is cleared: it no longer describes what the main window shows.
    void setDefaultInput(std::shared_ptr<const Tensor> input);
    // Starts a comparison (cancelling a running one). `input` or, when null, `spec` is used.
    void compare(const QString& title, std::shared_ptr<const Tensor> input, std::vector<CompareVariant> variants,
                 const std::optional<InputSpec>& spec = std::nullopt);
    void showBroadcastExample();
    void showInterpolationExample();
    // Two or more pipeline files on the default input.
    void comparePipelineFiles(const QStringList& paths);

    bool isBusy() const { return m_busy; }
    bool waitForResult(int timeoutMs = 30000);
    const std::optional<CompareResult>& result() const { return m_result; }
    int variantCount() const { return static_cast<int>(m_labels.size()); }
    void setPair(int a, int b);
    // The difference of the shown pair (A, B); null when not computed.
    std::shared_ptr<const TensorDifference> currentDifference() const;
    QString resultText() const;
    FeatureMapView* differenceView() const { return m_viewDiff; }

signals:
    void resultReady();

private:
    void onFinished();
    void showPair();
    void openPipelines();

    quint64 m_generation = 0;
    bool m_busy = false;
    std::shared_ptr<std::stop_source> m_stop;
    QFutureWatcher<CompareResult>* m_watcher;
    std::optional<CompareResult> m_result;
    std::vector<QString> m_labels;
    std::shared_ptr<const Tensor> m_defaultInput;
    bool m_onDefaultInput = false; // the shown comparison ran on m_defaultInput

    QLabel* m_title;
    QComboBox* m_a;
    QComboBox* m_b;
    QSpinBox* m_channel;
    QLabel* m_labelA;
    QLabel* m_labelB;
    FeatureMapView* m_viewA;
    FeatureMapView* m_viewB;
    FeatureMapView* m_viewDiff;
    QLabel* m_summary;
    QTableWidget* m_pairs;
};

} // namespace layerscope::gui
