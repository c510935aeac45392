from .views import gifts, pledges, receipts, stock

app_name = "contributions"

urlpatterns = [*gifts.urlpatterns, *stock.urlpatterns, *pledges.urlpatterns, *receipts.urlpatterns]
