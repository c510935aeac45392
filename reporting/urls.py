from .views import monthly, runs

app_name = "reporting"

urlpatterns = [
    *runs.urlpatterns,
    *monthly.urlpatterns,
]
