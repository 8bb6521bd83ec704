#!/usr/bin/env bash
# Installs the Debian packages Bascule's tests and tools use; idempotent, quiet when all is there.
# Real components used by the tests: PostgreSQL, Kannel with its fake SMSC, Chromium, poppler-utils,
# the standard age and minisign tools, Node.js for the FHIR peer (Node 22 itself comes from npm),
# systemd-analyze and desktop-file-validate for the station's unit and launcher (deploy/station/),
# CUPS for the station's printer self-test (cups-daemon: cupsd; cups-client: lp, lpstat, lpadmin,
# cupsdisable; not the `cups` metapackage, which adds filters and drivers a raw test queue never uses).
set -euo pipefail

packages=(
  age minisign poppler-utils postgresql chromium kannel kannel-extras fonts-dejavu-core
  sqlite3 systemd desktop-file-utils cups-daemon cups-client jq
)
# Node.js and npm only run the tests' FHIR peer installer; any distribution of them will do.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-system: missing Debian packages (${missing[*]}); run this script as root." >&2
    exit 1
  fi
  echo "setup-system: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Tests start their own PostgreSQL and Kannel on loopback; the distribution's services stay off.
  if command -v service >/dev/null; then
    service postgresql stop >/dev/null 2>&1 || true
    service kannel stop >/dev/null 2>&1 || true
    service cups stop >/dev/null 2>&1 || true
  fi
fi
