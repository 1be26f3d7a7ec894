# CPack: `cpack -G DEB` in the build directory makes layerscope_<version>_<arch>.deb for Debian 12
# (scripts/package.sh builds it and checks it with lintian and a run from a dpkg -x root).
# Dependencies come from the shared libraries the executable links (dpkg-shlibdeps), never a hand
# list, so they follow whatever the build linked.
set(CPACK_PACKAGE_NAME layerscope)
set(CPACK_PACKAGE_VENDOR "The LayerScope developers")
set(CPACK_PACKAGE_CONTACT "LayerScope developers <layerscope@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "see what every Keras image layer does")
# Debian's long description: the extended lines of the Description field.
set(CPACK_PACKAGE_DESCRIPTION
"LayerScope runs Keras image models exactly as Keras 3 with the TensorFlow
backend does and shows every channel of every layer's output as a picture or
as numbers, with every shape and the arithmetic that produced it. It opens
Keras models (.keras, .h5), Keras JSON and its own pipeline files, and has
a command line that runs a model over a folder of images.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/layerscope/layerscope")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # layerscope_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Built with -march=x86-64-v3 (LAYERSCOPE_X86_64_V3, the default), the executable needs AVX2 + FMA:
# say so in the description (configure with -DLAYERSCOPE_X86_64_V3=OFF for older processors).
if(HAVE_MARCH_V3)
  string(APPEND CPACK_PACKAGE_DESCRIPTION "\nThis build needs an x86-64-v3 processor (AVX2, FMA).")
endif()

set(CPACK_GENERATOR DEB)
include(CPack)
