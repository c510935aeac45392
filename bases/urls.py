from .views import urlpatterns

app_name = "bases"

__all__ = ["app_name", "urlpatterns"]
