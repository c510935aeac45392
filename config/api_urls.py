"""Every API endpoint, under /api/v1/. Each app registers its viewsets on the one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, ObtainTokenView
from bases import api as bases_api
from beneficiaries import api as beneficiaries_api
from centers import api as centers_api
from community import api as community_api
from contributions import api as contributions_api
from donors import api as donors_api
from memoranda import api as memoranda_api
from payments import api as payments_api
from reporting import api as reporting_api

router = DefaultRouter()
centers_api.register(router)
contributions_api.register(router)
donors_api.register(router)
beneficiaries_api.register(router)
payments_api.register(router)
bases_api.register(router)
community_api.register(router)
memoranda_api.register(router)
reporting_api.register(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
