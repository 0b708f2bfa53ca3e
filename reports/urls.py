from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("daerah/<slug:region_code>/", views.region_dashboard, name="region_dashboard"),
    path("daerah/<slug:region_code>/tabel/", views.region_table, name="region_table"),
    path("daerah/<slug:region_code>/saran/", views.region_suggestions, name="region_suggestions"),
    path("opd/<slug:agency_code>/", views.agency_dashboard, name="agency_dashboard"),
    path("opd/<slug:agency_code>/saran/", views.agency_suggestions, name="agency_suggestions"),
    path("unit/<slug:unit_code>/", views.unit_dashboard, name="unit_dashboard"),
    path("unit/<slug:unit_code>/saran/", views.unit_suggestions, name="unit_suggestions"),
    path("peringatan/", views.alert_settings, name="alert_settings"),
    path("saran/<int:response_id>/tema/", views.suggestion_tags_edit, name="suggestion_tags_edit"),
    path("unit/<slug:unit_code>/rtl/", views.follow_up, name="follow_up"),
    path("unit/<slug:unit_code>/rtl/<int:plan_id>/", views.follow_up_edit, name="follow_up_edit"),
]
