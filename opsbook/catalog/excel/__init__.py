"""The service checklist in Excel: the column layout, cell formats, reading, import and export.

``columns`` declares the layout once; ``textformats`` parses and formats the small cell grammars
(standards, KPIs, checkpoints, resources, dates); ``reader`` turns an uploaded file into rows
safely; ``importer`` validates and writes; ``exporter`` writes the workbook and the template.
See docs/users/checklist-excel.md.
"""
