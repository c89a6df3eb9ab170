"""The cross-reference graph as Graphviz DOT or a Mermaid flowchart: plain text, every id and label escaped.

Edges point from an entry to the entry it names (Trotskyism -> Marxism, "derived from"), and both
formats lay the graph out bottom to top, so older traditions sit above what grew out of them.
Relations differ in style: derived from bold, related dashed, opposed to red with a bar head,
terms and ideologies dotted, people with a circle head.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ideocli.articles import strip_controls
from ideocli.render import Output

if TYPE_CHECKING:
    from ideocli.views import Graph, GraphEdge

EDGE_LABELS = {
    "derived_from": "derived from",
    "related": "related",
    "opposed_to": "opposed to",
    "terms": "term",
    "ideologies": "ideology",
    "people": "person",
}
DOT_EDGE_STYLES = {
    "derived_from": 'style=bold, color="#1f4e79"',
    "related": 'style=dashed, color="#777777"',
    "opposed_to": 'color="#b22222", fontcolor="#b22222", arrowhead=tee',
    "terms": 'style=dotted, color="#999999"',
    "ideologies": 'style=dotted, color="#999999"',
    "people": 'style=dotted, color="#6a3d9a", arrowhead=odot',
}
DOT_NODE_STYLES = {
    "ideology": 'shape=box, style="rounded,filled", fillcolor="#eef3fb"',
    "term": 'shape=ellipse, style=filled, fillcolor="#f7f7f7"',
    "person": 'shape=house, style=filled, fillcolor="#f3eefb"',
    "text": 'shape=note, style=filled, fillcolor="#fdf6e3"',
}
MERMAID_LINKS = {  # (one way, both ways)
    "derived_from": ("==>", "<==>"),
    "related": ("-.->", "-.-"),
    "opposed_to": ("--x", "x--x"),
    "terms": ("-.->", "-.-"),
    "ideologies": ("-.->", "<-.->"),
    "people": ("--o", "o--o"),
}
MERMAID_SHAPES = {"ideology": ('["', '"]'), "term": ('(["', '"])'), "person": ('[/"', '"/]'), "text": ('[["', '"]]')}
MERMAID_CLASSES = {
    "ideology": "fill:#eef3fb,stroke:#1f4e79",
    "term": "fill:#f7f7f7,stroke:#999999",
    "person": "fill:#f3eefb,stroke:#6a3d9a",
    "text": "fill:#fdf6e3,stroke:#b58900",
    "root": "stroke-width:3px",
}
MERMAID_LINK_COLOURS = {"opposed_to": "stroke:#b22222,color:#b22222", "people": "stroke:#6a3d9a"}
MERMAID_EDGE_LIMIT = 500  # Mermaid's default maxEdges; bigger diagrams fail to render


def one_line_label(text: str) -> str:
    return " ".join(strip_controls(text).split())


def dot_quote(text: str) -> str:
    """Return a DOT double-quoted string: backslashes and quotes escaped, one line, no control characters."""
    return '"' + one_line_label(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: Graph) -> str:
    """Return the graph as a Graphviz digraph."""
    title = f"ideo: {graph.root} (depth {graph.depth})" if graph.root else "ideo: the whole corpus"
    lines = [
        "digraph ideo {",
        f"  graph [rankdir=BT, label={dot_quote(title)}, labelloc=t, fontname=Helvetica];",
        "  node [fontname=Helvetica, fontsize=11];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    for node in graph.nodes:
        style = DOT_NODE_STYLES.get(node.kind, "shape=box")
        extra = ", penwidth=2.5" if node.slug == graph.root else ""
        lines.append(f"  {dot_quote(node.slug)} [label={dot_quote(node.title)}, {style}{extra}];")
    for edge in graph.edges:
        attributes = [f"label={dot_quote(EDGE_LABELS[edge.relation])}", DOT_EDGE_STYLES[edge.relation]]
        if edge.mutual:
            attributes.append("dir=both, arrowtail=tee" if edge.relation == "opposed_to" else "dir=none")
        lines.append(f"  {dot_quote(edge.source)} -> {dot_quote(edge.target)} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid_label(text: str) -> str:
    """Return text safe inside a Mermaid "quoted" label: quotes and markup characters as entity codes."""
    text = one_line_label(text).replace("#", "#35;")
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def mermaid_ids(slugs: list[str]) -> dict[str, str]:
    """Return a Mermaid node id per slug: "n_" then letters, digits and underscores only, all distinct.

    The prefix keeps ids clear of Mermaid keywords ("end") and of link heads ("o", "x").
    """
    ids: dict[str, str] = {}
    used: set[str] = set()
    for slug in slugs:
        base = "n_" + "".join(char if char.isascii() and char.isalnum() else "_" for char in slug)
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}_{number}", number + 1
        used.add(candidate)
        ids[slug] = candidate
    return ids


def mermaid_link(edge: GraphEdge) -> str:
    one_way, both_ways = MERMAID_LINKS[edge.relation]
    return f"{both_ways if edge.mutual else one_way}|{EDGE_LABELS[edge.relation]}|"


def to_mermaid(graph: Graph) -> str:
    """Return the graph as a Mermaid flowchart."""
    ids = mermaid_ids([node.slug for node in graph.nodes])
    lines = ["flowchart BT"]
    for node in graph.nodes:
        opening, closing = MERMAID_SHAPES.get(node.kind, ('["', '"]'))
        lines.append(f"  {ids[node.slug]}{opening}{mermaid_label(node.title)}{closing}")
    coloured: dict[str, list[int]] = {}
    for number, edge in enumerate(graph.edges):
        lines.append(f"  {ids[edge.source]} {mermaid_link(edge)} {ids[edge.target]}")
        if edge.relation in MERMAID_LINK_COLOURS:
            coloured.setdefault(edge.relation, []).append(number)
    for relation, numbers in coloured.items():
        lines.append(f"  linkStyle {','.join(map(str, numbers))} {MERMAID_LINK_COLOURS[relation]}")
    kinds: dict[str, list[str]] = {}
    for node in graph.nodes:
        kinds.setdefault(node.kind if node.kind in MERMAID_CLASSES else "ideology", []).append(ids[node.slug])
    if graph.root in ids:
        kinds["root"] = [ids[graph.root]]
    for name, members in kinds.items():
        lines.append(f"  classDef {name} {MERMAID_CLASSES[name]}")
        lines.append(f"  class {','.join(members)} {name}")
    return "\n".join(lines) + "\n"


def dot(out: Output, graph: Graph) -> None:
    out.stream.write(to_dot(graph))


def mermaid(out: Output, graph: Graph) -> None:
    out.stream.write(to_mermaid(graph))
