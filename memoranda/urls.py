from .views import urlpatterns

app_name = "memoranda"

__all__ = ["app_name", "urlpatterns"]
