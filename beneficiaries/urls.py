from .views import urlpatterns

app_name = "beneficiaries"

__all__ = ["app_name", "urlpatterns"]
