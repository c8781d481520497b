"""Named scenarios: real-world situations (a password-only service account, an expired refresh token, a key
rotation…) applied to a running emulator on demand, composable, and removable."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.faults import FaultError, parse_rule
from emulator.jsonfiles import JsonFileError, read_json
from emulator.profiles import PROFILES, get_profile
from emulator.world import App, User, fixtures_root

if TYPE_CHECKING:
    from emulator.state import EmulatorState

SETTINGS = (
    "name",
    "description",
    "expect",
    "profile",
    "profileSchedule",
    "rolloutPercent",
    "clockSkew",
    "tokenLifetime",
    "users",
    "apps",
    "faults",
    "advanceClock",
    "rotateKeys",
    "refreshTokenInactivity",
)
USER_FIELDS = {"mfaRegistered": "mfa_registered", "mfaRequired": "mfa_required"}
APP_FIELDS = {"consented": "consented"}


class ScenarioError(Exception):
    """A scenario file or request is wrong; the message names the file and the field."""


@dataclass
class Scenario:
    name: str
    description: str
    expect: str
    data: dict[str, Any]
    source: str

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "expect": self.expect}


def scenarios_dir() -> Path:
    return fixtures_root() / "scenarios"


def _check(data: Any, source: str) -> Scenario:
    def err(key: str, message: str) -> ScenarioError:
        return ScenarioError(f"{source}: {key}: {message}")

    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: expected a JSON object")
    for key in data:
        if key not in SETTINGS:
            raise err(key, f"unknown setting; known: {', '.join(SETTINGS)}")
    for key in ("name", "description", "expect"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise err(key, "required text is missing")
    if "profile" in data and data["profile"] not in PROFILES:
        raise err("profile", f"unknown profile '{data['profile']}'")
    schedule = data.get("profileSchedule")
    if schedule is not None:
        if not isinstance(schedule, list) or not schedule:
            raise err("profileSchedule", "expected a list of {profile, forSeconds}")
        for i, step in enumerate(schedule):
            if not isinstance(step, dict) or step.get("profile") not in PROFILES:
                raise err(f"profileSchedule[{i}].profile", "expected a known profile")
            last = i == len(schedule) - 1
            seconds = step.get("forSeconds")
            if not last and (isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0):
                raise err(f"profileSchedule[{i}].forSeconds", "expected a positive number (all steps but the last)")
    for key, low in (
        ("clockSkew", 0),
        ("tokenLifetime", 1),
        ("advanceClock", 0),
        ("refreshTokenInactivity", 1),
        ("rolloutPercent", 0),
    ):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value < low):
            raise err(key, f"expected a number of at least {low}")
    for key, fields in (("users", USER_FIELDS), ("apps", APP_FIELDS)):
        changes = data.get(key, {})
        if not isinstance(changes, dict):
            raise err(key, "expected an object keyed by UPN or client id")
        for who, change in changes.items():
            if not isinstance(change, dict) or not change:
                raise err(f"{key}.{who}", "expected an object of changes")
            for name, value in change.items():
                if name not in fields or not isinstance(value, bool):
                    raise err(f"{key}.{who}.{name}", f"expected one of {', '.join(fields)} with true or false")
    for i, rule in enumerate(data.get("faults", [])):
        try:
            parse_rule(rule, "check", 0.0)
        except FaultError as exc:
            raise err(f"faults[{i}]", str(exc)) from None
    rotate = data.get("rotateKeys")
    if rotate is not None and (not isinstance(rotate, dict) or not isinstance(rotate.get("graceSeconds"), int | float)):
        raise err("rotateKeys", 'expected {"graceSeconds": n}')
    return Scenario(data["name"], data["description"], data["expect"], data, source)


def load_file(path: Path) -> Scenario:
    try:
        data = read_json(path)
    except JsonFileError as exc:
        raise ScenarioError(str(exc)) from None
    scenario = _check(data, str(path))
    if scenario.name != path.stem:
        raise ScenarioError(f"{path}: name: '{scenario.name}' must match the file name '{path.stem}'")
    return scenario


def available(directory: Path | None = None) -> dict[str, Scenario]:
    directory = directory or scenarios_dir()
    return {s.name: s for s in (load_file(p) for p in sorted(directory.glob("*.json")))}


def find(name_or_path: str, *, files: bool = True) -> Scenario:
    """A packaged scenario by name, or (files=True, the command line) a scenario file by path."""
    path = Path(name_or_path)
    if files and path.suffix == ".json" and path.exists():
        return load_file(path)
    found = available().get(name_or_path)
    if found is None:
        raise ScenarioError(f"unknown scenario '{name_or_path}'; known: {', '.join(available())}")
    return found


@dataclass
class Scenarios:
    """Scenarios loaded in a running emulator, applied in order over the state they found."""

    state: EmulatorState
    loaded: list[Scenario] = field(default_factory=list)
    started_with: list[Scenario] = field(default_factory=list)
    _base: dict[str, Any] | None = None

    def _capture(self) -> None:
        if self._base is None:
            state = self.state
            self._base = {
                "users": dict(state.world.users),
                "apps": dict(state.world.apps),
                "skew": state.verifier.skew,
                "lifetime": state.issuer.lifetime,
                "inactivity": state.refresh_inactivity,
            }

    def load(self, scenario: Scenario, *, at_start: bool = False) -> None:
        if any(s.name == scenario.name for s in self.loaded):
            raise ScenarioError(f"scenario '{scenario.name}' is already loaded")
        self._capture()
        self.loaded.append(scenario)
        try:
            self._apply(scenario, first_time=True)
        except ScenarioError:
            # All or nothing: back to the scenarios loaded before this one.
            self.loaded.pop()
            self.state.faults.remove_scenario(scenario.name)
            self._restore()
            for other in self.loaded:
                self._apply(other, first_time=False)
            raise
        if at_start:
            self.started_with.append(scenario)

    def unload(self, name: str) -> None:
        if not any(s.name == name for s in self.loaded):
            raise ScenarioError(f"scenario '{name}' is not loaded")
        self.loaded = [s for s in self.loaded if s.name != name]
        self.started_with = [s for s in self.started_with if s.name != name]
        self.state.faults.remove_scenario(name)
        self._restore()
        for scenario in self.loaded:
            self._apply(scenario, first_time=False)

    def reset(self) -> None:
        """After a reset of the emulator: back to the scenarios it started with (their settings, not one-shot steps)."""
        self.state.faults.clear()
        self._restore()
        self.loaded = list(self.started_with)
        now = self.state.clock.now()
        for scenario in self.loaded:
            self._apply(scenario, first_time=False)
            # Faults count afresh and the clock steps again; keys are not rotated once more.
            for rule in scenario.data.get("faults", []):
                self.state.faults.add(rule, now, scenario=scenario.name)
            if scenario.data.get("advanceClock"):
                self.state.clock.advance(float(scenario.data["advanceClock"]))

    def _restore(self) -> None:
        state, base = self.state, self._base
        if base is None:
            return
        state.world.users.clear()
        state.world.users.update(base["users"])
        state.world.apps.clear()
        state.world.apps.update(base["apps"])
        state.verifier.skew = base["skew"]
        state.issuer.lifetime = base["lifetime"]
        state.refresh_inactivity = base["inactivity"]
        state.profile = state.start_profile

    def _apply(self, scenario: Scenario, *, first_time: bool) -> None:
        state, data = self.state, scenario.data
        for name in [data.get("profile"), *(step["profile"] for step in data.get("profileSchedule") or [])]:
            problem = state.profile_problem(get_profile(name)) if name else None
            if problem is not None:
                raise ScenarioError(f"{scenario.source}: profile: {problem}")
        for upn in data.get("users", {}):
            if state.world.user(upn) is None:
                raise ScenarioError(f"{scenario.source}: users.{upn}: no such user in the world")
        for client_id in data.get("apps", {}):
            if client_id.lower() not in state.world.apps:
                raise ScenarioError(f"{scenario.source}: apps.{client_id}: no such app in the world")
        if "profile" in data:
            state.set_profile(data["profile"], data.get("rolloutPercent"))
        elif "rolloutPercent" in data:
            state.set_profile(state.profile.name, data["rolloutPercent"])
        if "clockSkew" in data:
            state.verifier.skew = float(data["clockSkew"])
        if "tokenLifetime" in data:
            state.issuer.lifetime = int(data["tokenLifetime"])
        if "refreshTokenInactivity" in data:
            state.refresh_inactivity = float(data["refreshTokenInactivity"])
        for upn, change in data.get("users", {}).items():
            user: User | None = state.world.user(upn)
            if user is None:
                raise ScenarioError(f"{scenario.source}: users.{upn}: no such user in the world")
            state.world.users[upn.lower()] = dataclasses.replace(user, **{USER_FIELDS[k]: v for k, v in change.items()})
        for client_id, change in data.get("apps", {}).items():
            app: App | None = state.world.apps.get(client_id.lower())
            if app is None:
                raise ScenarioError(f"{scenario.source}: apps.{client_id}: no such app in the world")
            state.world.apps[app.client_id] = dataclasses.replace(app, **{APP_FIELDS[k]: v for k, v in change.items()})
        if first_time:
            now = state.clock.now()
            for rule in data.get("faults", []):
                state.faults.add(rule, now, scenario=scenario.name)
            if data.get("advanceClock"):
                state.clock.advance(float(data["advanceClock"]))
            if "rotateKeys" in data:
                state.keys.rotate(float(data["rotateKeys"]["graceSeconds"]))
        schedule = data.get("profileSchedule")
        if schedule:
            moment = state.clock.now()
            steps: list[tuple[float | None, Any]] = []
            for step in schedule:
                seconds = step.get("forSeconds")
                until = moment + seconds if seconds is not None else None
                steps.append((until, get_profile(step["profile"], data.get("rolloutPercent"))))
                if until is not None:
                    moment = until
            state.schedule = steps
