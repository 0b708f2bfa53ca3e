from django.urls import path

from surveys import views_integrity, views_staff

app_name = "surveys_staff"

urlpatterns = [
    path("unit/<slug:unit_code>/kertas/", views_staff.paper_entry, name="paper_entry"),
    path("unit/<slug:unit_code>/kertas/simpan/", views_staff.paper_save, name="paper_save"),
    path("unit/<slug:unit_code>/impor/", views_staff.import_upload, name="import_upload"),
    path("unit/<slug:unit_code>/impor/konfirmasi/", views_staff.import_confirm_view, name="import_confirm"),
    path("unit/<slug:unit_code>/integritas/", views_integrity.integrity_review, name="integrity_review"),
    path("unit/<slug:unit_code>/integritas/<int:group_id>/", views_integrity.integrity_decide,
         name="integrity_decide"),
    path("unit/<slug:unit_code>/impor/templat.xlsx", views_staff.import_template, name="import_template"),
]
