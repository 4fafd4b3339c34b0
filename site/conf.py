"""Sphinx configuration of the static site: both editions, from the committed notebooks (make site).

sphinx-build -c site notebooks site/_build/html: the notebooks folder is the source, this folder holds only
the configuration. Nothing is executed, and nothing is loaded from the internet when a page is read: MathJax
comes from the sphinx-mathjax-offline package and is copied into the site, the theme ships its own fonts.
"""

import json

from docutils import nodes

project = "dlfs: Deep Learning from Scratch, chapter 4"
root_doc = "00_index"
extensions = ["myst_nb", "sphinx-mathjax-offline"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"  # the committed outputs are the outputs
exclude_patterns = ["**/.ipynb_checkpoints"]
templates_path = ["_templates"]
html_additional_pages = {"index": "landing.html"}  # index.html: a link to each edition
html_theme = "sphinx_book_theme"
html_title = "dlfs · chapter 4"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_show_sourcelink = False
suppress_warnings = ["config.cache"]  # setup() below is not cached between builds; every build reads it anew

# The line that replaces a slider (an ipywidgets view cannot work without a kernel); the picture before it stays.
SLIDER_NOTE = {
    "en": "*Interactive: run this notebook in JupyterLab (`make lab`) to use the sliders.*",
    "ko": "*대화형: 슬라이더를 움직이려면 JupyterLab에서 이 노트북을 실행하세요 (`make lab-ko`).*",
}
DEEP_DIVE = ("Deep dive:", "심화:")  # a level-2 heading starting with one of these opens a collapsed section
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def for_the_site(app, docname, source):
    """A notebook as the site shows it: no hidden guard cells, a line in place of each slider, no widget state."""
    notebook = json.loads(source[0])
    language = "ko" if docname.startswith("ko/") else "en"
    notebook["metadata"].pop("widgets", None)  # else myst-nb loads the widget manager from a CDN
    cells = [c for c in notebook["cells"] if not c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    for cell in cells:
        for i, output in enumerate(cell.get("outputs", [])):
            if WIDGET_VIEW in output.get("data", {}):
                note = {"text/markdown": SLIDER_NOTE[language]}
                cell["outputs"][i] = {"output_type": "display_data", "data": note, "metadata": {}}
    if docname.endswith("00_index"):  # the sidebar: each index lists its edition; the English one also the Korean
        toctree = "```{toctree}\n:hidden:\n:glob:\n0[1-9]_*\n" + ("ko/00_index\n" if language == "en" else "") + "```"
        cells.append({"cell_type": "markdown", "id": "site-toctree", "metadata": {}, "source": toctree})
    notebook["cells"] = cells
    source[0] = json.dumps(notebook)


class details(nodes.General, nodes.Element):
    pass


class summary(nodes.General, nodes.TextElement):
    pass


def collapse_deep_dives(app, doctree, docname):
    """Each Deep dive section (it runs to the next level-1/2 heading) becomes <details>, its heading the <summary>."""
    for section in list(doctree.findall(nodes.section)):
        title = section[0]
        if isinstance(title, nodes.title) and title.astext().startswith(DEEP_DIVE):
            box = details(ids=section["ids"], classes=["deep-dive"])
            box += summary("", "", *title.children)
            box += section.children[1:]
            section.replace_self(box)


def korean_pages(app, pagename, templatename, context, doctree):
    """<html lang="ko"> on the Korean edition's pages (screen readers and the browser's choice of font read it)."""
    if pagename.startswith("ko/"):
        context["language"] = "ko"


def setup(app):
    app.connect("source-read", for_the_site)
    app.connect("html-page-context", korean_pages)
    app.connect("doctree-resolved", collapse_deep_dives)
    app.add_node(details, html=(lambda t, node: t.body.append(t.starttag(node, "details")), close("details")))
    app.add_node(summary, html=(lambda t, node: t.body.append("<summary>"), close("summary")))


def close(tag):
    return lambda translator, node: translator.body.append(f"</{tag}>")
