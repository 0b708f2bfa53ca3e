from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("daerah/<slug:region_code>/", views.campaign_list, name="region_list"),
    path("daerah/<slug:region_code>/baru/", views.campaign_create, name="create"),
    path("daerah/<slug:region_code>/<int:campaign_id>/ubah/", views.campaign_edit, name="edit"),
]
