"""Actions of the web application's own records (reminders of the 待办 inbox)."""
