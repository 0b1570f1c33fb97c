"""Compatibility shim, on the sys.path of job processes only.

Plugins written for NIST Dioptra import ``dioptra.pyplugs``,
``dioptra.sdk.api.artifact`` and ``dioptra.sdk.utilities.auth_client``; this
package gives them those modules so they run unchanged. It is never installed
globally: the job supervisor puts its parent directory first on the child's
PYTHONPATH.
"""

IS_COMPAT_SHIM = True
