"""`manage.py check --deploy` fails while a credential published for the demo still works on this install."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


def demo_credentials_active() -> list[str]:
    """What of the README's demo credentials would let someone in here: active demo kiosk tokens and active
    users whose password is the demo password."""
    from agencies import demo
    from pulse.demo import PULSE_TOKEN
    from surveys.models import Kiosk

    found = [f"kiosk token {token!r}" for token in (demo.KIOSK_TOKEN, PULSE_TOKEN)
             if (kiosk := Kiosk.for_token(token)) is not None and not kiosk.is_revoked]
    # Every active account is tried, not only the demo names: staff copy the README's password too.
    found += [f"user {user.username!r} has the demo password"
              for user in get_user_model().objects.filter(is_active=True).only("username", "password")
              if check_password(demo.PASSWORD, user.password)]  # no setter: a check never writes
    return found


@register(Tags.security, deploy=True)
def demo_credentials_check(app_configs, **kwargs):
    try:
        found = demo_credentials_active()
    except DatabaseError as error:  # no database yet (e.g. a build step): say so instead of failing
        return [Warning(f"The demo credentials could not be checked: the database is not available ({error}).",
                        id="skm.W001")]
    if not found:
        return []
    return [Error("Demo credentials published in the README are active: " + "; ".join(found) + ".",
                  hint="Revoke the demo kiosks and set new passwords (Django admin), or run the demo on a "
                       "development install only.", id="skm.E001")]
