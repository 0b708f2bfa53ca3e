from django.urls import path

from reports import views_public as views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:region_code>/", views.region_results, name="region"),
    path("<slug:region_code>/<str:period_slug>/", views.region_results, name="region-period"),
    path("<slug:region_code>/<str:period_slug>/<slug:unit_code>/", views.unit_notice, name="notice"),
    path("<slug:region_code>/<str:period_slug>/<slug:unit_code>/hasil-skm.pdf", views.unit_notice_pdf,
         name="notice-pdf"),
]
