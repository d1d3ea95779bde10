"""The one thing pyproject.toml cannot declare stably: the C loops of the copies stage.

pip compiles them on install (gcc and Python's headers needed); `scripts/setup.sh` reinstalls,
so run it again after editing `_kernels.c`.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("storyline.copies._kernels", ["src/storyline/copies/_kernels.c"])])
