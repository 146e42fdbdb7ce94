#!/usr/bin/env bash
# Ownership: one run of the conformance test; owns its temp dir and the m365sim process it starts.
# Starts m365sim with TLS on a free port, runs Microsoft's Graph JavaScript client against it
# (graph_delta_conformance.mjs) and always stops the simulator, whatever happens.
#
# usage: run_conformance.sh /path/to/m365sim
# env:   CONFORMANCE_KEEP_TMP=1 keeps the temp dir (certificate, manifest, simulator logs);
#        CONFORMANCE_SEED=N runs another seeded world (default 20261126);
#        CONFORMANCE_ANCHOR=unix-seconds fixes the world's "now" (default today 00:00 UTC).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sim_bin="${1:-}"

fail() { echo "conformance: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

[[ -n "$sim_bin" && -x "$sim_bin" ]] || fail "m365sim binary not found or not executable: '${sim_bin}'"
for tool in node npm openssl flock; do
  command -v "$tool" >/dev/null || fail "'$tool' is not installed (needed by the conformance test)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 20 )) || fail "node >= 20 is needed (global fetch), found $(node --version)"

# -- dependencies: `npm ci` only when node_modules is missing or older than the committed lock --
# npm ci writes node_modules/.package-lock.json; our stamp records which lock file it came from.
# flock (on this folder itself, so no lock file is left behind) keeps two build trees, e.g.
# build/ and build-asan/, from installing at the same time.
install_dependencies() {
  local lock_sum stamp="$here/node_modules/.conformance-lock.sha256"
  lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" \
        && -f "$here/node_modules/@microsoft/microsoft-graph-client/package.json" ]]; then
    return 0
  fi
  echo "conformance: installing the Graph client (npm ci) into $here/node_modules"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2 \
    || fail "npm ci failed (is the npm registry reachable?)"
  echo "$lock_sum" >"$stamp"
}
exec 9<"$here"
flock 9
install_dependencies
flock -u 9

# -- a throwaway TLS identity for 127.0.0.1/localhost --
tmp="$(mktemp -d "${TMPDIR:-/tmp}/m365-conformance.XXXXXX")"
sim_pid=""
drain_pid=""
cleanup() {
  local rc=$? sim_rc=0
  if [[ -n "$sim_pid" ]]; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || sim_rc=$?
    # m365sim exits 0 on SIGTERM; anything else (a crash, a sanitizer report) fails the test.
    if (( sim_rc != 0 )); then
      echo "conformance: m365sim exited with status $sim_rc" >&2
      (( rc != 0 )) || { rc=1; echo "0 passed, 1 failed"; }
    fi
  fi
  if [[ -n "$drain_pid" ]]; then
    wait "$drain_pid" 2>/dev/null || true
  fi
  if (( rc != 0 )) && [[ -s "$tmp/sim.stderr" ]]; then
    echo "conformance: last lines of m365sim's stderr:" >&2
    tail -n 20 "$tmp/sim.stderr" >&2
  fi
  if [[ "${CONFORMANCE_KEEP_TMP:-0}" == 1 ]]; then
    echo "conformance: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log" \
  || { cat "$tmp/openssl.log" >&2; fail "openssl could not make the test certificate"; }

# -- start the simulator and wait for the URL line on its stdout (a pipe, no polling) --
# Shape of the world: enough tenants, users and items that every delta round needs several pages.
# One anchor ("now" of the generated dates) for the simulator and the test, so a run that
# crosses midnight UTC still agrees on the calendar window.
anchor="${CONFORMANCE_ANCHOR:-$(( $(date +%s) / 86400 * 86400 ))}"
echo "conformance: seed ${CONFORMANCE_SEED:-20261126}, anchor $anchor (rerun the same world with" \
     "CONFORMANCE_SEED=${CONFORMANCE_SEED:-20261126} CONFORMANCE_ANCHOR=$anchor)" >&2
mkfifo "$tmp/sim.stdout"
"$sim_bin" --listen 127.0.0.1:0 --seed "${CONFORMANCE_SEED:-20261126}" --anchor "$anchor" \
  --tenants 3 --users 2 --messages 80 --events 24 \
  --manifest "$tmp/manifest.json" --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" \
  >"$tmp/sim.stdout" 2>"$tmp/sim.stderr" &
sim_pid=$!
exec 3<"$tmp/sim.stdout"
sim_url=""
while IFS= read -r -t 60 line <&3; do
  echo "m365sim: $line" >&2
  if [[ "$line" =~ (https://[^[:space:]]+) ]]; then
    sim_url="${BASH_REMATCH[1]}"
    break
  fi
done
[[ -n "$sim_url" ]] || fail "m365sim did not print an https:// URL (exited or timed out)"
# Keep reading its stdout so the simulator never blocks on a full pipe.
cat <&3 >"$tmp/sim.rest.stdout" &
drain_pid=$!
exec 3<&-
[[ -s "$tmp/manifest.json" ]] || fail "m365sim printed its URL but wrote no manifest at $tmp/manifest.json"

# -- the test proper: Microsoft's client, trusting only our throwaway certificate in addition --
NODE_EXTRA_CA_CERTS="$tmp/cert.pem" SIM_URL="$sim_url" SIM_MANIFEST="$tmp/manifest.json" SIM_ANCHOR="$anchor" \
  node "$here/graph_delta_conformance.mjs"
