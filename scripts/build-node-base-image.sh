#!/bin/sh
# Assembles a minimal Node base image from this machine's own node and npm, for hosts that cannot pull images.
# The result stands in for the official node image: `docker build --build-arg NODE_IMAGE=shghar-node-base:local .`
# Usage: scripts/build-node-base-image.sh [tag]
set -eu

tag="${1:-shghar-node-base:local}"
node_bin="$(command -v node)" || { echo "build-node-base-image: node not found" >&2; exit 1; }
npm_cli="$(readlink -f "$(command -v npm)")" || { echo "build-node-base-image: npm not found" >&2; exit 1; }
# npm-cli.js lives in <npm package>/bin/
npm_dir="$(dirname "$(dirname "$npm_cli")")"

# Rebuilding gives a new image id, which would invalidate every layer built on it (and re-run npm ci): keep the
# existing image when it was made from the same node and npm. SHGHAR_REBUILD_BASE=1 forces a rebuild.
stamp="node $("$node_bin" --version) npm $("$node_bin" "$npm_cli" --version)"
if [ "${SHGHAR_REBUILD_BASE:-0}" != 1 ] &&
  [ "$(docker image inspect "$tag" --format '{{index .Config.Labels "io.shghar.base"}}' 2>/dev/null || true)" = "$stamp" ]; then
  echo "$tag"
  exit 0
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT INT TERM

# The few tools a Dockerfile RUN line and npm's lifecycle scripts need.
tools="sh env mkdir chown chmod cat ls rm cp ln"

copy_with_libs() {
  bin="$1"; dest="$2"
  mkdir -p "$root$(dirname "$dest")"
  cp -L "$bin" "$root$dest"
  # ldd prints `lib => /path (addr)` and `/path/ld-linux.so (addr)`; copy every absolute path it names.
  ldd "$bin" 2>/dev/null | tr -s '[:blank:]' '\n' | grep '^/' | while read -r lib; do
    [ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
  done
}

copy_with_libs "$node_bin" /usr/local/bin/node
for t in $tools; do
  p="$(command -v "$t")"
  copy_with_libs "$p" "/bin/$t"
  mkdir -p "$root/usr/bin"
  [ -e "$root/usr/bin/$t" ] || ln -s "/bin/$t" "$root/usr/bin/$t"
done

mkdir -p "$root/usr/local/lib/node_modules"
cp -R "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

mkdir -p "$root/etc/ssl/certs" "$root/root" "$root/tmp" "$root/var/tmp"
chmod 1777 "$root/tmp" "$root/var/tmp"
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

# Trust what this host trusts (a TLS-inspecting proxy's CA included), so npm inside the build reaches the registry
# exactly as it does here.
ca_env=""
if [ -f "$root/etc/ssl/certs/ca-certificates.crt" ]; then
  ca_env="NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt"
fi

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  ${ca_env:+--change "ENV $ca_env"} \
  --change 'CMD ["node"]' \
  --change "LABEL io.shghar.base=\"$stamp\"" \
  - "$tag" >/dev/null
echo "$tag"
