#!/usr/bin/env bash
# Builds the Debian package and checks it (README "Install"). Not run by CI: it rebuilds the app
# and lintian is slow; run it by hand before a release.
#
#   bash scripts/package.sh [BUILD_DIR]      # default: build
#
# 1. configures BUILD_DIR with the install prefix /usr (the .deb's: the executable's RUNPATH to
#    Graphviz's plugin is then relative, as Debian requires) and builds the executable;
# 2. `cpack -G DEB` → BUILD_DIR/layerscope_<version>_<arch>.deb, dependencies from dpkg-shlibdeps;
# 3. lintian: any error fails, warnings are printed;
# 4. unpacks it into a temporary root (dpkg -x), validates the .desktop entry and the AppStream
#    metainfo there, and runs `layerscope --version`, the headless demo and `inspect` on a legacy
#    .h5 model (read by the packaged HDF5 reader process) from that root.
# Needs: desktop-file-utils appstream lintian (apt-get install -y ...).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
for tool in cpack lintian desktop-file-validate appstreamcli dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install -y desktop-file-utils appstream lintian dpkg-dev)" >&2; exit 1; }
done

echo "[package] building in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build" --target layerscope layerscope_packaging_files

echo "[package] cpack -G DEB"
rm -f "$build"/layerscope_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/layerscope_*.deb)
echo "[package] $deb"
dpkg-deb --field "$deb" Package Version Architecture Depends

echo "[package] lintian (errors fail, warnings are shown)"
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
echo "${lintian_out:-(no tags)}"
if grep -q '^E:' <<<"$lintian_out"; then
  echo "error: lintian reports errors" >&2
  exit 1
fi

root=$(mktemp -d)
demo=$(mktemp -d)
trap 'rm -rf "$root" "$demo"' EXIT
dpkg -x "$deb" "$root"
echo "[package] validators"
desktop-file-validate "$root"/usr/share/applications/*.desktop
appstreamcli validate --no-net "$root"/usr/share/metainfo/*.metainfo.xml

echo "[package] running from the unpacked root $root"
# The executable finds Graphviz's plugin through RUNPATH $ORIGIN/../lib/<triplet>/graphviz, i.e. in
# /usr when installed; in the unpacked root that folder belongs to libgvc6, so link it in.
gvdir=$(dirname "$(readlink -f "$(ldconfig -p | awk '/libgvc\.so\.6 /{print $NF; exit}')")")/graphviz
mkdir -p "$root${gvdir%/graphviz}"
ln -s "$gvdir" "$root$gvdir"
"$root/usr/bin/layerscope" --version
# No display: the app renders the default pipeline on the bundled sample (README "The two commands").
(cd "$demo" && env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/layerscope")
test -s "$demo/layerscope-demo/shapes.txt"
# A legacy .h5 model is read by the reader process in <prefix>/libexec/layerscope.
test -x "$root/usr/libexec/layerscope/layerscope-hdf5-reader"
h5="${LAYERSCOPE_SHARED_DIR:-../shared}/real_models/07_tfk2.8_st_mnist_depthwise.h5"
if [ -f "$h5" ]; then
  "$root/usr/bin/layerscope" inspect --model "$h5" | head -n 3
else
  echo "[package] note: $h5 not found; the .h5 check was not run"
fi
echo "[package] ok: $deb"
