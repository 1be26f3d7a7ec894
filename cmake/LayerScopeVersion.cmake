# The version LayerScope reports (`layerscope --version`, Help ▸ About) and the exact Keras and
# TensorFlow versions its engine is checked against. The latter are read from the pins of
# scripts/keras-venv.sh, the one place they are set, so the two can never disagree.
set(_pins_file "${PROJECT_SOURCE_DIR}/scripts/keras-venv.sh")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_pins_file}")
file(STRINGS "${_pins_file}" _pins REGEX "^pins=")
string(REGEX MATCH "keras==([0-9][0-9.]*)" _ "${_pins}")
set(LAYERSCOPE_KERAS_VERSION "${CMAKE_MATCH_1}")
string(REGEX MATCH "tensorflow(-cpu)?==([0-9][0-9.]*)" _ "${_pins}")
set(LAYERSCOPE_TENSORFLOW_VERSION "${CMAKE_MATCH_2}")
if(NOT LAYERSCOPE_KERAS_VERSION OR NOT LAYERSCOPE_TENSORFLOW_VERSION)
  message(FATAL_ERROR "could not read the keras== and tensorflow-cpu== pins from ${_pins_file}")
endif()

configure_file("${PROJECT_SOURCE_DIR}/cmake/layerscope_version.h.in"
               "${PROJECT_BINARY_DIR}/generated/layerscope_version.h" @ONLY)
# Header-only target, linked PRIVATE by the CLI alone (cli.h: versionText, versionNumber) so a
# new version recompiles one file, not everything that includes cli.h.
add_library(layerscope_version INTERFACE)
target_include_directories(layerscope_version INTERFACE "${PROJECT_BINARY_DIR}/generated")
