#pragma once
// Environment hooks that let a test drive the real `layerscope` process (tests/gui/test_crash_restore):
//   LAYERSCOPE_RESTORE=yes|no   answer the "restore the autosaved session?" question without a dialog
//   LAYERSCOPE_TEST_HOOK=edit   once started, add an AveragePooling2D named "hook_edit" (an undoable
//                               edit, so the autosave follows)
//   LAYERSCOPE_TEST_HOOK=close  once the first run is done, print "closing" and close the window
//                               as the user would (the process then exits normally)
//   LAYERSCOPE_TEST_HOOK=report once started, print "layers: a,b,c" and "modified: 0|1" on stdout and
//                               exit at once (no prompt, the autosave is left alone)
// Without these variables the app behaves normally.

#include "widgets/main_window.h"

namespace layerscope::gui {

RestoreAnswer restoreAnswerFromEnvironment();
void applyTestHook(MainWindow& window);

} // namespace layerscope::gui
