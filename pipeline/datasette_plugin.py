"""Datasette plugin hooks for `minutes serve` (registered by pipeline/serve.py).

* ``render_cell``: a ``doc_id`` (or another column holding one: ``reported_in``, ``reissued_in`` …)
  becomes two links: the document's JSON (``/documents/<doc_id>.json``, a static mount of
  ``<out>/documents``) and its source file (``/-/source/<doc_id>``).
* ``register_routes``: ``/-/source/<doc_id>`` sends the source file the database's ``meetings.path``
  names for that document (relative paths are taken from the folder `minutes serve` was started
  in); nothing else on disk can be reached through it.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from pipeline.store import DOC_ID_RE

DOC_ID_COLUMNS = ("doc_id", "reported_in", "reissued_in", "reissue_of", "report_doc_id", "in_doc")


@hookimpl
def render_cell(value, column, datasette):
    if column not in DOC_ID_COLUMNS or not isinstance(value, str) or not DOC_ID_RE.fullmatch(value):
        return None
    v = escape(value)
    return Markup(f'<a href="{datasette.urls.path(f"/documents/{v}.json")}" class="minutes-json">{v}</a> '
                  f'<a href="{datasette.urls.path(f"/-/source/{v}")}" class="minutes-source">source</a>')


async def source_file(datasette, request):
    doc_id = request.url_vars["doc_id"]
    if not DOC_ID_RE.fullmatch(doc_id):
        return Response.text("not a document id", status=404)
    db = datasette.get_database("minutes")
    row = (await db.execute("SELECT path FROM meetings WHERE doc_id = ?", [doc_id])).first()
    if not row or not row["path"]:
        return Response.text("no source file recorded for this document", status=404)
    config = datasette.plugin_config("minutes") or {}
    path = Path(row["path"])
    if not path.is_absolute():
        path = Path(config.get("root", ".")) / path
    if "!" in row["path"] or not path.is_file():  # zip members are not files on disk
        return Response.text(f"source file not found: {row['path']}", status=404)
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/"):
        kind += "; charset=utf-8"
    return Response(path.read_bytes(), content_type=kind,
                    headers={"content-disposition": f'inline; filename="{path.name}"'})


@hookimpl
def register_routes():
    return [(r"^/-/source/(?P<doc_id>[0-9a-f]{16})$", source_file)]
