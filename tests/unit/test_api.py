"""The public surface: every name of ``openbmd.__all__`` imports from the root and from openbmd.api,
is documented, and the two lists agree."""
import importlib

import pytest

import openbmd
from openbmd import api


def test_root_and_api_list_the_same_names():
    assert sorted(openbmd.__all__) == sorted(api.__all__)
    assert len(set(api.__all__)) == len(api.__all__)
    assert 20 <= len(api.__all__) <= 40  # "learnable in a page"


@pytest.mark.parametrize("name", sorted(api.__all__))
def test_name_imports_from_the_root_and_is_documented(name):
    obj = getattr(openbmd, name)
    assert obj is getattr(api, name)
    doc = (obj.__doc__ or "").strip()
    assert doc and len(doc.split()) >= 4, f"{name} has no docstring"


def test_star_import_gives_every_name():
    ns = {}
    exec("from openbmd import *", ns)
    assert set(openbmd.__all__) <= set(ns)


def test_unknown_root_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        openbmd.no_such_name


def test_importing_the_root_does_not_load_the_api():
    # `import openbmd` stays light (the command line imports it on every call): a fresh interpreter
    import subprocess
    import sys

    code = "import sys, openbmd; print('openbmd.api' in sys.modules, 'numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_catalog_helpers_agree_with_their_getters():
    mid = api.missile_ids()[0]
    assert api.get_missile(mid).id == mid
    aid = api.architecture_ids()[0]
    assert api.resolve(aid).arch.id == api.resolve(api.get_architecture(aid)).arch.id == aid
    assert importlib.import_module("openbmd.api") is api
