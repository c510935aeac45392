from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("centers.urls")),
    path("", include("contributions.urls")),
    path("", include("donors.urls")),
    path("", include("beneficiaries.urls")),
    path("", include("public.urls")),
    # CSRF-exempt: cached public pages carry the language form to every visitor (public/middleware.py); the
    # worst a forged request can do is switch someone's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("payments.urls")),
    path("", include("bases.urls")),
    path("", include("community.urls")),
    path("admin/memoranda/", include("memoranda.urls")),
    path("", include("donor_portal.urls")),
    path("", include("reporting.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = core_views.page_not_found
handler500 = core_views.server_error
