"""Staff logins: lockout limits per kind of count, and how long login records are kept.

django-axes counts failed logins per (username, address), per username and per address
(AXES_LOCKOUT_PARAMETERS); each count has its own limit here, so a guesser spreading over many addresses locks
the username and one address trying many usernames locks itself, while an office behind one address still has
room for its own typing errors.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def _limit(parameter) -> int:
    """The limit of one lockout parameter: "username", "ip_address", or the pair (a list)."""
    if parameter == "username":
        return settings.LOGIN_FAILURES_PER_USERNAME
    if parameter == "ip_address":
        return settings.LOGIN_FAILURES_PER_ADDRESS
    return settings.AXES_FAILURE_LIMIT


class LoginLimitsHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures as axes compares them with AXES_FAILURE_LIMIT: each count is scaled by its own limit,
        so it reaches AXES_FAILURE_LIMIT exactly when that count reaches its limit."""
        counts = [attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
                  for attempts in self.get_user_attempts(request, credentials)]
        return max((count * settings.AXES_FAILURE_LIMIT // _limit(parameter)
                    for count, parameter in zip(counts, settings.AXES_LOCKOUT_PARAMETERS, strict=True)), default=0)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A good password clears that account's failures from that address only: otherwise a valid login from
        an address would wipe the counts that lock a username attacked from there."""
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return deleted


def login_records_purge(*, now=None) -> dict[str, int]:
    """Delete successful-login records, failed-login logs and lockout counters older than
    LOGIN_RECORDS_RETENTION_DAYS; returns how many of each were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.LOGIN_RECORDS_RETENTION_DAYS)
    return {
        "logins": AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "failures": AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "lockouts": AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0],
    }
