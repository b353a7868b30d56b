"""Staff ticket pages, one module per page: the list (``listing``), saved filters
(``saved_filters``), bulk actions (``bulk``), one ticket (``detail``) and what is done on it
(``actions``), a new ticket (``new``), attachment downloads (``attachments``) and the
autocomplete fragments (``autocomplete``). Thin: reads through ``access``, writes through
``services``, what a page shows through ``presenters``.

Customer contacts have the portal; here every page is a 404 for them (nothing about a
ticket's existence leaks), and anonymous visitors are sent to the login page. htmx requests get
a partial of the same template.
"""
