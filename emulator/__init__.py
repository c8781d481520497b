"""Partner Center Emulator: Partner Center's REST API and Entra ID sign-in, offline, with real MFA rules."""

__version__ = "0.1.0"
