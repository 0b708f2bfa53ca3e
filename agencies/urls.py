from django.urls import path

from agencies import views

app_name = "agencies"

# The same screens serve a region (region admins) and an agency with the agencies below it (agency admins).
_scoped = [
    ("", views.manage, "manage"),
    ("unit/tambah/", views.unit_create, "unit_create"),
    ("staf/", views.staff, "staff"),
    ("staf/<int:role_id>/cabut/", views.role_revoke, "role_revoke"),
    ("staf/<int:role_id>/sandi/", views.staff_password, "staff_password"),
    ("kios/", views.kiosks, "kiosks"),
    ("isian-berulang/", views.repeats, "repeats"),
    ("isian-berulang/<int:response_id>/", views.repeat_toggle, "repeat_toggle"),
]

urlpatterns = [
    *[path(f"daerah/<slug:region_code>/{route}", view, name=f"region_{name}") for route, view, name in _scoped],
    *[path(f"opd/<slug:agency_code>/{route}", view, name=f"agency_{name}") for route, view, name in _scoped],
    path("daerah/<slug:region_code>/audit/", views.audit_log, name="region_audit"),
    path("unit/<slug:unit_code>/", views.unit_edit, name="unit_edit"),
    path("unit/<slug:unit_code>/layanan/", views.unit_services, name="unit_services"),
    path("unit/<slug:unit_code>/layanan/<int:service_id>/", views.service_edit, name="service_edit"),
    path("unit/<slug:unit_code>/populasi/", views.unit_population, name="unit_population"),
]
