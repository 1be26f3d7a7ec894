#pragma once
// Properties of the input: source (file or synthetic pattern with a shape editor), colour mode,
// value scale. Every edit is a ChangeInputCommand; the panel reads back from the document.

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace layerscope::gui {

class Document;
struct InputSpec;

class InputPanel : public QWidget {
    Q_OBJECT
public:
    explicit InputPanel(Document* document, QWidget* parent = nullptr);

signals:
    void browseRequested();

private:
    void refresh();
    void push(const InputSpec& spec, const QString& mergeKey);

    Document* m_document;
    bool m_updating = false;
    QComboBox* m_source;
    QStackedWidget* m_pages;
    QLineEdit* m_path;
    QComboBox* m_pattern;
    QSpinBox* m_batch;
    QSpinBox* m_height;
    QSpinBox* m_width;
    QSpinBox* m_channels;
    QSpinBox* m_seed;
    QComboBox* m_colorMode;
    QComboBox* m_scale;
    QLabel* m_status;
};

} // namespace layerscope::gui
