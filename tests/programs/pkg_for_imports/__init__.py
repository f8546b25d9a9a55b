"""A package for imports_all_forms.py: relative imports, __all__, submodules."""
__all__ = ["public", "sub"]
public = "public value"
_private = "private value"
