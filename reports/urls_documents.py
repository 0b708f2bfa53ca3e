from django.urls import path

from reports import views_documents as views

app_name = "documents"

urlpatterns = [
    path("unit/<slug:unit_code>/laporan.pdf", views.laporan, name="unit-laporan"),
    path("opd/<slug:agency_code>/laporan.pdf", views.laporan, name="agency-laporan"),
    path("unit/<slug:unit_code>/evaluasi.pdf", views.evaluation, name="unit-evaluation"),
    path("opd/<slug:agency_code>/evaluasi.pdf", views.evaluation, name="agency-evaluation"),
    path("unit/<slug:unit_code>/tabel-pengolahan.xlsx", views.processing_table, name="unit-processing-table"),
    path("opd/<slug:agency_code>/tabel-pengolahan.xlsx", views.processing_table, name="agency-processing-table"),
    path("unit/<slug:unit_code>/responden.xlsx", views.responses_export, name="unit-responses-export"),
    path("opd/<slug:agency_code>/responden.xlsx", views.responses_export, name="agency-responses-export"),
    path("daerah/<slug:region_code>/rekap/", views.region_recap, name="region-recap"),
    path("daerah/<slug:region_code>/publikasi/", views.region_publication, name="region-publication"),
    path("berkas/<uuid:document_id>/", views.document_status, name="document-status"),
    path("berkas/<uuid:document_id>/unduh", views.document_download, name="document-download"),
]
