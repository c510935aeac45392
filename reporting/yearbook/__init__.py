"""The statistical yearbook (issue 7, point 6): content, rendering in parts by separate tasks, and the merge."""
