"""Who may use the control API and the console: rules against DNS rebinding and cross-site requests.

Pure: a request's method and headers in, a refusal (or None) out. The client's address is checked apart (loopback
unless --control-host); these rules stop what an address check cannot see, a web page in the developer's own
browser that calls the emulator:
- a `Host` that is not a name of this emulator (DNS rebinding: attacker.example resolving to 127.0.0.1). IP
  literals are always accepted, since a rebinding attack needs a name;
- a state-changing call from another origin (`Origin`, `Sec-Fetch-Site`), and a browser's "simple" body types
  (text/plain, forms), which a page may send anywhere without asking. `curl` and `pcemu` send none of these.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

DEFAULT_NAMES = ("localhost",)
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIMPLE_BODIES = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")


def host_name(host: str) -> str:
    """The name part of a Host header: example.com:8080 -> example.com, [::1]:8080 -> ::1."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str | None, names: Iterable[str]) -> bool:
    if not host:
        return True  # HTTP/1.0 without Host: no name to rebind
    name = host_name(host)
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    allowed = {n.lower().rstrip(".") for n in (*DEFAULT_NAMES, *names)}
    return name.rstrip(".") in allowed or name.endswith(".localhost")


def cross_site(method: str, headers: Mapping[str, str], own_origin: str, *, forms: bool = False) -> str | None:
    """Why a request to the control surface is refused as cross-site, or None. `forms`: the console's own pages
    post forms (with a CSRF token); the control API takes JSON only from a browser."""
    if method not in STATE_CHANGING:
        return None
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"the request comes from another site (Sec-Fetch-Site: {fetch_site})"
    origin = headers.get("origin")
    if origin is not None and origin.rstrip("/").lower() != own_origin.lower():
        return f"the request comes from another origin ({origin[:100]})"
    kind = headers.get("content-type", "").partition(";")[0].strip().lower()
    if not forms and (origin is not None or fetch_site is not None) and kind in SIMPLE_BODIES:
        return f"a browser may not send {kind} here; send application/json"
    return None
