"""Find the factory_boy factory of any model, so generic tests (the 404 harness) cover new models unedited.

Every ``tests/<app>/factories.py`` is imported; a model without a factory makes those tests fail by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import factory


def _import_all_factory_modules() -> None:
    tests_dir = Path(__file__).parent
    for module in pkgutil.iter_modules([str(tests_dir)]):
        if module.ispkg and (tests_dir / module.name / "factories.py").exists():
            importlib.import_module(f"tests.{module.name}.factories")


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def factory_for(model: type) -> type[factory.django.DjangoModelFactory]:
    _import_all_factory_modules()
    for candidate in _all_subclasses(factory.django.DjangoModelFactory):
        if candidate._meta.model is model:
            return candidate
    raise LookupError(f"No factory for {model._meta.label}: add one to tests/{model._meta.app_label}/factories.py")
