from .views import urlpatterns

app_name = "community"

__all__ = ["app_name", "urlpatterns"]
