"""Photos the sandbox publishes, served by the sandbox itself.

Every photo URL in a provider's answers points at this sandbox, and each answers an image:
generated here (Pillow), deterministic, one colour per photo with the name of the space,
room or product it belongs to written on it. No file is bundled, so there is no licence to
track. Where a document publishes photos:

* Thia: paths on the API's host (``/storage/...``): the sandbox serves ``/storage/<path>``;
* Workways: ``/imageroom?id=...`` (``sandbox.workways.catalogue``);
* Zentry and 4Spaces: absolute URLs. The seed data is written before any request says on
  which host and port the sandbox runs, so it writes them on ``SELF_ORIGIN``, and
  :func:`localize` rewrites that origin to the request's own in every answer.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from werkzeug.wrappers import Request, Response

from sandbox.core import SELF_ORIGIN, Context, json_response

CACHE_CONTROL = "public, max-age=86400"


def own_url(path: str) -> str:
    """``path`` on the sandbox's own host, as seed data writes it."""
    return f"{SELF_ORIGIN}/{path.lstrip('/')}"


def _photo_strings(node: Any, owner: str) -> Iterator[tuple[str, str]]:
    """(string, name of the nearest named object around it) for every string in ``node``."""
    if isinstance(node, dict):
        name = node.get("name") or node.get("title")
        owner = name if isinstance(name, str) and name else owner
        for value in node.values():
            yield from _photo_strings(value, owner)
    elif isinstance(node, list):
        for value in node:
            yield from _photo_strings(value, owner)
    elif isinstance(node, str):
        yield node, owner


def label_for(state: dict, published: str) -> str | None:
    """The name shown on the photo published as ``published``; None if it is not one."""
    for value, owner in _photo_strings(state, ""):
        if value == published:
            return owner or published.rsplit("/", 1)[-1]
    return None


def size_for(path: str) -> tuple[int, int]:
    # Thia publishes three sizes of each photo (doc: "original, medium, and thumbnail")
    if "thumbnail" in path:
        return 320, 240
    if "medium" in path:
        return 800, 600
    if "logo" in path:
        return 256, 256
    return 1200, 800


@functools.lru_cache(maxsize=128)
def render(label: str, key: str, size: tuple[int, int], fmt: str = "JPEG") -> bytes:
    """A ``size`` image in ``fmt`` ("JPEG" or "PNG"): a colour drawn from ``key``, a lighter
    band, and ``label`` written across it. The same arguments give the same bytes."""
    digest = hashlib.sha256(key.encode()).digest()
    base = tuple(60 + digest[i] % 120 for i in range(3))
    light = tuple(min(255, c + 60) for c in base)
    width, height = size
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=light)
    text = label if len(label) <= 40 else label[:39] + "…"
    size_px = max(12, width // 18)
    font = ImageFont.load_default(size=size_px)
    box = draw.textbbox((0, 0), text, font=font)
    while box[2] - box[0] > width * 0.9 and size_px > 10:  # a long name: smaller letters
        size_px -= 2
        font = ImageFont.load_default(size=size_px)
        box = draw.textbbox((0, 0), text, font=font)
    x = max(8, (width - (box[2] - box[0])) // 2)
    y = (height * 2 // 3 - (box[3] - box[1])) // 2
    draw.text((x, y), text, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, format=fmt, quality=80)
    return out.getvalue()


def image_response(label: str, key: str, path: str) -> Response:
    fmt, mimetype = ("PNG", "image/png") if path.endswith(".png") else ("JPEG", "image/jpeg")
    body = render(label, key, size_for(path), fmt)
    return Response(body, content_type=mimetype, headers={"Cache-Control": CACHE_CONTROL})


def photo_route(published: Callable[[str], str]) -> Callable[..., Response]:
    """A handler for ``<prefix>/<path:path>`` that answers the image of a photo the
    provider publishes as ``published(path)``, and 404 for any other path."""

    def handler(ctx: Context, request: Request, path: str) -> Response:
        url = published(path)
        label = label_for(ctx.state, url)
        if label is None:
            return json_response({"error": "Not Found", "message": "No such photo"}, 404)
        return image_response(label, f"{ctx.provider}:{url}", path)

    return handler
