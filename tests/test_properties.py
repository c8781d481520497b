"""Property tests: the MFA policy, its refusals' wire shapes, the rollout buckets, token integrity, the gate.

Every expectation below is restated here from the facts sheet (§2–3) and written out literally; none is read back
from the code under test. The one exception is rollout membership inside the policy property, which uses
`in_rollout` as its oracle; `in_rollout` itself is pinned down by its own properties further down.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.testclient import TestClient

from emulator.app import EmulatorApp
from emulator.config import Config
from emulator.keys import SigningKey, generate_key
from emulator.partner.caches import Caches
from emulator.partner.common import SHORT_QUERY, query, self_uri
from emulator.policy import decide, in_rollout
from emulator.profiles import PROFILES
from emulator.state import EmulatorState
from emulator.verify import InvalidToken
from tests.helpers import NW, user_token

# Property-based fuzz: run by make test and .ci/run (pytest -m ''), not by a bare pytest.
pytestmark = pytest.mark.heavy

PC_RESOURCE = "https://api.partnercenter.microsoft.com"
PC_APP_ID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"
GRAPH = "https://graph.windows.net"

WWW_AUTHENTICATE = 'Bearer error="invalid_token"'
REFUSAL_HEADERS = (("WWW-Authenticate", WWW_AUTHENTICATE),)
GRAPH_DESCRIPTION = (
    "The audience 'https://graph.windows.net' in the token is invalid and is no longer supported in Partner Center API."
)

ERA_2019 = frozenset({"pilot-2019", "enforced-2019"})
ERA_2026 = frozenset({"enforced-2026", "rollout-2026", "report-only", "off"})
AMR_WORDS = ("pwd", "mfa", "rsa", "otp", "fed", "wia", "ngcmfa", "none")
B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- strategies ------------------------------------------------------------------------------------------

guids = st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())

amr_values: st.SearchStrategy[Any] = st.one_of(
    st.lists(st.sampled_from(AMR_WORDS), max_size=5),
    # Not a list: none of these proves MFA, however much they look like it.
    st.sampled_from(["mfa", "pwd mfa", "pwd,mfa", ""]),
    st.none(),
    st.integers(),
    st.text(max_size=8),
    st.dictionaries(st.sampled_from(AMR_WORDS), st.booleans(), max_size=3),
)

# "true" in any letter case, padded with spaces or tabs: the pilot asked for the check.
truthy_headers = st.tuples(
    st.text(" \t", max_size=2), st.sampled_from(["true", "True", "TRUE", "tRuE"]), st.text(" \t", max_size=2)
).map("".join)

enforce_mfa_headers: st.SearchStrategy[str | None] = st.one_of(
    st.none(),
    truthy_headers,
    st.sampled_from(["true", "True", " TRUE ", "\ttrue", "false", "False", "1", "yes", "", "truee", "t rue"]),
    st.text(max_size=12),
)


@st.composite
def claim_sets(draw: st.DrawFn) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "aud": draw(st.sampled_from([PC_RESOURCE, PC_APP_ID, GRAPH])),
        "tid": draw(guids),
        "appid": draw(guids),
    }
    if draw(st.booleans()):
        claims["scp"] = draw(st.sampled_from(["user_impersonation"]) | st.text(min_size=1, max_size=10))
    if draw(st.booleans()):
        claims["amr"] = draw(amr_values)
    if draw(st.booleans()):
        claims["upn"] = draw(st.sampled_from([NW.MEGAN, "someone@contoso.example"]))
    if draw(st.booleans()):
        claims["roles"] = draw(st.lists(st.sampled_from(["Partner.Read.All", "user_impersonation"]), max_size=2))
    return claims


profile_names = st.sampled_from(sorted(PROFILES))
percents = st.integers(min_value=0, max_value=100)


# --- 1. the policy, restated ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    allowed: bool
    would_refuse: bool
    code: str | None  # "2019" for the bodiless 2019 refusal, "900420"/"900421" for the 2026 bodies, None: allowed


ALLOW = Expected(True, False, None)
LOGGED_ONLY = Expected(True, True, None)


def expected_decision(claims: Mapping[str, Any], header: str | None, name: str, percent: int) -> Expected:
    """The facts sheet's rule, written independently of emulator.policy."""
    if claims.get("aud") == GRAPH:
        if name in ("enforced-2026", "rollout-2026"):
            return Expected(False, True, "900420")
        if name == "report-only":
            return LOGGED_ONLY
    if "scp" not in claims:  # app-only: never asked for MFA
        return ALLOW
    amr = claims.get("amr")
    if isinstance(amr, list) and "mfa" in amr:
        return ALLOW
    # An app+user call without MFA.
    if name == "enforced-2019":
        return Expected(False, True, "2019")
    if name == "enforced-2026":
        return Expected(False, True, "900421")
    if name == "pilot-2019":
        asked = header is not None and header.strip().lower() == "true"
        return Expected(False, True, "2019") if asked else ALLOW
    if name == "rollout-2026":
        reached = in_rollout(claims["tid"], claims["appid"], percent)
        return Expected(False, True, "900421") if reached else ALLOW
    if name == "report-only":
        return LOGGED_ONLY
    if name == "off":
        return ALLOW
    raise AssertionError(f"profile {name!r} has no restatement in this test")


def test_profiles_are_the_ones_restated_here() -> None:
    assert set(PROFILES) == ERA_2019 | ERA_2026


@given(claims=claim_sets(), header=enforce_mfa_headers, name=profile_names, percent=percents)
def test_decision_matches_the_restated_rule(
    claims: dict[str, Any], header: str | None, name: str, percent: int
) -> None:
    decision = decide(claims, header, PROFILES[name].with_rollout(percent))
    expected = expected_decision(claims, header, name, percent)

    assert decision.allowed is expected.allowed
    assert decision.would_refuse is expected.would_refuse
    assert decision.principal == ("app+user" if "scp" in claims else "app-only")
    if expected.code is None:
        assert decision.refusal is None
    else:
        assert decision.refusal is not None
        if expected.code == "2019":
            assert decision.refusal.body is None
        else:
            assert decision.refusal.body is not None
            assert decision.refusal.body["code"] == expected.code
    if claims.get("aud") != GRAPH:
        amr = claims.get("amr")
        assert decision.compliant is ("scp" not in claims or (isinstance(amr, list) and "mfa" in amr))


@given(claims=claim_sets(), header=enforce_mfa_headers, name=profile_names)
def test_app_only_is_never_refused_for_mfa(claims: dict[str, Any], header: str | None, name: str) -> None:
    claims.pop("scp", None)
    claims["aud"] = PC_RESOURCE
    decision = decide(claims, header, PROFILES[name])
    assert decision.allowed and not decision.would_refuse and decision.refusal is None


@given(claims=claim_sets(), header=enforce_mfa_headers, name=profile_names, percent=percents)
def test_mfa_in_amr_is_allowed_everywhere_but_for_graph(
    claims: dict[str, Any], header: str | None, name: str, percent: int
) -> None:
    claims["scp"] = "user_impersonation"
    claims["amr"] = [*(claims["amr"] if isinstance(claims.get("amr"), list) else ["pwd"]), "mfa"]
    decision = decide(claims, header, PROFILES[name].with_rollout(percent))
    if claims["aud"] == GRAPH and name in ("enforced-2026", "rollout-2026"):
        assert not decision.allowed
    else:
        assert decision.allowed and decision.refusal is None


@given(claims=claim_sets(), header=enforce_mfa_headers)
def test_the_pilot_checks_only_when_asked(claims: dict[str, Any], header: str | None) -> None:
    claims["scp"] = "user_impersonation"
    claims["aud"] = PC_RESOURCE
    if isinstance(claims.get("amr"), list):
        claims["amr"] = [m for m in claims["amr"] if m != "mfa"]
    decision = decide(claims, header, PROFILES["pilot-2019"])
    asked = header is not None and header.strip().lower() == "true"
    assert decision.allowed is not asked
    assert decision.would_refuse is asked


@given(claims=claim_sets(), percent=percents)
def test_the_rollout_refuses_exactly_the_reached_pairs(claims: dict[str, Any], percent: int) -> None:
    claims["scp"] = "user_impersonation"
    claims["aud"] = PC_RESOURCE
    claims["amr"] = ["pwd"]
    decision = decide(claims, None, PROFILES["rollout-2026"].with_rollout(percent))
    assert decision.allowed is not in_rollout(claims["tid"], claims["appid"], percent)
    if percent == 0:
        assert decision.allowed
    if percent == 100:
        assert not decision.allowed


# --- 2. refusals on the wire ------------------------------------------------------------------------------


@given(claims=claim_sets(), header=enforce_mfa_headers, name=profile_names, percent=percents)
def test_refusals_carry_the_profiles_exact_wire_shape(
    claims: dict[str, Any], header: str | None, name: str, percent: int
) -> None:
    decision = decide(claims, header, PROFILES[name].with_rollout(percent))
    assert decision.allowed is (decision.refusal is None)
    if decision.allowed:
        return
    assert decision.would_refuse
    refusal = decision.refusal
    assert refusal is not None
    assert refusal.status == 401
    assert refusal.headers == REFUSAL_HEADERS
    if name in ERA_2019:
        assert refusal.reason == "Unauthorized - MFA required"
        assert refusal.body is None
    else:
        assert name in ERA_2026
        assert refusal.reason is None
        body = refusal.body
        assert body is not None
        assert set(body) == {"code", "description", "data", "source"}
        assert isinstance(body["code"], str)
        assert body["data"] == []
        assert body["source"] == "PartnerFD"
        assert isinstance(body["description"], str) and body["description"]
        if claims.get("aud") == GRAPH:
            assert body["code"] == "900420"
            assert body["description"] == GRAPH_DESCRIPTION
        else:
            assert body["code"] == "900421"


# --- 3. rollout buckets -----------------------------------------------------------------------------------


@st.composite
def recased(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))


@given(tid=st.uuids().map(str), appid=st.uuids().map(str), percent=percents, data=st.data())
def test_rollout_is_stable_and_ignores_letter_case(tid: str, appid: str, percent: int, data: st.DataObject) -> None:
    first = in_rollout(tid, appid, percent)
    assert in_rollout(tid, appid, percent) is first
    assert in_rollout(tid.upper(), appid.upper(), percent) is first
    assert in_rollout(data.draw(recased(tid)), data.draw(recased(appid)), percent) is first


@given(tid=guids, appid=guids, percent=percents)
def test_rollout_is_monotonic_in_percent(tid: str, appid: str, percent: int) -> None:
    assert not in_rollout(tid, appid, 0)
    assert in_rollout(tid, appid, 100)
    if in_rollout(tid, appid, percent):
        assert all(in_rollout(tid, appid, q) for q in range(percent, 101))
    else:
        assert not any(in_rollout(tid, appid, q) for q in range(percent + 1))


def test_rollout_reaches_about_the_share_it_says() -> None:
    pairs = [
        (str(uuid.uuid5(uuid.NAMESPACE_DNS, f"t{i}")), str(uuid.uuid5(uuid.NAMESPACE_DNS, f"a{i}")))
        for i in range(2000)
    ]
    for percent in (10, 50, 90):
        share = sum(in_rollout(t, a, percent) for t, a in pairs) / len(pairs)
        assert abs(share - percent / 100) < 0.05, (percent, share)


# --- 4. token integrity -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenEnv:
    state: EmulatorState
    token: str
    kid: str
    other_key: SigningKey  # a key the emulator does not know


@pytest.fixture(scope="module")
def token_env(signing_key: SigningKey) -> TokenEnv:
    state = EmulatorState(Config(in_memory_key=True, seed=7, profile="enforced-2026"), key=signing_key)
    token = user_token(state, NW.MEGAN, ["pwd", "mfa"])
    state.verifier.verify(token)  # the unmodified token is good: every refusal below is the mutation's doing
    return TokenEnv(state, token, signing_key.kid, generate_key())


_STRICT_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")


def strict_decode(segment: str) -> bytes | None:
    """base64url as JWS writes it (no padding, URL alphabet only); None when the segment is not that."""
    if not _STRICT_SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def refused(env: TokenEnv, token: str) -> bool:
    try:
        env.state.verifier.verify(token)
    except InvalidToken:
        return True
    return False


replacement_chars = st.one_of(
    st.sampled_from(B64URL_ALPHABET),
    st.sampled_from(list(".=+/ \t,%")),
    st.characters(),
    st.characters(categories=["Cs"]),  # a lone surrogate: a str, but no text on any wire
)


@given(data=st.data())
def test_any_single_character_change_is_refused(token_env: TokenEnv, data: st.DataObject) -> None:
    token = token_env.token
    dots = [i for i, c in enumerate(token) if c == "."]
    edges = sorted({0, len(token) - 1, *dots, *(d - 1 for d in dots), *(d + 1 for d in dots)})
    position = data.draw(st.integers(0, len(token) - 1) | st.sampled_from(edges), label="position")
    original = token[position]
    replacement = data.draw(replacement_chars.filter(lambda c: c != original), label="replacement")
    mutated = token[:position] + replacement + token[position + 1 :]

    # The signature covers the header and payload text itself, so any change there must be refused. In the
    # signature segment, a change to the last character's unused low bits decodes to the same bytes: no change.
    if position > dots[1]:
        assume(strict_decode(mutated[dots[1] + 1 :]) != strict_decode(token[dots[1] + 1 :]))

    assert refused(token_env, mutated)


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)


@st.composite
def jwt_shaped(draw: st.DrawFn, kid: str) -> str:
    """Three (sometimes two or four) dot-separated segments that get progressively further into the verifier."""
    header = draw(
        st.fixed_dictionaries(
            {
                "alg": st.sampled_from(["RS256", "HS256", "none", "rs256", "ES256"]) | json_values,
                "kid": st.sampled_from([kid, kid.lower(), "unknown-kid"]) | json_values,
            },
            optional={
                "typ": st.just("JWT"),
                "x5t": st.just(kid),
                "jku": st.just("https://evil.example/keys"),
                "crit": st.just(["exp"]),
                "b64": st.booleans(),
            },
        )
    )
    claims = {
        "aud": PC_RESOURCE,
        "iss": f"https://sts.windows.net/{NW.TENANT_ID}/",
        "tid": NW.TENANT_ID,
        "exp": 4102444800,
        "nbf": 0,
        "scp": "user_impersonation",
        "amr": ["pwd", "mfa"],
    }
    segment = st.one_of(
        st.just(b64url(json.dumps(header).encode())),
        st.just(b64url(json.dumps(claims).encode())),
        json_values.map(lambda v: b64url(json.dumps(v).encode())),
        st.binary(max_size=300).map(b64url),
        st.integers(0, 4000).map(lambda depth: b64url(b"[" * depth + b"]" * depth)),
        st.text(B64URL_ALPHABET, max_size=40),
        st.just(""),
    )
    count = draw(st.sampled_from([3, 3, 3, 2, 4]))
    parts = [draw(segment) for _ in range(count)]
    return ".".join(parts)


arbitrary_tokens = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=["Cs", "Lu", "Nd"]), max_size=20),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.text(B64URL_ALPHABET + ".", max_size=200),
)


@given(data=st.data())
def test_arbitrary_text_is_refused_with_invalid_token(token_env: TokenEnv, data: st.DataObject) -> None:
    token = data.draw(arbitrary_tokens | jwt_shaped(token_env.kid), label="token")
    assert refused(token_env, token)


@given(
    aud=st.sampled_from([PC_RESOURCE, PC_APP_ID, GRAPH]),
    amr=st.lists(st.sampled_from(AMR_WORDS), max_size=3),
    alg=st.sampled_from(["RS256", "HS256"]),
)
def test_a_token_signed_with_another_key_is_refused(token_env: TokenEnv, aud: str, amr: list[str], alg: str) -> None:
    claims = {
        "aud": aud,
        "iss": f"https://sts.windows.net/{NW.TENANT_ID}/",
        "tid": NW.TENANT_ID,
        "iat": 0,
        "nbf": 0,
        "exp": 4102444800,
        "scp": "user_impersonation",
        "amr": amr,
    }
    headers = {"kid": token_env.kid, "x5t": token_env.kid}
    key: Any = token_env.other_key.private_key if alg == "RS256" else "a shared secret of thirty-two bytes!"
    forged = jwt.encode(claims, key, algorithm=alg, headers=headers)
    assert refused(token_env, forged)


# --- 5. the gate over HTTP --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http(signing_key: SigningKey) -> Iterator[tuple[TestClient, str]]:
    state = EmulatorState(Config(in_memory_key=True, seed=7, profile="enforced-2026"), key=signing_key)
    token = user_token(state, NW.MEGAN, ["pwd", "mfa"])
    app = EmulatorApp(state)
    with TestClient(
        app, base_url="http://127.0.0.1:8080", client=("127.0.0.1", 50000), raise_server_exceptions=False
    ) as client:
        ok = client.get("/v1/customers?size=2", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200  # the unmodified token passes: refusals below are the mutation's doing
        yield client, token


# Header values as they can travel on the wire: latin-1 octets, no CR, LF or NUL.
header_text = st.text(st.characters(max_codepoint=0xFF, exclude_characters="\r\n\x00"), max_size=60)
other_schemes = st.sampled_from(["Basic", "Digest", "Negotiate", "NTLM", "Bearer:", "Beare", "Bearerx", "PoP", ""])


@st.composite
def broken_authorization(draw: st.DrawFn, token: str) -> str:
    kind = draw(st.sampled_from(["text", "bearer-junk", "two-schemes", "truncated", "mutated", "other-scheme"]))
    if kind == "text":
        return draw(header_text)
    if kind == "bearer-junk":
        return "Bearer " + draw(header_text)
    if kind == "two-schemes":
        scheme = draw(other_schemes.filter(bool))
        junk = draw(st.text(B64URL_ALPHABET + "=", min_size=1, max_size=20))
        return draw(
            st.sampled_from(
                [
                    f"Bearer {token} {scheme} {junk}",
                    f"Bearer {token}, {scheme} {junk}",
                    f"{scheme} {junk}, Bearer {token}",
                    f"{scheme} {junk} Bearer {token}",
                    f"Bearer {token}, Bearer {token}",
                    f"Bearer Bearer {token}",
                ]
            )
        )
    if kind == "truncated":
        return "Bearer " + token[: draw(st.integers(0, len(token) - 1))]
    if kind == "other-scheme":
        return f"{draw(other_schemes)} {token}"
    # mutated: one character of the real token replaced (not in the signature's don't-care bits)
    position = draw(st.integers(0, len(token) - 2))
    original = token[position]
    return (
        "Bearer "
        + token[:position]
        + draw(st.sampled_from(B64URL_ALPHABET).filter(lambda c: c != original))
        + token[position + 1 :]
    )


def assert_token_refusal(response: Any) -> None:
    assert response.status_code == 401, (response.status_code, response.text[:200])
    assert response.headers["www-authenticate"] == WWW_AUTHENTICATE
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "description", "data", "source"}
    assert body["source"] == "PartnerFD"
    assert body["data"] == []


@given(data=st.data())
def test_a_broken_authorization_header_gets_a_401_never_a_5xx(
    http: tuple[TestClient, str], data: st.DataObject
) -> None:
    client, token = http
    value = data.draw(broken_authorization(token), label="authorization")
    response = client.get("/v1/customers?size=2", headers={"Authorization": value.encode("latin-1")})
    assert_token_refusal(response)


# --- regressions: inputs these properties found that once escaped as RecursionError / UnicodeEncodeError ------

# A header segment that decodes to deeply nested JSON made json.loads raise RecursionError (a 500 at the gate).
NESTED_HEADER_TOKEN = b64url(b"[" * 5000) + ".e30.c2ln"


def test_deeply_nested_header_is_invalid_token(token_env: TokenEnv) -> None:
    assert refused(token_env, NESTED_HEADER_TOKEN)


def test_deeply_nested_header_gets_a_401(http: tuple[TestClient, str]) -> None:
    client, _ = http
    assert_token_refusal(client.get("/v1/customers?size=2", headers={"Authorization": f"Bearer {NESTED_HEADER_TOKEN}"}))


def test_a_lone_surrogate_is_invalid_token(token_env: TokenEnv) -> None:
    # Not reachable over HTTP (the gate decodes the header as ASCII), but verify() promises InvalidToken.
    header, payload, signature = token_env.token.split(".")
    assert refused(token_env, f"{header}.{payload}\ud800.{signature}")


# --- query strings: the handlers' cached parse reads exactly what Starlette's QueryParams reads -----------------

# What an HTTP request line can carry in a query (the parser refuses anything outside printable ASCII).
QUERY_TEXT = st.text(st.sampled_from("abcXYZ019=&;+%-._~!$'()*,/:@?[]"), max_size=80)


class _CachesOnly:
    """query() reads nothing of the state but its caches."""

    def __init__(self) -> None:
        self.caches = Caches()


_STATE: Any = _CachesOnly()


@given(QUERY_TEXT)
def test_query_parameters_match_starlette(raw: str) -> None:
    request = Request({"type": "http", "query_string": raw.encode(), "headers": [], "path": "/v1/customers"})
    assert dict(query(_STATE, request)) == dict(request.query_params.items())
    assert dict(query(_STATE, request)) == dict(request.query_params.items())  # the cached answer is the same
    assert self_uri(request, "/v1/customers") == (f"/v1/customers?{raw}" if raw else "/v1/customers")


def test_long_query_strings_are_parsed_but_not_kept() -> None:
    state: Any = _CachesOnly()
    raw = "size=2&" + "x=" + "a" * SHORT_QUERY
    assert query(state, Request({"type": "http", "query_string": raw.encode(), "headers": []}))["size"] == "2"
    assert state.caches.queries == {}
    assert query(state, Request({"type": "http", "query_string": b"size=2", "headers": []}))["size"] == "2"
    assert list(state.caches.queries) == [b"size=2"]
