#!/usr/bin/env bash
# jwks-chaos.sh — the JWKS outage for hosts without Kubernetes, started by hand (manual gate).
#
# Makes the Authority's JWKS unreachable for a while, then restores it:
#   agent     asks a fault agent (sim/fault-agent, CLI `fault-agent`) in front of the Authority to
#             answer every request with an error (control API: docs/platform-api.md);
#   iptables  drops (or resets) TCP traffic from this host to the JWKS host:port.
# It waits for the load to be running (k6's REST API by default), holds the fault, restores it, and
# prints what it did. A trap restores on exit, Ctrl-C, SIGTERM and SIGHUP; only SIGKILL cannot be
# trapped — then `--restore` (iptables) removes what a killed run left, and the agent ends its fault
# by itself when the duration runs out.
#
# Exit codes: 0 done, 1 failure (agent refused, iptables error, or the outage met no traffic at all:
# it tested nothing), 2 bad usage, 3 load never started, 129/130/143 interrupted by
# SIGHUP/SIGINT/SIGTERM (after restoring).
set -Eeuo pipefail

readonly PROG="jwks-chaos"
readonly COMMENT_PREFIX="jwks-chaos"

usage() {
  cat <<'EOF'
Usage: jwks-chaos.sh [options] agent|iptables
       jwks-chaos.sh --restore [--iptables CMD] [--chain CHAIN]

Make the JWKS unreachable for --duration once the load is running, then restore it.

Modes:
  agent        fault the Authority through a fault agent's control API (POST /v1/faults/http)
  iptables     drop TCP traffic from this host to the JWKS host:port (root; restored by a trap)

Options:
  -d, --duration DUR     how long the outage lasts (default: $CHAOS_DURATION, else 5m);
                         DUR is digits with a unit, combinable: 500ms, 30s, 5m, 1h, 1m30s
      --wait-k6 ADDR     wait until the k6 REST API at ADDR says the test is running and not
                         paused (default: 127.0.0.1:6565; k6 v2 serves it only when started
                         with `k6 run --address=127.0.0.1:6565`, k6 v1 by default)
      --wait-url URL     wait until URL answers 2xx instead
      --no-wait          do not wait for the load
      --wait-timeout DUR give up waiting after DUR, exit 3 (default: 10m)
      --start-after DUR  once the load runs, wait DUR more before the outage
                         (default: $CHAOS_START, else 0s)
  -y, --yes              do not ask for confirmation (required when stdin is not a terminal)
  -n, --dry-run          print what would be done; change nothing, contact nothing
  -h, --help             this text

agent mode:
      --agent-url URL    fault agent control API (default: $FAULT_AGENT_URL, else
                         http://127.0.0.1:8442); the token is read from $FAULT_AGENT_TOKEN
                         or --token-file FILE, never from the command line
      --token-file FILE  file holding the control API token
      --fault SHAPE      error (answer --error-code, default), blackhole (accept, never answer,
                         as a DROP does; released without an answer at the end) or reset
                         (close the connection without an answer)
      --error-code CODE  HTTP status the agent answers with, 400-599 (a fault is a failure) (default: 503)
      --error-body TEXT  body of those answers (default: "jwks-chaos: JWKS outage")
      --exclude PATHS    comma-separated paths left alone, e.g. /healthz

iptables mode:
      --target HOST:PORT the JWKS endpoint ([v6addr]:port for IPv6); a host name is resolved once
      --jwks-url URL     ... or take host and port from the JWKS URL
      --action ACTION    drop (clients time out, default) or reject (TCP reset, fails fast)
      --chain CHAIN      OUTPUT (this host is the JWKS client, default) or FORWARD (containers
                         or VMs routed through this host)
      --iptables CMD     iptables binary (default: $IPTABLES, else iptables); IPv6 uses the
                         matching ip6tables
      --restore          delete every rule a killed jwks-chaos left in CHAIN, then exit

Exit codes: 0 done, 1 failure (including an outage that met no traffic), 2 bad usage,
3 the load never started, 129/130/143 interrupted (after restoring).

Examples:
  FAULT_AGENT_TOKEN=... jwks-chaos.sh --yes --duration 5m --start-after 2m agent
  sudo jwks-chaos.sh --yes --target authority.internal:443 --duration 90s iptables
EOF
}

error() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
}

usage_error() {
  error "$*"
  printf "Run '%s --help' for usage.\n" "$0" >&2
  exit 2
}

say() {
  printf '%s: %s\n' "$PROG" "$*"
}

now() {
  date -u +%Y-%m-%dT%H:%M:%SZ
}

# --- durations ----------------------------------------------------------------------------------

# duration_ms DUR -> milliseconds on stdout; fails for anything but <digits><ms|s|m|h> parts.
duration_ms() {
  local rest="$1" total=0 n unit
  [[ "$rest" =~ ^([0-9]+(ms|s|m|h))+$ ]] || return 1
  while [[ -n "$rest" && "$rest" =~ ^([0-9]+)(ms|s|m|h)(.*)$ ]]; do
    n=$((10#${BASH_REMATCH[1]}))
    unit="${BASH_REMATCH[2]}"
    rest="${BASH_REMATCH[3]}"
    case "$unit" in
      ms) total=$((total + n)) ;;
      s) total=$((total + n * 1000)) ;;
      m) total=$((total + n * 60000)) ;;
      h) total=$((total + n * 3600000)) ;;
    esac
  done
  printf '%d' "$total"
}

# seconds MS -> "S.mmm" for sleep(1).
seconds() {
  printf '%d.%03d' "$(($1 / 1000))" "$(($1 % 1000))"
}

parse_duration_option() {
  local name="$1" value="$2" ms
  if ! ms="$(duration_ms "$value")"; then
    usage_error "$name: '$value' is not a duration; use digits with a unit: 500ms, 30s, 5m, 1h, 1m30s"
  fi
  printf '%s' "$ms"
}

# --- defaults and arguments ---------------------------------------------------------------------

mode=""
duration="${CHAOS_DURATION:-5m}"
start_after="${CHAOS_START:-0s}"
wait_kind="k6"
wait_target="127.0.0.1:6565"
wait_timeout="10m"
assume_yes=false
dry_run=false
restore_only=false
agent_url="${FAULT_AGENT_URL:-http://127.0.0.1:8442}"
token_file=""
error_code="503"
error_body="jwks-chaos: JWKS outage"
agent_fault="error"
exclude=""
target=""
jwks_url=""
action="drop"
chain="OUTPUT"
iptables_cmd="${IPTABLES:-iptables}"

need_value() {
  [[ $# -ge 2 && -n "$2" ]] || usage_error "$1 needs a value"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -d | --duration) need_value "$@"; duration="$2"; shift 2 ;;
    --wait-k6) need_value "$@"; wait_kind="k6"; wait_target="$2"; shift 2 ;;
    --wait-url) need_value "$@"; wait_kind="url"; wait_target="$2"; shift 2 ;;
    --no-wait) wait_kind="none"; shift ;;
    --wait-timeout) need_value "$@"; wait_timeout="$2"; shift 2 ;;
    --start-after) need_value "$@"; start_after="$2"; shift 2 ;;
    -y | --yes) assume_yes=true; shift ;;
    -n | --dry-run) dry_run=true; shift ;;
    --agent-url) need_value "$@"; agent_url="$2"; shift 2 ;;
    --token-file) need_value "$@"; token_file="$2"; shift 2 ;;
    --error-code) need_value "$@"; error_code="$2"; shift 2 ;;
    --fault) need_value "$@"; agent_fault="$2"; shift 2 ;;
    --error-body) need_value "$@"; error_body="$2"; shift 2 ;;
    --exclude) need_value "$@"; exclude="$2"; shift 2 ;;
    --target) need_value "$@"; target="$2"; shift 2 ;;
    --jwks-url) need_value "$@"; jwks_url="$2"; shift 2 ;;
    --action) need_value "$@"; action="$2"; shift 2 ;;
    --chain) need_value "$@"; chain="$2"; shift 2 ;;
    --iptables) need_value "$@"; iptables_cmd="$2"; shift 2 ;;
    --restore) restore_only=true; shift ;;
    --) shift; break ;;
    -*) usage_error "unknown option '$1'" ;;
    *)
      [[ -z "$mode" ]] || usage_error "one mode only (got '$mode' and '$1')"
      mode="$1"
      shift
      ;;
  esac
done
[[ $# -eq 0 ]] || usage_error "unexpected argument '$1'"

# --- validation (every value checked before anything changes) -----------------------------------

if [[ "$restore_only" == true ]]; then
  [[ -z "$mode" || "$mode" == "iptables" ]] || usage_error "--restore applies to iptables mode only"
  mode="iptables"
fi
[[ -n "$mode" ]] || usage_error "a mode is required: agent or iptables"
[[ "$mode" =~ ^(agent|iptables)$ ]] || usage_error "mode must be agent or iptables (got '$mode')"
[[ "$chain" =~ ^(OUTPUT|FORWARD)$ ]] || usage_error "--chain must be OUTPUT or FORWARD (got '$chain')"
[[ "$iptables_cmd" =~ ^[A-Za-z0-9_./-]+$ ]] || usage_error "--iptables must be a command name or path (got '$iptables_cmd')"

duration_ms_value="$(parse_duration_option --duration "$duration")"
(( duration_ms_value >= 1000 )) || usage_error "--duration must be at least 1s (got '$duration')"
start_after_ms="$(parse_duration_option --start-after "$start_after")"
wait_timeout_ms="$(parse_duration_option --wait-timeout "$wait_timeout")"

case "$wait_kind" in
  k6) [[ "$wait_target" =~ ^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$ ]] ||
    usage_error "--wait-k6 must be HOST:PORT such as 127.0.0.1:6565 (got '$wait_target')" ;;
  url) [[ "$wait_target" =~ ^https?://[^[:space:]]+$ ]] ||
    usage_error "--wait-url must be an http:// or https:// URL (got '$wait_target')" ;;
esac

token=""
if [[ "$mode" == "agent" ]]; then
  [[ "$agent_url" =~ ^https?://[^[:space:]/?#]+$ ]] ||
    usage_error "--agent-url must be an http:// or https:// base URL without a path, e.g. http://127.0.0.1:8442 (got '$agent_url')"
  [[ "$agent_fault" =~ ^(error|blackhole|reset)$ ]] || usage_error "--fault must be error, blackhole or reset (got '$agent_fault')"
  [[ "$error_code" =~ ^[45][0-9][0-9]$ ]] || usage_error "--error-code must be an HTTP error status 400-599 (got '$error_code')"
  [[ "$error_body" != *[[:cntrl:]]* ]] || usage_error "--error-body must be one line of text"
  if [[ -n "$exclude" ]]; then
    [[ "$exclude" =~ ^/[^,[:space:]\"\\]*(,/[^,[:space:]\"\\]*)*$ ]] ||
      usage_error "--exclude must be comma-separated paths starting with '/', e.g. /healthz,/readyz (got '$exclude')"
  fi
  if [[ -n "$token_file" ]]; then
    [[ -r "$token_file" ]] || usage_error "--token-file: cannot read '$token_file'"
    token="$(tr -d '\r\n' <"$token_file")"
  else
    token="${FAULT_AGENT_TOKEN:-}"
  fi
  if [[ -z "$token" && "$dry_run" == false ]]; then
    usage_error "agent mode needs the control API token in FAULT_AGENT_TOKEN or --token-file"
  fi
  # The token goes into a curl config line, so it must be a plain bearer token (RFC 6750 b64token).
  [[ -z "$token" || "$token" =~ ^[A-Za-z0-9._~+/=-]+$ ]] ||
    usage_error "the control API token has characters a bearer token cannot have (value not shown)"
fi

addresses=()
port=""
host=""
if [[ "$mode" == "iptables" && "$restore_only" == false ]]; then
  [[ -n "$target" || -n "$jwks_url" ]] || usage_error "iptables mode needs --target HOST:PORT or --jwks-url URL"
  [[ -z "$target" || -z "$jwks_url" ]] || usage_error "give --target or --jwks-url, not both"
  if [[ -n "$jwks_url" ]]; then
    [[ "$jwks_url" =~ ^(https?)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:([0-9]{1,5}))?(/[^[:space:]]*)?$ ]] ||
      usage_error "--jwks-url must be an http:// or https:// URL (got '$jwks_url')"
    host="${BASH_REMATCH[2]}"
    port="${BASH_REMATCH[4]}"
    if [[ -z "$port" ]]; then
      if [[ "${BASH_REMATCH[1]}" == "https" ]]; then port=443; else port=80; fi
    fi
  else
    [[ "$target" =~ ^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$ ]] ||
      usage_error "--target must be HOST:PORT or [IPv6]:PORT (got '$target')"
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[2]}"
  fi
  host="${host#[}"
  host="${host%]}"
  (( 10#$port >= 1 && 10#$port <= 65535 )) || usage_error "port must be 1-65535 (got '$port')"
  port=$((10#$port))
  [[ "$action" =~ ^(drop|reject)$ ]] || usage_error "--action must be drop or reject (got '$action')"
  # Resolve once, so the rules removed are exactly the rules added even if DNS changes meanwhile.
  if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then
    addresses=("$host")
  else
    mapfile -t addresses < <(getent ahosts "$host" | awk '{print $1}' | sort -u)
    [[ ${#addresses[@]} -gt 0 ]] || { error "cannot resolve '$host'"; exit 1; }
  fi
fi

# --- HTTP helpers (curl; the token travels in a config on stdin, never in argv) ---------------

http_body=""
http_status=""

# http METHOD URL [JSON] -> sets http_status ("000" when unreachable) and http_body.
http() {
  local method="$1" url="$2" data="${3:-}" out
  local -a args=(-sS --max-time 10 -X "$method" -w '\n%{http_code}')
  [[ -z "$data" ]] || args+=(-H 'Content-Type: application/json' --data-binary "$data")
  if out="$(printf 'header = "Authorization: Bearer %s"\n' "$token" | curl -K - "${args[@]}" "$url" 2>/dev/null)"; then
    http_status="${out##*$'\n'}"
    http_body="${out%$'\n'*}"
  else
    http_status="000"
    http_body=""
  fi
}

# json_value KEY -> the first scalar value of "KEY" in http_body (string unquoted, number, null).
# Enough for FaultRecord's top-level fields: its nested `fault` object has none of these keys.
json_value() {
  local flat re
  flat="$(printf '%s' "$http_body" | tr -d '\n')"
  re='"'"$1"'"[[:space:]]*:[[:space:]]*("([^"\\]|\\.)*"|-?[0-9.]+|null|true|false)'
  if [[ "$flat" =~ $re ]]; then
    local v="${BASH_REMATCH[1]}"
    v="${v#\"}"
    printf '%s' "${v%\"}"
  fi
}

json_escape() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '%s' "$s"
}

# --- waiting for the load -----------------------------------------------------------------------

wait_for_load() {
  local deadline=$((SECONDS + (wait_timeout_ms + 999) / 1000)) status
  case "$wait_kind" in
    none) say "not waiting for the load (--no-wait)"; return 0 ;;
    k6) say "waiting for k6 at $wait_target to be running (up to $wait_timeout)" ;;
    url) say "waiting for $wait_target to answer 2xx (up to $wait_timeout)" ;;
  esac
  while :; do
    if [[ "$wait_kind" == "k6" ]]; then
      status="$(curl -sS --max-time 5 "http://$wait_target/v1/status" 2>/dev/null | tr -d '\n' || true)"
      # Running, not paused, and — when k6 reports its execution status — past setup() (7 is
      # k6's ExecutionStatusRunning; 6 is setup, 8 teardown): scenario time starts there.
      if [[ "$status" =~ \"running\"[[:space:]]*:[[:space:]]*true && ! "$status" =~ \"paused\"[[:space:]]*:[[:space:]]*true ]] &&
        [[ ! "$status" =~ \"status\"[[:space:]]*:[[:space:]]*([0-9]+) || "${BASH_REMATCH[1]}" == "7" ]]; then
        say "load is running (k6 at $wait_target)"
        return 0
      fi
    elif curl -fsS --max-time 5 -o /dev/null "$wait_target" 2>/dev/null; then
      say "load is running ($wait_target answered)"
      return 0
    fi
    if (( SECONDS >= deadline )); then
      error "the load did not start within $wait_timeout; nothing was changed"
      exit 3
    fi
    sleep 1
  done
}

# --- holding (interruptible: a trapped signal ends the wait at once) ---------------------------

sleep_pid=""
hold() {
  sleep "$(seconds "$1")" &
  sleep_pid=$!
  wait "$sleep_pid" || true
  sleep_pid=""
}

# --- agent mode ---------------------------------------------------------------------------------

fault_id=""

agent_fault_effect() {
  case "$agent_fault" in
    blackhole) printf 'is held unanswered (blackhole)' ;;
    reset) printf 'has its connection closed (reset)' ;;
    *) printf 'answers %s' "$error_code" ;;
  esac
}

agent_fault_json() {
  local fault escaped
  case "$agent_fault" in
    blackhole) fault='"blackhole":true' ;;
    reset) fault='"reset":true' ;;
    *)
      escaped="$(json_escape "$error_body")"
      fault="\"errorRate\":1,\"errorCode\":$error_code,\"errorBody\":\"$escaped\""
      ;;
  esac
  [[ -z "$exclude" ]] || fault+=",\"exclude\":\"$exclude\""
  printf '{"fault":{%s},"duration":"%s"}' "$fault" "$duration"
}

agent_inject() {
  local body
  body="$(agent_fault_json)"
  if [[ "$dry_run" == true ]]; then
    say "dry run: would POST $agent_url/v1/faults/http $body (Authorization: Bearer ***)"
    return 0
  fi
  http POST "$agent_url/v1/faults/http" "$body"
  case "$http_status" in
    201) ;;
    000) error "cannot reach the fault agent at $agent_url"; exit 1 ;;
    401 | 403) error "the fault agent refused the token (HTTP $http_status): check FAULT_AGENT_TOKEN"; exit 1 ;;
    *) error "the fault agent rejected the fault (HTTP $http_status): $(json_value message)"; exit 1 ;;
  esac
  fault_id="$(json_value id)"
  [[ -n "$fault_id" ]] || { error "the fault agent answered 201 without a fault id: $http_body"; exit 1; }
  say "fault ON  $(now)  agent fault $fault_id: every request through $agent_url's proxy $(agent_fault_effect) for $duration"
}

agent_restore() {
  [[ -n "$fault_id" ]] || return 0
  local id="$fault_id"
  fault_id=""
  http GET "$agent_url/v1/faults/$id"
  if [[ "$http_status" == "200" && "$(json_value endedAt)" == "null" ]]; then
    http DELETE "$agent_url/v1/faults"
    if [[ "$http_status" != "200" ]]; then
      error "could not end fault $id (HTTP $http_status); end it with: curl -X DELETE -H 'Authorization: Bearer ...' $agent_url/v1/faults"
      return 1
    fi
    http GET "$agent_url/v1/faults/$id"
  fi
  if [[ "$http_status" == "200" ]]; then
    say "fault OFF $(now)  agent fault $id ended at $(json_value endedAt): $(json_value requests) requests seen, $(json_value faulted) faulted"
    local seen
    seen="$(json_value requests)"
    if [[ "$seen" =~ ^[0-9]+$ ]]; then
      hits="$seen"
    fi
  else
    say "fault OFF $(now)  agent fault $id ended (its record could not be read: HTTP $http_status)"
  fi
}

# --- iptables mode ------------------------------------------------------------------------------

rules=()     # one "tool|address" entry per rule added (recorded before the insert), in order
rule_comment="$COMMENT_PREFIX:$$"

ip6_cmd() {
  local dir base
  dir="$(dirname "$iptables_cmd")"
  base="$(basename "$iptables_cmd")"
  base="${base/iptables/ip6tables}"
  if [[ "$dir" == "." && "$iptables_cmd" != */* ]]; then printf '%s' "$base"; else printf '%s/%s' "$dir" "$base"; fi
}

rule_spec() {
  local address="$1"
  printf '%s\n' "$chain" -p tcp -d "$address" --dport "$port" -m comment --comment "$rule_comment"
  if [[ "$action" == "reject" ]]; then
    printf '%s\n' -j REJECT --reject-with tcp-reset
  else
    printf '%s\n' -j DROP
  fi
}

tool_for() {
  if [[ "$1" == *:* ]]; then ip6_cmd; else printf '%s' "$iptables_cmd"; fi
}

show_rule() {
  local tool="$1" address="$2"
  local -a spec
  mapfile -t spec < <(rule_spec "$address")
  printf '%s -w -I %s' "$tool" "${spec[*]}"
}

iptables_inject() {
  local address tool
  local -a spec
  for address in "${addresses[@]}"; do
    tool="$(tool_for "$address")"
    if [[ "$dry_run" == true ]]; then
      say "dry run: would run: $(show_rule "$tool" "$address")"
      continue
    fi
    mapfile -t spec < <(rule_spec "$address")
    # Recorded first: a signal between the insert and the bookkeeping must not strand a rule.
    rules+=("$tool|$address")
    if ! "$tool" -w -I "${spec[@]}"; then
      error "$tool could not add the rule for $address:$port (root? netfilter available?)"
      exit 1
    fi
    say "fault ON  $(now)  $(show_rule "$tool" "$address")"
  done
}

# Packets that hit this run's rules so far (all addresses, both families).
iptables_hits() {
  local tool total=0 n
  for tool in "$iptables_cmd" "$(ip6_cmd)"; do
    command -v "$tool" >/dev/null 2>&1 || continue
    n="$("$tool" -w -L "$chain" -v -x -n 2>/dev/null |
      awk -v tag="/* $rule_comment */" 'index($0, tag) { sum += $1 } END { print sum + 0 }')"
    total=$((total + n))
  done
  printf '%d' "$total"
}

iptables_restore() {
  local entry tool address failed=0 deleted
  local -a spec
  [[ ${#rules[@]} -eq 0 ]] || hits="$(iptables_hits)"
  while [[ ${#rules[@]} -gt 0 ]]; do
    entry="${rules[-1]}"
    unset 'rules[-1]'
    tool="${entry%%|*}"
    address="${entry#*|}"
    mapfile -t spec < <(rule_spec "$address")
    # Delete every copy (normally one), then prove it is gone.
    deleted=0
    while "$tool" -w -C "${spec[@]}" 2>/dev/null; do
      "$tool" -w -D "${spec[@]}" || break
      deleted=$((deleted + 1))
    done
    if "$tool" -w -C "${spec[@]}" 2>/dev/null; then
      error "could not remove the rule for $address:$port; remove it with: $PROG --restore --chain $chain"
      failed=1
    elif (( deleted > 0 )); then
      say "fault OFF $(now)  removed the $action rule for $address:$port from $chain ($hits packets hit the rules)"
    fi
  done
  return "$failed"
}

# --restore: delete by line number (highest first) every rule whose comment is ours, any pid.
iptables_restore_leftovers() {
  local tool n removed=0
  local -a lines
  for tool in "$iptables_cmd" "$(ip6_cmd)"; do
    command -v "$tool" >/dev/null 2>&1 || continue
    mapfile -t lines < <("$tool" -w -L "$chain" -n --line-numbers 2>/dev/null |
      awk -v tag="$COMMENT_PREFIX:" 'index($0, "/* " tag) { print $1 }' | sort -rn)
    for n in "${lines[@]}"; do
      if [[ "$dry_run" == true ]]; then
        say "dry run: would run: $tool -w -D $chain $n"
      else
        "$tool" -w -D "$chain" "$n"
        removed=$((removed + 1))
      fi
    done
  done
  say "restore: removed $removed leftover $PROG rule(s) from $chain"
}

# --- restore on every way out -------------------------------------------------------------------

restored=false
hits=""      # requests the agent saw / packets the rules hit, once known
restore() {
  [[ "$restored" == false ]] || return 0
  restored=true
  [[ -z "$sleep_pid" ]] || kill "$sleep_pid" 2>/dev/null || true
  local status=0
  if [[ "$mode" == "agent" ]]; then agent_restore || status=$?; else iptables_restore || status=$?; fi
  # Like xk6-disruptor's "disruptor did not receive any request": an outage nothing ran into
  # tested nothing.
  if [[ "$hits" == "0" ]]; then
    if [[ "$mode" == "agent" ]]; then
      error "the fault agent saw no request during the outage: does the platform fetch its JWKS through the agent's proxy, and was the load running?"
    else
      error "no packet to ${addresses[*]} port $port hit the rule: does this host fetch the JWKS from there ($chain chain: OUTPUT for this host's own processes, FORWARD for routed containers or VMs)?"
    fi
  fi
  return "$status"
}

on_exit() {
  local code=$?
  trap - EXIT
  restore || code=1
  exit "$code"
}

# --- main ---------------------------------------------------------------------------------------

if [[ "$restore_only" == true ]]; then
  [[ "$dry_run" == true || "$(id -u)" -eq 0 ]] || { error "--restore changes firewall rules: run it as root"; exit 1; }
  iptables_restore_leftovers
  exit 0
fi

if [[ "$mode" == "iptables" ]]; then
  say "plan: $action TCP to ${addresses[*]} port $port ($chain chain) for $duration, after the load runs + $start_after"
  if [[ "$dry_run" == false ]]; then
    [[ "$(id -u)" -eq 0 ]] || { error "iptables mode changes firewall rules: run it as root"; exit 1; }
    command -v "$iptables_cmd" >/dev/null 2>&1 || { error "'$iptables_cmd' not found (Debian: apt-get install iptables)"; exit 1; }
  fi
else
  say "plan: fault agent $agent_url: every proxied request $(agent_fault_effect) for $duration, after the load runs + $start_after"
  [[ "$dry_run" == true ]] || command -v curl >/dev/null 2>&1 || { error "curl not found"; exit 1; }
fi

if [[ "$dry_run" == false && "$assume_yes" == false ]]; then
  if [[ -t 0 ]]; then
    read -r -p "$PROG: start this outage? Type 'yes' to go on: " answer
    [[ "$answer" == "yes" ]] || { say "not confirmed; nothing was changed"; exit 1; }
  else
    usage_error "stdin is not a terminal: confirm with --yes"
  fi
fi

if [[ "$dry_run" == true ]]; then
  case "$wait_kind" in
    none) say "dry run: would not wait for the load, then wait $start_after" ;;
    k6) say "dry run: would wait for k6 at $wait_target to be running, then wait $start_after" ;;
    url) say "dry run: would wait for $wait_target to answer 2xx, then wait $start_after" ;;
  esac
else
  trap on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  wait_for_load
  if (( start_after_ms > 0 )); then
    say "load running; starting the outage in $start_after"
    hold "$start_after_ms"
  fi
fi

started=$SECONDS
if [[ "$mode" == "agent" ]]; then agent_inject; else iptables_inject; fi
if [[ "$dry_run" == true ]]; then
  say "dry run: would hold the outage for $duration, then restore"
  exit 0
fi
say "holding the outage for $duration (Ctrl-C restores at once)"
hold "$duration_ms_value"
restore
say "done: outage held $((SECONDS - started))s of $duration"
[[ "$hits" != "0" ]] || exit 1
