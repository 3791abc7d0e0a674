"""Latency percentiles as an SVG picture, for tools/bench/bench.py.

One panel per concurrency; in each, one line per server through its
latency at p50, p90, p99 and p99.9 (the median over the rounds), on a
logarithmic millisecond axis shared by all panels, so tails read at a
glance. Written with the standard library only; no plotting library.
"""

import math
from xml.sax.saxutils import escape

PERCENTILES = ("50", "90", "99", "99.9")
COLORS = {"api": "#d62728", "api-base": "#ff9896", "go": "#1f77b4", "fastapi": "#2ca02c", "nginx": "#7f7f7f"}
PANEL_W, PANEL_H, LEFT, TOP, GAP = 220, 260, 60, 50, 30


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def series(runs):
    """{connections: {server: [ms per percentile]}}, the median per point."""
    grouped = {}
    for run in runs:
        points = run.get("percentiles_ms")
        if not points:
            continue
        by_server = grouped.setdefault(run["connections"], {})
        for i, p in enumerate(PERCENTILES):
            by_server.setdefault(run["server"], [[] for _ in PERCENTILES])[i].append(points[p])
    return {c: {s: [median(v) for v in lists] for s, lists in by.items()} for c, by in grouped.items()}


def decades(data):
    values = [v for by in data.values() for pts in by.values() for v in pts if v and v > 0]
    if not values:
        return 0, 1
    return math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))


def panel(x0, connections, by_server, lo, hi):
    plot_h = PANEL_H - 40
    out = ['<text x="%d" y="%d" font-weight="bold" text-anchor="middle">c%d</text>' % (
        x0 + PANEL_W // 2, TOP - 10, connections),
        '<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>' % (x0, TOP, PANEL_W, plot_h)]

    def y(ms):
        frac = (math.log10(ms) - lo) / float(hi - lo)
        return TOP + plot_h - frac * plot_h

    def x(i):
        return x0 + 20 + i * (PANEL_W - 40) / float(len(PERCENTILES) - 1)

    for d in range(lo, hi + 1):
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (x0, x0 + PANEL_W, y(10 ** d), y(10 ** d)))
    for i, p in enumerate(PERCENTILES):
        out.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="11">p%s</text>' % (x(i), TOP + plot_h + 15, p))
    for server, pts in sorted(by_server.items()):
        coords = ["%.1f,%.1f" % (x(i), y(v)) for i, v in enumerate(pts) if v and v > 0]
        color = COLORS.get(server, "#000")
        out.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2"><title>%s c%d: %s</title>'
                   '</polyline>' % (" ".join(coords), color, escape(server), connections,
                                    escape(", ".join("p%s %.2f ms" % (p, v) for p, v in zip(PERCENTILES, pts) if v))))
        for c in coords:
            cx, cy = c.split(",")
            out.append('<circle cx="%s" cy="%s" r="2.5" fill="%s"/>' % (cx, cy, color))
    return out


def latency_svg(result):
    """The whole picture for one bench result (bench.py's dict)."""
    data = series(result["runs"])
    lo, hi = decades(data)
    hi = max(hi, lo + 1)
    concurrencies = sorted(data)
    width = LEFT + len(concurrencies) * (PANEL_W + GAP) + 100
    height = TOP + PANEL_H + 20
    plot_h = PANEL_H - 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="14">GET /health latency percentiles, ms (log scale), %s</text>' % (
               LEFT, escape(result.get("date", "")))]
    for d in range(lo, hi + 1):
        ypos = TOP + plot_h - (d - lo) / float(hi - lo) * plot_h
        label = ("%g" % (10 ** d)) if d >= -3 else "1e%d" % d
        out.append('<text x="%d" y="%.1f" text-anchor="end" font-size="11">%s</text>' % (LEFT - 6, ypos + 4, label))
    for i, c in enumerate(concurrencies):
        out += panel(LEFT + i * (PANEL_W + GAP), c, data[c], lo, hi)
    servers = sorted({s for by in data.values() for s in by})
    legend_x = LEFT + len(concurrencies) * (PANEL_W + GAP)
    for i, s in enumerate(servers):
        ypos = TOP + 10 + i * 18
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="3"/>' % (
            legend_x, legend_x + 20, ypos, ypos, COLORS.get(s, "#000")))
        out.append('<text x="%d" y="%d">%s</text>' % (legend_x + 26, ypos + 4, escape(s)))
    out.append("</svg>")
    return "\n".join(out) + "\n"
