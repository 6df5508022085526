#!/usr/bin/env bash
# Set up the real runtime stacks the stack tests (test/stack/) run against, then smoke-test them.
#
#   scripts/stack/setup.sh        (as root; idempotent, a re-run with everything in place takes seconds)
#
# trixie stack: podman 5, crun (+CRIU +WASM:wasmedge), runc and CRIU 4 from Debian trixie, in a
#   debootstrap'ed root under the cache folder, used through a pinned private mount namespace whose
#   root is that folder. CRIU refuses a plain chroot ("The root task has another root than mntns").
# bookworm stack: the host's own podman 4.3, crun 1.8 (no +CRIU), runc 1.1 and CRIU 3.17. They
#   give real failures: crun cannot checkpoint, and CRIU 3.17 fails on kernels with [vvar_vclock].
#
# Writes $CHECKPOINT_LENS_STACK_CACHE/stack.env (default /var/cache/checkpoint-lens/stack) with the
# command prefix of each stack and the image names. Undo with scripts/stack/teardown.sh (mounts)
# and scripts/stack/clean.sh (containers, images, cgroup). Set CHECKPOINT_LENS_DEBIAN_MIRROR to
# use another mirror than the one in this machine's apt sources.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
source "$repo_root/scripts/stack/lib.sh"

images_dir="$repo_root/test/stack/images"
host_packages=(debootstrap podman crun runc criu gcc libc6-dev)
# crun needs libcriu2 to checkpoint, CRIU needs iptables and iproute2 for the network namespace.
trixie_packages=(podman crun criu runc busybox-static libcriu2 iptables iproute2)
# Installed by apt after debootstrap: libwasmedge0 0.14.1 depends on libspdlog1.15-fmt10, a virtual
# package that libspdlog1.15 provides, and debootstrap 1.0.128 does not resolve virtual packages.
trixie_apt_packages=(libwasmedge0 wabt)

setup_started=$SECONDS
step_started=$SECONDS
timing() {
  log "$1: $((SECONDS - step_started)) s"
  step_started=$SECONDS
}

# Print the URI of the Debian archive that the host's apt sources use for its own release.
debian_mirror() {
  local codename
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  {
    # deb822 stanzas: the first one whose Suites field lists the host's codename.
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true
  } | awk -v codename="$codename" '
      /^[[:space:]]*$/ { if (suites ~ " " codename " " && uri != "") { print uri; exit } uri = ""; suites = "" }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { suites = " " substr($0, 8) " " }
      END { if (suites ~ " " codename " " && uri != "") print uri }' | head -n 1
  # one-line format: "deb [options] URI codename components".
  {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true
  } | awk -v codename="$codename" '
    $1 == "deb" { sub(/^deb +(\[[^]]*\] +)?/, ""); split($0, field, " "); if (field[2] == codename) print field[1] }' | head -n 1
}

install_host_packages() {
  local missing=() package
  for package in "${host_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
  timing "host packages (bookworm stack, debootstrap, gcc)"
}

# Create the trixie root with debootstrap unless its stamp records the same suite and packages.
create_trixie_root() {
  local stamp="$trixie_root/.checkpoint-lens-stamp" want mirror
  want=$(printf '%s\n' trixie "${trixie_packages[@]}" -- "${trixie_apt_packages[@]}" | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    timing "trixie root (cached)"
    return
  fi

  # An older or partial root: undo its mounts before deleting it, because while mounted its dev
  # and sys are the host's own.
  "$repo_root/scripts/stack/teardown.sh"
  [ -z "$(mounts_under "$trixie_root")" ] || die "mounts remain under $trixie_root; not deleting it"
  rm -rf "$trixie_root" "$trixie_root.new"

  mirror=${CHECKPOINT_LENS_DEBIAN_MIRROR:-$(debian_mirror | head -n 1)}
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources*; set CHECKPOINT_LENS_DEBIAN_MIRROR"
  log "debootstrap trixie from $mirror (log: $stack_cache/debootstrap.log)"
  mkdir -p "$stack_cache"
  local include
  include=$(IFS=,; echo "${trixie_packages[*]}")
  if ! debootstrap --variant=minbase --include="$include" trixie "$trixie_root.new" "$mirror" \
    >"$stack_cache/debootstrap.log" 2>&1; then
    tail -n 20 "$stack_cache/debootstrap.log" >&2
    die "debootstrap failed (full log: $stack_cache/debootstrap.log)"
  fi
  if ! { chroot "$trixie_root.new" apt-get update -q && DEBIAN_FRONTEND=noninteractive chroot "$trixie_root.new" \
    apt-get install -y -q --no-install-recommends "${trixie_apt_packages[@]}" && chroot "$trixie_root.new" apt-get clean; } \
    >>"$stack_cache/debootstrap.log" 2>&1; then
    tail -n 20 "$stack_cache/debootstrap.log" >&2
    die "apt-get install ${trixie_apt_packages[*]} in the trixie root failed (full log: $stack_cache/debootstrap.log)"
  fi
  mv "$trixie_root.new" "$trixie_root"
  echo "$want" >"$stamp"
  timing "debootstrap trixie ($(du -sxh "$trixie_root" | cut -f1))"
}

# Mount what podman and CRIU need under the root, then pin a mount namespace whose root is it.
pin_trixie_namespace() {
  if ns_is_pinned && nsenter --mount="$ns_file" -- /usr/bin/test -x /usr/bin/podman; then
    timing "trixie namespace (already pinned)"
    return
  fi

  # The root is made a private mount so that the mounts below it propagate nowhere.
  mountpoint -q "$trixie_root" || { mount --bind "$trixie_root" "$trixie_root" && mount --make-private "$trixie_root"; }
  mountpoint -q "$trixie_root/proc" || mount -t proc proc "$trixie_root/proc"
  mountpoint -q "$trixie_root/sys" || { mount --rbind /sys "$trixie_root/sys" && mount --make-rslave "$trixie_root/sys"; }
  mountpoint -q "$trixie_root/dev" || { mount --rbind /dev "$trixie_root/dev" && mount --make-rslave "$trixie_root/dev"; }
  mountpoint -q "$trixie_root/run" || mount -t tmpfs -o mode=755 tmpfs "$trixie_root/run"
  mountpoint -q "$trixie_root/tmp" || mount -t tmpfs -o mode=1777 tmpfs "$trixie_root/tmp"

  # A namespace file can only be pinned on a private mount.
  mkdir -p "$ns_dir"
  mountpoint -q "$ns_dir" || { mount --bind "$ns_dir" "$ns_dir" && mount --make-private "$ns_dir"; }
  ns_is_pinned && umount "$ns_file"
  touch "$ns_file"

  # Inside the namespace only: crun 1.21 rejects a cgroup v1 hybrid host whose cgroup2 mount has
  # controllers ("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"), so
  # that cgroup2 mount goes. cgroupfs files report size 0, so the test reads the content.
  unshare --mount="$ns_file" --propagation private /bin/sh -c '
    set -e
    cd "$1"
    mkdir -p .oldroot
    pivot_root . .oldroot
    umount -l /.oldroot
    rmdir /.oldroot
    if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
      umount /sys/fs/cgroup/unified
    fi' pin-trixie-namespace "$trixie_root"
  timing "trixie mounts and namespace"
}

# Create the cgroup2 leaf the trixie prefix enters and set trixie_prefix to the command prefix.
#
# podman, conmon and so the containers must not start in the cgroup2 root. At a restore, CRIU
# recreates the cgroup2 subtree of the dumped task, and under the root that is every cgroup2
# directory on the host. It doubles with each restored container: tens of thousands of
# directories and restore logs of tens of MB. crun and runc do not move a container in the
# cgroup2 hierarchy hidden from them, so it starts in the cgroup2 of the podman that ran it. A
# restored container ends up in libpod_parent/libpod-<id>, which CRIU creates.
# NOTE: run only on cgroup v1 hybrid hosts so far; on a cgroup v2 host the leaf is made under
# /sys/fs/cgroup and podman's own cgroups have not been checked.
set_trixie_prefix() {
  local cgroup2 leaf
  trixie_prefix=()
  cgroup2=$(cgroup2_mount)
  if [ -n "$cgroup2" ]; then
    leaf="$cgroup2/$cgroup_leaf_name"
    mkdir -p "$leaf"
    # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell.
    trixie_prefix=(sh -c "echo \$\$ > $leaf/cgroup.procs && exec \"\$@\"" enter-cgroup-leaf)
  fi
  trixie_prefix+=(nsenter "--mount=$ns_file" -- "${trixie_env[@]}")
}

# Print the arguments as a JSON array of strings.
json_array() {
  local argument escaped=()
  for argument in "$@"; do
    argument=${argument//\\/\\\\}
    escaped+=("\"${argument//\"/\\\"}\"")
  done
  printf '[%s]\n' "$(IFS=,; echo "${escaped[*]}")"
}

# Build the test images in the trixie stack unless its stamp records the same sources.
build_trixie_images() {
  local build_dir="$trixie_root/var/lib/checkpoint-lens-stack"
  local stamp="$build_dir/images.stamp" want busybox_binary
  busybox_binary="$trixie_root/usr/bin/busybox"
  want=$( (cd "$images_dir" && find . -type f | sort | xargs sha256sum; sha256sum "$busybox_binary" | cut -d' ' -f1) | sha256sum | cut -d' ' -f1)
  local images=(busybox wasm-tick probes) image all_present=1
  for image in "${images[@]}"; do
    in_trixie podman image exists "$image_prefix/$image" || all_present=0
  done
  if [ "$all_present" = 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    timing "trixie images (cached)"
    return
  fi

  rm -rf "$build_dir/build"
  mkdir -p "$build_dir/build"
  cp -r "$images_dir/." "$build_dir/build/"
  cp "$busybox_binary" "$build_dir/build/busybox/busybox"
  in_trixie wat2wasm /var/lib/checkpoint-lens-stack/build/wasm-tick/tick.wat -o /var/lib/checkpoint-lens-stack/build/wasm-tick/tick.wasm
  local program
  for program in holdfd flock tcp-loop; do
    gcc -static -O2 -Wall -Wextra -Werror -o "$build_dir/build/probes/$program" "$build_dir/build/probes/$program.c"
  done
  for image in "${images[@]}"; do
    in_trixie podman build -q --network none -t "$image_prefix/$image" "/var/lib/checkpoint-lens-stack/build/$image" >/dev/null
  done
  echo "$want" >"$stamp"
  timing "trixie images"
}

# Build the busybox image in the host's podman 4, unless present. runc builds it here: crun 1.8
# rejects the cgroup v1 hybrid host.
build_bookworm_images() {
  local image="$image_prefix/busybox" stamp="$stack_cache/bookworm-images.stamp" want
  want=$(cat "$images_dir/busybox/Containerfile" "$trixie_root/usr/bin/busybox" | sha256sum | cut -d' ' -f1)
  if podman image exists "$image" && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    timing "bookworm image (cached)"
    return
  fi
  local context
  context=$(mktemp -d)
  cp "$images_dir/busybox/Containerfile" "$trixie_root/usr/bin/busybox" "$context/"
  podman --runtime runc build -q --network none -t "$image" "$context" >/dev/null
  rm -rf "$context"
  echo "$want" >"$stamp"
  timing "bookworm image"
}

write_env_file() {
  local prefix versions
  prefix=$(json_array "${trixie_prefix[@]}")
  case "$prefix" in *"'"*) die "the trixie prefix contains a single quote: $prefix" ;; esac
  versions="podman $(in_trixie podman version -f '{{.Client.Version}}'), $(in_trixie crun --version | head -n 1), $(in_trixie runc --version | head -n 1), criu $(in_trixie criu --version | sed -n 's/^Version: //p')"
  cat >"$env_file.new" <<EOF
# Written by scripts/stack/setup.sh; read by test/stack/harness.ts. Sourceable by bash.
STACK_CACHE='$stack_cache'
STACK_LABEL='$stack_label'
TRIXIE_ROOT='$trixie_root'
TRIXIE_NSFILE='$ns_file'
TRIXIE_PREFIX_JSON='$prefix'
TRIXIE_CGROUP2='$(cgroup2_mount)'
TRIXIE_VERSIONS='$versions'
BOOKWORM_PREFIX_JSON='[]'
BOOKWORM_VERSIONS='podman $(podman version -f '{{.Client.Version}}'), $(crun --version | head -n 1), $(runc --version | head -n 1), criu $(criu --version | sed -n 's/^Version: //p')'
IMAGE_BUSYBOX='$image_prefix/busybox'
IMAGE_WASM_TICK='$image_prefix/wasm-tick'
IMAGE_PROBES='$image_prefix/probes'
EOF
  mv "$env_file.new" "$env_file"
  log "wrote $env_file: trixie $versions"
}

# Checkpoint and restore a busybox container under crun and under runc, then remove it.
smoke_test() {
  local prefix=("${trixie_prefix[@]}") runtime name log_size cgroup id cgroup2
  cgroup2=$(cgroup2_mount)
  for runtime in crun runc; do
    name="clens-smoke-$runtime"
    "${prefix[@]}" podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
    "${prefix[@]}" podman run -d -q --pull=never --network none --runtime "$runtime" --label "$stack_label" \
      --name "$name" "$image_prefix/busybox" >/dev/null
    cgroup=$(grep '^0::' "/proc/$("${prefix[@]}" podman inspect -f '{{.State.Pid}}' "$name")/cgroup" || true)
    "${prefix[@]}" podman container checkpoint --keep "$name" >/dev/null
    "${prefix[@]}" podman container restore --keep "$name" >/dev/null
    log_size=$(in_trixie stat -c %s "$("${prefix[@]}" podman inspect -f '{{.StaticDir}}' "$name")/restore.log")
    id=$("${prefix[@]}" podman inspect -f '{{.Id}}' "$name")
    "${prefix[@]}" podman rm -f -t 0 "$name" >/dev/null
    # CRIU created this cgroup2 directory at the restore; nothing removes it otherwise.
    [ -z "$cgroup2" ] || rmdir "$cgroup2/libpod_parent/libpod-$id" 2>/dev/null || true
    log "smoke $runtime: checkpoint and restore passed (cgroup2 ${cgroup:-none}, restore.log $log_size bytes)"
    # A restore log of several MB means CRIU copied a cgroup2 tree: the container was not in a leaf.
    [ "$log_size" -lt 1000000 ] || die "smoke $runtime: restore.log has $log_size bytes; is the container in the cgroup2 leaf?"
  done
  timing "smoke test"
}

require_root
mkdir -p "$stack_cache"
install_host_packages
create_trixie_root
pin_trixie_namespace
build_trixie_images
build_bookworm_images
set_trixie_prefix
write_env_file
smoke_test
log "setup done in $((SECONDS - setup_started)) s; env file: $env_file"
