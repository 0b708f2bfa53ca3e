from django.urls import path

from reports import views, views_coverage, views_third_party

app_name = "reports"

urlpatterns = [
    path("daerah/<slug:region_code>/", views.region_dashboard, name="region_dashboard"),
    path("daerah/<slug:region_code>/tabel/", views.region_table, name="region_table"),
    path("daerah/<slug:region_code>/rincian/", views.region_details, name="region_details"),
    path("daerah/<slug:region_code>/saran/", views.region_suggestions, name="region_suggestions"),
    path("daerah/<slug:region_code>/cakupan/", views_coverage.coverage, name="region_coverage"),
    path("daerah/<slug:region_code>/cakupan/xlsx/", views_coverage.coverage_xlsx, name="region_coverage_xlsx"),
    path("daerah/<slug:region_code>/cakupan/pengingat/", views_coverage.coverage_remind,
         name="region_coverage_remind"),
    path("opd/<slug:agency_code>/", views.agency_dashboard, name="agency_dashboard"),
    path("opd/<slug:agency_code>/saran/", views.agency_suggestions, name="agency_suggestions"),
    path("opd/<slug:agency_code>/cakupan/", views_coverage.coverage, name="agency_coverage"),
    path("opd/<slug:agency_code>/cakupan/xlsx/", views_coverage.coverage_xlsx, name="agency_coverage_xlsx"),
    path("opd/<slug:agency_code>/cakupan/pengingat/", views_coverage.coverage_remind, name="agency_coverage_remind"),
    path("unit/<slug:unit_code>/", views.unit_dashboard, name="unit_dashboard"),
    path("unit/<slug:unit_code>/saran/", views.unit_suggestions, name="unit_suggestions"),
    path("peringatan/", views.alert_settings, name="alert_settings"),
    path("saran/<int:response_id>/tema/", views.suggestion_tags_edit, name="suggestion_tags_edit"),
    path("unit/<slug:unit_code>/rtl/", views.follow_up, name="follow_up"),
    path("unit/<slug:unit_code>/rtl/<int:plan_id>/", views.follow_up_edit, name="follow_up_edit"),
    path("unit/<slug:unit_code>/rtl/<int:plan_id>/bukti/", views.follow_up_evidence, name="follow_up_evidence"),
    path("unit/<slug:unit_code>/pihak-ketiga/", views_third_party.third_party_list, name="third_party_list"),
    path("unit/<slug:unit_code>/pihak-ketiga/<int:result_id>/", views_third_party.third_party_detail,
         name="third_party_detail"),
    path("unit/<slug:unit_code>/pihak-ketiga/<int:result_id>/keputusan/", views_third_party.third_party_decide,
         name="third_party_decide"),
    path("unit/<slug:unit_code>/pihak-ketiga/<int:result_id>/tarik/", views_third_party.third_party_withdraw,
         name="third_party_withdraw"),
    path("unit/<slug:unit_code>/pihak-ketiga/<int:result_id>/laporan.pdf", views_third_party.third_party_report,
         name="third_party_report"),
]
