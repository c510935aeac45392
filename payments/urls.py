from django.urls import path

from .views import donate, sandbox, trustee

app_name = "payments"

urlpatterns = [
    path("give/<slug:center_slug>/", donate.donate, name="donate"),
    path("give/<slug:center_slug>/return/<str:public_id>/", donate.callback, name="callback"),
    path("give/<slug:center_slug>/payments/<str:public_id>/", donate.result, name="result"),
    path("centers/<slug:center_slug>/payments/", trustee.center_payments, name="center-payments"),
    path("sandbox-bank/api/<slug:operation>", sandbox.api, name="sandbox-api"),
    path("sandbox-bank/pay/<str:authority>/", sandbox.pay, name="sandbox-pay"),
]
