"""Historical ticket import from Excel or CSV (``opsbook tickets import``).

``columns`` declares the headers and the words accepted in each column, ``cells`` reads one
cell, ``reader`` opens the files with the checklist's safety checks, ``importer`` validates
everything and plans, ``writer`` writes set-wise in one transaction.
"""
