#!/usr/bin/env python3
"""Medians, ratios and charts from scripts/bench.sh's raw output.

    bench-report.py RAW OUTDIR

RAW holds "BENCH-RESULT VMM FIGURE VALUE UNIT" lines (guest-tests/lab/
bench-inner.sh); the tables go to stdout, *.dat and (with gnuplot) *.svg
charts to OUTDIR. The issue's targets are printed beside the figures as
information: a benchmark never fails.
"""
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict

raw, outdir = sys.argv[1], sys.argv[2]
vals = defaultdict(list)  # (vmm, figure) -> [float]
by_round = defaultdict(dict)  # (vmm, figure) -> {round: float}
units = {}
rnd = None
for line in open(raw, errors="replace"):
    m = re.match(r"BENCH-ROUND (\d+)$", line.strip())
    if m:
        rnd = int(m.group(1))
        continue
    m = re.match(r"BENCH-RESULT (\S+) (\S+) ([0-9.]+) (\S+)", line.strip())
    if m:
        vmm, fig, v, unit = m.groups()
        vals[vmm, fig].append(float(v))
        if rnd is not None:
            by_round[vmm, fig][rnd] = float(v)
        units[fig] = unit


BLK = ("seqwrite-1m", "seqread-1m", "randread-4k", "randwrite-4k")
# The round trip's headline figures: the target is checked, and the rounds
# paired, on each.
RTT = (("rtas_roundtrip", "median batch"), ("rtas_roundtrip_call_p50", "median call"))


def med(vmm, fig):
    v = vals.get((vmm, fig))
    return statistics.median(v) if v else None


def fmt(x, unit=""):
    if x is None:
        return "-"
    if unit == "kB":
        return "%.1f MiB" % (x / 1024)
    return ("%.2f" % x if x < 100 else "%.0f" % x) + (" " + unit if unit else "")


def ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def paired(a, b, fig):
    """Per-round ratios a/b: the parts run the VMMs alternately, so round i of
    one sits next to round i of the other in time, and a slow stretch of the
    emulated host weighs on both. Rounds are matched by their BENCH-ROUND
    number; a round either VMM lost is left out."""
    x, y = by_round.get((a, fig), {}), by_round.get((b, fig), {})
    common = sorted(r for r in x if r in y and y[r])
    return [x[r] / y[r] for r in common] or None


def paired_text(r, lower_better=True):
    if not r:
        return "-"
    won = sum(1 for x in r if (x < 1 if lower_better else x > 1))
    return "median %.2f, %.2f-%.2f; pvm ahead in %d of %d rounds" % (
        statistics.median(r), min(r), max(r), won, len(r))


def row(cells, widths):
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))


W = (44, 12, 12, 10, 8)
n_rounds = len(vals.get(("pvm", "init"), []))
if n_rounds:
    print("Boot, 1 vCPU, 512 MiB (medians of %d boots each; LPAR clock from the VMM's start)" % n_rounds)
    print(row(("figure", "QEMU+VOF", "pvm", "pvm/QEMU", "runs"), W))
    for fig, what in (("first_console", "VMM start -> guest's first console line"),
                      ("init", "VMM start -> guest /init"),
                      ("guest_uptime_at_init", "guest's own uptime at /init"),
                      ("rss_outside_guest_ram", "resident memory outside guest RAM at /init"),
                      ("vm_hwm", "peak resident memory (VmHWM, incl. guest)")):
        q, p = med("qemu", fig), med("pvm", fig)
        u = units.get(fig, "")
        print(row((what, fmt(q, u), fmt(p, u), ratio(p, q),
                   "%d/%d" % (len(vals.get(("qemu", fig), [])), len(vals.get(("pvm", fig), [])))), W))
    print()

tr = {k[1][6:]: med("pvm-trace", k[1]) for k in vals if k[0] == "pvm-trace" and k[1].startswith("trace_")}
if tr:
    print("pvm's boot breakdown (pvm run --boot-trace, medians; s from pvm's main())")
    for k, what in (("images_checked", "kernel headers checked"),
                    ("threads_started", "vCPU threads started (filters loading)"),
                    ("images_loaded", "loaded into guest RAM"),
                    ("fdt_built", "device tree built"), ("first_kvm_run", "first KVM_RUN (pvm's share ends)"),
                    ("first_console_output", "guest's first console output"), ("guest_init", "guest /init")):
        print("  %-36s %s" % (what, fmt(tr.get(k), "s")))
    if tr.get("first_kvm_run") is not None and tr.get("guest_init"):
        floor = tr["guest_init"] - tr["first_kvm_run"]
        print("  guest's own floor (first KVM_RUN -> /init): %.2f s; pvm's /init is %.1f%% above it"
              % (floor, 100.0 * (tr["guest_init"] / floor - 1)))
    print()

targets = []
q, p = med("qemu", "first_console"), med("pvm", "first_console")
if q and p:
    targets.append(("pvm's share (start -> first console) <= 0.1 x QEMU's", "%.2f x" % (p / q), p <= 0.1 * q))
q, p = med("qemu", "init"), med("pvm", "init")
if q and p:
    targets.append(("start -> /init: pvm's median below QEMU's", "%.2f vs %.2f s" % (p, q), p < q))
p = med("pvm", "rss_outside_guest_ram")
if p:
    targets.append(("resident memory outside guest RAM <= 5 MiB", "%.1f MiB" % (p / 1024), p <= 5 * 1024))
for fig, what in RTT:
    q, p = med("qemu", fig), med("pvm", fig)
    if q and p:
        targets.append(("userspace call round trip <= 0.8 x QEMU's (%s)" % what, "%.2f x" % (p / q), p <= 0.8 * q))
for fig in BLK:
    q, p = med("qemu", fig), med("pvm", fig)
    if q and p:
        targets.append(("virtio-blk %s >= QEMU's" % fig, "%.2f x" % (p / q), p >= q))
for v, q in (("pvm", "qemu"), ("pvm-vhost", "qemu-vhost")):
    for fig in ("net_tcp_host_to_guest", "net_tcp_guest_to_host"):
        a, b = med(v, fig), med(q, fig)
        if a and b:
            targets.append(("virtio-net %s %s >= QEMU's" % (v, fig[8:]), "%.2f x" % (a / b), a >= b))
if targets:
    print("Issue 16's targets (information, not a test)")
    for what, fig, met in targets:
        print("  %-56s %-18s %s" % (what, fig, "met" if met else "NOT met"))
    print()

if any(med(v, "rtas_roundtrip") for v in ("pvm", "qemu")):
    q, p = med("qemu", "rtas_roundtrip"), med("pvm", "rtas_roundtrip")
    print("Userspace call round trip (RTAS get-system-parameter via H_RTAS, timed in the guest; medians)")
    print(row(("figure", "QEMU", "pvm", "pvm/QEMU", "unit"), W))
    print(row(("round trip, median batch", fmt(q), fmt(p), ratio(p, q), "us"), W))
    q2, p2 = med("qemu", "rtas_roundtrip_min"), med("pvm", "rtas_roundtrip_min")
    print(row(("round trip, best batch", fmt(q2), fmt(p2), ratio(p2, q2), "us"), W))
    for fig, what in (("rtas_roundtrip_call_p50", "single calls, median"),
                      ("rtas_roundtrip_call_p10", "single calls, 10th percentile"),
                      ("rtas_roundtrip_call_min", "fastest single call")):
        q3, p3 = med("qemu", fig), med("pvm", fig)
        if q3 or p3:
            print(row(("round trip, " + what, fmt(q3), fmt(p3), ratio(p3, q3), "us"), W))
    n = med("pvm-nosandbox", "rtas_roundtrip")
    if n is not None:
        print(row(("pvm --no-sandbox, median batch", "", fmt(n), ratio(n, q), "us"), W))
    n = med("pvm-nosandbox", "rtas_roundtrip_call_p50")
    if n is not None:
        print(row(("pvm --no-sandbox, median call", "", fmt(n), ratio(n, med("qemu", "rtas_roundtrip_call_p50")), "us"), W))
    for fig, what in RTT + (("rtas_roundtrip_call_min", "fastest call"),):
        r = paired("pvm", "qemu", fig)
        if r:
            print("  pvm/QEMU round by round, %s: %s" % (what, paired_text(r)))
    print()

blk = [f for f in BLK if any(med(v, f) for v in ("pvm", "qemu"))]
if blk:
    print("virtio-blk, blkbench in the guest (O_DIRECT, queue depth 1; host side O_DIRECT for both)")
    print(row(("figure", "QEMU", "pvm", "pvm/QEMU", "unit"), W))
    for fig in blk:
        q, p = med("qemu", fig), med("pvm", fig)
        print(row((fig, fmt(q), fmt(p), ratio(p, q), units.get(fig, "")), W))
    if any(med("qemu-native", f) for f in blk):
        print("QEMU with aio=native (Linux AIO), same image:")
        for fig in blk:
            q, p = med("qemu-native", fig), med("pvm", fig)
            print(row((fig, fmt(q), fmt(p), ratio(p, q), units.get(fig, "")), W))
    print()

NET = (("net_tcp_host_to_guest", "TCP host -> guest"), ("net_tcp_guest_to_host", "TCP guest -> host"),
       ("net_ping_guest_to_host", "ping guest -> host, avg"), ("net_ping_host_to_guest", "ping host -> guest, avg"))
if any(med(v, f) for f, _ in NET for v in ("pvm", "qemu")):
    print("virtio-net on a tap (net-inner.sh bench mode; pvm/QEMU per backend)")
    print(row(("figure", "QEMU", "pvm", "pvm/QEMU", "QEMU vhost", "pvm vhost", "pvm/QEMU"), (26, 10, 10, 9, 11, 10, 9)))
    for fig, what in NET:
        q, p, qv, pv = (med(v, fig) for v in ("qemu", "pvm", "qemu-vhost", "pvm-vhost"))
        print(row((what + " (" + units.get(fig, "") + ")", fmt(q), fmt(p), ratio(p, q), fmt(qv), fmt(pv), ratio(pv, qv)),
                  (26, 10, 10, 9, 11, 10, 9)))
    for fig, what in NET:
        for a, b in (("pvm", "qemu"), ("pvm-vhost", "qemu-vhost")):
            r = paired(a, b, fig)
            if r and len(r) > 1:
                print("  %s/%s round by round, %s: %s" % (a, b, what, paired_text(r, "ping" in fig)))
    print()

charts = []
for axis, label, pat in (("ram", "guest RAM (MiB)", r"_ram(\d+)$"), ("cpus", "guest vCPUs", r"_cpus(\d+)$")):
    pts = defaultdict(dict)
    for (vmm, fig), v in vals.items():
        m = re.search(pat, fig)
        if vmm == "pvm" and m:
            pts[int(m.group(1))][fig[:m.start()]] = statistics.median(v)
    if not pts:
        continue
    cols = ("first_kvm_run", "first_console", "init", "rss_outside_guest_ram")
    print("pvm against %s (one boot each)" % label)
    print(row((label, "first KVM_RUN", "first line", "/init", "RSS outside RAM"), (16, 14, 12, 10, 16)))
    dat = os.path.join(outdir, "scale-%s.dat" % axis)
    with open(dat, "w") as f:
        f.write("# %s %s\n" % (axis, " ".join(cols)))
        for x in sorted(pts):
            c = [pts[x].get(k) for k in cols]
            f.write("%d %s\n" % (x, " ".join("%.3f" % (v if v is not None else -1) for v in c)))
            print(row((x, fmt(c[0], "s"), fmt(c[1], "s"), fmt(c[2], "s"), fmt(c[3], "kB")), (16, 14, 12, 10, 16)))
    print()
    charts.append((axis, label, dat))

if n_rounds:
    dat = os.path.join(outdir, "boot.dat")
    with open(dat, "w") as f:
        f.write("# figure qemu pvm\n")
        for fig, name in (("first_console", "first-line"), ("init", "/init")):
            f.write('"%s" %.3f %.3f\n' % (name, med("qemu", fig) or 0, med("pvm", fig) or 0))
    charts.append(("boot", None, dat))

gp = []
for axis, label, dat in charts:
    name = axis if axis == "boot" else "scale-" + axis
    svg = os.path.join(outdir, name + ".svg")
    gp.append('set terminal svg size 640,360 font "sans,11"; set output "%s"; set key top left; set grid' % svg)
    if axis == "boot":
        gp.append('set style data histograms; set style fill solid 0.8; set ylabel "s from the VMM\'s start"; '
                  'set title "Boot, 1 vCPU, 512 MiB (medians)"; set yrange [0:*]; '
                  'plot "%s" using 2:xtic(1) title "QEMU+VOF", "" using 3 title "pvm"' % dat)
        gp.append("set style data linespoints")
    else:
        gp.append('set xlabel "%s"; set ylabel "s"; set y2label "MiB"; set y2tics; set ytics nomirror; '
                  'set title "pvm: boot and memory against %s"; set yrange [0:*]; set y2range [0:*]; '
                  'plot "%s" using 1:2 with linespoints title "first KVM_RUN (s)", '
                  '"" using 1:4 with linespoints title "/init (s)", '
                  '"" using 1:($5/1024) axes x1y2 with linespoints title "RSS outside guest RAM (MiB)"'
                  % (label, label, dat))
        gp.append("unset y2tics; unset y2label; unset xlabel")
if gp:
    try:
        subprocess.run(["gnuplot"], input="\n".join(gp) + "\n", text=True, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        print("charts: " + ", ".join(os.path.join(outdir, a if a == "boot" else "scale-" + a) + ".svg" for a, _, _ in charts))
    except (OSError, subprocess.CalledProcessError) as e:
        print("charts: none (gnuplot: %s)" % e)
