"""``dioptra.pyplugs``: register plugin functions and find them again.

``@register`` (bare, ``@register()`` or ``@register(sort_value=n)``) records a
function at import time under ``package → plugin (module) → function name``,
where package and plugin come from ``func.__module__.rpartition(".")``: the
function ``f`` of module ``p.x`` is ``("p", "x", "f")``. It returns the function
unchanged.

:func:`get` and :func:`call` import the module on first use. The engine refers
to a task by one dotted id and uses :func:`get_task`, which splits the id with
``rsplit(".", 2)``: ``a.b.c`` → ``("a", "b", "c")``, ``a.b`` → ``("", "a", "b")``,
``p.sub.mod.f`` → ``("p.sub", "mod", "f")``.
"""

import functools
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class UnknownPackageError(Exception):
    pass


class UnknownPluginError(Exception):
    pass


class UnknownPluginFunctionError(Exception):
    pass


@dataclass
class PluginInfo:
    package_name: str
    plugin_name: str
    func_name: str
    func: Callable[..., Any]
    description: str
    doc: str
    module_doc: str
    sort_value: float


_PLUGINS: dict[str, dict[str, dict[str, PluginInfo]]] = {}


def register(func: Callable[..., Any] | None = None, *, sort_value: float = 0) -> Any:
    """Decorator registering a plugin function (classes work too)."""
    if func is None:
        return functools.partial(register, sort_value=sort_value)
    package, _, plugin = func.__module__.rpartition(".")
    doc = inspect.getdoc(func) or ""
    description, _, rest = doc.partition("\n\n")
    module = sys.modules.get(func.__module__)
    _PLUGINS.setdefault(package, {}).setdefault(plugin, {})[func.__name__] = PluginInfo(
        package_name=package,
        plugin_name=plugin,
        func_name=func.__name__,
        func=func,
        description=description.strip(),
        doc=rest.strip(),
        module_doc=(getattr(module, "__doc__", None) or "").strip(),
        sort_value=sort_value,
    )
    return func


def _module_name(package: str, plugin: str) -> str:
    return f"{package}.{plugin}" if package else plugin


def _import(package: str, plugin: str) -> None:
    if plugin in _PLUGINS.get(package, {}):
        return
    module = _module_name(package, plugin)
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # Only the plugin module itself missing is "unknown"; a missing import
        # inside the plugin (a third-party package) propagates as it is.
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise UnknownPluginError(
                f"Could not find any plug-in named {plugin!r} inside {package!r}: "
                f"no module {module!r}"
            ) from None
        raise


def _functions(package: str, plugin: str) -> dict[str, PluginInfo]:
    _import(package, plugin)
    functions = _PLUGINS.get(package, {}).get(plugin)
    if not functions:
        raise UnknownPluginError(
            f"Could not find any plug-in named {plugin!r} inside {package!r}. "
            "Are you sure its functions are decorated with @pyplugs.register?"
        )
    return functions


def funcs(package: str, plugin: str) -> list[str]:
    """The plugin's function names, ordered by sort value then registration."""
    functions = _functions(package, plugin)
    return [name for name, _ in sorted(functions.items(), key=lambda item: item[1].sort_value)]


def info(package: str, plugin: str, func: str | None = None) -> PluginInfo:
    functions = _functions(package, plugin)
    name = func if func is not None else funcs(package, plugin)[0]
    if name not in functions:
        raise UnknownPluginFunctionError(
            f"Could not find the function {name!r} in {_module_name(package, plugin)!r}. "
            f"Registered functions: {', '.join(functions)}"
        )
    return functions[name]


def get(package: str, plugin: str, func: str | None = None) -> Callable[..., Any]:
    return info(package, plugin, func).func


def call(package: str, plugin: str, func: str | None = None, *args: Any, **kwargs: Any) -> Any:
    return get(package, plugin, func)(*args, **kwargs)


def exists(package: str, plugin: str) -> bool:
    try:
        _import(package, plugin)
    except UnknownPluginError:
        return False
    return plugin in _PLUGINS.get(package, {})


def names(package: str) -> list[str]:
    """Plugins (modules) of a package that register something."""
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError:
        raise UnknownPackageError(f"Package {package!r} does not exist") from None
    for found in pkgutil.iter_modules(getattr(module, "__path__", [])):
        importlib.import_module(f"{package}.{found.name}")
    return sorted(_PLUGINS.get(package, {}))


def names_factory(package: str) -> Callable[[], list[str]]:
    return functools.partial(names, package)


def funcs_factory(package: str) -> Callable[[str], list[str]]:
    return functools.partial(funcs, package)


def info_factory(package: str) -> Callable[..., PluginInfo]:
    return functools.partial(info, package)


def exists_factory(package: str) -> Callable[[str], bool]:
    return functools.partial(exists, package)


def get_factory(package: str) -> Callable[..., Callable[..., Any]]:
    return functools.partial(get, package)


def call_factory(package: str) -> Callable[..., Any]:
    return functools.partial(call, package)


def split_task_id(task_id: str) -> tuple[str, str, str]:
    """A dotted task id as (package, plugin module, function)."""
    parts = task_id.rsplit(".", 2)
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    raise UnknownPluginError(f"Not a plugin function id (package.module.function): {task_id!r}")


def get_task(task_id: str) -> Callable[..., Any]:
    return get(*split_task_id(task_id))


def call_task(task_id: str, *args: Any, **kwargs: Any) -> Any:
    return get_task(task_id)(*args, **kwargs)
