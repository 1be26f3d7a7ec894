#pragma once
// The folder each kind of file dialog opened last ("input", "pipeline", "export", ...), kept in
// QSettings under dirs/<kind>; without settings (tests, bench-ui) always the home folder.

#include <QString>

namespace layerscope::gui {

class RememberedFolders {
public:
    explicit RememberedFolders(bool useSettings) : m_useSettings(useSettings) {}
    QString folder(const QString& kind) const;
    // Remembers `folder` (a folder, not a file) for `kind`.
    void remember(const QString& kind, const QString& folder) const;

private:
    bool m_useSettings;
};

} // namespace layerscope::gui
