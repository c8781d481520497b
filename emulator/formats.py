"""Named time formats and id generators, each saying where its form comes from; [I] where no sample was checked.

Partner Center's samples disagree with each other (fractions of two to seven digits, with and without a zone
designator). The forms below are the ones the emulator has written since its first stage; the literal-document
tests pin the bytes.
"""

from __future__ import annotations

import base64
import random
import uuid
from datetime import UTC, datetime

# --- times ------------------------------------------------------------------------------------------------------


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def entra_timestamp(epoch: float) -> str:
    """`timestamp` of Entra's error bodies and the Timestamp line of their descriptions: 2019-02-14 21:54:58Z
    (ENTRA reference-error-codes.md)."""
    return _utc(epoch).strftime("%Y-%m-%d %H:%M:%SZ")


def iso_millis(epoch: float) -> str:
    """The emulator's own documents (journal, control API): ISO 8601, UTC, milliseconds: 2026-11-28T13:58:58.133Z."""
    return _utc(epoch).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def request_date_time(epoch: float) -> str:
    """Partner Center's MFA report times: no zone designator, a short fraction: 2020-05-21T21:02:10.31
    (get-api-request-details.md); milliseconds here, trailing zeros dropped."""
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3].rstrip("0").rstrip(".")


def creation_date(moment: datetime, *, digits: int = 3) -> str:
    """A resource's creationDate: three digits of fraction for orders created here (…:03.877Z), two in the generated
    worlds (…:03.87Z) [I]. create-an-order.md's response sample has six ("2018-03-15T22:30:02.085152Z")."""
    fraction = f"{moment.microsecond // 1000:03d}" if digits == 3 else f"{moment.microsecond // 10000:02d}"
    # Formatted by hand: strftime was a third of a 100,000-customer world's generation.
    m = moment
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}.{fraction}Z"


def dotnet_timestamp(epoch: float) -> str:
    """A cart's timestamps: seven digits of fraction, trailing zeros dropped, as .NET writes a DateTime in UTC:
    2023-07-11T21:16:11.55149Z, 2023-07-18T21:16:17.2480482Z (checkout-a-cart.md, create-a-cart.md). Python
    keeps microseconds, so the seventh digit is always 0 and dropped."""
    text = _utc(epoch).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def day_end(moment: datetime) -> str:
    """commitmentEndDateTime: the last second of the commitment's last day, 2022-01-13T23:59:59Z
    (get-a-subscription-by-id.md)."""
    return moment.strftime("%Y-%m-%dT23:59:59Z")


def seconds(epoch: float) -> str:
    """Refund and window limits (refundOptions.expiresAt, allowedUntilDateTime, cancellationAllowedUntilDate):
    whole seconds, UTC [I]."""
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(moment: datetime) -> str:
    """effectiveStartDate, commitmentEndDate and a recurring invoice's date: midnight UTC, 2019-02-12T00:00:00Z [I]."""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T00:00:00Z"


def login_date(epoch: float) -> str:
    """applicationmfaadoptionstatus's loginDate, a day: 2020-05-21 [I] (the field: get-api-request-summary.md)."""
    return _utc(epoch).strftime("%Y-%m-%d")


# --- ids --------------------------------------------------------------------------------------------------------

# Request and correlation ids identify calls, they guard nothing: the Mersenne Twister is enough, and it spares
# every response a getrandom(2) call (6 % of a request's time under load, py-spy). A private generator, so that
# a test run that seeds `random` (the plugin serves inside it) does not repeat ids.
_bits = random.Random().getrandbits
_VERSION_BITS = ~(0xF000 << 64) & ~(0xC000 << 48)
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


def request_id() -> bytes:
    """A random (version 4) GUID as bytes, for MS-RequestId and MS-CorrelationId when the caller sent none."""
    h = b"%032x" % (_bits(128) & _VERSION_BITS | _VERSION_4)
    return h[:8] + b"-" + h[8:12] + b"-" + h[12:16] + b"-" + h[16:20] + b"-" + h[20:]


def correlation_vector(incoming: bytes | None) -> bytes:
    """MS-CV: a caller's vector extended by one element; otherwise a fresh 16-character base plus ".0"."""
    if incoming:
        return incoming + b".0"
    return base64.b64encode(_bits(96).to_bytes(12, "big")).replace(b"+", b"A").replace(b"/", b"B") + b".0"


def trace_id() -> str:
    """Entra's trace and correlation ids in error bodies: a GUID."""
    return str(uuid.uuid4())


def guid(rng: random.Random | None = None) -> str:
    """A resource id: drawn from `rng` when the emulator runs deterministically (--seed), else random."""
    if rng is not None:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return str(uuid.uuid4())
