"""The one thing pyproject.toml cannot declare stably: the C extensions (the copies stage's
loops, and the records' slot setter).

pip compiles them on install (gcc and Python's headers needed); `scripts/setup.sh` reinstalls,
so run it again after editing a `.c` file.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("storyline._records", ["src/storyline/_records.c"]),
        Extension("storyline.copies._kernels", ["src/storyline/copies/_kernels.c"]),
    ]
)
