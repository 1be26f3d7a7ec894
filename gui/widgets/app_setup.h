#pragma once
// Application-wide set-up shared by the app and the GUI tests: organisation/application names
// (QSettings, AppDataLocation), the compiled-in resources of the static library, the icon.

namespace layerscope::gui {

void setUpApplication();

} // namespace layerscope::gui
