from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
