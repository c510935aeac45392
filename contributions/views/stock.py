"""views of the stock area: arrives with its part of issue 4."""
urlpatterns = []
