"""Issue 7."""
