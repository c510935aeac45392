from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import validate_mobile, validate_national_code


class User(AbstractUser):
    """A person who signs in: a trustee, a supervisor or a national administrator.

    What a user may do comes from data (``TrusteeAppointment``, ``SupervisorAssignment``), never from
    groups typed by hand. Donors do not get a User: they sign in by SMS code on their own pages.
    """

    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    # Needed on appointment letters; stored normalised (10 ASCII digits), unique when given.
    national_code = models.CharField(_("national code"), max_length=10, null=True, blank=True, unique=True,
                                     validators=[validate_national_code])
    birth_date = models.DateField(_("birth date"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username
