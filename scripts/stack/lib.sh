# Shared settings and helpers for scripts/stack/*.sh (sourced, not run).
#
# Cache folder: $CHECKPOINT_LENS_STACK_CACHE, default /var/cache/checkpoint-lens/stack. It contains the
# trixie root (trixie/), the pinned mount namespace (ns/mnt) and the env file the tests read
# (stack.env). The cgroup2 leaf the trixie prefix enters is named checkpoint-lens-stack.

stack_cache="${CHECKPOINT_LENS_STACK_CACHE:-/var/cache/checkpoint-lens/stack}"
trixie_root="$stack_cache/trixie"
ns_dir="$stack_cache/ns"
ns_file="$ns_dir/mnt"
env_file="$stack_cache/stack.env"
cgroup_leaf_name=checkpoint-lens-stack

# Every container and image the stack scripts and tests create carries this label, so teardown
# and clean remove only those.
stack_label=checkpoint-lens.stack=test
image_prefix=localhost/checkpoint-lens

# The environment podman gets inside the trixie namespace. podman 5 warns about cgroup v1 on
# every call without PODMAN_IGNORE_CGROUPSV1_WARNING.
trixie_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root PODMAN_IGNORE_CGROUPSV1_WARNING=1)

log() { printf '[stack %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (podman checkpoint and the mounts need it)"
}

# Print the mount points at or below $1, deepest first (findmnt escapes blanks as \x20).
mounts_under() {
  findmnt -rn -o TARGET | awk -v dir="$1" '$0 == dir || index($0, dir "/") == 1' | sort -r
}

ns_is_pinned() {
  [ "$(findmnt -n -o FSTYPE --mountpoint "$ns_file" 2>/dev/null)" = nsfs ]
}

# Run a command inside the trixie namespace without entering the cgroup2 leaf, so only for
# commands that start no container (reads, removals, builds).
in_trixie() {
  nsenter --mount="$ns_file" -- "${trixie_env[@]}" "$@"
}

# Print the host's cgroup2 mount point: /sys/fs/cgroup/unified on a cgroup v1 hybrid host,
# /sys/fs/cgroup on a cgroup v2 host, nothing when there is none.
cgroup2_mount() {
  findmnt -rn -t cgroup2 -o TARGET | head -n 1
}
