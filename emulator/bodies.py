"""Reading a request body no further than a limit: a declared Content-Length over it is refused before a byte is
read, a streamed (chunked) body as soon as it passes it. Nothing over the limit is ever held in memory."""

from __future__ import annotations

from starlette.requests import Request


class BodyTooLarge(Exception):
    """The body is larger than the route accepts; `limit` says how large it may be."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is larger than {limit} bytes")
        self.limit = limit


def declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    return int(raw) if raw is not None and raw.isdigit() else None


async def read_limited(request: Request, limit: int) -> bytes:
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
