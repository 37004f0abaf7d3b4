#!/usr/bin/env bash
# Entrypoint of the shghar runner image (runs under tini).
#
# Picks exactly one mode: JIT (ACTIONS_RUNNER_INPUT_JITCONFIG) or registration token (RUNNER_TOKEN + RUNNER_URL).
# Secrets are read into unexported shell variables and removed from the environment before any runner process
# starts; when started as root, the runner is started as RUNNER_USER so that a job cannot read this process's
# initial environment in /proc. SIGTERM is forwarded to the runner and the runner's exit code is kept.
# See README.md for every variable.
set -Eeuo pipefail

RUNNER_HOME="${RUNNER_HOME:-/home/runner/actions-runner}"
RUNNER_USER="${RUNNER_USER:-runner}"

log() { printf 'entrypoint: %s\n' "$*" >&2; }

# Usage errors exit 64 (EX_USAGE) so an operator can tell them from a runner failure.
die() {
  log "error: $1"
  exit "${2:-64}"
}

# parse_bool NAME DEFAULT: prints true or false. Only true/false/1/0 (any case) are accepted; unset or empty
# means DEFAULT. Anything else is an error, so a typo never silently switches a feature on or off.
parse_bool() {
  local name=$1 raw
  raw="${!name:-$2}"
  case "${raw,,}" in
    true | 1) echo true ;;
    false | 0) echo false ;;
    *) die "$name must be one of true, false, 1, 0 (case-insensitive), got '$raw'" ;;
  esac
}

# True when the container may run a Docker engine: CAP_SYS_ADMIN (bit 21, mounts and cgroups) and CAP_NET_ADMIN
# (bit 12, bridges and iptables) are in the bounding set. --privileged grants both; Docker's default set has
# neither. The bounding set is read (not the effective set) so the answer does not depend on this script's user.
is_privileged() {
  local key value
  while read -r key value; do
    if [[ $key == CapBnd: ]]; then
      (((16#$value >> 21) & (16#$value >> 12) & 1)) && return 0
      return 1
    fi
  done </proc/self/status
  return 1
}

# shellcheck disable=SC2317  # called from the TERM trap
# True while the runner is running a job: the listener starts one Runner.Worker process per job.
runner_busy() {
  local comm_file comm
  for comm_file in /proc/[0-9]*/comm; do
    { read -r comm <"$comm_file"; } 2>/dev/null || continue
    [[ $comm == Runner.Worker ]] && return 0
  done
  return 1
}

# Supplementary groups for the runner user, plus the group owning a mounted Docker socket, whose gid on the host
# rarely matches the image's docker group.
runner_groups() {
  local groups
  groups="$(id -G "$RUNNER_USER")"
  if [[ -S /var/run/docker.sock ]]; then
    groups+=" $(stat -c %g /var/run/docker.sock)"
  fi
  printf '%s' "${groups// /,}"
}

child_pid=""
term_received=false
busy_at_term=false

# shellcheck disable=SC2317  # invoked by trap
on_term() {
  term_received=true
  if runner_busy; then busy_at_term=true; fi
  log "received SIGTERM, forwarding it to the runner (job running: $busy_at_term)"
  if [[ -n $child_pid ]]; then kill -TERM "$child_pid" 2>/dev/null || true; fi
}
trap on_term TERM INT

# run_as_runner CMD...: runs CMD in RUNNER_HOME as RUNNER_USER, forwards SIGTERM to it and returns its exit code.
# The exec keeps the runner's pid equal to $! so the signal reaches the runner itself.
run_as_runner() {
  (
    cd "$RUNNER_HOME"
    if ((EUID == 0)); then
      export HOME="$runner_home" USER="$RUNNER_USER"
      exec setpriv --reuid="$RUNNER_USER" --regid="$RUNNER_USER" --groups="$supplementary_groups" -- "$@"
    fi
    exec "$@"
  ) &
  child_pid=$!
  # wait returns early (>128) when a trapped signal arrives; keep waiting until the child is really gone.
  while kill -0 "$child_pid" 2>/dev/null; do
    wait "$child_pid" || true
  done
  local rc=0
  wait "$child_pid" || rc=$?
  child_pid=""
  return "$rc"
}

getent_home() {
  local name _pw _uid _gid _gecos home _shell
  while IFS=: read -r name _pw _uid _gid _gecos home _shell; do
    if [[ $name == "$RUNNER_USER" ]]; then
      printf '%s' "$home"
      return 0
    fi
  done </etc/passwd
  die "user '$RUNNER_USER' does not exist in the image"
}

start_docker() {
  local dind timeout
  dind="$(parse_bool DOCKER_IN_DOCKER false)"
  [[ $dind == true ]] || return 0
  timeout="${DOCKERD_TIMEOUT:-60}"
  [[ $timeout =~ ^[1-9][0-9]*$ ]] || die "DOCKERD_TIMEOUT must be a positive number of seconds, got '$timeout'"
  is_privileged || die "DOCKER_IN_DOCKER=true needs a privileged container (docker run --privileged)"
  [[ -e /var/run/docker.sock ]] &&
    die "DOCKER_IN_DOCKER=true but /var/run/docker.sock already exists (a mounted host socket?): use one or the other"
  log "starting the Docker engine (Docker-in-Docker)"
  if ((EUID == 0)); then
    start-dockerd.sh "$timeout" || die "the Docker engine did not start" 70
  else
    sudo -n /usr/local/bin/start-dockerd.sh "$timeout" || die "the Docker engine did not start" 70
  fi
}

# --- settings ------------------------------------------------------------------------------------------------
jit_config="${ACTIONS_RUNNER_INPUT_JITCONFIG:-}"
reg_token="${RUNNER_TOKEN:-}"
remove_token="${RUNNER_REMOVE_TOKEN:-}"
unset ACTIONS_RUNNER_INPUT_JITCONFIG RUNNER_TOKEN RUNNER_REMOVE_TOKEN
# The runner itself reads any ACTIONS_RUNNER_INPUT_* variable as a command-line input; only this script decides
# the runner's inputs, so the others are dropped too (names are logged, never values).
for var in $(compgen -e); do
  if [[ $var == ACTIONS_RUNNER_INPUT_* ]]; then
    log "ignoring $var: runner inputs are set by the entrypoint"
    unset "$var"
  fi
done

if [[ -n $jit_config && -n $reg_token ]]; then
  die "both ACTIONS_RUNNER_INPUT_JITCONFIG and RUNNER_TOKEN are set: set exactly one (JIT or registration-token mode)"
fi
if [[ -z $jit_config && -z $reg_token ]]; then
  die "neither ACTIONS_RUNNER_INPUT_JITCONFIG nor RUNNER_TOKEN is set: set exactly one (JIT or registration-token mode)"
fi

no_default_labels="$(parse_bool RUNNER_NO_DEFAULT_LABELS false)"
if [[ -n $reg_token ]]; then
  [[ -n ${RUNNER_URL:-} ]] || die "RUNNER_URL is required with RUNNER_TOKEN (e.g. https://github.com/OWNER/REPO)"
fi
start_docker
if ((EUID == 0)); then
  runner_home="$(getent_home)"
  supplementary_groups="$(runner_groups)"
fi

# --- run ---------------------------------------------------------------------------------------------------------
if [[ -n $jit_config ]]; then
  log "mode: jit"
  rc=0
  run_as_runner ./run.sh --jitconfig "$jit_config" || rc=$?
  log "runner exited with code $rc"
  exit "$rc"
fi

log "mode: registration-token"
config_args=(--unattended --ephemeral --disableupdate
  --name "${RUNNER_NAME:-$HOSTNAME}" --url "$RUNNER_URL" --token "$reg_token"
  --work "${RUNNER_WORKDIR:-_work}")
[[ -n ${RUNNER_LABELS:-} ]] && config_args+=(--labels "$RUNNER_LABELS")
[[ -n ${RUNNER_GROUP:-} ]] && config_args+=(--runnergroup "$RUNNER_GROUP")
[[ $no_default_labels == true ]] && config_args+=(--no-default-labels)

rc=0
run_as_runner ./config.sh "${config_args[@]}" || rc=$?
if ((rc != 0)); then
  log "config.sh failed with code $rc"
  exit "$rc"
fi
if [[ $term_received == true ]]; then
  log "stopped before the runner started"
  rc=143
else
  run_as_runner ./run.sh || rc=$?
  log "runner exited with code $rc"
fi

# An ephemeral runner that never took a job stays registered (offline) after a stop; remove it while it is
# known to be idle. A busy runner removes itself when its job ends.
if [[ $term_received == true && $busy_at_term == false ]]; then
  if [[ -n $remove_token ]]; then
    log "runner was idle: removing its registration"
    run_as_runner ./config.sh remove --token "$remove_token" || log "config.sh remove failed (exit $?)"
  else
    log "runner was idle but RUNNER_REMOVE_TOKEN is not set: its registration is left for the orchestrator"
  fi
fi
exit "$rc"
