"""Historical ticket import from Excel or CSV (``opsbook tickets import``), on the spreadsheet
engine ``opsbook.core.tabular``.

``columns`` declares the headers and the words accepted in each column, ``cells`` reads one
cell, ``reader`` opens the files (the engine's safety checks, ticket-sized limits), ``records``
holds one ticket as the file tells it, ``importer`` validates everything and plans, ``writer``
writes set-wise in the pipeline's one transaction.
"""
