def portal(request):
    """What every page's layout needs: the actor (for the navigation) and the language switch."""
    return {"actor": getattr(request, "actor", None)}
