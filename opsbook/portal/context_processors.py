from opsbook.tickets.access import is_customer


def portal_navigation(request):
    """``nav_portal``: the menu shows the portal's links (and no staff links) to customers."""
    return {"nav_portal": is_customer(getattr(request, "user", None))}
