"""The one reader of Entra's form bodies (token endpoints, authorize, device code, /generatetoken).

Anything that is not a readable form counts as an empty form, as Entra answers it: the caller then says which
parameter is missing.
"""

from __future__ import annotations

from urllib.parse import unquote

from starlette.requests import Request

from emulator.bodies import BodyTooLarge, read_limited

URLENCODED = b"application/x-www-form-urlencoded"
MAX_FORM_BYTES = 1024 * 1024  # Starlette's limit for one form field
MAX_FORM_FIELDS = 200


async def read_form(request: Request, max_fields: int = MAX_FORM_FIELDS) -> dict[str, str]:
    """The form's text fields; {} for a body that is no readable form, is larger than MAX_FORM_BYTES (never read
    past that), or has more than `max_fields` fields."""
    content_type = length = None  # the first of each, as Starlette's Headers reads them
    for name, value in request.scope["headers"]:
        if name == b"content-type" and content_type is None:
            content_type = value
        elif name == b"content-length" and length is None:
            length = value
    if length is not None and length.isdigit() and int(length) > MAX_FORM_BYTES:
        return {}
    if content_type is not None and content_type.partition(b";")[0].strip().lower() == URLENCODED:
        # Read at once (the streamed size checked as it comes): several times cheaper than the streaming parser,
        # and the same fields.
        try:
            body = await read_limited(request, MAX_FORM_BYTES)
        except BodyTooLarge:
            return {}
        pairs = urlencoded(body.decode("latin-1"))
        return {} if len(pairs) > max_fields else dict(pairs)
    try:
        form = await request.form(max_files=0, max_fields=max_fields, max_part_size=MAX_FORM_BYTES)
    except Exception:  # malformed multipart, too many fields, bad encoding: an empty form
        return {}
    return {key: value for key, value in form.items() if isinstance(value, str)}


def urlencoded(text: str) -> list[tuple[str, str]]:
    """parse_qsl(text, keep_blank_values=True, errors="replace") in a third of its time: Starlette's fields
    (latin-1 bytes, '+' as space, percent-decoded as UTF-8 with replacement, empty segments skipped)."""
    pairs = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


def _unquote_plus(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text, errors="replace") if "%" in text else text
