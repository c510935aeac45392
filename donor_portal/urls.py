from django.urls import path

from . import views

app_name = "donor_portal"

urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("my/login/", views.login, name="login"),
    path("my/login/code/", views.login_code, name="login-code"),
    path("my/logout/", views.logout, name="logout"),
    path("my/gifts/", views.gift_list, name="gift-list"),
    path("my/receipts/<int:donor_receipt_id>/pdf/", views.receipt_download, name="receipt-pdf"),
    path("my/pledges/", views.pledge_list, name="pledge-list"),
    path("my/pledges/<int:donor_pledge_id>/", views.pledge_detail, name="pledge-detail"),
    path("my/pledges/<int:donor_pledge_id>/pause/", views.pledge_pause, name="pledge-pause"),
    path("my/pledges/<int:donor_pledge_id>/resume/", views.pledge_resume, name="pledge-resume"),
    path("my/pledges/<int:donor_pledge_id>/cancel/", views.pledge_cancel, name="pledge-cancel"),
    path("my/statement/", views.statement, name="statement"),
    path("my/impact/", views.impact, name="impact"),
    path("my/preferences/", views.preferences, name="preferences"),
]
