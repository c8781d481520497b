"""Settings for one emulator. Precedence: command-line flag, then environment (PCEMU_*), then a JSON config
file (--config), then the defaults here."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from emulator.jsonfiles import JsonFileError, read_json
from emulator.keys import default_state_dir
from emulator.profiles import DEFAULT_PROFILE, PROFILES


class ConfigError(Exception):
    """A setting has a wrong value; the message names where it came from."""


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 8080
    https_port: int | None = 8443  # None: no HTTPS (and so no proxy)
    proxy_port: int | None = None  # the CONNECT proxy for hard-coded hosts; None: off
    proxy_host: str = "127.0.0.1"  # where the proxy listens (a container sets 0.0.0.0)
    userrealm_port: int | None = None  # a further HTTPS listener (443) for MSAL's user-realm lookup
    cert_names: tuple[str, ...] = ()  # extra DNS names for the server certificate (and the CA's constraints)
    profile: str = DEFAULT_PROFILE
    rollout_percent: int = 50
    fixtures: Path | None = None  # None: the packaged default world
    state_dir: Path | None = None  # None: ~/.local/state/pcemu (XDG_STATE_HOME)
    in_memory_key: bool = False  # tests: a fresh key that never touches disk
    clock_skew: float = 300.0
    # Client addresses besides loopback that may use /_emulator/ ("any" for all).
    control_hosts: tuple[str, ...] = ()
    # Request heads (emulator.server.HeadLimits): size in bytes, header fields, seconds to complete one.
    max_head_bytes: int = 32 * 1024
    max_header_fields: int = 100
    head_timeout: float = 10.0
    # More names (Host headers) the control API and console answer to, besides localhost, IP addresses and
    # the --cert-name names (emulator.access).
    allowed_hosts: tuple[str, ...] = ()
    seed: int | None = None  # deterministic ids, token ids and lifetimes
    token_lifetime: int | None = None  # fixed access-token lifetime in seconds; None = Entra's 60-90 min
    access_log: bool = False
    scenarios: tuple[str, ...] = ()  # scenario names (or JSON files) loaded at start
    journal_size: int = 10_000  # journal entries kept in memory; older ones are dropped (and counted)
    persist: bool = False  # save the world's changes in the state directory and load them at start
    # `serve` signs tokens in a second process (emulator.signer) when the machine has a second core; False: never.
    sign_worker: bool = True
    # Seconds an order and a New Commerce subscription stay pending on the emulator's clock [I].
    provisioning_delay: float = 30.0

    def resolved_state_dir(self) -> Path:
        return self.state_dir if self.state_dir is not None else default_state_dir()

    def validate(self) -> None:
        """Settings are named as a user sets them: the flag, its environment variable, the config file's key."""
        if self.profile not in PROFILES:
            raise ConfigError(f"{named('profile')}: unknown profile '{self.profile}'; known: {', '.join(PROFILES)}")
        if not 0 <= self.rollout_percent <= 100:
            raise ConfigError(f"{named('rollout_percent')}: must be from 0 to 100, not {self.rollout_percent}")
        for name in ("port", "https_port", "proxy_port", "userrealm_port"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 65535:
                raise ConfigError(f"{named(name)}: must be from 0 to 65535, not {value}")
        if self.https_port is None and (self.proxy_port is not None or self.userrealm_port is not None):
            raise ConfigError("--proxy-port and --userrealm-port need HTTPS: do not combine them with --no-https")
        if self.clock_skew < 0:
            raise ConfigError(f"{named('clock_skew')}: must not be negative, not {self.clock_skew}")
        if not 1 <= self.journal_size <= 10_000_000:
            raise ConfigError(f"{named('journal_size')}: must be from 1 to 10000000, not {self.journal_size}")
        if not 1024 <= self.max_head_bytes <= 1024 * 1024:
            raise ConfigError(f"{named('max_head_bytes')}: must be from 1024 to 1048576, not {self.max_head_bytes}")
        if not 10 <= self.max_header_fields <= 10_000:
            raise ConfigError(f"{named('max_header_fields')}: must be from 10 to 10000, not {self.max_header_fields}")
        if not 0 < self.head_timeout <= 3600:
            raise ConfigError(f"{named('head_timeout')}: must be more than 0 and at most 3600, not {self.head_timeout}")
        if not 0 <= self.provisioning_delay <= 30 * 86400:
            raise ConfigError(
                f"{named('provisioning_delay')}: must be from 0 to 2592000 seconds, not {self.provisioning_delay}"
            )
        if self.token_lifetime is not None and self.token_lifetime <= 0:
            raise ConfigError(f"{named('token_lifetime')}: must be positive, not {self.token_lifetime}")


def _path(value: Any) -> Path:
    return Path(str(value)).expanduser()


def _hosts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError("expected a list of addresses")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.lower() in ("1", "true", "yes", "on")
    raise ValueError("expected true or false")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    return int(value)


# setting name -> (config-file key, environment variable, parser)
_SOURCES: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "host": ("host", "PCEMU_HOST", str),
    "port": ("port", "PCEMU_PORT", _int),
    "https_port": ("httpsPort", "PCEMU_HTTPS_PORT", _int),
    "proxy_port": ("proxyPort", "PCEMU_PROXY_PORT", _int),
    "proxy_host": ("proxyHost", "PCEMU_PROXY_HOST", str),
    "userrealm_port": ("userrealmPort", "PCEMU_USERREALM_PORT", _int),
    "cert_names": ("certNames", "PCEMU_CERT_NAMES", _hosts),
    "profile": ("profile", "PCEMU_PROFILE", str),
    "rollout_percent": ("rolloutPercent", "PCEMU_ROLLOUT_PERCENT", _int),
    "fixtures": ("fixtures", "PCEMU_FIXTURES", _path),
    "state_dir": ("stateDir", "PCEMU_STATE_DIR", _path),
    "clock_skew": ("clockSkew", "PCEMU_CLOCK_SKEW", float),
    "control_hosts": ("controlHosts", "PCEMU_CONTROL_HOSTS", _hosts),
    "allowed_hosts": ("allowedHosts", "PCEMU_ALLOWED_HOSTS", _hosts),
    "max_head_bytes": ("maxHeadBytes", "PCEMU_MAX_HEAD_BYTES", _int),
    "max_header_fields": ("maxHeaderFields", "PCEMU_MAX_HEADER_FIELDS", _int),
    "head_timeout": ("headTimeout", "PCEMU_HEAD_TIMEOUT", float),
    "seed": ("seed", "PCEMU_SEED", _int),
    "token_lifetime": ("tokenLifetime", "PCEMU_TOKEN_LIFETIME", _int),
    "access_log": ("accessLog", "PCEMU_ACCESS_LOG", _bool),
    "persist": ("persist", "PCEMU_PERSIST", _bool),
    "journal_size": ("journalSize", "PCEMU_JOURNAL_SIZE", _int),
    "scenarios": ("scenarios", "PCEMU_SCENARIOS", _hosts),
    "sign_worker": ("signWorker", "PCEMU_SIGN_WORKER", _bool),
    "provisioning_delay": ("provisioningDelay", "PCEMU_PROVISIONING_DELAY", float),
}


def named(setting: str) -> str:
    """A setting as users know it: --rollout-percent (PCEMU_ROLLOUT_PERCENT, rolloutPercent)."""
    key, variable, _ = _SOURCES[setting]
    return f"--{setting.replace('_', '-')} ({variable}, {key})"


def load_config(
    file: Path | None = None, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Config:
    """Defaults, then the config file, then the environment, then `overrides` (flags given on the command line)."""
    values: dict[str, Any] = {}
    if file is not None:
        try:
            data = read_json(file)
        except JsonFileError as exc:
            raise ConfigError(str(exc)) from None
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: expected a JSON object")
        keys = {key: name for name, (key, _, _) in _SOURCES.items()}
        for key, value in data.items():
            if key not in keys:
                raise ConfigError(f"{file}: unknown setting '{key}'; known: {', '.join(keys)}")
            values[keys[key]] = _parse(keys[key], value, f"{file}: {key}")
    environ = os.environ if environ is None else environ
    for name, (_, variable, _) in _SOURCES.items():
        if environ.get(variable):
            values[name] = _parse(name, environ[variable], variable)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
    known = {f.name for f in fields(Config)}
    config = Config(**{k: v for k, v in values.items() if k in known})
    config.validate()
    return config


def _parse(name: str, value: Any, where: str) -> Any:
    try:
        return _SOURCES[name][2](value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: invalid value {json.dumps(value)}: {exc}") from None
