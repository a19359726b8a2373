"""State changes of the performance app, one module per subject: every public function is a
``do_<verb>_<noun>()`` action (atomic, keyword-only ``acting_user``, audited, side effects on commit)."""
