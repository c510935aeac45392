"""admin of the gifts area: arrives with its part of issue 4."""
