"""schema.org data of a webinar's page (JSON-LD, in the page's head): an ``Event``, with a
``VideoObject`` for each recording channel, for search engines and shared links.

Made from the facts only; every value is data in JSON, and the JSON is made safe to
stand inside a ``<script type="application/ld+json">`` (no ``<``, ``>`` or ``&`` in it).
Addresses of the site's pages are absolute only with the site's ``base_url``; without it
the data names no page of the site.
"""

from __future__ import annotations

import datetime as dt
import json

from .. import urls
from ..content.captions import cues_text
from ..content.models import Document, Webinar
from .media import embed, media_type

_STATUS = {"planned": "EventScheduled", "held": "EventScheduled", "cancelled": "EventCancelled"}
_PERFORMERS = ("expert", "panelist")  # a moderator hosts; schema.org has no role for it


def webinar_event(webinar: Webinar, document: Document, lang: str, description: str, base_url: str,
                  organisation: str, transcripts: list[str] | None = None) -> dict:
    """The ``Event`` of `webinar` as its page in `lang` shows it (`document`: its text there);
    a recording's transcript only where the page shows it (`transcripts`: its captions'
    languages; None: all)."""
    facts = webinar.facts
    page = urls.absolute(base_url, urls.in_language(lang, urls.webinar(webinar.id))) if base_url else ""
    event: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": document.title,
        "inLanguage": list(facts.languages),
        "eventStatus": f"https://schema.org/{_STATUS[facts.status]}",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "startDate": facts.start.isoformat(timespec="minutes") if facts.start else facts.date.isoformat(),
        "organizer": {"@type": "Organization", "name": organisation,
                      **({"url": urls.absolute(base_url, urls.in_language(lang, urls.HOME))} if base_url else {})},
    }
    if description:
        event["description"] = description
    if facts.start and facts.duration:
        event["endDate"] = (facts.start + dt.timedelta(minutes=facts.duration)).isoformat(timespec="minutes")
    if page:
        event["url"] = page
    where = page or facts.registration
    event["location"] = {"@type": "VirtualLocation", **({"url": where} if where else {})}
    performers = [{"@type": "Person", "name": s.name,
                   **({"affiliation": {"@type": "Organization", "name": s.affiliation}} if s.affiliation else {})}
                  for s in facts.speakers if s.role in _PERFORMERS]
    if performers:
        event["performer"] = performers
    videos = [_video(webinar, code, address, document.title, description, base_url,
                     list(webinar.cues) if transcripts is None else transcripts)
              for code, address in facts.recordings.items()]
    if videos:
        event["recordedIn"] = videos if len(videos) > 1 else videos[0]
    return event


def _video(webinar: Webinar, code: str | None, address: str, title: str, description: str, base_url: str,
           transcripts: list[str]) -> dict:
    """A recording channel: where it plays, and its captions and their text (the transcript)."""
    facts = webinar.facts
    video = {"@type": "VideoObject", "name": title, "url": address, "uploadDate": facts.date.isoformat(),
             **({"inLanguage": code} if code else {}), **({"description": description} if description else {})}
    kind = media_type(address)
    player = embed(address)[0]
    if kind:
        video.update(contentUrl=address, encodingFormat=kind)
    elif player:
        video["embedUrl"] = player
    # A channel's captions are in its language; a single recording's may be in several.
    langs = [lang for lang in webinar.cues if code is None or lang == code]
    if base_url and langs:
        video["caption"] = [{"@type": "MediaObject", "encodingFormat": "text/vtt", "inLanguage": lang,
                             "contentUrl": urls.absolute(base_url, urls.media_path(webinar.id, facts.captions[lang]))}
                            for lang in langs]
    spoken = code or next((lang for lang in facts.languages if lang in langs), langs[0] if langs else None)
    if spoken in langs and spoken in transcripts:
        video["transcript"] = cues_text(webinar.cues[spoken], spoken)
    return video


def script_json(data: dict) -> str:
    """`data` as JSON that cannot end the ``<script>`` element holding it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
