"""Voice profiles shipped with xiaoya-podcast (TOML data files, one per engine).

A show can override or extend them with files of the same name in its own ``voices/``.
"""
