"""The category tree: list, create, edit."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import access, services
from ..forms import CategoryForm
from .common import add_errors, manager_required


@manager_required
def categories(request):
    tree = access.category_tree_for_user(request.user)
    form = CategoryForm(request.POST or None, categories=tree)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.do_create_category(request.user, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Category %(name)s was created.") % {"name": category})
            return redirect("catalog:categories")
    return render(request, "catalog/categories.html", {"categories": tree, "form": form})


@manager_required
def category_edit(request, pk):
    found = access.get_category_for_user(request.user, pk)
    tree = access.category_tree_for_user(request.user)
    category = next(c for c in tree if c.pk == found.pk)
    form = CategoryForm(request.POST or None, instance=copy.copy(category), categories=tree)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_category(request.user, category, **form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Category %(name)s was saved.") % {"name": category})
            return redirect("catalog:categories")
    return render(request, "catalog/category_form.html", {"category": category, "form": form})
