from .views import dashboard, monthly, runs

app_name = "reporting"

urlpatterns = [
    *runs.urlpatterns,
    *monthly.urlpatterns,
    *dashboard.urlpatterns,
]
