#!/usr/bin/env bash
# Builds the .deb with CPack and checks its files against the install layout, its conffiles and
# its maintainer scripts: what an operator installs is what the README promises.
set -euo pipefail
build=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
deb=$(ls "$out"/ponte_*.deb)
files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#; s#/$##' | grep -v '^$' | sort)
fail=0
for expected in /usr/bin/ponte /etc/ponte/ponte.yaml /usr/lib/systemd/system/ponte.service \
    /usr/lib/sysusers.d/ponte.conf /usr/lib/tmpfiles.d/ponte.conf /usr/lib/ponte/adapters \
    /usr/share/doc/ponte/README.md /usr/share/doc/ponte/LICENSE; do
  grep -qx "$expected" <<<"$files" || { echo "missing from the package: $expected"; fail=1; }
done
# Nothing outside the layout (directories leading to the files above are fine).
while IFS= read -r f; do
  case "$f" in
    /usr|/usr/bin|/usr/bin/ponte|/etc|/etc/ponte|/etc/ponte/ponte.yaml) ;;
    /usr/lib|/usr/lib/systemd|/usr/lib/systemd/system|/usr/lib/systemd/system/ponte.service) ;;
    /usr/lib/sysusers.d|/usr/lib/sysusers.d/ponte.conf|/usr/lib/tmpfiles.d|/usr/lib/tmpfiles.d/ponte.conf) ;;
    /usr/lib/ponte|/usr/lib/ponte/adapters|/usr/lib/ponte/adapters/*) ;;
    /usr/share|/usr/share/doc|/usr/share/doc/ponte|/usr/share/doc/ponte/*) ;;
    *) echo "unexpected in the package: $f"; fail=1 ;;
  esac
done <<<"$files"
ctrl=$(mktemp -d)
dpkg-deb -e "$deb" "$ctrl"
grep -qx /etc/ponte/ponte.yaml "$ctrl/conffiles" || { echo "ponte.yaml is not a conffile"; fail=1; }
for script in postinst prerm postrm; do
  [ -x "$ctrl/$script" ] || { echo "no executable $script"; fail=1; }
done
grep -q systemd-sysusers "$ctrl/postinst" || { echo "postinst does not create the user"; fail=1; }
rm -rf "$ctrl"
[ $fail = 0 ] && echo "$(basename "$deb"): layout, conffiles and maintainer scripts as expected"
exit $fail
