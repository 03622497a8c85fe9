"""Strict readers for settings that come from the environment.

A value that is present but malformed always raises ``ImproperlyConfigured``:
a typo in ``DEBUG=ture`` must stop the process, not quietly mean "off".
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_MISSING = object()


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool | object = _MISSING) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return bool(default)
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use one of {sorted(_TRUE | _FALSE)}.")


def env_int(name: str, default: int | object = _MISSING, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return int(default)  # type: ignore[arg-type]
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    return number


def env_list(name: str, default: list[str] | object = _MISSING) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return list(default)  # type: ignore[call-overload]
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, *, choices: tuple[str, ...], default: str | object = _MISSING) -> str:
    value = env_str(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def env_secret(name: str, *, debug: bool, dev_file: os.PathLike | str) -> str:
    """A secret that production must provide; development gets a generated one.

    The generated key is kept in ``dev_file`` so that sessions survive a restart
    and several local processes (server and worker) agree on it.
    """
    value = os.environ.get(name)
    if value:
        if not debug and len(value) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters in production.")
        return value
    if not debug:
        raise ImproperlyConfigured(f"{name} is required when DEBUG is off.")
    from pathlib import Path

    from django.core.management.utils import get_random_secret_key

    path = Path(dev_file)
    if path.exists():
        return path.read_text().strip()
    key = get_random_secret_key()
    path.write_text(key)
    path.chmod(0o600)
    return key
