"""Checklist pages. Thin: fetch through access, check permissions there, write through services.

* ``tree``: the filtered, paged tree and bulk edits;
* ``items``: one item's page, editing and retiring items and content, the frequency hint;
* ``categories``: the category tree;
* ``spreadsheets``: export, template and the import wizard;
* ``common``: permission decorators, the htmx partial, service errors on forms.

htmx requests get a partial of the same template (``template#partial``), never a second template.
"""
