from django.urls import path

from pulse import views

app_name = "pulse"

urlpatterns = [
    path("unit/<slug:unit_code>/", views.board, name="board"),
    path("daerah/<slug:region_code>/", views.region, name="region"),
    path("unit/<slug:unit_code>/layar/", views.wall_staff, name="wall_staff"),
    path("unit/<slug:unit_code>/layar/hitungan.json", views.wall_counts, name="wall_counts"),
    # The waiting room's TV: authenticated by a kiosk token in the link's fragment, not by a staff login.
    path("layar/", views.wall, name="wall"),
]
