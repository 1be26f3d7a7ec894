#include "help_dialogs.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace layerscope::gui {

namespace {

QString plainText(QString text)
{
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text.remove(QStringLiteral("…"));
    return text.trimmed();
}

// One row per action with a shortcut, under its menu (submenus nested).
void addMenu(QTreeWidgetItem* parent, const QMenu* menu)
{
    for (QAction* action : menu->actions()) {
        if (action->menu()) {
            auto* sub = new QTreeWidgetItem({plainText(action->menu()->title())});
            addMenu(sub, action->menu());
            if (sub->childCount() > 0)
                parent->addChild(sub);
            else
                delete sub;
            continue;
        }
        QStringList keys;
        for (const QKeySequence& s : action->shortcuts())
            keys << s.toString(QKeySequence::NativeText);
        if (keys.isEmpty() || action->isSeparator())
            continue;
        parent->addChild(new QTreeWidgetItem({plainText(action->text()), keys.join(QStringLiteral("  or  "))}));
    }
}

QDialog* makeDialog(QMainWindow* window, const QString& title, const QString& objectName)
{
    auto* dialog = new QDialog(window);
    dialog->setObjectName(objectName);
    dialog->setWindowTitle(title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    return dialog;
}

} // namespace

QDialog* showShortcutsDialog(QMainWindow* window)
{
    QDialog* dialog = makeDialog(window, QDialog::tr("Keyboard Shortcuts"), QStringLiteral("shortcutsDialog"));
    auto* layout = new QVBoxLayout(dialog);
    auto* tree = new QTreeWidget(dialog);
    tree->setObjectName(QStringLiteral("shortcutsTree"));
    tree->setHeaderLabels({QDialog::tr("Action"), QDialog::tr("Shortcut")});
    tree->setRootIsDecorated(false);
    for (QAction* action : window->menuBar()->actions()) {
        if (!action->menu())
            continue;
        auto* top = new QTreeWidgetItem({plainText(action->menu()->title())});
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        addMenu(top, action->menu());
        if (top->childCount() > 0)
            tree->addTopLevelItem(top);
        else
            delete top;
    }
    tree->expandAll();
    tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    layout->addWidget(tree);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(520, 560);
    dialog->show();
    return dialog;
}

QDialog* showGettingStarted(QMainWindow* window)
{
    QDialog* dialog = makeDialog(window, QDialog::tr("Getting Started"), QStringLiteral("gettingStartedDialog"));
    auto* layout = new QVBoxLayout(dialog);
    auto* text = new QTextBrowser(dialog);
    text->setOpenExternalLinks(false);
    text->setHtml(QDialog::tr(
        "<h2>Getting started with LayerScope</h2>"
        "<p>LayerScope stacks Keras image layers on a picture and shows what each one does: every "
        "channel, every shape and every number, updated as you edit.</p>"
        "<ol>"
        "<li><b>Open an input</b> (File ▸ Open Image or .npy, Ctrl+O, or drop a file on the window). "
        "Images load as Keras's <code>img_to_array</code> does: values 0…255. The Input tab switches "
        "to a synthetic tensor (1, 2, 3, … is handy for checking arithmetic) or to 0…1.</li>"
        "<li><b>Build the pipeline</b> in the Layers list: Add layer (Insert), then edit its Keras "
        "arguments under Properties. A value Keras would reject shows its message there; the "
        "layer stays in the list, marked.</li>"
        "<li><b>Look</b>: the centre shows the selected layer's feature maps (wheel: zoom, drag: "
        "pan, click a tile: that channel large, Esc: back). The Numbers tab lists the values; "
        "Statistics, Shape chain and Shape math explain sizes and ranges.</li>"
        "<li><b>Inspect a value</b>: click a cell in the feature maps or the Numbers tab; the "
        "Inspector dock shows its computation with the real numbers and the input window it "
        "comes from.</li>"
        "<li><b>Keep it</b>: File ▸ Save Pipeline writes a Keras <code>model.to_json()</code> file "
        "with the input beside it; Edit ▸ Copy as Keras Code gives the same model in Python.</li>"
        "</ol>"
        "<p>Every edit can be undone (Ctrl+Z, redo Ctrl+Shift+Z or Ctrl+Y). Long computations show "
        "progress and stop with Esc; a layer that would need more memory than Run ▸ Memory Budget "
        "allows stops with an error naming its size. Help ▸ Keyboard Shortcuts lists every key.</p>"));
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(560, 520);
    dialog->show();
    return dialog;
}

} // namespace layerscope::gui
