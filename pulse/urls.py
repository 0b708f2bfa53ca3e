from django.urls import path

app_name = "pulse"

urlpatterns: list = []
