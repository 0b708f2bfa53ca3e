from django.urls import path

from pulse import api

app_name = "pulse_api"

urlpatterns = [
    path("api/v1/pulse", api.pulse_create, name="create"),
    path("api/v1/pulse/board", api.pulse_board, name="board"),
]
