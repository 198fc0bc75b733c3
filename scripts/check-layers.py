#!/usr/bin/env python3
"""Layering check for pvm's tree (issue 13); part of `make unit`.

Usage (`make unit` runs it through scripts/run-unit.sh; `make layers` alone):
    scripts/check-layers.py              check this tree, then run the self-test
    scripts/check-layers.py ROOT         check the tree at ROOT, then the self-test
    scripts/check-layers.py --self-test  only the self-test (temporary trees)
    scripts/check-layers.py --no-self-test [ROOT]   only the tree

The layers, lowest first (docs/architecture.md):
    1 core      vmm/ fdt/ include/pvm/        one graph node, "core"
    2 features  papr/ devices/ virtio/ nested/ (and include/<same>/), a node each
    3 machine   machine/ include/machine/
    4 front end cli/ include/cli/
tests/, guest-tests/ and scripts/ are outside the layers.

Rules, on the `#include "..."` lines of every .c and .h in those folders
(<...> includes are ignored; a quoted include is looked up next to the file
first, then in include/, as the compiler does, so vmm/kvm-priv.h is core):
  - a file includes headers of its own layer or lower ones only;
  - no include cycle between folder nodes (each cycle is named, with one
    include site per edge);
  - no product .c/.h over 600 lines, no test .c/.h (tests/, recursively)
    over 800 lines.

Prints kselftest-style TAP ("ok N - ...", "not ok N - ...", "#" lines with
each violation as file:line), a "# Totals:" line that scripts/run-unit.sh
adds to the unit suite's count, and "layers: N passed, M failed".
Exits 1 if any check failed.
"""
import os
import re
import sys
import tempfile

NODES = {  # folder -> (node, layer); headers in include/X/ belong to node of X
    "vmm": ("core", 1), "fdt": ("core", 1), "include/pvm": ("core", 1),
    "papr": ("papr", 2), "devices": ("devices", 2),
    "virtio": ("virtio", 2), "nested": ("nested", 2),
    "machine": ("machine", 3), "cli": ("cli", 4),
}
for _d in ("papr", "devices", "virtio", "nested", "machine", "cli"):
    NODES["include/" + _d] = NODES[_d]
LAYER_NAMES = {1: "core", 2: "feature", 3: "machine", 4: "front-end"}
PRODUCT_MAX, TEST_MAX = 600, 800
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def node_of(relpath):
    """(node, layer) of a tree-relative path, or None outside the layers."""
    d = os.path.dirname(relpath)
    while d not in ("", "/", "..") and not d.startswith("../"):
        if d in NODES:
            return NODES[d]
        d = os.path.dirname(d)
    return None


def sources(root, top):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(dirpath, f), root)


def resolve(root, src, inc):
    """Tree-relative path an include names: next to src, else include/."""
    for cand in (os.path.join(os.path.dirname(src), inc), os.path.join("include", inc)):
        cand = os.path.normpath(cand)
        if os.path.exists(os.path.join(root, cand)):
            return cand
    return os.path.normpath(os.path.join("include", inc))  # missing: by its name


def line_count(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def simple_cycles(edges):
    """Every simple cycle of a small graph, each once, from its least node."""
    nodes = sorted(set(edges) | {b for a in edges for b in edges[a]})
    cycles = []

    def walk(start, path):
        for nxt in sorted(edges.get(path[-1], ())):
            if nxt == start:
                cycles.append(path + [start])
            elif nxt > start and nxt not in path:
                walk(start, path + [nxt])

    for s in nodes:
        walk(s, [s])
    return cycles


def check_tree(root):
    """[(name, ok, [diagnostic lines])] for the tree at root."""
    files = [p for top in sorted(NODES) for p in sources(root, top)]
    files = sorted(set(files))
    upward = {layer: [] for layer in LAYER_NAMES}
    edges = {}  # node -> {node: [site, ...]}
    unplaced = []
    for src in files:
        snode, slayer = node_of(src)
        with open(os.path.join(root, src), errors="replace") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                site = '%s:%d "%s"' % (src, n, m.group(1))
                target = node_of(resolve(root, src, m.group(1)))
                if target is None:
                    unplaced.append(site + " names no layer's header")
                    continue
                tnode, tlayer = target
                if tlayer > slayer:
                    upward[slayer].append("%s: %s includes %s (%s)" % (
                        site, LAYER_NAMES[slayer], LAYER_NAMES[tlayer], tnode))
                if tnode != snode:
                    edges.setdefault(snode, {}).setdefault(tnode, []).append(site)

    results = []
    for layer, name in LAYER_NAMES.items():
        below = " or ".join(LAYER_NAMES[l] for l in range(layer, 0, -1))
        results.append(("%s files include only %s headers" % (name, below),
                        not upward[layer], upward[layer]))
    results.append(("every quoted include names a layer's header", not unplaced, unplaced))

    diags = []
    for cyc in simple_cycles({a: set(b) for a, b in edges.items()}):
        via = []
        for a, b in zip(cyc, cyc[1:]):
            sites = edges[a][b]
            via.append(sites[0] + (" (+%d more)" % (len(sites) - 1) if len(sites) > 1 else ""))
        diags.append("%s via %s" % (" -> ".join(cyc), " and ".join(via)))
    results.append(("no include cycle between folders", not diags, diags))

    big = ["%s: %d lines (limit %d)" % (p, c, PRODUCT_MAX) for p in files
           if (c := line_count(os.path.join(root, p))) > PRODUCT_MAX]
    results.append(("no product source over %d lines" % PRODUCT_MAX, not big, big))
    tests = sorted(sources(root, "tests"))
    big = ["%s: %d lines (limit %d)" % (p, c, TEST_MAX) for p in tests
           if (c := line_count(os.path.join(root, p))) > TEST_MAX]
    results.append(("no test source over %d lines" % TEST_MAX, not big, big))
    return results


# ---- self-test: the check run against small trees made in a temp dir ----
CLEAN = {
    "include/pvm/vm.h": '#include "pvm/types.h"\n',
    "include/pvm/types.h": "#include <stdint.h>\n",
    "vmm/vm.c": '#include <papr/rtas.h>\n#include "kvm-priv.h"\n#include "pvm/vm.h"\n',
    "vmm/kvm-priv.h": '#include "pvm/vm.h"\n',
    "include/papr/rtas.h": '#include "pvm/types.h"\n',
    "papr/rtas.c": '#include "papr/rtas.h"\n#include "pvm/vm.h"\n',
    "include/devices/vty.h": '#include "pvm/types.h"\n',
    "devices/vty.c": '#include "devices/vty.h"\n#include "papr/rtas.h"\n',
    "machine/pseries.c": '#include "devices/vty.h"\n#include "papr/rtas.h"\n',
    "include/cli/control.h": '#include "pvm/types.h"\n',
    "cli/control.c": '#include "cli/control.h"\n#include "pvm/vm.h"\n',
    "papr/big.c": "int x;\n" * PRODUCT_MAX,
    "tests/test-big.c": "int y;\n" * TEST_MAX,
    "scripts/any.c": '#include "cli/control.h"\n' + "int z;\n" * 900,
}

SELF_TESTS = [  # (what, extra files, check name that must fail or None, text it names)
    ("a clean tree passes every check (boundary sizes, next-to-source and <> includes)",
     {}, None, None),
    ("a core file including a feature header fails",
     {"fdt/fdt.c": '#include "pvm/vm.h"\n#include "papr/rtas.h"\n'},
     "core files include", 'fdt/fdt.c:2 "papr/rtas.h": core includes feature (papr)'),
    ("a core header including a feature header fails",
     {"include/pvm/irq.h": '#include "devices/vty.h"\n'},
     "core files include", 'include/pvm/irq.h:1 "devices/vty.h": core includes feature'),
    ("a feature including a cli header fails",
     {"papr/hvpipe.c": '#include "cli/control.h"\n'},
     "feature files include", 'papr/hvpipe.c:1 "cli/control.h": feature includes front-end'),
    ("the machine including a cli header fails",
     {"machine/pseries.c": '#include "cli/control.h"\n'},
     "machine files include", 'machine/pseries.c:1 "cli/control.h": machine includes front-end'),
    ("a two-folder include cycle fails and is named",
     {"papr/rtas.c": '#include "papr/rtas.h"\n\n#include "devices/vty.h"\n'},
     "no include cycle",
     'devices -> papr -> devices via devices/vty.c:2 "papr/rtas.h" and papr/rtas.c:3 "devices/vty.h"'),
    ("a 601-line product source fails",
     {"papr/big.c": "int x;\n" * (PRODUCT_MAX + 1)},
     "no product source", "papr/big.c: 601 lines"),
    ("an 801-line test source fails",
     {"tests/test-big.c": "int y;\n" * (TEST_MAX + 1)},
     "no test source", "tests/test-big.c: 801 lines"),
]


def self_test():
    results = []
    for what, extra, must_fail, names in SELF_TESTS:
        with tempfile.TemporaryDirectory(prefix="pvm-layers-") as root:
            for path, text in {**CLEAN, **extra}.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w") as f:
                    f.write(text)
            got = check_tree(root)
        failed = [(n, d) for n, ok, d in got if not ok]
        if must_fail is None:
            ok = not failed
        else:
            # An upward include also closes a cycle (features include the
            # core), so the cycle check may fail alongside; nothing else may.
            hit = [d for n, d in failed if n.startswith(must_fail)]
            ok = (hit and any(names in line for line in hit[0])
                  and all(n.startswith((must_fail, "no include cycle")) for n, _ in failed))
        diags = [] if ok else ["got: %s: %s" % (n, d) for n, d in failed] or ["got: every check passed"]
        results.append(("self-test: " + what, ok, diags))
    return results


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    results = []
    if "--self-test" not in argv:
        results += check_tree(root)
    if "--no-self-test" not in argv:
        results += self_test()
    print("TAP version 13")
    print("1..%d" % len(results))
    for i, (name, ok, diags) in enumerate(results, 1):
        print("%s %d - layers: %s" % ("ok" if ok else "not ok", i, name))
        for d in diags:
            print("#   " + d)
    npass = sum(1 for _, ok, _ in results if ok)
    nfail = len(results) - npass
    print("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0" % (npass, nfail))
    print("layers: %d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
