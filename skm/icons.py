"""/favicon.ico: browsers ask for it on every page whatever the page links to."""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = "icons/favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 60 * 60, public=True)
def favicon(request):
    # Collected static files in production, the app's static folder in development.
    path = finders.find(ICON) or staticfiles_storage.path(ICON)
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
