# `cmake --install`: the executable and what a Linux desktop needs to show and open it — the
# .desktop entry, the hicolor icons, AppStream metainfo, MIME types, the man page — plus the sample
# image that the app and `layerscope demo` open by default (bundledSampleImage looks in
# <prefix>/share/layerscope/images). The files themselves are in resources/packaging/.
include(GNUInstallDirs)
set(_packaging "${PROJECT_SOURCE_DIR}/resources/packaging")
set(_app_id io.github.layerscope.LayerScope)

# Graphviz's dot layout plugin is linked directly (core/CMakeLists.txt) and lives outside the
# loader's search path, in <libdir>/graphviz: the installed executable keeps a RUNPATH to it (the
# build tree's other entries are dropped). Relative to the executable ($ORIGIN) when installed
# into the prefix Graphviz is in (/usr: the .deb, where Debian forbids absolute search paths),
# else absolute.
get_filename_component(_gv_plugin_dir "${LAYERSCOPE_GV_DOT_LAYOUT}" DIRECTORY)
get_filename_component(_prefix "${CMAKE_INSTALL_PREFIX}" ABSOLUTE)
string(FIND "${_gv_plugin_dir}/" "${_prefix}/" _at)
if(_at EQUAL 0)
  file(RELATIVE_PATH _gv_relative "${_prefix}/${CMAKE_INSTALL_BINDIR}" "${_gv_plugin_dir}")
  set_property(TARGET layerscope PROPERTY INSTALL_RPATH "$ORIGIN/${_gv_relative}")
else()
  set_property(TARGET layerscope PROPERTY INSTALL_RPATH "${_gv_plugin_dir}")
endif()
install(TARGETS layerscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The HDF5 reader process (core/io/reader_process.h), looked for in ../libexec/layerscope from the
# executable; it links the same engine, so it gets the same kind of search path to Graphviz.
if(_at EQUAL 0)
  file(RELATIVE_PATH _gv_relative "${_prefix}/${CMAKE_INSTALL_LIBEXECDIR}/layerscope" "${_gv_plugin_dir}")
  set_property(TARGET layerscope-hdf5-reader PROPERTY INSTALL_RPATH "$ORIGIN/${_gv_relative}")
else()
  set_property(TARGET layerscope-hdf5-reader PROPERTY INSTALL_RPATH "${_gv_plugin_dir}")
endif()
install(TARGETS layerscope-hdf5-reader RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/layerscope)
install(FILES "${PROJECT_SOURCE_DIR}/images/chelsea.png" DESTINATION ${CMAKE_INSTALL_DATADIR}/layerscope/images)

# Debian policy wants man pages and changelogs gzipped (-n: no time stamp, so the package is
# reproducible); without gzip the man page goes uncompressed and the changelog is left out.
find_program(GZIP_EXECUTABLE gzip)
if(GZIP_EXECUTABLE)
  set(_gzipped)
  foreach(pair "layerscope.1|${CMAKE_INSTALL_MANDIR}/man1" "changelog|${CMAKE_INSTALL_DATADIR}/doc/layerscope")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 destination)
    set(gz "${PROJECT_BINARY_DIR}/packaging/${name}.gz")
    add_custom_command(OUTPUT "${gz}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${PROJECT_BINARY_DIR}/packaging"
      COMMAND ${GZIP_EXECUTABLE} -9nc "${_packaging}/${name}" > "${gz}"
      DEPENDS "${_packaging}/${name}" VERBATIM)
    list(APPEND _gzipped "${gz}")
    install(FILES "${gz}" DESTINATION ${destination})
  endforeach()
  add_custom_target(layerscope_packaging_files ALL DEPENDS ${_gzipped})
else()
  install(FILES "${_packaging}/layerscope.1" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# The Debian copyright file and changelog lintian requires (harmless in a plain `cmake --install`).
install(FILES "${_packaging}/copyright" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/layerscope)

if(LAYERSCOPE_BUILD_GUI)
  install(FILES "${_packaging}/${_app_id}.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES "${_packaging}/${_app_id}.metainfo.xml" DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES "${_packaging}/layerscope-mime.xml" DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages
          RENAME layerscope.xml)
  # The app's own icon (resources/icons, also in the Qt resources) as the scalable one; the PNGs
  # were rendered from it once with rsvg-convert (resources/packaging/icons).
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/layerscope.svg"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps RENAME ${_app_id}.svg)
  foreach(size 48 128 256)
    install(FILES "${_packaging}/icons/layerscope-${size}.png"
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME ${_app_id}.png)
  endforeach()
endif()
