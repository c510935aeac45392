from django.urls import path

from .views import board, lifecycle, supervision, tenancy

app_name = "centers"

urlpatterns = [
    path("dashboard/", tenancy.dashboard, name="dashboard"),
    path("centers/<slug:center_slug>/", tenancy.center_detail, name="center-detail"),
    path("centers/<slug:center_slug>/board/", tenancy.center_board, name="center-board"),
    *lifecycle.urlpatterns,
    *board.urlpatterns,
    *supervision.urlpatterns,
]
