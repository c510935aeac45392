"""``{% may actor "action" obj as name %}``: the access module's answer in a template, so a link is shown
only to those the page behind it lets in (``centers.access.may``; the page still asks on its own)."""

from django import template

from centers import access

register = template.Library()


@register.simple_tag
def may(actor, action, obj) -> bool:
    """False for a missing actor or object and for an action the access module does not know."""
    if actor is None or obj is None or action not in access.Action._value2member_map_:
        return False
    return access.may(actor, access.Action(action), obj)
