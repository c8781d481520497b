"""Everything one running emulator holds: world, clock, keys, issued refresh tokens, the active profile."""

from __future__ import annotations

import random
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.appcerts import load_registered
from emulator.clock import Clock
from emulator.config import Config
from emulator.faults import Faults
from emulator.identity.federation import LocalIssuer
from emulator.identity.sessions import Interactive
from emulator.journal import Journal
from emulator.keys import KeyRing, SigningKey, generate_key, load_or_create
from emulator.partner.caches import Caches
from emulator.partner.models.center import PartnerCenter
from emulator.profiles import Profile, get_profile
from emulator.tokens import TokenIssuer
from emulator.verify import TokenVerifier
from emulator.world import World, load_world

if TYPE_CHECKING:
    from emulator.persistence import Persistence

REFRESH_TOKEN_INACTIVITY = 90 * 24 * 3600  # Entra's default: 90 days, reset on each use
MAX_REFRESH_TOKENS = 100_000


@dataclass
class RefreshGrant:
    """What an opaque refresh token stands for: bound to one client and one user, carrying the sign-in's amr."""

    client_id: str
    tenant_id: str
    user_oid: str
    amr: tuple[str, ...]
    issued_at: float
    last_used: float
    revoked: bool = False


class RefreshTokens:
    """Issued refresh tokens. Older ones stay usable until revoked or unused for 90 days (Entra, not single-use)."""

    def __init__(self, rng: random.Random | None) -> None:
        self._rng = rng
        self._grants: dict[str, RefreshGrant] = {}
        self._lock = threading.Lock()

    def issue(self, client_id: str, tenant_id: str, user_oid: str, amr: list[str], now: float) -> str:
        raw = self._rng.getrandbits(384).to_bytes(48, "big") if self._rng else secrets.token_bytes(48)
        token = "0.A" + raw.hex()
        with self._lock:
            self._grants[token] = RefreshGrant(client_id, tenant_id, user_oid, tuple(amr), now, now)
            # Bounded: the oldest issued go first once there are too many (a token unused for 90 days is invalid
            # anyway; these are the ones least likely to be used again).
            while len(self._grants) > MAX_REFRESH_TOKENS:
                del self._grants[next(iter(self._grants))]
        return token

    def get(self, token: str) -> RefreshGrant | None:
        return self._grants.get(token)

    def touch(self, grant: RefreshGrant, now: float) -> None:
        grant.last_used = now

    def clear(self) -> None:
        with self._lock:
            self._grants.clear()

    def __len__(self) -> int:
        return len(self._grants)


class ProfileUnavailable(ValueError):
    """A profile this server cannot answer as the real service did; the message says why and what to do."""


class EmulatorState:
    def __init__(self, config: Config, world: World | None = None, key: SigningKey | None = None) -> None:
        self.config = config
        self.world = world if world is not None else load_world(config.fixtures)
        self.clock = Clock()
        self.world.store.now = self.clock.now  # kept MS-RequestId answers expire on the emulator's clock
        self.key_created = False
        if key is None:
            if config.in_memory_key:
                key = generate_key()
            else:
                key, self.key_created = load_or_create(config.resolved_state_dir())
                for client_id, certificates in load_registered(config.resolved_state_dir()).items():
                    if client_id in self.world.apps:
                        self.world.add_certificates(client_id, certificates)
        self.keys = KeyRing(key, self.clock.now)
        # The CI system's OIDC issuer that federated credentials trust (emulator.identity.federation).
        self.local_issuer = LocalIssuer(self.clock.now)
        self.rng = random.Random(config.seed) if config.seed is not None else random.Random()
        # Partner Center's state and rules, and the caches of its answers (emptied by a reset).
        self.models = PartnerCenter(
            self.world,
            self.clock,
            self.rng,
            seeded=config.seed is not None,
            provisioning_delay=config.provisioning_delay,
        )
        self.caches = Caches()
        self.issuer = TokenIssuer(self.keys, self.clock, self.rng, config.token_lifetime)
        self.verifier = TokenVerifier(self.keys, self.clock, self._known_tenant, config.clock_skew)
        self.refresh_tokens = RefreshTokens(self.rng if config.seed is not None else None)
        # False when `pcemu serve` runs without its uvicorn hook (emulator.server): no custom reason phrase.
        self.reason_phrases = True
        self.start_profile = get_profile(config.profile, config.rollout_percent)
        self._profile: Profile = self.start_profile
        # (until, profile) steps on the emulator's clock (enforcement-day); empty: the one profile above.
        self.schedule: list[tuple[float | None, Profile]] = []
        self.journal = Journal(config.journal_size)
        self.faults = Faults()
        self.refresh_inactivity: float = REFRESH_TOKEN_INACTIVITY  # a scenario may shorten it
        from emulator.scenarios import Scenarios

        self.scenarios = Scenarios(self)
        if config.scenarios:
            from emulator.scenarios import find

            for name in config.scenarios:
                self.scenarios.load(find(name), at_start=True)
        self.interactive = Interactive()
        self.persistence: Persistence | None = None
        if config.persist:
            from emulator.persistence import Persistence

            self.persistence = Persistence(config.resolved_state_dir(), self.world)
            self.persistence.load()

    def _known_tenant(self, tenant_id: str) -> bool:
        return tenant_id in self.world.tenants

    @property
    def profile(self) -> Profile:
        if self.schedule:
            now = self.clock.now()
            for until, profile in self.schedule:
                if until is None or now < until:
                    return profile
        return self._profile

    @profile.setter
    def profile(self, value: Profile) -> None:
        self._profile = value
        self.schedule = []

    def profile_problem(self, profile: Profile) -> str | None:
        """Why this server cannot serve `profile` faithfully, or None."""
        if profile.needs_reason_phrase and not self.reason_phrases:
            return (
                f"profile '{profile.name}' refuses with the status line '{profile.mfa_refusal.status} "
                f"{profile.mfa_refusal.reason}', and this server cannot write it (its uvicorn hook is not in "
                "effect; see the warning at start-up)"
            )
        return None

    def set_profile(self, name: str, rollout_percent: int | None = None) -> Profile:
        percent = self.profile.rollout_percent if rollout_percent is None else rollout_percent
        profile = get_profile(name, percent)
        problem = self.profile_problem(profile)
        if problem is not None:
            raise ProfileUnavailable(problem)
        self.profile = profile
        return self.profile

    def reset(self) -> None:
        """Back to the state at start: fixtures, profile, clock; issued refresh tokens are forgotten."""
        self.world.reset()  # the store's reset hook empties the saved state when the emulator persists
        self.models.addresses.forget()
        self.caches.clear()
        self.profile = self.start_profile
        self.clock.reset()
        self.refresh_tokens.clear()
        self.verifier.forget()
        self.journal.clear()
        self.interactive.clear()
        self.scenarios.reset()
        if self.config.seed is not None:
            self.rng.seed(self.config.seed)
