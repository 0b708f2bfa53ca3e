from django.urls import path

from reports import views_public as views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:region_code>/", views.region_results, name="region"),
    # before the period and notice patterns, which would otherwise take "data" for a period
    path("<slug:region_code>/data/<str:period_slug>.csv", views.open_data_csv_file, name="open-data-csv"),
    path("<slug:region_code>/data/<str:period_slug>.json", views.open_data_json_file, name="open-data-json"),
    path("<slug:region_code>/<str:period_slug>/", views.region_results, name="region-period"),
    path("<slug:region_code>/<str:period_slug>/<slug:unit_code>/", views.unit_notice, name="notice"),
    path("<slug:region_code>/<str:period_slug>/<slug:unit_code>/hasil-skm.pdf", views.unit_notice_pdf,
         name="notice-pdf"),
]
