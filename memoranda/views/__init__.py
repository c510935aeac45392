"""The supervisors' overview of memoranda, served inside the admin site (``/admin/memoranda/overview/``)."""

from . import memoranda

urlpatterns = [*memoranda.urlpatterns]
