"""Calendar pages. Thin: fetch through ``access``, write through ``services``; templates get
``can_edit`` and never check roles.

* ``pages``: the list, one calendar, editing a calendar and its weekly hours;
* ``exceptions``: holidays, make-up workdays, special hours and covered years;
* ``files``: the .ics export and the notice import wizard;
* ``common``: the permission decorators and saving a form through a service.
"""
