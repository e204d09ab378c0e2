#!/usr/bin/env bash
# Makes sure the system tools the test suite drives for real are on PATH:
#   promtool, prometheus  (Debian: prometheus)  - rule checks, rule unit tests, live alert checks
#   (the linter) shellcheck (Debian: shellcheck) - lint of every shell script in ops/
#   ip, iptables          (Debian: iproute2, iptables) - jwks-chaos.sh iptables mode in network namespaces
#   curl                  (Debian: curl)        - jwks-chaos.sh talks to the fault agent and k6's REST API
#   openssl               (Debian: openssl)     - a self-signed certificate for the runner's TLS verification test
#   chromium              (Debian: chromium)    - tenant-verdict's HTML report checked in a real browser (playwright-core)
#   redis-server          (Debian: redis-server) - the audit timeline over Redis Streams (test/sim/timeline)
#   nats-server           (Debian: nats-server)  - the audit timeline over NATS JetStream (test/sim/timeline)
# and, with the argument `bench` (npm run bench):
#   wrk                   (Debian: wrk)         - the closed-loop reference the platform and runner are measured against
# Installs what is missing with apt-get when running as root; otherwise fails with the command to run.
# It never skips: a test suite that silently drops its Prometheus checks proves nothing.
set -euo pipefail

declare -A PACKAGE_OF=(
  [promtool]=prometheus
  [prometheus]=prometheus
  [shellcheck]=shellcheck
  [ip]=iproute2
  [iptables]=iptables
  [curl]=curl
  [openssl]=openssl
  [chromium]=chromium
  [redis-server]=redis-server
  [nats-server]=nats-server
)
if [ "${1:-}" = "bench" ]; then PACKAGE_OF[wrk]=wrk; fi

missing_packages=()
for tool in "${!PACKAGE_OF[@]}"; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    missing_packages+=("${PACKAGE_OF[$tool]}")
  fi
done

if [ "${#missing_packages[@]}" -eq 0 ]; then
  exit 0
fi

# De-duplicate while keeping the list readable.
mapfile -t missing_packages < <(printf '%s\n' "${missing_packages[@]}" | sort -u)

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "error: ${1:-the test suite} needs these Debian packages: ${missing_packages[*]}" >&2
  echo "       install them with: sudo apt-get update && sudo apt-get install -y ${missing_packages[*]}" >&2
  exit 1
fi

echo "ensure-tools: installing ${missing_packages[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
# Debian's prometheus package may start a server through its init script; the tests start their
# own on free loopback ports, so a stray one is stopped to keep :9090 and CPU free.
if command -v service >/dev/null 2>&1; then service prometheus stop >/dev/null 2>&1 || true; fi
pkill -x prometheus >/dev/null 2>&1 || true
# Likewise redis-server's package starts a server on :6379; the tests start their own.
for svc in redis-server nats-server; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done
echo "ensure-tools: ok" >&2
