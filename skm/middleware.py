import logging

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from skm import replica

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Screens are in Indonesian unless the user picked English with the language switch (its cookie).

    A browser's own Accept-Language does not count there: many staff browsers say English while the users
    expect the Indonesian screens, as the kiosk page does. The kiosk API still follows Accept-Language,
    because the kiosk sends the language it shows.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ReplicaReadsMiddleware:
    """With a read replica: each request's report reads choose their database once (skm/replica.py), and a
    staff member's write is remembered in a signed cookie, so that their next pages show it from any app server."""

    def __init__(self, get_response):
        if not replica.configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        window = settings.REPLICA_WRITE_WINDOW_SECONDS
        wrote = request.get_signed_cookie(replica.WROTE_COOKIE, None, salt=replica.WROTE_SALT, max_age=window)
        with replica.request_reading(replica.lsn_number(wrote)):
            response = self.get_response(request)
        if request.method == "POST" and response.status_code < 400 and request.user.is_authenticated:
            position = replica.primary_lsn()
            if position:
                response.set_signed_cookie(replica.WROTE_COOKIE, position, salt=replica.WROTE_SALT, max_age=window,
                                           secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response


class PrivateStaffPagesMiddleware:
    """Every page a signed-in staff member gets (citizens' suggestions, raw exports, generated documents) is
    `Cache-Control: private, no-store`: no shared proxy or browser cache keeps a copy on an office computer.
    A view that chose its own caching keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class ApiDatabaseUnavailableMiddleware:
    """While the database is unreachable the JSON APIs answer 503 JSON with Retry-After, never an HTML error
    page: a kiosk keeps the answer in its queue and sends it again later (docs/api.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path_info.startswith("/api/") or not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable for %s: %s", request.path_info, exception)
        response = JsonResponse({"detail": _("Server sedang tidak dapat menyimpan; jawaban disimpan di perangkat "
                                             "dan dikirim ulang otomatis.")}, status=503)
        response["Retry-After"] = str(settings.API_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


class RegionTimeZoneMiddleware:
    """Staff screens are in the time zone of the staff member's region (WIB, WITA or WIT): "hari ini", the
    current period and every date shown. Everyone else sees settings.TIME_ZONE; public pages and documents
    set their region's zone themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from agencies.zones import staff_zone

        found = staff_zone(request.user)
        if found is None:
            timezone.deactivate()
        else:
            timezone.activate(found)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
