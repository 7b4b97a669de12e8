"""Print how many hostile inputs the fuzz suite tried, per entry point, at the end of the run.

``hostile.COUNTS`` is shared by every fuzz module: model and numeric entries are unprefixed,
other layers prefix theirs (``symbolic/...``, ``cli/...``); a subtotal is printed per layer.
"""

from __future__ import annotations

import collections


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from hostile import COUNTS  # tests/fuzz is on sys.path (rootdir-relative imports, no packages)

    if not COUNTS:
        return
    terminalreporter.section("fuzz inputs")
    groups: "collections.defaultdict[str, list[int]]" = collections.defaultdict(list)
    for entry, n in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{entry:45s} {n:6d}")
        groups[entry.split("/")[0] if "/" in entry else "model+numeric"].append(n)
    for group, ns in sorted(groups.items()):
        terminalreporter.write_line(f"{group}: {len(ns)} entry points, {sum(ns)} inputs tried")
    terminalreporter.write_line(f"{len(COUNTS)} entry points, {sum(COUNTS.values())} inputs tried")
