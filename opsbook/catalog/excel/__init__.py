"""The service checklist in Excel: the column layout, cell formats, import and export, on the
spreadsheet engine ``opsbook.core.tabular`` (safe reading, headers, problems, the pipeline).

``columns`` declares the layout and how the file is opened; ``textformats`` parses and formats
the small cell grammars (standards, KPIs, checkpoints, resources, dates); ``cells`` reads a cell
by its column's kind; ``importer`` runs the pipeline: ``collect`` (rows → drafts), ``matching``
(drafts ↔ the catalog), ``planning`` (what changes), ``writer`` (one transaction, set-wise);
``exporter`` writes the workbook and the template. See docs/users/checklist-excel.md.
"""
