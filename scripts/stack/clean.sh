#!/usr/bin/env bash
# Remove what the stack scripts and tests created: containers and images labeled
# checkpoint-lens.stack=test in both stacks, and the cgroup2 directories of the trixie stack.
#
#   scripts/stack/clean.sh           keep the trixie root and its mounts; setup.sh rebuilds the images
#   scripts/stack/clean.sh --cache   also tear down the mounts and delete the whole cache folder
#
# Cgroup2 directories: the leaf the trixie prefix enters, and the libpod_parent/libpod-<id>
# directories that CRIU creates at each restore (crun and runc pass the container's cgroup path,
# which CRIU applies to the cgroup2 hierarchy as well). Only empty ones of containers that no
# longer exist are removed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
source "$repo_root/scripts/stack/lib.sh"

delete_cache=0
case "${1:-}" in
  '') ;;
  --cache) delete_cache=1 ;;
  *) die "unknown argument $1 (expected nothing or --cache)" ;;
esac
require_root

# Remove the labeled containers and images of one stack. The remaining arguments are the command
# prefix that runs podman (none for the host's own).
clean_stack() {
  local stack="$1" ids
  shift
  ids=$("$@" podman ps -a -q --filter "label=$stack_label")
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id a word
    "$@" podman rm -f -t 0 $ids >/dev/null
  fi
  log "$stack: removed $(printf '%s' "$ids" | grep -c . || true) containers"
  ids=$("$@" podman images -q --filter "label=$stack_label" | sort -u)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    "$@" podman rmi -f $ids >/dev/null
  fi
  log "$stack: removed $(printf '%s' "$ids" | grep -c . || true) images"
}

trixie_ids=""
if ns_is_pinned; then
  clean_stack trixie in_trixie
  trixie_ids=$(in_trixie podman ps -a -q --no-trunc)
  rm -f "$trixie_root/var/lib/checkpoint-lens-stack/images.stamp"
fi
if command -v podman >/dev/null; then
  clean_stack bookworm
  rm -f "$stack_cache/bookworm-images.stamp"
fi

cgroup2=$(cgroup2_mount)
if [ -n "$cgroup2" ]; then
  removed=0
  for directory in "$cgroup2"/libpod_parent/libpod-*/; do
    [ -d "$directory" ] || continue
    id=${directory%/}
    id=${id##*/libpod-}
    # rmdir fails on a cgroup that still has processes or children, which is what we want.
    if ! grep -qx "$id" <<<"$trixie_ids" && rmdir "$directory" 2>/dev/null; then
      removed=$((removed + 1))
    fi
  done
  rmdir "$cgroup2/libpod_parent" 2>/dev/null || true
  rmdir "$cgroup2/$cgroup_leaf_name" 2>/dev/null || true
  log "cgroup2: removed $removed libpod-<id> directories under $cgroup2/libpod_parent"
fi

if [ "$delete_cache" = 1 ]; then
  "$repo_root/scripts/stack/teardown.sh"
  [ -z "$(mounts_under "$stack_cache")" ] || die "mounts remain under $stack_cache; not deleting it"
  rm -rf "$stack_cache"
  log "deleted $stack_cache"
fi
