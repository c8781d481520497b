"""Typed wire shapes of Partner Center: responses (`resources`) and request bodies (`requests`)."""
