#!/usr/bin/env bash
# Re-vendor the front-end libraries into static/vendor/ from the npm registry, at the pinned versions below.
#
# The portal loads nothing from a CDN (business halls and intranets are often offline), so these files are
# committed. Run this only to change a version: change it here, run the script, update static/vendor/README.md,
# point the templates at the new folder, and delete the old one. Needs node's `npm` and `tar`; never runs as
# part of install or tests.
set -euo pipefail

BOOTSTRAP_VERSION=5.3.9
CHARTJS_VERSION=4.6.1
HTMX_VERSION=2.0.11

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION: unpack the registry tarball of NAME@VERSION into $work/NAME and echo that folder.
fetch() {
    local name="$1" version="$2" tarball
    tarball="$(cd "$work" && npm pack --silent "$name@$version" | tail -n 1)"
    mkdir -p "$work/$name"
    tar -xzf "$work/$tarball" -C "$work/$name" --strip-components=1
    echo "$work/$name"
}

# copy FROM TO: copy one file, creating its folder, and say what was written. The source maps are not
# vendored, so their reference comment is dropped: the manifest storage of collectstatic (WhiteNoise in
# production) would otherwise fail on the missing .map file.
copy() {
    mkdir -p "$(dirname "$2")"
    sed '/^\/[*\/]# sourceMappingURL=/d' "$1" >"$2"
    echo "wrote ${2#"$root"/} ($(wc -c <"$2") bytes)"
}

package="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
target="$vendor/bootstrap-$BOOTSTRAP_VERSION"
copy "$package/dist/css/bootstrap.min.css" "$target/css/bootstrap.min.css"
copy "$package/dist/js/bootstrap.bundle.min.js" "$target/js/bootstrap.bundle.min.js"
copy "$package/LICENSE" "$target/LICENSE"

package="$(fetch chart.js "$CHARTJS_VERSION")"
target="$vendor/chart.js-$CHARTJS_VERSION"
copy "$package/dist/chart.umd.min.js" "$target/chart.umd.min.js"
copy "$package/LICENSE.md" "$target/LICENSE.md"

package="$(fetch htmx.org "$HTMX_VERSION")"
target="$vendor/htmx.org-$HTMX_VERSION"
copy "$package/dist/htmx.min.js" "$target/htmx.min.js"
copy "$package/LICENSE" "$target/LICENSE"
