#include "layer_stack_model.h"

#include "commands/bypass_layer_command.h"
#include "commands/change_layer_command.h"
#include "commands/insert_layer_command.h"
#include "commands/move_layer_command.h"
#include "commands/remove_layer_command.h"
#include "document/document.h"
#include "document/layer_json.h"
#include "engine/pipeline_runner.h"
#include "models/layer_icons.h"

#include "core/layer_registry.h"

#include <QMimeData>
#include <QUndoStack>

namespace layerscope::gui {

static const char* kRowMime = "application/x-layerscope-layer-row";

LayerStackModel::LayerStackModel(Document* document, PipelineRunner* runner, QObject* parent)
    : QAbstractListModel(parent), m_document(document), m_runner(runner)
{
    connect(document, &Document::layerInserted, this, [this](int index) {
        beginInsertRows({}, rowOf(index), rowOf(index));
        endInsertRows();
    });
    // The document has already changed when it signals; a reset keeps views consistent for
    // removals and moves (the stack is short).
    connect(document, &Document::layerRemoved, this, [this] { beginResetModel(); endResetModel(); });
    connect(document, &Document::layerMoved, this, [this] { beginResetModel(); endResetModel(); });
    connect(document, &Document::pipelineReset, this, [this] { beginResetModel(); endResetModel(); });
    connect(document, &Document::contentChanged, this, [this] {
        emit dataChanged(index(0), index(rowCount() - 1));
    });
    connect(runner, &PipelineRunner::layerStatusChanged, this, [this](int layer) {
        const QModelIndex i = index(rowOf(layer));
        if (i.isValid())
            emit dataChanged(i, i);
    });
}

int LayerStackModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_document->layerCount() + 1;
}

QVariant LayerStackModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const int layer = layerIndex(index.row());
    const ShapeChain& chain = m_document->shapeChain();
    if (layer < 0) {
        const auto input = m_document->input();
        switch (role) {
        case Qt::DisplayRole:
        case Qt::EditRole: return tr("Input");
        case ClassNameRole: return QStringLiteral("Input");
        case SummaryRole: return m_document->inputSpec().describe();
        case ShapeRole: return input ? QString::fromStdString(shapeToString(input->shape())) : QString();
        case StatusRole: return input ? static_cast<int>(LayerStatus::Ok) : static_cast<int>(LayerStatus::Error);
        case MessageRole: return m_document->inputError();
        case Qt::ToolTipRole: return input ? m_document->inputSpec().describe() : m_document->inputError();
        case Qt::DecorationRole: return layerIcon("Input");
        case LayerIndexRole: return -1;
        case BypassedRole: return false;
        default: return {};
        }
    }
    if (layer >= m_document->layerCount())
        return {};
    const Layer& l = m_document->layer(layer);
    const ShapeChainEntry& entry = chain.layers.at(static_cast<size_t>(layer));
    const bool haveRun = layer < m_runner->layerCount();
    const LayerRunInfo runInfo = haveRun ? m_runner->info(layer) : LayerRunInfo{};
    QString message = !entry.error.isEmpty() ? entry.error
                     : runInfo.status == LayerStatus::Error ? runInfo.message : QString();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: return QString::fromStdString(l.name());
    case ClassNameRole: return QString::fromStdString(l.className());
    case SummaryRole: return QString::fromStdString(l.summary());
    case ShapeRole: return entry.ok ? QString::fromStdString(shapeToString(entry.output)) : QString();
    case StatusRole:
        if (!entry.error.isEmpty()) return static_cast<int>(LayerStatus::Error);
        if (entry.blocked) return static_cast<int>(LayerStatus::Blocked);
        return static_cast<int>(runInfo.status);
    case MessageRole: return message;
    case MillisecondsRole: return runInfo.milliseconds;
    case BypassedRole: return m_document->isBypassed(layer);
    case LayerIndexRole: return layer;
    case Qt::CheckStateRole: return m_document->isBypassed(layer) ? Qt::Unchecked : Qt::Checked;
    case Qt::DecorationRole: return layerIcon(QString::fromStdString(l.className()));
    case Qt::ToolTipRole:
        if (!message.isEmpty()) return message;
        return QStringLiteral("%1 '%2'\n%3\noutput %4%5")
            .arg(QString::fromStdString(l.className()), QString::fromStdString(l.name()),
                 QString::fromStdString(l.summary()),
                 entry.ok ? QString::fromStdString(shapeToString(entry.output)) : QStringLiteral("?"),
                 m_document->isBypassed(layer) ? tr("\n(bypassed: passes its input through)") : QString());
    default: return {};
    }
}

bool LayerStackModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    const int layer = layerIndex(index.row());
    if (layer < 0 || layer >= m_document->layerCount())
        return false;
    if (role == Qt::CheckStateRole) {
        setBypassed(layer, value.toInt() != Qt::Checked);
        return true;
    }
    if (role == Qt::EditRole) {
        return renameLayer(layer, value.toString());
    }
    return false;
}

Qt::ItemFlags LayerStackModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    if (index.row() == 0)
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable | Qt::ItemIsEditable
         | Qt::ItemIsDragEnabled | Qt::ItemIsDropEnabled;
}

Qt::DropActions LayerStackModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

QStringList LayerStackModel::mimeTypes() const
{
    return {kRowMime};
}

QMimeData* LayerStackModel::mimeData(const QModelIndexList& indexes) const
{
    if (indexes.isEmpty() || indexes.first().row() == 0)
        return nullptr;
    auto* data = new QMimeData;
    data->setData(kRowMime, QByteArray::number(layerIndex(indexes.first().row())));
    return data;
}

bool LayerStackModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int,
                                      const QModelIndex&) const
{
    return data && data->hasFormat(kRowMime);
}

bool LayerStackModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int,
                                   const QModelIndex& parent)
{
    if (!data || !data->hasFormat(kRowMime) || action == Qt::IgnoreAction)
        return false;
    const int from = data->data(kRowMime).toInt();
    int targetRow = row >= 0 ? row : parent.isValid() ? parent.row() : rowCount();
    // Dropping at row r means "before row r"; convert to the destination layer index after removal.
    int to = layerIndex(targetRow);
    if (to > from)
        --to;
    to = qBound(0, to, m_document->layerCount() - 1);
    moveLayer(from, to);
    return false; // the document moves the row; the view must not remove anything itself
}

bool LayerStackModel::validLayer(int layer) const
{
    return layer >= 0 && layer < m_document->layerCount();
}

bool LayerStackModel::insertNewLayer(int index, const std::string& className)
{
    const LayerFactory* factory = findLayerFactory(className);
    if (!factory || index < 0 || index > m_document->layerCount())
        return false;
    const std::unique_ptr<Layer> layer = factory->makeDefault(m_document->uniqueLayerName(factory->nameStem));
    m_document->undoStack()->push(new InsertLayerCommand(m_document, index, layerToJson(*layer)));
    return true;
}

bool LayerStackModel::duplicateLayer(int layer)
{
    if (!validLayer(layer))
        return false;
    nlohmann::json object = m_document->layerJson(layer);
    const std::string name = m_document->layer(layer).name();
    object["config"]["name"] = m_document->uniqueLayerName(name + "_copy");
    auto* command = new InsertLayerCommand(m_document, layer + 1, object, m_document->isBypassed(layer));
    command->setText(tr("Duplicate %1").arg(QString::fromStdString(name)));
    m_document->undoStack()->push(command);
    return true;
}

bool LayerStackModel::removeLayer(int layer)
{
    if (!validLayer(layer))
        return false;
    m_document->undoStack()->push(new RemoveLayerCommand(m_document, layer));
    return true;
}

bool LayerStackModel::moveLayer(int fromLayer, int toLayer)
{
    if (!validLayer(fromLayer) || !validLayer(toLayer) || fromLayer == toLayer)
        return false;
    m_document->undoStack()->push(new MoveLayerCommand(m_document, fromLayer, toLayer));
    return true;
}

bool LayerStackModel::setBypassed(int layer, bool bypassed)
{
    if (!validLayer(layer) || m_document->isBypassed(layer) == bypassed)
        return false;
    m_document->undoStack()->push(new BypassLayerCommand(m_document, layer, bypassed));
    return true;
}

bool LayerStackModel::renameLayer(int layer, const QString& name)
{
    const std::string trimmed = name.trimmed().toStdString();
    if (!validLayer(layer) || trimmed.empty() || trimmed == m_document->layer(layer).name())
        return false;
    const nlohmann::json old = m_document->layerJson(layer);
    nlohmann::json renamed = old;
    renamed["config"]["name"] = trimmed;
    m_document->undoStack()->push(
        new ChangeLayerCommand(m_document, layer, old, renamed, tr("Rename to %1").arg(name.trimmed())));
    return true;
}

} // namespace layerscope::gui
