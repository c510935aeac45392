from django.urls import path

from . import views

app_name = "centers"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("centers/<slug:center_slug>/", views.center_detail, name="center-detail"),
    path("centers/<slug:center_slug>/board/", views.center_board, name="center-board"),
]
