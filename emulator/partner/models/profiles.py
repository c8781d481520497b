"""The partner's own profiles (read-only): organization, billing, legal business, support, MPN and MPN lookup."""

from __future__ import annotations

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import InvalidInput, PartnerNotFound, UnparsableEnum

VETTING_VERSIONS = ("current", "lastfinalized")


class Profiles(Model):
    def get(self, name: str) -> Doc:
        """organization, billing, legalbusiness, support or mpn."""
        return self.world.profiles[name]

    def legal_business(self, vetting_version: str | None) -> Doc:
        if vetting_version is not None and vetting_version.strip().lower() not in VETTING_VERSIONS:
            raise UnparsableEnum(f"'{vetting_version[:32]}' is not a vetting version (Current, LastFinalized).")
        return self.world.profiles["legalbusiness"]

    def mpn(self, mpn_id: str | None) -> Doc:
        """The partner's own MPN profile, or another partner's by MPN id."""
        if mpn_id is None:
            return self.world.profiles["mpn"]
        if not mpn_id.strip().isdigit():
            raise InvalidInput(f"'mpnId' must be a number, got '{mpn_id[:32]}'.")
        found = self.world.mpn_directory.get(mpn_id.strip())
        if found is None:
            raise PartnerNotFound(mpn_id.strip())
        return found
