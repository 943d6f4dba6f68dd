from django.urls import URLPattern

app_name = "testbroker"

urlpatterns: list[URLPattern] = []
