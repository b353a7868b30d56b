from opsbook.accounts.access import can_manage_catalog, can_manage_people, is_staff_member


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_staff": is_staff_member(user),
        "nav_manage_catalog": can_manage_catalog(user),
        "nav_people": can_manage_people(user),
    }
