"""``{% household_loans_and_plans %}``: a household's loans and plans on its file, for the roles that may see
them (``templates/beneficiaries/loans/_household_links.html`` is the one line a page includes)."""

from django import template

register = template.Library()


@register.inclusion_tag("beneficiaries/loans/_household_links_body.html", takes_context=True)
def household_loans_and_plans(context):
    from beneficiaries.views.loans import household_links

    request = context.get("request")
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"loans": None, "plans": None}
    return household_links(actor, context["center"], context["household"])
