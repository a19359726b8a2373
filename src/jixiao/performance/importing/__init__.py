"""The parts of ``performance.actions.imports.do_import_forms``: rows, units, comparison, writes, adjustments.

Internal to the import action; the action module is the only public entry.
"""
