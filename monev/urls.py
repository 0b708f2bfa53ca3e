from django.urls import path

from monev import views

app_name = "monev"

urlpatterns = [
    path("daerah/<slug:region_code>/", views.region, name="region"),
    path("daerah/<slug:region_code>/daftar-periksa/", views.checklist, name="checklist"),
    path("daerah/<slug:region_code>/butir/<int:item_id>/", views.item_edit, name="item_edit"),
    path("daerah/<slug:region_code>/monev-dan-ikm/", views.compare, name="compare"),
    path("daerah/<slug:region_code>/rekap-monev.xlsx", views.recap_download_xlsx, name="recap_xlsx"),
    path("daerah/<slug:region_code>/rekap-monev.pdf", views.recap_download_pdf, name="recap_pdf"),
    path("unit/<slug:unit_code>/", views.unit, name="unit"),
    path("unit/<slug:unit_code>/butir/<int:item_id>/bukti/", views.evidence_upload, name="evidence_upload"),
    path("unit/<slug:unit_code>/butir/<int:item_id>/nilai/", views.assess, name="assess"),
    path("unit/<slug:unit_code>/bukti/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("unit/<slug:unit_code>/bukti/<int:evidence_id>/hapus/", views.evidence_delete, name="evidence_delete"),
    path("media/daerah/<slug:region_code>/", views.media_region, name="media_region"),
    path("media/opd/<slug:agency_code>/", views.media_agency, name="media_agency"),
    path("media/unit/<slug:unit_code>/", views.media_unit, name="media_unit"),
    path("media/<int:medium_id>/bukti/", views.medium_file, name="medium_file"),
    path("media/<int:medium_id>/hapus/", views.medium_delete, name="medium_delete"),
    path("bukti-pekppp/daerah/<slug:region_code>/", views.evidence_pack_region, name="evidence_pack_region"),
    path("bukti-pekppp/opd/<slug:agency_code>/", views.evidence_pack_agency, name="evidence_pack_agency"),
    path("bukti-pekppp/unit/<slug:unit_code>/bukti-pekppp.pdf", views.evidence_pack_unit_pdf,
         name="evidence_pack_unit"),
]
