"""Packaging: which packages the wheel holds, and the default knowledge/ inside the package.

Everything else (name, dependencies, the ``runclub-bot`` script) is in pyproject.toml.
The repository keeps knowledge/ at its top, where club admins edit it; here it is mapped to
``bot/knowledge/`` in the wheel (package data: the YAML files only), so an installed bot
finds its default knowledge beside its code, wherever it is started. A source checkout and
an editable install read knowledge/ itself: see bot/core/knowledge/model.py.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["bot", "bot.*"], exclude=["*.__pycache__"]),
        "bot.knowledge",
    ],
    package_dir={"bot.knowledge": "knowledge"},
    package_data={"bot.knowledge": ["*.yaml"], "bot.store.migrations": ["*/*.sql"]},
)
