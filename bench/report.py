#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one run of bench/run.sh into Documentation/benchmarks.md and plots.

    report.py RESULTS_DIR OUT_DIR

Every number written comes from the files in RESULTS_DIR (meta.txt,
pktcost.txt, flood.txt, fig1.txt); nothing is carried over from elsewhere.
"""
import os
import statistics as st
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RES, OUT = sys.argv[1], sys.argv[2]

SETUP_NAMES = {
    "sgate": "sgate (XDP gate)",
    "cookies2": "kernel, tcp_syncookies=2",
    "cookies1": "kernel, tcp_syncookies=1",
    "stateful": "kernel, tcp_syncookies=0 (stateful)",
    "synproxy": "netfilter SYNPROXY",
    "harness": "test bed only (XDP_DROP on the server's veth)",
    "reflect": "test bed + trivial XDP_TX reflector",
}
SETUPS = ["sgate", "cookies2", "cookies1", "stateful", "synproxy"]
COLORS = {"sgate": "#1b7837", "cookies2": "#2166ac", "cookies1": "#67a9cf",
          "stateful": "#b2182b", "synproxy": "#e08214",
          "harness": "#999999", "reflect": "#666666"}
MARKERS = {"sgate": "o", "cookies2": "s", "cookies1": "D", "stateful": "x",
           "synproxy": "^"}

PATHS = [
    ("drop", "empty XDP_DROP: the floor"),
    ("tx_mac", "XDP_TX, MAC addresses swapped"),
    ("tx_floor", "TX floor: headers checked; MACs, addresses, ports swapped; "
                 "seq, ack, flags set; both checksums; XDP_TX"),
    ("t_clock", "coarse clock read (bpf_ktime_get_coarse_ns), XDP_DROP"),
    ("t_mac", "sgate's MAC alone: SipHash-2-4 of the 24-byte IPv4 input, "
              "XDP_DROP"),
    ("kc_walk", "comparator: TX floor + bpf_tcp_raw_gen_syncookie_ipv4() + "
                "bpf_loop option walk (as the kernel's XDP synproxy)"),
    ("kc_fast", "comparator with sgate's stock-Linux option shortcut "
                "(walk only as fallback)"),
    ("sgate_syn", "**sgate: SYN (74 B, Linux options) -> SYN-ACK**"),
    ("sgate_syn_noopt", "sgate: SYN without options (54 B) -> SYN-ACK"),
    ("sgate_syn_v6", "sgate: IPv6 SYN (94 B) -> SYN-ACK"),
    ("sgate_syn_recent", "sgate: SYN on a 4-tuple seen in the last 2 min -> "
                         "socket lookup, then SYN-ACK"),
    ("sgate_ack_valid", "sgate: valid final ACK -> XDP_PASS + metadata"),
    ("sgate_ack_forged", "sgate: forged ACK (bad cookie) -> XDP_DROP"),
    ("sgate_established", "sgate: segment of an established flow -> "
                          "XDP_PASS (socket lookup)"),
    ("sgate_unprotected", "sgate: SYN to an unprotected port -> XDP_PASS"),
    ("sgate_hello", "**sgate: DTLS ClientHello without cookie (153 B) -> "
                    "HelloVerifyRequest**"),
    ("sgate_hello_cookie", "sgate: DTLS ClientHello with the cookie of that "
                           "HelloVerifyRequest (162 B) -> XDP_PASS"),
]


def kv_line(line):
    d = {}
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            d[k] = v
    return d


def num(d, k, default=0.0):
    try:
        return float(d.get(k, default))
    except ValueError:
        return default


def med(xs):
    return st.median(xs) if xs else float("nan")


def quart(xs):
    if len(xs) < 4:
        return (min(xs), max(xs)) if xs else (float("nan"),) * 2
    q = st.quantiles(xs, n=4)
    return q[0], q[2]


def fmt(x, nd=1):
    if x != x:  # NaN
        return "n/a"
    if abs(x) >= 1e6:
        return f"{x / 1e6:.2f} M"
    if abs(x) >= 1e4:
        return f"{x / 1e3:.0f} k"
    return f"{x:.{nd}f}"


def rate(x):
    if x != x:
        return "n/a"
    if x >= 1e6:
        return f"{x / 1e6:.2f} M/s"
    if x >= 1e3:
        return f"{x / 1e3:.0f} k/s"
    return f"{x:.0f} /s"


# ---- read ---------------------------------------------------------------
meta = {}
for line in open(os.path.join(RES, "meta.txt")):
    line = line.rstrip("\n")
    k = line.split("=", 1)[0]
    if k in ("rounds", "client_rate", "paced_rate"):
        meta.update(kv_line(line))
    elif "=" in line:
        meta[k] = line.split("=", 1)[1]

checks, calib = {}, {}
batches = defaultdict(dict)  # round -> path -> (n, t1, t2)
pk_file = os.path.join(RES, "pktcost.txt")
if os.path.exists(pk_file):
    for line in open(pk_file):
        d = kv_line(line)
        if line.startswith("check"):
            checks[d["path"]] = d
        elif line.startswith("calibrated"):
            calib[d["path"]] = int(d["n"])
        elif line.startswith("batch"):
            batches[d["round"]][d["path"]] = (
                int(d["n"]), int(d["ns_n"]), int(d["ns_2n"]))


def read_kv(name):
    path = os.path.join(RES, name)
    return [kv_line(x) for x in open(path)] if os.path.exists(path) else []


flood = read_kv("flood.txt")
fig1 = read_kv("fig1.txt")

doc = []
w = doc.append

# ---- part 1 -------------------------------------------------------------
cost = defaultdict(list)     # path -> per-round cost, ns/packet
raw = defaultdict(list)
lin = defaultdict(list)
for r, paths in batches.items():
    if "drop" not in paths or "wrap_drop" not in paths:
        continue
    drop = paths["drop"][1] / paths["drop"][0]
    wrap = paths["wrap_drop"][1] / paths["wrap_drop"][0]
    for p, (n, t1, t2) in paths.items():
        per = t1 / n
        raw[p].append(per)
        lin[p].append(t2 / t1)
        if p in ("drop", "wrap_drop"):
            cost[p].append(per)
        else:
            cost[p].append(per - wrap + drop)


def ratio(p, ref):
    xs = []
    for r, paths in batches.items():
        if p in paths and ref in paths and "drop" in paths and \
                "wrap_drop" in paths:
            d = paths["drop"][1] / paths["drop"][0]
            wr = paths["wrap_drop"][1] / paths["wrap_drop"][0]

            def c(q):
                n, t1, _ = paths[q]
                return t1 / n if q == "drop" else t1 / n - wr + d
            xs.append(c(p) / c(ref))
    return med(xs)


# ---- part 2 -------------------------------------------------------------
def xdp_arrived(d):
    """Frames the server's XDP program saw."""
    if any(k.startswith("gate_") for k in d):
        return sum(num(d, k) for k in d
                   if k.startswith("gate_") and not k.startswith("gate_tc_"))
    return sum(num(d, "tap_" + k) for k in
               ("syn", "synack", "ack", "rst", "tcp_other", "not_tcp", "udp"))


fl = defaultdict(lambda: defaultdict(list))   # kind -> setup -> [dict]
for d in flood:
    if "error" in d or "sent" not in d:
        fl[d.get("kind", "?")][d.get("setup", "?")].append(None)
        continue
    fl[d["kind"]][d["setup"]].append(d)


def per_round(kind, setup, f):
    return [f(d) for d in fl[kind][setup] if d is not None]


def synack_rate(d):
    return num(d, "sink_synack") / max(num(d, "seconds"), 1e-9)


def offered(d):
    return num(d, "sent") / max(num(d, "seconds"), 1e-9)


def ns_per_frame(d):
    a = xdp_arrived(d)
    return num(d, "rx_cpu_ms") * 1e6 / a if a else float("nan")


def round_ratio(kind, a, b, f):
    """Median over rounds of f(a)/f(b), rounds paired by number."""
    ra = {d["round"]: d for d in fl[kind][a] if d}
    rb = {d["round"]: d for d in fl[kind][b] if d}
    xs = [f(ra[k]) / f(rb[k]) for k in ra if k in rb and f(rb[k])]
    return med(xs), xs


# ---- part 3 -------------------------------------------------------------
steps = meta.get("steps", "").split()
cells = {}
for d in fig1:
    cells[(d.get("setup"), d.get("step"))] = d


def success(d):
    a = num(d, "attempts")
    return num(d, "ok") / a if a else float("nan")


def lat(d, k):
    v = num(d, k, -1)
    return v if v >= 0 else float("nan")


# ---- plots --------------------------------------------------------------
def plot_pktcost(fn):
    order = [p for p, _ in PATHS if cost.get(p)]
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(order) + 1.4))
    ys = range(len(order))
    vals = [med(cost[p]) for p in order]
    lo = [med(cost[p]) - quart(cost[p])[0] for p in order]
    hi = [quart(cost[p])[1] - med(cost[p]) for p in order]
    cols = ["#1b7837" if p.startswith("sgate") else
            "#e08214" if p.startswith("kc") else
            "#7b3294" if p.startswith("t_") else "#888888" for p in order]
    ax.barh(list(ys), vals, xerr=[lo, hi], color=cols, capsize=3)
    for y, v, h in zip(ys, vals, hi):
        ax.text(v + h + 1.5, y, f"{v:.0f} ns", va="center", fontsize=8)
    ax.set_yticks(list(ys))
    ax.set_yticklabels(order, fontsize=9)
    ax.invert_yaxis()
    for p, style in (("tx_floor", ":"), ("kc_walk", "--")):
        if cost.get(p):
            ax.axvline(med(cost[p]), color="k", ls=style, lw=0.8)
            ax.text(med(cost[p]), -0.7, p, fontsize=7, ha="center")
    if cost.get("tx_floor"):
        ax.axvline(1.6 * med(cost["tx_floor"]), color="#1b7837", ls=":",
                   lw=0.8)
        ax.text(1.6 * med(cost["tx_floor"]), len(order) - 0.3,
                "bar: 1.6x TX floor", fontsize=7, ha="center",
                color="#1b7837")
    if cost.get("kc_walk"):
        ax.axvline(0.8 * med(cost["kc_walk"]), color="#1b7837", ls="--",
                   lw=0.8)
        ax.text(0.8 * med(cost["kc_walk"]), len(order) - 0.3,
                "bar: 0.8x comparator", fontsize=7, ha="center",
                color="#1b7837")
    ax.set_xlabel("ns per packet (BPF_PROG_RUN, median of interleaved "
                  "rounds; bars: interquartile range)")
    ax.set_title("Per-packet cost, harness removed")
    fig.tight_layout()
    fig.savefig(fn, dpi=110)
    plt.close(fig)


def plot_flood(fn):
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    s1 = [s for s in SETUPS if per_round("syn", s, synack_rate)]
    v = [med(per_round("syn", s, synack_rate)) for s in s1]
    lo = [v[i] - min(per_round("syn", s, synack_rate))
          for i, s in enumerate(s1)]
    hi = [max(per_round("syn", s, synack_rate)) - v[i]
          for i, s in enumerate(s1)]
    a1.bar(range(len(s1)), [x / 1e3 for x in v],
           yerr=[[x / 1e3 for x in lo], [x / 1e3 for x in hi]],
           color=[COLORS[s] for s in s1], capsize=3)
    for i, x in enumerate(v):
        a1.text(i, x / 1e3, f"{x / 1e3:.0f}k", ha="center", va="bottom",
                fontsize=8)
    a1.set_xticks(range(len(s1)))
    a1.set_xticklabels(s1, fontsize=9)
    a1.set_ylabel("SYN-ACKs per second (thousands)")
    a1.set_title("SYN flood at the generator's maximum\n"
                 "(median of rounds; bars: min-max)", fontsize=10)
    s2 = [s for s in SETUPS + ["harness", "reflect"]
          if s != "stateful" and per_round("synpaced", s, ns_per_frame)]
    v2 = [med(per_round("synpaced", s, ns_per_frame)) for s in s2]
    a2.bar(range(len(s2)), v2, color=[COLORS[s] for s in s2])
    for i, x in enumerate(v2):
        a2.text(i, x, f"{x:.0f}", ha="center", va="bottom", fontsize=8)
    a2.set_xticks(range(len(s2)))
    a2.set_xticklabels(s2, fontsize=9, rotation=15)
    a2.set_ylabel("receiving CPU, ns per SYN")
    a2.set_title(f"Cost per SYN on the server's CPU at "
                 f"{fmt(PACED)} SYN/s", fontsize=10)
    fig.tight_layout()
    fig.savefig(fn, dpi=110)
    plt.close(fig)


def plot_fig1(fn):
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.6))
    xs = list(range(len(steps)))
    labels = []
    for st_ in steps:
        offs = [offered(cells[(s, st_)]) for s in SETUPS
                if (s, st_) in cells and "sent" in cells[(s, st_)]]
        if st_ == "0":
            labels.append("0\n(no attack)")
        elif st_ == "max":
            labels.append(f"max\n(~{fmt(med(offs))}/s)")
        else:
            labels.append(fmt(float(st_)))
    for s in SETUPS:
        ys, ps = [], []
        base = cells.get((s, "0"))
        for st_ in steps:
            d = cells.get((s, st_))
            ys.append(100 * success(d) if d and "attempts" in d
                      else float("nan"))
            if d and base and lat(base, "p99_us") > 0:
                ps.append(lat(d, "p99_us") / lat(base, "p99_us"))
            else:
                ps.append(float("nan"))
        a1.plot(xs, ys, marker=MARKERS[s], color=COLORS[s],
                label=SETUP_NAMES[s])
        a2.plot(xs, ps, marker=MARKERS[s], color=COLORS[s],
                label=SETUP_NAMES[s])
    a1.axhline(99, color="k", ls=":", lw=0.8)
    a1.text(len(steps) - 1.15, 95.5, "99 %", fontsize=7)
    a1.set_ylim(-3, 103)
    a1.set_ylabel("legitimate connections that succeed (%)")
    a1.set_title("Service quality under a SYN flood", fontsize=10)
    a2.set_yscale("log")
    a2.set_ylabel("connect latency p99, / same setup without attack")
    a2.set_title("Connect latency (p99), normalised", fontsize=10)
    for a in (a1, a2):
        a.set_xticks(xs)
        a.set_xticklabels(labels, fontsize=8)
        a.set_xlabel("attack: spoofed SYNs per second (offered)")
        a.grid(alpha=0.3)
    a1.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 0.06))
    fig.suptitle("After Aura & Nikander, \"Stateless connections\", "
                 "Fig. 1: service quality vs load, measured", fontsize=10)
    fig.tight_layout()
    fig.savefig(fn, dpi=110)
    plt.close(fig)


PACED = float(meta.get("paced_rate", "200000"))
os.makedirs(OUT, exist_ok=True)
plots = {}
if cost:
    plots["pktcost"] = "bench-pktcost.png"
    plot_pktcost(os.path.join(OUT, plots["pktcost"]))
if flood:
    plots["flood"] = "bench-synflood.png"
    plot_flood(os.path.join(OUT, plots["flood"]))
if fig1:
    plots["fig1"] = "bench-fig1.png"
    plot_fig1(os.path.join(OUT, plots["fig1"]))

# ---- the document -------------------------------------------------------
syn = med(cost.get("sgate_syn", []))
floor = med(cost.get("tx_floor", []))
r_floor = ratio("sgate_syn", "tx_floor")
r_walk = ratio("sgate_syn", "kc_walk")
r_fast = ratio("sgate_syn", "kc_fast")
r_rate2, r_rate2_all = round_ratio("syn", "sgate", "cookies2", synack_rate)
r_rate1, _ = round_ratio("syn", "sgate", "cookies1", synack_rate)
r_cap2, _ = round_ratio("synpaced", "cookies2", "sgate", ns_per_frame)


def net_ratio(a, b, kind="syn", bed="harness"):
    """Median over rounds of (cost a - bed) / (cost b - bed), same round."""
    rs = {k: {d["round"]: d for d in fl[kind][k] if d}
          for k in (a, b, bed)}
    xs = []
    for r in rs[a]:
        if r in rs[b] and r in rs[bed]:
            h = ns_per_frame(rs[bed][r])
            den = ns_per_frame(rs[b][r]) - h
            if den > 0:
                xs.append((ns_per_frame(rs[a][r]) - h) / den)
    return med(xs)


r_net2 = net_ratio("cookies2", "sgate")
r_net2r = net_ratio("cookies2", "sgate", bed="reflect")
max_cells = {s: cells.get((s, "max")) for s in SETUPS}


def verdict(ok):
    return "**met**" if ok else "**missed**"


w("# Benchmarks")
w("")
w("Written by `sudo make bench` (bench/run.sh, bench/report.py) from one "
  "run; every number below comes from that run.  Re-running rewrites this "
  "file and the plots.")
w("")
w(f"- Run: {meta.get('date', '?')}, {meta.get('seconds', '?')} s, "
  f"commit {meta.get('commit', '?')}")
w(f"- Machine: {meta.get('cpu', '?')}, {meta.get('cpus', '?')} CPUs"
  + (f", {meta['hypervisor']} guest" if meta.get("hypervisor") else "")
  + f"; kernel {meta.get('kernel', '?')}; {meta.get('clang', '')}, "
  f"libbpf {meta.get('libbpf', '?')}")
w(f"- Load average at start / end: {meta.get('load_start', '?')} / "
  f"{meta.get('load_end', '?')} (the machine is shared; other people's "
  "work runs alongside)")
w("- Method: medians of repeated runs interleaved with the runs they are "
  "compared to; ratios are taken within a round (side by side) and their "
  "median reported.  Nothing here is a test: the benchmarks never pass or "
  "fail the suite.")
w("")

w("## The bars")
w("")
w("| bar | measured | |")
w("|---|---|---|")
w(f"| sgate's SYN path ≤ 1.6× the TX floor | {r_floor:.2f}× "
  f"({syn:.1f} ns vs {floor:.1f} ns) | {verdict(r_floor <= 1.6)} |")
w(f"| sgate's SYN path ≤ 0.8× the kernel-helper comparator (bpf_loop "
  f"walk) | {r_walk:.2f}× | {verdict(r_walk <= 0.8)} |")
w(f"| (stricter: ≤ 0.8× the comparator with sgate's option shortcut) | "
  f"{r_fast:.2f}× | {verdict(r_fast <= 0.8)} |")
w(f"| ≥ 5× the SYN-ACK rate of the kernel's own cookies "
  f"(tcp_syncookies=2), flooded at the generator's maximum | "
  f"{r_rate2:.2f}× | {verdict(r_rate2 >= 5)} |")
w(f"| (the same per second of the server's CPU, at {fmt(PACED)} SYN/s) | "
  f"{r_cap2:.2f}× | {verdict(r_cap2 >= 5)} |")
sg = max_cells.get("sgate")
sf = max_cells.get("stateful")
if sg and sf and "attempts" in sg and "attempts" in sf:
    w(f"| ≥ 99 % legitimate success at the full flood, where the stateful "
      f"server collapses | sgate {100 * success(sg):.1f} %, stateful "
      f"{100 * success(sf):.1f} % | "
      f"{verdict(success(sg) >= 0.99 and success(sf) < 0.5)} |")
w("")
w("How each is measured, and what limits it, follows.  Where a bar is "
  "missed the reason is given with the numbers.")
w("")

# part 1
w("## 1. Per-packet cost (BPF_PROG_RUN)")
w("")
w("`bench/pktcost` loads the real `build/sgate.bpf.o` (map mode, one key, "
  "ports 80 and the loopback listener's protected) and the reference "
  "programs of `bench/pkt.bpf.c`, and runs each path with BPF_PROG_RUN on "
  "CPU 1.  BPF_PROG_RUN repeats a program on the same buffer, and a SYN "
  "path turns its SYN into a SYN-ACK, so every path is reached through a "
  "small wrapper that restores the frame (length, metadata, bytes) and "
  "tail-calls the program under test; the wrapper's own cost, measured the "
  "same way with an empty XDP_DROP as target, is subtracted and the plain "
  "XDP_DROP's cost added back, so each figure is the cost of running that "
  "program on one packet.  Each path's batch is calibrated to about 20 ms "
  "of the thread's CPU time (time the thread is not running does not "
  f"count); {len(batches)} rounds each run every path once with N and once "
  "with 2N repeats, in an order rotated every round.")
w("")
w("| path | ns/packet | IQR | × XDP_DROP | × TX floor | × comparator "
  "(walk) | 2N/N |")
w("|---|---:|---:|---:|---:|---:|---:|")
for p, desc in PATHS:
    if not cost.get(p):
        continue
    q = quart(cost[p])
    w(f"| {desc} | {med(cost[p]):.1f} | {q[0]:.1f}–{q[1]:.1f} | "
      f"{ratio(p, 'drop'):.1f} | {ratio(p, 'tx_floor'):.2f} | "
      f"{ratio(p, 'kc_walk'):.2f} | {med(lin[p]):.2f} |")
if cost.get("wrap_drop"):
    w(f"| (harness: restore + tail call + XDP_DROP, not subtracted here) | "
      f"{med(cost['wrap_drop']):.1f} | | | | | "
      f"{med(lin['wrap_drop']):.2f} |")
w("")
bad = [p for p, d in checks.items() if d.get("ok") != "1"]
w("Before measuring, each path ran once through the harness and its "
  "verdict and the sgate counter it must move were checked: "
  + ("all as intended." if not bad else
     "**not as intended: " + ", ".join(bad) + "**."))
lins = [med(lin[p]) for p in lin]
if lins:
    w(f"Linearity: 2N repeats took {min(lins):.2f}–{max(lins):.2f}× as long "
      "as N (median per path), so a batch's fixed cost does not distort "
      "the per-packet figures.")
w("")
if "pktcost" in plots:
    w(f"![per-packet cost]({plots['pktcost']})")
    w("")
mac = med(cost.get("t_mac", [float("nan")]))
clock = med(cost.get("t_clock", [float("nan")]))
drop = med(cost.get("drop", [float("nan")]))
kcf = med(cost.get("kc_fast", [float("nan")]))
kcw = med(cost.get("kc_walk", [float("nan")]))
w("Where sgate's SYN path spends its time, from the rows above: the MAC "
  f"alone (SipHash-2-4, 24 bytes) costs {mac - drop:.1f} ns over the empty "
  f"program, {(mac - drop) / floor:.1f}× the whole TX floor "
  f"({floor:.1f} ns), and the coarse clock {clock - drop:.1f} ns.  "
  f"So floor + MAC alone is {floor + mac - drop:.1f} ns, "
  f"{(floor + mac - drop) / floor:.2f}× the floor: the 1.6× bar cannot be "
  "reached with the cookie format of include/sgate/cookie.h, whose MAC "
  "input is fixed, and whose behaviour (every byte of the SYN-ACK) the "
  "packet tests pin.  The rest of the SYN path "
  f"({syn - floor - (mac - drop):.1f} ns) is parsing (VLAN, IPv4/IPv6, "
  "ports), the checks a gate must make (flags, bogus sources), the option "
  "shortcut, the key ring lookup, encoding the options into the cookie and "
  "counting.  The comparators add "
  f"{kcf - floor:.1f} ns to the floor with the shortcut and "
  f"{kcw - floor:.1f} ns with the bpf_loop walk (the kernel's helper, "
  "the clock, the options).")
w("")
if cost.get("sgate_hello") and cost.get("sgate_syn"):
    w("The DTLS rows: a DTLS 1.2 ClientHello (IPv4, two cipher suites, a "
      "40-byte extension block, no session id) to a protected UDP port "
      "with a bound socket; the second one carries the cookie the gate "
      "put in its answer to the first, so it is verified and passed "
      f"(bpf/dtls.h).  The ClientHello path costs "
      f"{ratio('sgate_hello', 'sgate_syn'):.2f}× the SYN path in the same "
      f"rounds; a verified ClientHello "
      f"{ratio('sgate_hello_cookie', 'sgate_syn'):.2f}×.  These rows "
      "still include part of the harness: the cost subtracted was "
      "measured restoring a 74-byte frame, and these frames are about "
      "twice as long.")
    w("")
w("The comparator's walk copies the options out and steps through them "
  "with bpf_loop (the project's walker, include/sgate/tcpopt.h): the "
  "kernel selftest's in-packet walk, built with this machine's clang 14, "
  "exceeds the verifier's million-instruction limit.  Both comparators use "
  "the coarse clock for their timestamp cookie (the kernel's XDP synproxy "
  "uses bpf_ktime_get_ns(), dearer) and the same register-summed "
  "checksums as the floor: the comparison isolates the cookie.")
w("")
w("An optimisation of the SYN path (one clock read, the SYN-ACK stored "
  "directly into the frame instead of through bpf_xdp_store_bytes(), no "
  "second configuration lookup) went in before this run with its own "
  "before/after numbers in the commit message (see `git log "
  "bpf/sgate.bpf.c`); `make check` passed before and after.")
w("")

# part 2
w("## 2. Floods through a veth pair")
w("")
w("### The test bed")
w("")
w("```")
w("  legit ns                client ns                               server ns")
w("  bench/client --veth--> [to_hop XDP]--+                +--> server veth: setup's XDP / stack")
w("  (10.79.0.2)                          |  CPU map queue  |      bench/server (echo, backlog "
  f"{meta.get('backlog', '?')})")
w("                 flood generator ----->+---> CPU 1 ---->+      (10.77.0.2:8080)")
w("                 (BPF_PROG_RUN live frames, CPU 0)  hop XDP: out of the client veth")
w("  replies: server veth --> client veth [count XDP: count; drop replies to 10.78/16]")
w("```")
w("")
w("Every measurement gets fresh namespaces.  The generator "
  "(`bench/flood gen`) builds 74-byte SYNs with Linux options (or 66-byte "
  "ACKs with random cookies) from random sources in 10.78.0.0/16 in an XDP "
  "program run with `BPF_F_TEST_XDP_LIVE_FRAMES` on CPU 0, rewriting the "
  "whole frame each time.  On a veth the receiver's NAPI runs on the CPU "
  "that transmits, so frames sent straight from CPU 0 would be processed "
  "on CPU 0 too; instead they go through a CPU map to CPU 1, where a "
  "one-line XDP program sends them out of the client veth into the "
  "server's, which then receives and processes them on CPU 1.  The "
  "legitimate client's frames take the same queue (its own namespace, "
  "redirected into the same CPU map), so when the server's CPU falls "
  "behind, flood and clients lose frames there alike, as they would in a "
  "NIC's ring.  Replies to the spoofed sources are counted and dropped on "
  "the client veth (so no RSTs come back from the client side); that "
  "receive work also lands on CPU 1.")
w("")
w("What can be pinned: processes (`taskset`: generator and client on CPU "
  "0, echo server on CPU 1) and the CPU map's kthread (CPU 1 by "
  "construction), which runs the hop and, in its softirqs, the server "
  "veth's XDP program and stack and the client veth's receive.  What "
  "cannot: a veth's NAPI itself.  Threaded NAPI (`/sys/class/net/*/"
  "threaded`) would allow pinning it, but on this kernel and VM the NAPI "
  "thread was seen asleep with a full 256-frame ring for most of a flood "
  "once replies flowed back, and frames were lost before any program saw "
  "them; the CPU map is the workaround.  The receiving CPU's cost is the "
  "run time of that kthread plus CPU 1's ksoftirqd (per-task scheduler "
  "statistics, so other people's work on the machine is not counted).")
w("")
w("The setups: " + "; ".join(f"`{k}`: {v}" for k, v in SETUP_NAMES.items())
  + ".  Every setup but sgate has a counting XDP program on the server's "
  "veth (a veth only accepts XDP frames when it runs one).")
w("")
w(f"### SYN flood at the generator's maximum ({meta.get('rounds', '?')} "
  "rounds)")
w("")
w("| setup | offered SYN/s | reached the server's XDP | SYN-ACKs/s "
  "(range) | × cookies2 | × cookies1 | receiving CPU ns/SYN |")
w("|---|---:|---:|---:|---:|---:|---:|")
for s in SETUPS + ["harness", "reflect"]:
    rs = per_round("syn", s, synack_rate)
    if not rs:
        w(f"| {SETUP_NAMES[s]} | failed | | | | | |")
        continue
    arr = per_round("syn", s, lambda d: xdp_arrived(d) /
                    max(num(d, "seconds"), 1e-9))
    w(f"| {SETUP_NAMES[s]} | {rate(med(per_round('syn', s, offered)))} | "
      f"{rate(med(arr))} | {rate(med(rs))} ({fmt(min(rs))}–{fmt(max(rs))}) "
      f"| {round_ratio('syn', s, 'cookies2', synack_rate)[0]:.2f} | "
      f"{round_ratio('syn', s, 'cookies1', synack_rate)[0]:.2f} | "
      f"{med(per_round('syn', s, ns_per_frame)):.0f} |")
w("")
w("SYN-ACKs are counted where they arrive, on the client veth; the "
  "server-side counters (sgate's `syn_answered`, the kernel's "
  "`TcpExtSyncookiesSent`) agree with them in the raw results.  The "
  "offered rate exceeds what any setup absorbs: the surplus is lost in the "
  "CPU map queue, and the figure is what the server's one CPU answers while "
  "flooded beyond its capacity.")
w("")
w(f"### Cost per SYN at {fmt(PACED)} SYN/s")
w("")
w("At a rate every setup but the stateful one keeps up with, what the "
  "receiving CPU spends per SYN, and the capacity that implies "
  "(1 s / cost).  At this rate the CPU map's kthread sleeps between the "
  "generator's millisecond bursts, and each wake-up is part of the cost; "
  "the `harness` and `reflect` rows show what that and the rest of the "
  "test bed cost with no gate and no stack behind them.")
w("")
w("| setup | receiving CPU ns/SYN | capacity, SYN/s of one CPU | "
  "cookies2 ÷ this |")
w("|---|---:|---:|---:|")
hns = med(per_round("synpaced", "harness", ns_per_frame))
for s in SETUPS + ["harness", "reflect"]:
    v = per_round("synpaced", s, ns_per_frame)
    if not v:
        continue
    m = med(v)
    r2 = round_ratio("synpaced", "cookies2", s, ns_per_frame)[0]
    w(f"| {SETUP_NAMES[s]} | {m:.0f} | {rate(1e9 / m)} | {r2:.2f} |")
w("")
w("For the stateful server the figure is per SYN that reached it, most of "
  "which it drops once its queue is full.")
w("")
if "flood" in plots:
    w(f"![SYN flood]({plots['flood']})")
    w("")

w(f"### ACK flood with random cookies ({meta.get('rounds', '?')} rounds, "
  "generator's maximum)")
w("")
w("| setup | offered ACK/s | reached the server's XDP/s | reached TCP "
  "(Tcp InSegs)/s | RSTs back/s | receiving CPU ns/ACK |")
w("|---|---:|---:|---:|---:|---:|")
for s in SETUPS:
    v = [d for d in fl["ack"][s] if d]
    if not v:
        continue

    def per_s(k):
        return med([num(d, k) / max(num(d, "seconds"), 1e-9) for d in v])
    w(f"| {SETUP_NAMES[s]} | {rate(med([offered(d) for d in v]))} | "
      f"{rate(med([xdp_arrived(d) / max(num(d, 'seconds'), 1e-9) for d in v]))} | "
      f"{rate(per_s('tcp_InSegs'))} | {rate(per_s('sink_rst'))} | "
      f"{med([ns_per_frame(d) for d in v]):.0f} |")
w("")
sgv = [d for d in fl["ack"]["sgate"] if d]
if sgv:
    bad_mac = med([num(d, "gate_cookie_bad_mac") for d in sgv])
    arrived = med([xdp_arrived(d) for d in sgv])
    w(f"With the gate, {fmt(bad_mac)} of {fmt(arrived)} ACKs per run "
      "(median) were dropped at XDP as bad cookies "
      "(`cookie_bad_mac`), none reached TCP and none drew a RST; without "
      "it, the kernel answers each ACK to a listener that matches no "
      "connection with a RST (or, with cookies in use, checks the cookie "
      "first and then resets).")
w("")

# part 3
w("## 3. Service quality under attack (the paper's Figure 1)")
w("")
w("Aura and Nikander's Figure 1 claims that a stateful server's service "
  "quality falls off a cliff when its state is exhausted, while a "
  "stateless one degrades gently.  Here a compiled client "
  f"(`bench/client`) opens {meta.get('client_rate', '?')} connections a "
  f"second for {meta.get('client_seconds', '?')} s, open loop, each one "
  "connect, send 23 bytes, read the echo, close; it succeeds if all that "
  f"is done within {meta.get('client_timeout_ms', '?')} ms (so one lost "
  "SYN, retransmitted after 1 s, still succeeds, late).  The flood runs "
  "throughout at each step's rate; each cell is a fresh setup.  Latency "
  "is connect() to established, over the connections whose handshake "
  "completed, and is normalised to the same setup's no-attack cell.")
w("")
w("| setup | " + " | ".join(
    ("no attack" if x == "0" else "max" if x == "max" else fmt(float(x)))
    for x in steps) + " |")
w("|---|" + "---:|" * len(steps))
for s in SETUPS:
    row = []
    for x in steps:
        d = cells.get((s, x))
        if not d or "attempts" not in d:
            row.append("n/a")
            continue
        row.append(f"{100 * success(d):.1f} %")
    w(f"| {SETUP_NAMES[s]}: success | " + " | ".join(row) + " |")
for s in SETUPS:
    row = []
    base = cells.get((s, "0"))
    for x in steps:
        d = cells.get((s, x))
        if not d or "attempts" not in d or lat(d, "p50_us") != \
                lat(d, "p50_us"):
            row.append("–")
            continue
        if x == "0" or not base:
            row.append(f"{lat(d, 'p50_us'):.0f} / {lat(d, 'p99_us'):.0f} µs")
        else:
            row.append(f"{lat(d, 'p50_us') / lat(base, 'p50_us'):.1f}× / "
                       f"{lat(d, 'p99_us') / lat(base, 'p99_us'):.1f}×")
    w(f"| {SETUP_NAMES[s]}: p50 / p99 | " + " | ".join(row) + " |")
offs = []
for x in steps:
    o = [offered(cells[(s, x)]) for s in SETUPS
         if (s, x) in cells and "sent" in cells[(s, x)]]
    offs.append(rate(med(o)) if o and x != "0" else "0")
w("| offered flood (median of the row's cells) | " + " | ".join(offs)
  + " |")
w("")
w("Latency cells under attack are ratios to the no-attack cell "
  "(p50× / p99×); the no-attack column gives the absolute values.")
w("")
w("How much of CPU 1 the server side's receive work got during each "
  "flood (the CPU map kthread's and ksoftirqd's run time over the flood's "
  "duration): near 100 % the server was saturated; well below it under a "
  "flood it could not absorb, something else had the CPU (the machine is "
  "shared).")
w("")
w("| setup | " + " | ".join(
    ("max" if x == "max" else fmt(float(x))) for x in steps if x != "0")
  + " |")
w("|---|" + "---:|" * (len(steps) - 1))
for s in SETUPS:
    row = []
    for x in steps:
        if x == "0":
            continue
        d = cells.get((s, x))
        if not d or num(d, "seconds") <= 0:
            row.append("n/a")
            continue
        row.append(f"{num(d, 'rx_cpu_ms') / (10 * num(d, 'seconds')):.0f} %")
    w(f"| {SETUP_NAMES[s]} | " + " | ".join(row) + " |")
w("")
held = []
for s in SETUPS:
    ok_steps = []
    for x in steps:
        d = cells.get((s, x))
        if not d or "attempts" not in d or success(d) < 0.99:
            break
        ok_steps.append(x)
    last = ok_steps[-1] if ok_steps else None
    if last is None:
        held.append(f"{s}: not even without attack")
    elif last == steps[-1]:
        held.append(f"{s}: every step, including the maximum")
    elif last == "0":
        held.append(f"{s}: only without attack")
    else:
        held.append(f"{s}: up to {fmt(float(last))}/s")
w("Highest flood step at which ≥ 99 % of legitimate connections still "
  "succeeded (and every lower step too): " + "; ".join(held) + ".")
w("")
if "fig1" in plots:
    w(f"![service quality vs load]({plots['fig1']})")
    w("")

# part 4
HPACED = float(meta.get("hello_paced_rate", "20000"))
DTLS_SETUPS = ["dtls_sgate", "dtls_openssl", "harness"]
DTLS_NAMES = {
    "dtls_sgate": "sgate (XDP gate, DTLS port guarded)",
    "dtls_openssl": "OpenSSL DTLSv1_listen() in user space",
    "harness": "test bed only (XDP_DROP on the server's veth)",
}


def hvr_rate(d):
    """HelloVerifyRequests a second, counted on the client veth."""
    return num(d, "sink_udp") / max(num(d, "seconds"), 1e-9)


def ns_per_hello(d):
    """Receiving CPU and the DTLS server's process, per ClientHello that
    reached the server's XDP."""
    own = max(num(d, "ossl_cpu_ms") - num(d, "ossl_start_cpu_ms"), 0)
    return (num(d, "rx_cpu_ms") + own) * 1e6 / max(xdp_arrived(d), 1)


def server_answers(d):
    """The answering side's own count of HelloVerifyRequests."""
    return num(d, "gate_dtls_hvr_sent") + num(d, "ossl_cookie_generated")


if fl["hello"]:
    w("## 4. DTLS: HelloVerifyRequests at XDP and in OpenSSL")
    w("")
    w("The same test bed as part 2, with a UDP port "
      f"({meta.get('dtls_port', '?')}) for DTLS.  The generator "
      "(`bench/flood gen ... hello`) sends DTLS 1.2 ClientHellos without "
      "cookie (the 153-byte frame of part 1, built by tests/lib/dtls_hello, "
      "with a random source in 10.78.0.0/16, source port and client random "
      "each time, no UDP checksum) through the CPU map to CPU 1.  Both "
      "setups run `bench/dtls_server` on CPU 1: a UDP socket and OpenSSL's "
      "`DTLSv1_listen()` with cookie callbacks (HMAC-SHA256 of the peer's "
      "address and port, 16 bytes), its socket's receive buffer raised to "
      "8 MiB.  With `dtls_sgate` the gate guards the "
      "port (`sgate attach --dtls-ports`) and answers every ClientHello "
      "with a HelloVerifyRequest at XDP (bpf/dtls.h), so OpenSSL sees "
      "none; with `dtls_openssl` OpenSSL answers them itself, as a DTLS "
      "server does without the gate.  HelloVerifyRequests are counted where "
      "they arrive, on the client veth; the answering side's own count "
      "(sgate's `dtls_hvr_sent`, the server's cookie callback calls) is "
      "given beside it.  What is compared is the whole answering side on "
      "one CPU: receive, XDP or the UDP stack and OpenSSL, and sending the "
      "answer.")
    w("")
    w(f"### ClientHello flood at the generator's maximum "
      f"({meta.get('rounds', '?')} rounds)")
    w("")
    w("| setup | offered ClientHello/s | reached the server's XDP/s | "
      "HelloVerifyRequests/s (range) | answering side's count/s | "
      "× OpenSSL |")
    w("|---|---:|---:|---:|---:|---:|")
    for s in DTLS_SETUPS:
        rs = per_round("hello", s, hvr_rate)
        if not rs:
            w(f"| {DTLS_NAMES[s]} | failed | | | | |")
            continue
        arr = per_round("hello", s, lambda d: xdp_arrived(d) /
                        max(num(d, "seconds"), 1e-9))
        own = per_round("hello", s, lambda d: server_answers(d) /
                        max(num(d, "seconds"), 1e-9))
        x = round_ratio("hello", s, "dtls_openssl", hvr_rate)[0] \
            if s != "harness" else float("nan")
        w(f"| {DTLS_NAMES[s]} | "
          f"{rate(med(per_round('hello', s, offered)))} | {rate(med(arr))} | "
          f"{rate(med(rs))} ({fmt(min(rs))}–{fmt(max(rs))}) | "
          f"{rate(med(own))} | "
          + ("" if x != x else f"{x:.1f}") + " |")
    w("")
    osv = [d for d in fl["hello"]["dtls_openssl"] if d]
    if osv:
        share = med([(num(d, "ossl_cpu_ms") - num(d, "ossl_start_cpu_ms")) /
                     (10 * max(num(d, "seconds"), 1e-9)) for d in osv])
        got = med([num(d, "sink_udp") / max(xdp_arrived(d), 1)
                   for d in osv])
        w("× OpenSSL is the ratio of HelloVerifyRequests a second within a "
          "round (side by side), its median.  Flooded, CPU 1's receive "
          "work runs in softirq context ahead of any process: OpenSSL's "
          f"process got {share:.0f} % of CPU 1 and answered "
          f"{100 * got:.0f} % of the ClientHellos that reached the "
          "server's XDP (medians); where the rest were lost (socket queue "
          "or earlier) was not counted.  The gate answers in that same "
          "receive work.")
        w("")
    w(f"### Cost per ClientHello at {fmt(HPACED)} ClientHello/s")
    w("")
    w("At a rate both keep up with, what CPU 1 spends per ClientHello that "
      "reached the server's XDP: the CPU map kthread's and ksoftirqd's run "
      "time, plus for OpenSSL its process's CPU time during the flood; and "
      "the capacity that implies (1 s / cost).  As in part 2, the CPU "
      "map's wake-ups between the generator's bursts are part of each "
      "figure, and the `harness` row is the bed's own cost.")
    w("")
    w("| setup | HelloVerifyRequests / ClientHellos | CPU 1 ns per "
      "ClientHello | capacity, ClientHello/s of one CPU | OpenSSL ÷ this |")
    w("|---|---:|---:|---:|---:|")
    for s in DTLS_SETUPS:
        v = per_round("hellopaced", s, ns_per_hello)
        if not v:
            continue
        ans = med(per_round("hellopaced", s, lambda d: num(d, "sink_udp") /
                            max(xdp_arrived(d), 1)))
        r2 = round_ratio("hellopaced", "dtls_openssl", s, ns_per_hello)[0]
        w(f"| {DTLS_NAMES[s]} | {ans:.2f} | {med(v):.0f} | "
          f"{rate(1e9 / med(v))} | {r2:.2f} |")
    w("")
    w("BPF_PROG_RUN's cost of the gate's ClientHello path alone is in "
      "part 1 (`sgate_hello`).")
    w("")

# limits
w("## What limits what")
w("")
hr = med(per_round("syn", "harness", ns_per_frame))
rf = med(per_round("syn", "reflect", ns_per_frame))
sgp = med(per_round("syn", "sgate", ns_per_frame))
k2p = med(per_round("syn", "cookies2", ns_per_frame))
w("- **Two cores.**  CPU 0 is the whole outside world (generator and "
  "legitimate client), CPU 1 the whole server (its veth's receive, XDP, "
  "TCP stack, SYNPROXY, echo server, and the receive of its replies).  A "
  "single receiving CPU bounds every throughput figure here; none of it "
  "scales to a multi-queue NIC's many cores, and the generator, on one "
  "CPU, offers several times more than one receiving CPU absorbs.")
w(f"- **The veth test bed costs more than the gate.**  Flooded, CPU 1 "
  f"spends {hr:.0f} ns per frame just bringing it to an XDP_DROP on the "
  f"server's veth (`harness`) and {rf:.0f} ns to send it straight back "
  f"and receive it on the client side (`reflect`), against sgate's "
  f"{med(cost.get('sgate_syn', [float('nan')])):.0f} ns of BPF per SYN "
  f"(part 1) and {sgp:.0f} ns per SYN in all: the measured rate ratio "
  "mostly compares the test bed plus the kernel with the test bed plus "
  "sgate.  A NIC driver's receive and XDP_TX cost far less than a veth "
  "pair with a CPU hop, so on hardware the ratio would be higher.  As an "
  f"estimate only (a difference of noisy figures): less the `harness` "
  f"cost, cookies2 spends {r_net2:.1f}× what sgate does per SYN; less the "
  f"`reflect` cost, which also charges sgate's reply to the bed, "
  f"{r_net2r:.1f}×.")
ov = []
for s in ("sgate", "cookies2"):
    a = med(per_round("syn", s, ns_per_frame))
    b = med(per_round("synpaced", s, ns_per_frame))
    ov.append(f"{s} {b:.0f} ns per SYN at {fmt(PACED)}/s, {a:.0f} ns "
              "flooded")
w("- **Overload.**  At the generator's maximum the CPU map's queue is "
  "always full and the generator and the receiving CPU contend for it; "
  "the cost per SYN on CPU 1 changes accordingly (" + "; ".join(ov) +
  "), and the SYN-ACK rate under overload is what the server achieves "
  "in that state, not its capacity at a rate it keeps up with.")
w("- **The hypervisor.**  This is a KVM guest on a shared host: "
  "BPF_PROG_RUN's thread CPU time includes any time the host takes the "
  "vCPU away, and wake-ups of an idle vCPU are slow.  Medians of "
  "interleaved rounds and per-task CPU accounting keep most of that out, "
  "not all.")
w("- **Other people's work.**  The load averages above show the machine "
  "was not idle; ratios within a round are more trustworthy than any "
  "absolute figure.")
w("")
w("## How to run")
w("")
w("`sudo make bench` (about 6 minutes) installs what is missing "
  "(`DEB_PKGS_BENCH`: python3-matplotlib), builds, and runs bench/run.sh, "
  "which writes raw results to build/bench/results/ and this file and "
  "Documentation/bench-*.png through bench/report.py.  `BENCH_QUICK=1 "
  "bench/run.sh` is a short smoke run that writes to build/bench/quick/ "
  "instead.  The programs: bench/pktcost.c and bench/pkt.bpf.c (part 1), "
  "bench/flood.c and bench/flood.bpf.c (generator, CPU hop, counters), "
  "bench/client.c and bench/server.c (part 3), bench/dtls_server.c (part "
  "4).  Every flood is bounded in "
  "packets and seconds and stays inside namespaces the script creates "
  "and deletes.")
w("")

with open(os.path.join(OUT, "benchmarks.md"), "w") as f:
    f.write("\n".join(doc))
print(os.path.join(OUT, "benchmarks.md"))
