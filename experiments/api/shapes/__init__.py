"""The JSON shape of every resource, each defined once.

A resource's module pairs its shape function with the queryset helper that
loads everything the shape reads, so a list costs the same few queries
whatever its length.
"""
