"""Writes of the public area: the story a center's board publishes on its public page."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from centers import access
from centers.access import Action, Actor
from centers.models import Center
from public.middleware import forget_page
from public.models import PublicProfile

STORY_MAX = 4000


@transaction.atomic
def public_story_update(*, actor: Actor, center: Center, story: str) -> PublicProfile:
    """Sets the center's public story (board members who edit the profile may write it)."""
    access.require(actor, Action.EDIT_PROFILE, center)
    story = (story or "").strip()
    if len(story) > STORY_MAX:
        raise ValidationError(_("The story may be at most %(max)s characters.") % {"max": STORY_MAX},
                              code="story_too_long")
    profile, _created = PublicProfile.objects.update_or_create(center=center, defaults={"story": story})
    transaction.on_commit(lambda: forget_page(reverse("public:center-page", kwargs={"slug": center.slug})))
    return profile
