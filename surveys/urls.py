from django.urls import path

from surveys import api, views

app_name = "surveys"

urlpatterns = [
    # Kiosk tablet and its API (docs/api.md).
    path("kiosk/", views.kiosk_page, name="kiosk"),
    path("kiosk/sw.js", views.kiosk_service_worker, name="kiosk_sw"),
    path("api/v1/kiosk", api.kiosk_detail, name="api_kiosk"),
    path("api/v1/responses", api.response_create, name="api_responses"),
    # Public QR survey on a citizen's phone.
    path("s/<slug:unit_code>/", views.qr_survey, name="qr"),
    path("s/<slug:unit_code>/<int:service_id>/", views.qr_survey, name="qr_service"),
    # Staff: a unit's kiosks and QR posters.
    path("staf/unit/<slug:unit_code>/kios/", views.kiosk_list, name="kiosks"),
    path("staf/unit/<slug:unit_code>/kios/<int:kiosk_id>/cabut/", views.kiosk_revoke_view, name="kiosk_revoke"),
    path("staf/unit/<slug:unit_code>/kios/<int:kiosk_id>/mode/", views.kiosk_mode_view, name="kiosk_mode"),
    path("staf/unit/<slug:unit_code>/kios/<int:kiosk_id>/bacakan/", views.kiosk_read_aloud_view,
         name="kiosk_read_aloud"),
    path("staf/unit/<slug:unit_code>/poster-qr.pdf", views.qr_poster, name="qr_poster"),
]
