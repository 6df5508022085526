#!/usr/bin/env bash
# Undo the mounts of scripts/stack/setup.sh and keep the cache (the trixie root, images) for reuse.
#
#   scripts/stack/teardown.sh     (as root)
#
# First removes the containers the stack scripts and tests created (label checkpoint-lens.stack=test)
# in both stacks, so that no conmon keeps the namespace alive. Then unpins the namespace and
# unmounts everything under the trixie root, deepest first. While mounted, the root's dev and sys
# are the host's own, so the root must never be deleted before this script succeeds.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
source "$repo_root/scripts/stack/lib.sh"

require_root

remove_labeled_containers() {
  local stack="$1" ids
  shift
  ids=$("$@" podman ps -a -q --filter "label=$stack_label") || { log "$stack: podman ps failed; containers may remain"; return; }
  if [ -n "$ids" ]; then
    log "$stack: podman rm -f $(echo "$ids" | wc -l) test containers"
    # shellcheck disable=SC2086 # one id a word
    "$@" podman rm -f -t 0 $ids >/dev/null
  fi
}

if ns_is_pinned; then
  remove_labeled_containers trixie in_trixie
  umount "$ns_file"
fi
if command -v podman >/dev/null; then
  remove_labeled_containers bookworm
fi

mountpoint -q "$ns_dir" && umount "$ns_dir"
# umount -R takes the mounts below the root deepest first. The sys and dev copies are slaves,
# so unmounting them leaves the host's sysfs and devtmpfs mounted where they are.
mountpoint -q "$trixie_root" && umount -R "$trixie_root"

remaining=$(mounts_under "$stack_cache")
[ -z "$remaining" ] || die "still mounted under $stack_cache: $remaining"
log "teardown done; the cache stays in $stack_cache"
