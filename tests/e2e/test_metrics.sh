#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: sgate run's Prometheus endpoint (TAP).  promtool checks the
# text; a real Prometheus server scrapes the daemon every second while
# clients and forged ACKs go through the gate, and its query API must show
# the counters moving.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
METRICS=127.0.0.1:9753		# inside the server namespace: no clash
PROM=127.0.0.1:19090
LOG=$(mktemp -d /tmp/sgate-metrics.XXXXXX)
CONF=$LOG/sgate.conf
daemon_pid="" prom_pid=""

cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	netns_down
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
for tool in promtool prometheus; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool missing: apt-get install prometheus"; exit 0; }
done
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done

netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }

cat >"$CONF" <<CONF
key_period = 2
metrics_listen = "$METRICS"

[device.$SDEV]
ports = [$PORT]
CONF

# nsenter execs the daemon, so $! is the daemon itself.
nsenter --net=/run/netns/"$SNS" "$SGATE" run --config "$CONF" >"$LOG/daemon.log" 2>&1 &
daemon_pid=$!

# http_get URL [HEADER]: the body, or with HEADER that response header.
http_get() {
	S python3 -c '
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
    sys.stdout.write(r.headers[sys.argv[2]] + "\n" if len(sys.argv) > 2 else r.read().decode())
' "$@"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for() {
	local i tries=$(($1 * 10))
	shift
	for i in $(seq "$tries"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# The endpoint comes up before the daemon has attached the gate.
endpoint_has_gate() { http_get "http://$METRICS/metrics" 2>/dev/null | grep -q "^sgate_syn_acks_sent_total{device=\"$SDEV\""; }
wait_for 15 endpoint_has_gate || { cat "$LOG/daemon.log"; echo "Bail out! the metrics endpoint did not show the gate"; exit 1; }

# The series of a scrape, values left out.
series() { grep -v '^#' | sed 's/ [^ ]*$//' | sort; }

t_promtool_endpoint() {
	http_get "http://$METRICS/metrics" >"$LOG/scrape.txt" || return 1
	promtool check metrics <"$LOG/scrape.txt" || return 1
	grep -q "^sgate_syn_acks_sent_total{device=\"$SDEV\",netns=\"[0-9]*\",key_mode=\"map\"} " "$LOG/scrape.txt" || return 1
	http_get "http://$METRICS/metrics" Content-Type | grep -q '^text/plain; version=0.0.4'
}

t_stats_prometheus() {
	S "$SGATE" stats --prometheus >"$LOG/stats.txt" || return 1
	promtool check metrics <"$LOG/stats.txt" || return 1
	# The same series as the endpoint serves.
	diff <(series <"$LOG/stats.txt") <(series <"$LOG/scrape.txt")
}

cat >"$LOG/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sgate
    static_configs:
      - targets: ['$METRICS']
YML
nsenter --net=/run/netns/"$SNS" prometheus --config.file="$LOG/prometheus.yml" \
	--storage.tsdb.path="$LOG/tsdb" --web.listen-address="$PROM" >"$LOG/prometheus.log" 2>&1 &
prom_pid=$!

# prom_value QUERY: the first result's value as a whole number, or "none".
prom_value() {
	S python3 -c '
import json, sys, urllib.parse, urllib.request
url = "http://" + sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
with urllib.request.urlopen(url, timeout=3) as r:
    result = json.load(r)["data"]["result"]
print(int(float(result[0]["value"][1])) if result else "none")
' "$PROM" "$1" 2>/dev/null || echo none
}
prom_has() { [ "$(prom_value "$1")" != none ]; }
prom_at_least() { local v; v=$(prom_value "$1"); [ "$v" != none ] && [ "$v" -ge "$2" ]; }
prom_above() { local v; v=$(prom_value "$1"); [ "$v" != none ] && [ "$v" -gt "$2" ]; }

LABELS="device=\"$SDEV\",key_mode=\"map\""
SYNACKS="sgate_syn_acks_sent_total{$LABELS}"
VERIFIED="sgate_cookies_verified_total{$LABELS,hook=\"xdp\"}"
HANDOFFS="sgate_packets_total{$LABELS,decision=\"tc_handoff\"}"
REJECTED="sum(sgate_cookies_rejected_total{$LABELS,hook=\"xdp\"})"
EPOCH="sgate_key_epoch{$LABELS}"

t_scraped() {
	wait_for 40 prom_at_least 'up{job="sgate"}' 1 || { tail -n 5 "$LOG/prometheus.log"; return 1; }
	wait_for 10 prom_has "$SYNACKS"
}

t_counters_move() {
	local synacks verified handoffs
	synacks=$(prom_value "$SYNACKS"); verified=$(prom_value "$VERIFIED"); handoffs=$(prom_value "$HANDOFFS")
	echo "before: synacks=$synacks verified=$verified handoffs=$handoffs"
	C "$BUILD/echo" client "$SADDR" "$PORT" 50 || return 1
	wait_for 15 prom_at_least "$SYNACKS" "$((synacks + 50))" || { echo "synacks now $(prom_value "$SYNACKS")"; return 1; }
	wait_for 5 prom_at_least "$VERIFIED" "$((verified + 50))" || { echo "verified now $(prom_value "$VERIFIED")"; return 1; }
	wait_for 5 prom_at_least "$HANDOFFS" "$((handoffs + 50))" || { echo "handoffs now $(prom_value "$HANDOFFS")"; return 1; }
}

t_rejections_move() {
	local rejected smac
	rejected=$(prom_value "$REJECTED")
	smac=$(mac_of S "$SDEV")
	C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" forgedack 200 10 || return 1
	wait_for 15 prom_at_least "$REJECTED" "$((rejected + 200))" || { echo "rejected now $(prom_value "$REJECTED")"; return 1; }
}

t_epoch_moves() {
	local epoch
	epoch=$(prom_value "$EPOCH")
	[ "$epoch" != none ] || return 1
	# key_period = 2
	wait_for 10 prom_above "$EPOCH" "$epoch"
}

check "the endpoint's text passes promtool check metrics" t_promtool_endpoint
check "sgate stats --prometheus passes promtool, with the endpoint's series" t_stats_prometheus
check "a Prometheus server scrapes the daemon" t_scraped
check "scraped: SYN-ACKs sent, cookies verified and hand-offs move with 50 clients" t_counters_move
check "scraped: cookies rejected move with 200 forged ACKs" t_rejections_move
check "scraped: the key epoch moves" t_epoch_moves

echo "1..$n"
[ "$fail" = 0 ]
