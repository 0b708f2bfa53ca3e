"""The project's metadata is in pyproject.toml. This adds the checkout's templates, static files and
translations (with compiled .mo files when `make messages` made them) to the installed `skm` package,
so `pip install .` outside the checkout carries everything the settings look for."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHARED_DIRS = ("templates", "static", "locale")


class BuildWithSharedFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for name in SHARED_DIRS:
            shutil.copytree(Path(name), Path(self.build_lib, "skm", name), dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithSharedFiles})
