#pragma once
// Help ▸ Keyboard Shortcuts (a table built from the window's menus, so it lists exactly what is
// bound: nothing to keep in step by hand) and Help ▸ Getting Started (a short first-steps page).
// Both are non-modal windows owned by `window`, deleted on close.

class QDialog;
class QMainWindow;

namespace layerscope::gui {

QDialog* showShortcutsDialog(QMainWindow* window);
QDialog* showGettingStarted(QMainWindow* window);

} // namespace layerscope::gui
