"""The partner's insider programs and its users' notification preferences over HTTP (no documentation page: the
partnercenterservices SDK's operations and models; emulator.partner.models.preferences says what is inferred)."""

from __future__ import annotations

from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import read_body
from emulator.partner.models.base import Doc
from emulator.partner.models.errors import InvalidInput
from emulator.partner.models.preferences import area_of, channel_of
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import devices as d
from emulator.state import EmulatorState
from emulator.world import User


def program_document(program: Doc) -> d.InsiderProgram:
    return d.InsiderProgram(id=program["id"], name=program["name"], enrollment_status=program["enrollmentStatus"])


def preference_document(found: Doc) -> d.NotificationPreference:
    return d.NotificationPreference(
        notification_area=found["notificationArea"],
        locale=found["locale"],
        communication_preferences=[
            d.CommunicationPreference(
                channel=p["channel"],
                endpoint=p.get("endpoint", UNSET),
                status=p["status"],
                feature_preferences=p.get("featurePreferences", UNSET),
            )
            for p in found["communicationPreferences"]
        ],
    )


async def get_insider_program(state: EmulatorState, request: Request) -> Response:
    return JSON(program_document(state.models.preferences.flight()))


async def update_insider_program(state: EmulatorState, request: Request) -> Response:
    spec = await read_body(request, d.InsiderProgramIn)
    return JSON(program_document(state.models.preferences.enroll(spec)))


def _path(state: EmulatorState, request: Request) -> tuple[User, str, str]:
    params = request.path_params
    model = state.models.preferences
    user = model.user(params["user_id"])
    area = area_of(params["notificationArea"])
    if area == "none":
        raise InvalidInput("notification preferences are kept for ratedUsage and serviceHealth, not for none.")
    return user, area, channel_of(params["channelType"])


async def get_notification_preference(state: EmulatorState, request: Request) -> Response:
    user, area, channel = _path(state, request)
    found = state.models.preferences.of_channel(user, area, channel)
    return JSON(preference_document(found))


async def update_notification_preference(state: EmulatorState, request: Request) -> Response:
    user, area, channel = _path(state, request)
    spec = await read_body(request, d.CommunicationPreferenceIn)
    answer = state.models.preferences.set(user, area, channel, spec)
    return JSON([preference_document(found) for found in answer])
