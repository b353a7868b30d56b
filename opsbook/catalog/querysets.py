from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Q


def _related(queryset: models.QuerySet, name: str) -> type[models.Model]:
    """The model at the other end of the relation ``name`` (the models module imports this
    one, so it cannot be imported here)."""
    model = queryset.model._meta.get_field(name).related_model
    if not isinstance(model, type):
        raise TypeError(f"{name} is not a relation to a model")
    return model


class CategoryQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)


class ItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="active")

    def not_retired(self):
        return self.exclude(status="retired")

    def owned_by(self, user):
        """Items the user owns, directly or through their team, at item or content level."""
        ownership = _related(self, "ownerships")
        match = Q(user=user)
        if getattr(user, "team_id", None):
            match |= Q(team_id=user.team_id)
        return self.filter(Exists(ownership._default_manager.filter(match, item=OuterRef("pk"))))

    def due_for_review(self, today: date):
        return self.filter(next_review_date__lte=today).not_retired()

    def in_category(self, category):
        """Items in ``category`` or any category below it."""
        category_model = _related(self, "category")
        ids, frontier = {category.pk}, [category.pk]
        while frontier:
            frontier = list(
                category_model._default_manager.filter(parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
            ids.update(frontier)
        return self.filter(category_id__in=ids)

    def search(self, text: str):
        """Items whose code, name or description, or one of whose content's code or name,
        contains ``text``. An EXISTS subquery rather than a join keeps rows unique without a
        DISTINCT, so counting a page stays a plain COUNT(*)."""
        text = text.strip()
        if not text:
            return self
        content_model = _related(self, "contents")
        in_content = Exists(
            content_model._default_manager.filter(
                Q(name__icontains=text) | Q(code__icontains=text), item=OuterRef("pk")
            )
        )
        return self.filter(
            Q(code__icontains=text)
            | Q(name__icontains=text)
            | Q(description__icontains=text)
            | in_content
        )


class ContentQuerySet(models.QuerySet):
    def not_retired(self):
        return self.exclude(status="retired")
