"""The built-in sector plugins. Each registers through the ``tousu.sectors`` entry-point
group in pyproject.toml, exactly as a third-party sector package would."""
