"""Shared fixtures: where the shared datasets are, and small documents written by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """A path below ../shared, or skip the test when the shared folder is not beside the clone."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


ARTICLE_HTML = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<title>Hochwasser in Talheim: Pegel sinkt langsam | Abendpost</title>
<meta property="og:site_name" content="Abendpost">
<meta property="og:title" content="Hochwasser in Talheim: Pegel sinkt langsam">
<meta property="article:published_time" content="2026-03-14T09:30:00+01:00">
<script>window.tracking = function() { document.body.innerHTML = "pwned"; };</script>
</head><body>
<nav><a href="/">Startseite</a> <a href="/politik">Politik</a> <a href="/sport">Sport</a></nav>
<div class="cookie">Wir verwenden Cookies. <button onclick="accept()">Akzeptieren</button></div>
<article>
<h1>Hochwasser in Talheim: Pegel sinkt langsam</h1>
<p>Talheim (dpa) - Nach dem Dammbruch am Freitag sinkt der Pegel der Salm in Talheim langsam.
Nach Angaben der Feuerwehr wurden rund 2.500 Menschen in Sicherheit gebracht, mindestens zwölf
Menschen kamen ums Leben. Landrätin Erika Sommer sprach von der schwersten Katastrophe seit Jahrzehnten.</p>
<p>«Wir werden alles tun, um den Menschen zu helfen», sagte Sommer am Samstag vor Journalisten.
Die Aufräumarbeiten dürften nach Einschätzung des Technischen Hilfswerks mehrere Wochen dauern.
Der Schaden wird auf mehr als drei Millionen Euro geschätzt.</p>
<p>Ein Sprecher des Innenministeriums kündigte Soforthilfen an. Betroffene sollen unbürokratisch
bis zu 5.000 Euro erhalten, teilte das Ministerium mit. Anträge können ab Montag gestellt werden.</p>
</article>
<aside><h3>Lesen Sie auch</h3><a href="/a">Wetter: Weiterer Regen erwartet</a></aside>
<footer>© Abendpost 2026. Alle Rechte vorbehalten. <a href="/impressum">Impressum</a></footer>
</body></html>
"""


@pytest.fixture
def article_html() -> str:
    return ARTICLE_HTML
