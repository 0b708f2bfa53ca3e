"""The app's URLs plus a bare view: the same middleware and server, no work in the view."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from skm.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *app_urlpatterns]
