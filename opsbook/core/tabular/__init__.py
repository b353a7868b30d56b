"""The spreadsheet engine every import and export uses.

``files``: safe file checks (size, encrypted workbooks, zip and XML bombs, far cells);
``reading``: rows of an .xlsx (python-calamine) or a CSV (UTF-8 or GBK, decoded as read);
``headers``: columns, header synonyms and the header row; ``cells``: cell text and parsers;
``problems``: problems located by sheet, row and column; ``pipeline``: header → rows → plan →
write in one transaction, with dry runs; ``bulk``: set-wise inserts and updates (COPY on
PostgreSQL); ``xlsx``: formula-safe workbooks. No models, no domain imports: a domain declares
its columns, its plan and its write (see ``opsbook/tickets/excel/importer.py``).
"""
