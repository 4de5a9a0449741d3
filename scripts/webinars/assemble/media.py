"""Where a recording plays: a video host's player (YouTube, Vimeo) embedded behind a
facade, a media file the organisation hosts played by the browser, or only a link; and
the addresses that start each at a given time, for a transcript's cues."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse


# A video's id on YouTube: nothing else goes into the player's address.
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


# Recordings the organisation hosts, played by the browser itself: suffix -> media type.
MEDIA_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".m3u8": "application/vnd.apple.mpegurl"}


def media_type(address: str) -> str:
    """The media type of a recording that is a file (not a host's page); "" otherwise."""
    path = urlparse(address).path.lower()
    return next((kind for suffix, kind in MEDIA_TYPES.items() if path.endswith(suffix)), "")


def seek_template(address: str, embed: str | None, kind: str) -> str:
    """The recording's address at a time ("{t}": seconds), for a link that works without
    JavaScript: the host's page at that time, or a media fragment of a file; "" when the
    address is a page we cannot start at a time."""
    if kind:
        return address.split("#", 1)[0] + "#t={t}"
    if embed and "youtube" in embed:
        return f"https://www.youtube.com/watch?v={embed.rsplit('/', 1)[1]}&t={{t}}s"
    if embed and "vimeo" in embed:
        return f"https://vimeo.com/{embed.rsplit('/', 1)[1]}#t={{t}}s"
    return ""


def embed_at(embed: str) -> str:
    """The host's player, started at a time ("{t}": seconds)."""
    if "vimeo" in embed:
        return embed + "?autoplay=1#t={t}s"
    return embed + "?autoplay=1&start={t}"


def embed(address: str) -> tuple[str | None, str | None]:
    """Player address for hosts we know how to embed, and the host's name."""
    parsed = urlparse(address)
    host = parsed.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host == "youtube.com" and parsed.path == "/watch":
        video = parse_qs(parsed.query).get("v", [""])[0]
        return (f"https://www.youtube-nocookie.com/embed/{video}" if _YOUTUBE_ID.match(video) else None), "YouTube"
    if host == "youtu.be":
        video = parsed.path.strip("/")
        return (f"https://www.youtube-nocookie.com/embed/{video}" if _YOUTUBE_ID.match(video) else None), "YouTube"
    if host == "vimeo.com" and parsed.path.strip("/").isdigit():
        return f"https://player.vimeo.com/video/{parsed.path.strip('/')}", "Vimeo"
    return None, None
